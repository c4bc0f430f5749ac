//! Bilancio as XML: a position's, as stored with it and sent back to the entity
//! (`bilancio` of MyPay's payloads, unqualified), and a due type's default, stored in
//! the shape of MyPay's `bilancioDefault.xsd` (its namespace, `TOTALE` for the rest).
//! The rules — what a default may say and how it splits an amount — are in
//! [`crate::domain::bilancio`].

use crate::domain::bilancio::{
    parse_share, Assessment, Bilancio, BilancioError, Chapter, DefaultBilancio, Share,
    ASSESSMENT_MAX, CHAPTER_MAX, OFFICE_MAX, REST,
};
use crate::domain::AmountCents;
use crate::soap::seq::{SchemaError, Seq};
use crate::soap::writer::XmlWriter;
use crate::soap::xml::{self, Limits, XmlError};

/// The namespace of `bilancioDefault.xsd`.
pub const DEFAULT_NS: &str =
    "http://www.regione.veneto.it/schemas/2012/Pagamenti/Ente/BilancioDefault/";

/// Why a stored default could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum DefaultXmlError {
    /// Not XML.
    #[error(transparent)]
    Xml(#[from] XmlError),
    /// Not the schema's shape.
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// Against the rules.
    #[error(transparent)]
    Rule(#[from] BilancioError),
}

fn write<S>(w: &mut XmlWriter, chapters: &[Chapter<S>], amount: impl Fn(&S) -> String) {
    for c in chapters {
        w.open("capitolo");
        w.leaf("codCapitolo", &c.code);
        w.leaf_opt("codUfficio", c.office.as_deref());
        for a in &c.assessments {
            w.open("accertamento");
            w.leaf_opt("codAccertamento", a.code.as_deref());
            w.leaf("importo", &amount(&a.amount)).close("accertamento");
        }
        w.close("capitolo");
    }
}

/// A position's bilancio as stored.
pub fn stored(b: &Bilancio) -> String {
    let mut w = XmlWriter::new();
    w.open("bilancio");
    write(&mut w, b, AmountCents::to_string);
    w.close("bilancio");
    w.finish()
}

/// A due type's default as stored (valid against `bilancioDefault.xsd`).
pub fn default_xml(d: &DefaultBilancio) -> String {
    let mut w = XmlWriter::new();
    w.open_with("bilancio", &[("xmlns", DEFAULT_NS)]);
    write(&mut w, d.chapters(), |s| match s {
        Share::Fixed(a) => a.to_string(),
        Share::Rest => REST.to_owned(),
    });
    w.close("bilancio");
    w.finish()
}

/// Reads a stored default back, checked against the due type's `fixed` amount.
pub fn read_default(
    text: &str,
    fixed: Option<AmountCents>,
) -> Result<DefaultBilancio, DefaultXmlError> {
    let root = xml::parse(text, Limits::default())?;
    let mut s = Seq::qualified(&root, "bilancio", DEFAULT_NS)?;
    let mut chapters = Vec::new();
    for cap in s.many("capitolo", 1, 100)? {
        let mut c = Seq::qualified(cap, "bilancio/capitolo", DEFAULT_NS)?;
        let code = c.text("codCapitolo", 1, CHAPTER_MAX)?;
        let office = c.text_opt("codUfficio", 1, OFFICE_MAX)?;
        let mut assessments = Vec::new();
        for acc in c.many("accertamento", 1, 100)? {
            let path = "bilancio/capitolo/accertamento";
            let mut a = Seq::qualified(acc, path, DEFAULT_NS)?;
            let code = a.text_opt("codAccertamento", 1, ASSESSMENT_MAX)?;
            let raw = a.text("importo", 1, 32)?;
            a.end()?;
            let amount = parse_share(&raw).ok_or_else(|| SchemaError {
                path: format!("{path}/importo"),
                message: format!("{raw:?} is neither an amount nor {REST}"),
            })?;
            assessments.push(Assessment { code, amount });
        }
        c.end()?;
        chapters.push(Chapter {
            code,
            office,
            assessments,
        });
    }
    s.end()?;
    Ok(DefaultBilancio::checked(chapters, fixed)?)
}

/// The bilancio a position of `amount` receives from its due type's stored `default`:
/// `None` when there is no default or it does not fit the amount.
pub fn from_default(default: Option<&str>, amount: AmountCents) -> Option<String> {
    let d = read_default(default?, None).ok()?;
    d.split(amount).map(|b| stored(&b))
}

/// What a position stores: the bilancio it came with, else its due type's default.
pub fn or_default(own: Option<&str>, default: Option<&str>, amount: AmountCents) -> Option<String> {
    match own {
        Some(b) => Some(b.to_owned()),
        None => from_default(default, amount),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::bilancio::RawLine;

    fn sample() -> DefaultBilancio {
        let lines = [
            RawLine {
                chapter: "CAP-01",
                office: "UFF1",
                assessment: "ACC/2026/1",
                share: "1,50",
            },
            RawLine {
                chapter: "CAP-02",
                share: "TOTALE",
                ..RawLine::default()
            },
        ];
        DefaultBilancio::from_lines(&lines, None).unwrap().unwrap()
    }

    #[test]
    fn a_default_reads_back_as_it_was_written() {
        let d = sample();
        let text = default_xml(&d);
        assert!(text.contains("<importo>TOTALE</importo>"), "{text}");
        assert_eq!(read_default(&text, None).unwrap(), d);
    }

    #[test]
    fn a_default_applied_writes_the_stored_shape() {
        let text = default_xml(&sample());
        let amount = AmountCents::from_cents(1000).unwrap();
        let b = from_default(Some(&text), amount).unwrap();
        assert_eq!(
            b,
            "<bilancio><capitolo><codCapitolo>CAP-01</codCapitolo><codUfficio>UFF1</codUfficio>\
             <accertamento><codAccertamento>ACC/2026/1</codAccertamento><importo>1.50</importo>\
             </accertamento></capitolo><capitolo><codCapitolo>CAP-02</codCapitolo><accertamento>\
             <importo>8.50</importo></accertamento></capitolo></bilancio>"
        );
        assert_eq!(
            or_default(Some("<own/>"), Some(&text), amount).as_deref(),
            Some("<own/>")
        );
        let small = AmountCents::from_cents(100).unwrap();
        assert_eq!(
            from_default(Some(&text), small),
            None,
            "1.50 does not fit 1.00"
        );
        assert_eq!(from_default(None, amount), None);
    }

    #[test]
    fn a_damaged_default_is_refused() {
        assert!(read_default("<bilancio/>", None).is_err());
        let other = default_xml(&sample()).replace("TOTALE", "tutto");
        assert!(matches!(
            read_default(&other, None),
            Err(DefaultXmlError::Schema(_))
        ));
    }
}
