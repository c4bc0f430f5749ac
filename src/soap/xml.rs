//! A small, bounded, namespace-aware XML tree for SOAP messages (which are small).
//! DTDs are refused outright (no entity expansion of any kind), depth and node count are
//! capped, and only the five predefined entities and character references are resolved.

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

/// An element: namespace, local name, text content and child elements.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Node {
    /// Namespace URI, `None` when unqualified.
    pub ns: Option<String>,
    /// Local name.
    pub name: String,
    /// Concatenated text content (not trimmed).
    pub text: String,
    /// Child elements in document order.
    pub children: Vec<Node>,
    /// Attributes (local name, value), namespace declarations excluded.
    pub attrs: Vec<(String, String)>,
}

impl Node {
    /// The first child with this local name and namespace.
    pub fn child(&self, ns: Option<&str>, name: &str) -> Option<&Node> {
        self.children
            .iter()
            .find(|c| c.name == name && c.ns.as_deref() == ns)
    }

    /// An attribute's value by local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Text with surrounding whitespace removed.
    pub fn value(&self) -> &str {
        self.text.trim()
    }
}

/// Parsing limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest element nesting accepted.
    pub max_depth: usize,
    /// Most elements accepted.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 32,
            max_nodes: 20_000,
        }
    }
}

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// The bytes are not UTF-8.
    #[error("the message is not valid UTF-8")]
    NotUtf8,
    /// A DOCTYPE declaration was present.
    #[error("DTDs and entity declarations are not accepted")]
    Dtd,
    /// Nesting deeper than allowed.
    #[error("the message nests elements deeper than {0} levels")]
    TooDeep(usize),
    /// More elements than allowed.
    #[error("the message has more than {0} elements")]
    TooManyNodes(usize),
    /// A prefix without a namespace declaration.
    #[error("undeclared namespace prefix {0:?}")]
    UnknownPrefix(String),
    /// An entity other than the predefined ones.
    #[error("unknown entity reference &{0};")]
    UnknownEntity(String),
    /// Anything else that is not well-formed XML.
    #[error("malformed XML: {0}")]
    Malformed(String),
}

/// Parses bytes into the document element.
pub fn parse_bytes(bytes: &[u8], limits: Limits) -> Result<Node, XmlError> {
    let text = std::str::from_utf8(bytes).map_err(|_| XmlError::NotUtf8)?;
    parse(text, limits)
}

/// Parses a document and returns its root element.
pub fn parse(input: &str, limits: Limits) -> Result<Node, XmlError> {
    let mut reader = NsReader::from_str(input);
    reader.config_mut().check_end_names = true;
    let mut tree = Tree {
        stack: Vec::new(),
        root: None,
        count: 0,
        limits,
    };
    loop {
        let (resolved, event) = reader
            .read_resolved_event()
            .map_err(|e| XmlError::Malformed(e.to_string()))?;
        let ns = namespace(resolved)?;
        match event {
            Event::Start(e) => tree.element(ns, &e, false)?,
            Event::Empty(e) => tree.element(ns, &e, true)?,
            Event::End(_) => tree.end()?,
            Event::Text(t) => tree.text(&t.decode().map_err(malformed)?)?,
            Event::CData(t) => tree.text(&t.decode().map_err(malformed)?)?,
            Event::GeneralRef(r) => tree.text(&reference(&r)?)?,
            Event::DocType(_) => return Err(XmlError::Dtd),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    tree.finish()
}

fn malformed(e: impl std::fmt::Display) -> XmlError {
    XmlError::Malformed(e.to_string())
}

/// The namespace an element or attribute name is bound to; an undeclared prefix is an error.
fn namespace(resolved: ResolveResult<'_>) -> Result<Option<String>, XmlError> {
    match resolved {
        ResolveResult::Bound(ns) => Ok(Some(String::from_utf8_lossy(ns.as_ref()).into_owned())),
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Unknown(p) => Err(XmlError::UnknownPrefix(
            String::from_utf8_lossy(&p).into_owned(),
        )),
    }
}

/// The text of a character or predefined-entity reference; any other entity is refused.
fn reference(r: &quick_xml::events::BytesRef<'_>) -> Result<String, XmlError> {
    let resolved = if r.is_char_ref() {
        r.resolve_char_ref().map_err(malformed)?.map(String::from)
    } else {
        let name = r.decode().map_err(malformed)?;
        quick_xml::escape::resolve_predefined_entity(&name).map(str::to_owned)
    };
    resolved
        .ok_or_else(|| XmlError::UnknownEntity(String::from_utf8_lossy(r.as_ref()).into_owned()))
}

/// The tree being read: the open elements, the document element once closed, and how
/// many elements were seen (against the limits).
struct Tree {
    stack: Vec<Node>,
    root: Option<Node>,
    count: usize,
    limits: Limits,
}

impl Tree {
    /// An element starts (or, `empty`, starts and ends).
    fn element(
        &mut self,
        ns: Option<String>,
        e: &quick_xml::events::BytesStart<'_>,
        empty: bool,
    ) -> Result<(), XmlError> {
        if self.root.is_some() {
            return Err(malformed("content after the document element"));
        }
        self.count += 1;
        if self.count > self.limits.max_nodes {
            return Err(XmlError::TooManyNodes(self.limits.max_nodes));
        }
        if !empty && self.stack.len() >= self.limits.max_depth {
            return Err(XmlError::TooDeep(self.limits.max_depth));
        }
        let node = Node {
            ns,
            name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
            attrs: attributes(e)?,
            ..Node::default()
        };
        if empty {
            self.attach(node);
        } else {
            self.stack.push(node);
        }
        Ok(())
    }

    /// The innermost open element ends.
    fn end(&mut self) -> Result<(), XmlError> {
        let node = self
            .stack
            .pop()
            .ok_or_else(|| malformed("unbalanced end tag"))?;
        self.attach(node);
        Ok(())
    }

    fn attach(&mut self, node: Node) {
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(node),
            None => self.root = Some(node),
        }
    }

    fn text(&mut self, s: &str) -> Result<(), XmlError> {
        append_text(&mut self.stack, s)
    }

    fn finish(self) -> Result<Node, XmlError> {
        if !self.stack.is_empty() {
            return Err(malformed("unexpected end of document"));
        }
        self.root.ok_or_else(|| malformed("no document element"))
    }
}

fn attributes(e: &quick_xml::events::BytesStart<'_>) -> Result<Vec<(String, String)>, XmlError> {
    let mut out = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| XmlError::Malformed(e.to_string()))?;
        let key = a.key.as_ref();
        if key == b"xmlns" || key.starts_with(b"xmlns:") {
            continue;
        }
        let value = a
            .unescape_value()
            .map_err(|e| XmlError::Malformed(e.to_string()))?
            .into_owned();
        out.push((
            String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned(),
            value,
        ));
    }
    Ok(out)
}

fn append_text(stack: &mut [Node], s: &str) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some(n) => {
            n.text.push_str(s);
            Ok(())
        }
        None if s.trim().is_empty() => Ok(()),
        None => Err(XmlError::Malformed(
            "text outside the document element".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn namespaces_text_and_entities() {
        let doc = r#"<?xml version="1.0"?><a:r xmlns:a="urn:a" a:k="v&amp;w"><x>1 &amp; &#50;</x><y z="1"/><a:z><![CDATA[<q>]]></a:z></a:r>"#;
        let n = parse(doc, Limits::default()).unwrap();
        assert_eq!(n.attr("k"), Some("v&w"));
        assert_eq!(
            n.attrs.len(),
            1,
            "namespace declarations are not attributes"
        );
        assert_eq!(n.child(None, "y").unwrap().attr("z"), Some("1"));
        assert_eq!((n.ns.as_deref(), n.name.as_str()), (Some("urn:a"), "r"));
        assert_eq!(n.child(None, "x").unwrap().text, "1 & 2");
        assert!(n.child(None, "y").is_some());
        assert_eq!(n.child(Some("urn:a"), "z").unwrap().text, "<q>");
    }

    #[test]
    fn hostile_documents_are_refused() {
        let l = Limits::default();
        let dtd = r#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>"#;
        assert_eq!(parse(dtd, l), Err(XmlError::Dtd));
        let xxe = r#"<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#;
        assert_eq!(parse(xxe, l), Err(XmlError::Dtd));
        assert!(matches!(
            parse("<r>&x;</r>", l),
            Err(XmlError::UnknownEntity(_))
        ));
        let deep = format!("{}{}", "<a>".repeat(40), "</a>".repeat(40));
        assert_eq!(parse(&deep, l), Err(XmlError::TooDeep(32)));
        let wide = format!("<r>{}</r>", "<a/>".repeat(20_001));
        assert_eq!(parse(&wide, l), Err(XmlError::TooManyNodes(20_000)));
        assert!(matches!(
            parse("<p:r/>", l),
            Err(XmlError::UnknownPrefix(_))
        ));
        assert!(matches!(
            parse("<r><a></r>", l),
            Err(XmlError::Malformed(_))
        ));
        assert!(matches!(parse("<r/><s/>", l), Err(XmlError::Malformed(_))));
        assert!(matches!(parse("", l), Err(XmlError::Malformed(_))));
        assert_eq!(parse_bytes(b"<r>\xff</r>", l), Err(XmlError::NotUtf8));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,200}") {
            let _ = parse(&s, Limits::default());
        }

        #[test]
        fn never_panics_on_xmlish_input(s in "(<[a-z:]{1,3}( [a-z:]{1,3}=\"[^\"]{0,5}\")?/?>|</[a-z:]{1,3}>|&[a-z#0-9]{0,4};|[a-z ]{0,3}){0,30}") {
            let _ = parse(&s, Limits::default());
        }
    }
}
