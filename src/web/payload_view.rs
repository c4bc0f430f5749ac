//! A journal entry's request or response as the detail page shows it: XML and JSON
//! indented, and every secret masked — the text of an XML element, the value of a JSON key
//! or of a `key=value` pair whose name holds "password".

use quick_xml::events::{BytesText, Event};
use quick_xml::{Reader, Writer};

/// What stands for a masked secret.
pub const MASK: &str = "********";

/// `body` indented when it is XML or JSON, with its secrets masked.
pub fn shown(body: &str) -> String {
    let trimmed = body.trim_start();
    if trimmed.starts_with('<') {
        if let Some(xml) = xml(trimmed) {
            return xml;
        }
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if let Ok(mut v) = serde_json::from_str::<serde_json::Value>(trimmed) {
            mask_json(&mut v);
            return serde_json::to_string_pretty(&v).unwrap_or_default();
        }
    }
    pairs(body)
}

fn secret(name: &[u8]) -> bool {
    String::from_utf8_lossy(name)
        .to_ascii_lowercase()
        .contains("password")
}

/// Re-indented XML with the text of secret elements masked; `None` if it does not parse.
fn xml(body: &str) -> Option<String> {
    let mut reader = Reader::from_str(body);
    reader.config_mut().trim_text(true);
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    let mut inside_secret = 0usize;
    loop {
        let event = reader.read_event().ok()?;
        match &event {
            Event::Eof => break,
            Event::Start(e) if secret(e.local_name().as_ref()) => inside_secret += 1,
            Event::End(e) if secret(e.local_name().as_ref()) => {
                inside_secret = inside_secret.saturating_sub(1)
            }
            Event::Text(_) | Event::CData(_) if inside_secret > 0 => {
                writer.write_event(Event::Text(BytesText::new(MASK))).ok()?;
                continue;
            }
            _ => {}
        }
        writer.write_event(event).ok()?;
    }
    String::from_utf8(writer.into_inner()).ok()
}

fn mask_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if secret(k.as_bytes()) {
                    *val = serde_json::Value::String(MASK.into());
                } else {
                    mask_json(val);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask_json),
        _ => {}
    }
}

/// `key=value` pairs (separated by `&`, spaces or line breaks) with secret values masked;
/// other text as it is.
fn pairs(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match word.split_once('=') {
            Some((k, _)) if secret(k.as_bytes()) => {
                out.push_str(k);
                out.push('=');
                out.push_str(MASK);
            }
            _ => out.push_str(word),
        }
        word.clear();
    };
    for ch in body.chars() {
        if ch == '&' || ch.is_whitespace() {
            flush(&mut word, &mut out);
            out.push(ch);
        } else {
            word.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_is_indented_and_its_passwords_masked() {
        let body = "<s:Envelope xmlns:s=\"x\"><s:Body><req><idPA>1</idPA><password>segreta</password>\
                    <ppt:passwordDominio xmlns:ppt=\"y\"><![CDATA[altra]]></ppt:passwordDominio></req></s:Body></s:Envelope>";
        let shown = shown(body);
        assert!(
            !shown.contains("segreta") && !shown.contains("altra"),
            "{shown}"
        );
        assert!(shown.contains("<password>********</password>"), "{shown}");
        assert!(shown.contains("\n    <req>"), "indented: {shown}");
        assert!(shown.contains("<idPA>1</idPA>"));
    }

    #[test]
    fn json_and_pairs_are_masked_too() {
        let j = shown(r#"{"user":"a","nodePassword":"x","list":[{"password":"y"}]}"#);
        assert!(
            !j.contains("\"x\"") && !j.contains("\"y\"") && j.contains(MASK),
            "{j}"
        );
        assert_eq!(
            shown("username=admin&password=secret tipo=MENSA"),
            "username=admin&password=******** tipo=MENSA"
        );
        assert_eq!(shown("<not xml"), "<not xml");
    }
}
