//! Reading a body element the way its XSD `sequence` says: children in order, unqualified,
//! required ones present, nothing unexpected, every simple value within its facets.
//! Any breach is a [`SchemaError`] (→ `PAA_SINTASSI_XSD`).

use super::xml::Node;
use crate::domain::AmountCents;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Rome;

/// A request that does not match its schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct SchemaError {
    /// Where (element path).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

fn err<T>(path: &str, message: impl Into<String>) -> Result<T, SchemaError> {
    Err(SchemaError {
        path: path.to_owned(),
        message: message.into(),
    })
}

/// Walks the children of one element in schema order (or, [`Seq::any_order`], in any order).
pub struct Seq<'a> {
    children: &'a [Node],
    pos: usize,
    path: String,
    /// `Some` in any-order mode: which children were read.
    taken: Option<Vec<bool>>,
}

impl<'a> Seq<'a> {
    /// Starts reading a message's root element (a dispatched body); its own name names it
    /// in error messages.
    pub fn root(node: &'a Node) -> Result<Self, SchemaError> {
        Self::new(node, &node.name)
    }

    /// Starts reading `node`'s children; `path` names it in error messages.
    pub fn new(node: &'a Node, path: &str) -> Result<Self, SchemaError> {
        if let Some(c) = node.children.iter().find(|c| c.ns.is_some()) {
            return err(
                &format!("{path}/{}", c.name),
                "child elements must be unqualified",
            );
        }
        if !node.children.is_empty() && !node.text.trim().is_empty() {
            return err(path, "unexpected text between elements");
        }
        Ok(Self {
            children: &node.children,
            pos: 0,
            path: path.to_owned(),
            taken: None,
        })
    }

    /// Like [`Seq::new`] for schemas with `elementFormDefault="qualified"`: every child must
    /// be in namespace `ns`.
    pub fn qualified(node: &'a Node, path: &str, ns: &str) -> Result<Self, SchemaError> {
        if let Some(c) = node.children.iter().find(|c| c.ns.as_deref() != Some(ns)) {
            return err(
                &format!("{path}/{}", c.name),
                format!("child elements must be in namespace {ns}"),
            );
        }
        if !node.children.is_empty() && !node.text.trim().is_empty() {
            return err(path, "unexpected text between elements");
        }
        Ok(Self {
            children: &node.children,
            pos: 0,
            path: path.to_owned(),
            taken: None,
        })
    }

    /// Like [`Seq::new`] but children may come in any order; unknown or repeated-beyond-
    /// limit elements are still errors. Used where refusing costs more than a misplaced
    /// element (receipts: proof of a payment already made).
    pub fn any_order(node: &'a Node, path: &str) -> Result<Self, SchemaError> {
        let mut s = Self::new(node, path)?;
        s.taken = Some(vec![false; node.children.len()]);
        Ok(s)
    }

    /// The path of a child, for messages.
    pub fn path_of(&self, name: &str) -> String {
        format!("{}/{name}", self.path)
    }

    /// The next child if it is named `name` (any unread one, in any-order mode).
    pub fn opt(&mut self, name: &str) -> Option<&'a Node> {
        if let Some(taken) = self.taken.as_mut() {
            let i =
                (0..self.children.len()).find(|&i| !taken[i] && self.children[i].name == name)?;
            taken[i] = true;
            return self.children.get(i);
        }
        let c = self.children.get(self.pos).filter(|c| c.name == name)?;
        self.pos += 1;
        Some(c)
    }

    /// The next child, which must be named `name`.
    pub fn req(&mut self, name: &str) -> Result<&'a Node, SchemaError> {
        match self.opt(name) {
            Some(c) => Ok(c),
            None if self.taken.is_some() => err(&self.path_of(name), "missing"),
            None => match self.children.get(self.pos) {
                Some(c) => err(
                    &self.path_of(name),
                    format!("missing, found <{}> instead", c.name),
                ),
                None => err(&self.path_of(name), "missing"),
            },
        }
    }

    /// Between `min` and `max` consecutive children named `name`.
    pub fn many(
        &mut self,
        name: &str,
        min: usize,
        max: usize,
    ) -> Result<Vec<&'a Node>, SchemaError> {
        let mut out = Vec::new();
        while let Some(c) = self.opt(name) {
            out.push(c);
        }
        if out.len() < min || out.len() > max {
            return err(
                &self.path_of(name),
                format!("expected {min}..{max} occurrences, found {}", out.len()),
            );
        }
        Ok(out)
    }

    /// Ends the sequence: nothing may follow (nothing may be left unread, in any-order mode).
    pub fn end(self) -> Result<(), SchemaError> {
        if let Some(taken) = &self.taken {
            return match taken.iter().position(|t| !t) {
                Some(i) => err(&self.path_of(&self.children[i].name), "unexpected element"),
                None => Ok(()),
            };
        }
        match self.children.get(self.pos) {
            Some(c) => err(&self.path_of(&c.name), "unexpected element"),
            None => Ok(()),
        }
    }

    /// Required text of `min..=max` characters.
    pub fn text(&mut self, name: &str, min: usize, max: usize) -> Result<String, SchemaError> {
        let n = self.req(name)?;
        text_of(n, &self.path_of(name), min, max)
    }

    /// Optional text of `min..=max` characters.
    pub fn text_opt(
        &mut self,
        name: &str,
        min: usize,
        max: usize,
    ) -> Result<Option<String>, SchemaError> {
        let path = self.path_of(name);
        self.opt(name)
            .map(|n| text_of(n, &path, min, max))
            .transpose()
    }

    /// Required digits-only text of exactly `len` characters.
    pub fn digits(&mut self, name: &str, len: usize) -> Result<String, SchemaError> {
        let path = self.path_of(name);
        let v = self.text(name, len, len)?;
        if !v.bytes().all(|b| b.is_ascii_digit()) {
            return err(&path, format!("must be {len} digits"));
        }
        Ok(v)
    }

    /// Required `stAmount` (`\d+\.\d{2}`, ≤ 999999999.99); `not_zero` for `stAmountNotZero`.
    pub fn amount(&mut self, name: &str, not_zero: bool) -> Result<AmountCents, SchemaError> {
        let path = self.path_of(name);
        let n = self.req(name)?;
        amount_of(n, &path, not_zero)
    }

    /// Optional `stAmount`.
    pub fn amount_opt(&mut self, name: &str) -> Result<Option<AmountCents>, SchemaError> {
        let path = self.path_of(name);
        self.opt(name)
            .map(|n| amount_of(n, &path, false))
            .transpose()
    }

    /// Optional `xs:date` (a timezone suffix is accepted and ignored).
    pub fn date_opt(&mut self, name: &str) -> Result<Option<NaiveDate>, SchemaError> {
        let path = self.path_of(name);
        self.opt(name)
            .map(|n| date_of(n.value(), &path))
            .transpose()
    }

    /// Optional `xs:dateTime`; without a zone it is Italian local time. Returned in UTC.
    pub fn datetime_opt(&mut self, name: &str) -> Result<Option<NaiveDateTime>, SchemaError> {
        let path = self.path_of(name);
        self.opt(name)
            .map(|n| datetime_of(n.value(), &path))
            .transpose()
    }

    /// Optional `xs:boolean`.
    pub fn bool_opt(&mut self, name: &str) -> Result<Option<bool>, SchemaError> {
        let path = self.path_of(name);
        self.opt(name)
            .map(|n| match n.value() {
                "true" | "1" => Ok(true),
                "false" | "0" => Ok(false),
                _ => err(&path, "must be true or false"),
            })
            .transpose()
    }

    /// Required value from a fixed list.
    pub fn one_of(&mut self, name: &str, allowed: &[&str]) -> Result<String, SchemaError> {
        let path = self.path_of(name);
        let n = self.req(name)?;
        member_of(n, &path, allowed)
    }

    /// Optional value from a fixed list.
    pub fn one_of_opt(
        &mut self,
        name: &str,
        allowed: &[&str],
    ) -> Result<Option<String>, SchemaError> {
        let path = self.path_of(name);
        self.opt(name)
            .map(|n| member_of(n, &path, allowed))
            .transpose()
    }
}

fn member_of(n: &Node, path: &str, allowed: &[&str]) -> Result<String, SchemaError> {
    let v = text_of(n, path, 1, 64)?;
    if allowed.contains(&v.as_str()) {
        Ok(v)
    } else {
        err(path, format!("must be one of {}", allowed.join(", ")))
    }
}

fn text_of(n: &Node, path: &str, min: usize, max: usize) -> Result<String, SchemaError> {
    if !n.children.is_empty() {
        return err(path, "must be a simple value, not contain elements");
    }
    let v = n.value();
    let len = v.chars().count();
    if len < min || len > max {
        return err(path, format!("length {len} outside {min}..{max}"));
    }
    Ok(v.to_owned())
}

fn amount_of(n: &Node, path: &str, not_zero: bool) -> Result<AmountCents, SchemaError> {
    let a = AmountCents::parse(n.value()).or_else(|e| err(path, e.reason))?;
    if not_zero && a.cents() == 0 {
        return err(path, "must be at least 0.01");
    }
    Ok(a)
}

/// Parses `xs:date`, accepting and ignoring a `Z` or `±hh:mm` suffix.
pub fn date_of(v: &str, path: &str) -> Result<NaiveDate, SchemaError> {
    let core = v.get(..10).unwrap_or(v);
    let rest = v.get(10..).unwrap_or("");
    let zone_ok = rest.is_empty()
        || rest == "Z"
        || (rest.len() == 6 && (rest.starts_with('+') || rest.starts_with('-')));
    match NaiveDate::parse_from_str(core, "%Y-%m-%d") {
        Ok(d) if zone_ok => Ok(d),
        _ => err(path, "must be a date like 2026-11-28"),
    }
}

/// Parses `xs:dateTime` into UTC; a value without zone is Europe/Rome local time.
pub fn datetime_of(v: &str, path: &str) -> Result<NaiveDateTime, SchemaError> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(v) {
        return Ok(dt.with_timezone(&Utc).naive_utc());
    }
    match NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S%.f") {
        Ok(local) => Rome
            .from_local_datetime(&local)
            .earliest()
            .map(|t| t.with_timezone(&Utc).naive_utc())
            .ok_or_else(|| SchemaError {
                path: path.to_owned(),
                message: "time does not exist in Europe/Rome".into(),
            }),
        Err(_) => err(path, "must be a date-time like 2026-11-28T10:15:00"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::xml::{parse, Limits};

    #[test]
    fn sequence_rules() {
        let n = parse(
            "<r><a>x</a><b>12.50</b><c>1</c><c>2</c></r>",
            Limits::default(),
        )
        .unwrap();
        let mut s = Seq::new(&n, "r").unwrap();
        assert_eq!(s.text("a", 1, 35).unwrap(), "x");
        assert_eq!(s.amount("b", true).unwrap().cents(), 1250);
        assert_eq!(s.many("c", 1, 5).unwrap().len(), 2);
        s.end().unwrap();

        let n = parse("<r><b>1</b><a>x</a></r>", Limits::default()).unwrap();
        let mut s = Seq::new(&n, "r").unwrap();
        let e = s.text("a", 1, 35).unwrap_err();
        assert_eq!(e.to_string(), "r/a: missing, found <b> instead");

        let n = parse("<r xmlns:p='urn:p'><p:a>x</p:a></r>", Limits::default()).unwrap();
        assert!(Seq::new(&n, "r").is_err());
        let n = parse("<r><a>x</a><z/></r>", Limits::default()).unwrap();
        let mut s = Seq::new(&n, "r").unwrap();
        s.text("a", 1, 1).unwrap();
        assert_eq!(s.end().unwrap_err().path, "r/z");
    }

    #[test]
    fn any_order_mode() {
        let n = parse("<r><b>2</b><a>1</a><b>3</b></r>", Limits::default()).unwrap();
        let mut s = Seq::any_order(&n, "r").unwrap();
        assert_eq!(s.text("a", 1, 1).unwrap(), "1");
        assert_eq!(s.many("b", 1, 2).unwrap().len(), 2);
        s.end().unwrap();
        let mut s = Seq::any_order(&n, "r").unwrap();
        s.text("a", 1, 1).unwrap();
        assert_eq!(
            s.end().unwrap_err().path,
            "r/b",
            "unread elements are unexpected"
        );
        let mut s = Seq::any_order(&n, "r").unwrap();
        assert_eq!(s.text("c", 1, 1).unwrap_err().message, "missing");
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(
            date_of("2025-05-13+02:00", "d").unwrap(),
            NaiveDate::from_ymd_opt(2025, 5, 13).unwrap()
        );
        assert!(date_of("2025-13-01", "d").is_err());
        assert!(date_of("2025-05-13junk", "d").is_err());
        // Still winter time on 25 March 2021: 17:48 in Rome is 16:48 UTC.
        assert_eq!(
            datetime_of("2021-03-25T17:48:22", "t").unwrap().to_string(),
            "2021-03-25 16:48:22"
        );
        assert_eq!(
            datetime_of("2021-07-01T17:48:22.123", "t")
                .unwrap()
                .format("%H:%M")
                .to_string(),
            "15:48"
        );
        assert_eq!(
            datetime_of("2021-07-01T17:48:22Z", "t")
                .unwrap()
                .format("%H:%M")
                .to_string(),
            "17:48"
        );
        assert!(datetime_of("yesterday", "t").is_err());
    }
}
