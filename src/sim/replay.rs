//! Fixture replay: sends every `NAME.request.xml` of a folder to a gateway and compares the
//! answer with `NAME.expected.xml`.
//!
//! The comparison is structural: namespace URIs and local names (prefixes do not matter),
//! element order, trimmed text. In an expected file the text `{{ignore}}` matches any value
//! (generated ids, dates relative to today). A SOAP Fault is expected with HTTP 500, every
//! other answer with 200. `record` writes the expected files instead, marking the
//! [`VOLATILE`] elements `{{ignore}}`.

use crate::soap::xml::{self, Limits, Node};
use crate::soap::{EnteOp, Operation, PaForNodeOp};
use std::path::{Path, PathBuf};

/// Wildcard for a value that changes from run to run.
pub const IGNORE: &str = "{{ignore}}";
/// Elements whose values differ between runs of the same scenario: demo due dates are
/// relative to the day it was seeded; session ids and URLs are random; generated files,
/// payloads and dates carry the time they were made.
pub const VOLATILE: [&str; 14] = [
    "dueDate",
    "idSession",
    "idSessionCarrello",
    "url",
    "base64ZipAvviso",
    "dateTo",
    "pagati",
    "rt",
    "dtCreazioneCodIuv",
    "ctPagatiConRicevuta",
    "uploadUrl",
    "authorizationToken",
    "requestToken",
    "importPath",
];

/// The verdict for one fixture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Fixture name (file name without `.request.xml`).
    pub name: String,
    /// Differences found (empty: it matches).
    pub diffs: Vec<String>,
}

/// Replays (or records) every fixture in `dir` against `url`, in name order; `{{KEY}}` in a
/// request is replaced by the value `vars` gives KEY (e.g. a generated password).
pub async fn run(
    dir: &Path,
    url: &str,
    record: bool,
    vars: &[(String, String)],
) -> anyhow::Result<Vec<Verdict>> {
    let mut requests: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".request.xml"))
        .collect();
    requests.sort();
    anyhow::ensure!(
        !requests.is_empty(),
        "no *.request.xml fixtures in {}",
        dir.display()
    );
    let client = reqwest::Client::new();
    let mut verdicts = Vec::new();
    for req_path in requests {
        let file = req_path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = file.trim_end_matches(".request.xml").to_owned();
        let mut text = std::fs::read_to_string(&req_path)?;
        for (k, v) in vars {
            text = text.replace(&format!("{{{{{k}}}}}"), v);
        }
        let body = text.into_bytes();
        let mut post = client
            .post(url)
            .header("content-type", "text/xml; charset=utf-8")
            .body(body.clone());
        if let Some(action) = action_of(&body) {
            post = post.header("soapaction", format!("\"{action}\""));
        }
        let resp = post.send().await?;
        let status = resp.status().as_u16();
        let got = resp.text().await?;
        let expected_path = dir.join(format!("{name}.expected.xml"));
        if record {
            std::fs::write(&expected_path, mark_volatile(&got))?;
            verdicts.push(Verdict {
                name,
                diffs: Vec::new(),
            });
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path)
            .map_err(|e| anyhow::anyhow!("{}: {e}", expected_path.display()))?;
        let mut diffs = compare(&expected, &got);
        let want = if expected.contains("Fault>") {
            500
        } else {
            200
        };
        if status != want {
            diffs.insert(0, format!("HTTP status: expected {want}, got {status}"));
        }
        verdicts.push(Verdict { name, diffs });
    }
    Ok(verdicts)
}

fn action_of(body: &[u8]) -> Option<&'static str> {
    let node = crate::soap::decode(body, Some("text/xml")).ok()?;
    PaForNodeOp::dispatch(&node, None)
        .map(Operation::name)
        .or_else(|_| EnteOp::dispatch(&node, None).map(Operation::name))
        .ok()
}

/// Differences between an expected and an actual document.
pub fn compare(expected: &str, got: &str) -> Vec<String> {
    match (
        xml::parse(expected, Limits::default()),
        xml::parse(got, Limits::default()),
    ) {
        (Ok(e), Ok(g)) => {
            let mut diffs = Vec::new();
            diff_nodes(&e, &g, "", &mut diffs);
            diffs
        }
        (Err(e), _) => vec![format!("expected file is not XML: {e}")],
        (_, Err(e)) => vec![format!("answer is not XML: {e}: {got}")],
    }
}

fn label(n: &Node) -> String {
    match &n.ns {
        Some(ns) => format!("{{{ns}}}{}", n.name),
        None => n.name.clone(),
    }
}

fn diff_nodes(e: &Node, g: &Node, path: &str, out: &mut Vec<String>) {
    let here = format!("{path}/{}", e.name);
    if label(e) != label(g) {
        out.push(format!(
            "{path}: expected <{}>, got <{}>",
            label(e),
            label(g)
        ));
        return;
    }
    if e.children.is_empty() && g.children.is_empty() {
        if e.value() != IGNORE && e.value() != g.value() {
            out.push(format!(
                "{here}: expected {:?}, got {:?}",
                e.value(),
                g.value()
            ));
        }
        return;
    }
    for i in 0..e.children.len().max(g.children.len()) {
        match (e.children.get(i), g.children.get(i)) {
            (Some(a), Some(b)) => diff_nodes(a, b, &here, out),
            (Some(a), None) => out.push(format!("{here}: missing <{}>", label(a))),
            (None, Some(b)) => out.push(format!("{here}: unexpected <{}>", label(b))),
            (None, None) => {}
        }
    }
}

/// Replaces the text of volatile elements (and of system-error descriptions, which carry a
/// correlation id) with the wildcard.
pub fn mark_volatile(xml: &str) -> String {
    let mut out = xml.to_owned();
    let mut names: Vec<&str> = VOLATILE.to_vec();
    if out.contains("PAA_SYSTEM_ERROR") {
        names.push("description");
    }
    for name in names {
        let (open, close) = (format!("<{name}>"), format!("</{name}>"));
        let mut from = 0;
        while let Some(i) = out[from..].find(&open).map(|i| i + from + open.len()) {
            let Some(len) = out[i..].find(&close) else {
                break;
            };
            out.replace_range(i..i + len, IGNORE);
            from = i + IGNORE.len();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structural_comparison() {
        let a = r#"<p:r xmlns:p="urn:x"><a> 1 </a><b>2</b></p:r>"#;
        let b = r#"<q:r xmlns:q="urn:x"><a>1</a><b>2</b></q:r>"#;
        assert!(
            compare(a, b).is_empty(),
            "prefixes and whitespace do not matter"
        );
        let c = r#"<q:r xmlns:q="urn:x"><a>1</a><b>3</b><c/></q:r>"#;
        let d = compare(a, c);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(compare(r#"<r><a>{{ignore}}</a></r>"#, "<r><a>zzz</a></r>").is_empty());
        assert_eq!(compare("<r/>", "<s/>").len(), 1);
    }

    #[test]
    fn marks_volatile_values() {
        let x = "<r><dueDate>2026-12-01</dueDate><amount>1.00</amount><dueDate>x</dueDate></r>";
        assert_eq!(mark_volatile(x), "<r><dueDate>{{ignore}}</dueDate><amount>1.00</amount><dueDate>{{ignore}}</dueDate></r>");
    }
}
