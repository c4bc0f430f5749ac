//! Writing XML responses: a string builder that escapes every text value.

use quick_xml::escape::escape;

/// Builds an XML fragment.
#[derive(Debug, Default)]
pub struct XmlWriter {
    buf: String,
}

impl XmlWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self {
            buf: String::with_capacity(2048),
        }
    }

    /// `<tag>`.
    pub fn open(&mut self, tag: &str) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(tag);
        self.buf.push('>');
        self
    }

    /// `<tag a="v" ...>` with escaped attribute values.
    pub fn open_with(&mut self, tag: &str, attrs: &[(&str, &str)]) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(tag);
        for (k, v) in attrs {
            self.buf.push(' ');
            self.buf.push_str(k);
            self.buf.push_str("=\"");
            self.buf.push_str(&escape(*v));
            self.buf.push('"');
        }
        self.buf.push('>');
        self
    }

    /// `</tag>`.
    pub fn close(&mut self, tag: &str) -> &mut Self {
        self.buf.push_str("</");
        self.buf.push_str(tag);
        self.buf.push('>');
        self
    }

    /// `<tag>text</tag>` with the text escaped.
    pub fn leaf(&mut self, tag: &str, text: &str) -> &mut Self {
        self.open(tag);
        self.buf.push_str(&escape(text));
        self.close(tag)
    }

    /// A leaf only when there is a value.
    pub fn leaf_opt(&mut self, tag: &str, text: Option<&str>) -> &mut Self {
        if let Some(t) = text {
            self.leaf(tag, t);
        }
        self
    }

    /// Inserts an already well-formed fragment.
    pub fn raw(&mut self, xml: &str) -> &mut Self {
        self.buf.push_str(xml);
        self
    }

    /// The document so far.
    pub fn finish(self) -> String {
        self.buf
    }
}

/// Cuts `s` to at most `max` characters (XSD lengths count characters).
pub fn truncate_chars(s: &str, max: usize) -> &str {
    // At most `max` bytes means at most `max` characters: no need to walk the string.
    if s.len() <= max {
        return s;
    }
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        let mut w = XmlWriter::new();
        w.open_with("a", &[("x", "\"<")])
            .leaf("b", "1 < 2 & 3")
            .leaf_opt("c", None)
            .close("a");
        assert_eq!(
            w.finish(),
            "<a x=\"&quot;&lt;\"><b>1 &lt; 2 &amp; 3</b></a>"
        );
        assert_eq!(truncate_chars("àèìòù", 3), "àèì");
        assert_eq!(truncate_chars("ab", 3), "ab");
        // more bytes than the limit, but not more characters
        assert_eq!(truncate_chars("àè", 3), "àè");
    }
}
