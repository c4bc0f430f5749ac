//! Wire pieces shared by the paForNode operations (`ctQrCode`, `ctSubject`, `ctMetadata`).

use super::routing::Caller;
use crate::soap::seq::{SchemaError, Seq};
use crate::soap::writer::{truncate_chars, XmlWriter};
use crate::soap::xml::Node;

/// Reads `idPA`, `idBrokerPA`, `idStation`.
pub fn caller(s: &mut Seq<'_>) -> Result<Caller, SchemaError> {
    Ok(Caller {
        id_pa: s.text("idPA", 1, 35)?,
        id_broker: s.text("idBrokerPA", 1, 35)?,
        id_station: s.text("idStation", 1, 35)?,
    })
}

/// `qrCode`: the entity fiscal code and the notice number, as sent (shape-checked only).
pub fn qr_code(s: &mut Seq<'_>) -> Result<(String, String), SchemaError> {
    let path = s.path_of("qrCode");
    let node = s.req("qrCode")?;
    let mut q = Seq::new(node, &path)?;
    let cf = q.digits("fiscalCode", 11)?;
    let notice = q.digits("noticeNumber", 18)?;
    q.end()?;
    Ok((cf, notice))
}

/// A debtor or payer (`ctSubject`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    /// `F` or `G`.
    pub kind: String,
    /// Fiscal code (or other unique id), 2..16 characters.
    pub id: String,
    /// Name.
    pub full_name: String,
    /// Street.
    pub street: Option<String>,
    /// Civic number.
    pub civic: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Province / region.
    pub province: Option<String>,
    /// Country (2 letters).
    pub country: Option<String>,
    /// E-mail.
    pub email: Option<String>,
}

/// Parses a `ctSubject` strictly.
pub fn subject(node: &Node, path: &str) -> Result<Subject, SchemaError> {
    read_subject(node, path, false)
}

/// Parses a `ctSubject` of a receipt: any order, any one-letter identifier type, empty
/// optional values taken as absent (see [`super::receipt_wire::parse`] for why).
pub fn receipt_subject(node: &Node, path: &str) -> Result<Subject, SchemaError> {
    read_subject(node, path, true)
}

fn read_subject(node: &Node, path: &str, tolerant: bool) -> Result<Subject, SchemaError> {
    let seq = |n, p: &str| {
        if tolerant {
            Seq::any_order(n, p)
        } else {
            Seq::new(n, p)
        }
    };
    let mut s = seq(node, path)?;
    let uid_path = s.path_of("uniqueIdentifier");
    let mut u = seq(s.req("uniqueIdentifier")?, &uid_path)?;
    let kind = subject_kind(&mut u, tolerant)?;
    let id = u.text("entityUniqueIdentifierValue", 2, 16)?;
    u.end()?;
    let full_name = s.text("fullName", 1, 70)?;
    let min = usize::from(!tolerant);
    let opt = |s: &mut Seq<'_>, name: &str, max: usize| -> Result<Option<String>, SchemaError> {
        Ok(s.text_opt(name, min, max)?.filter(|v| !v.is_empty()))
    };
    let street = opt(&mut s, "streetName", 70)?;
    let civic = opt(&mut s, "civicNumber", 16)?;
    let postal_code = opt(&mut s, "postalCode", 16)?;
    let city = opt(&mut s, "city", 35)?;
    let province = opt(&mut s, "stateProvinceRegion", 35)?;
    let country_path = s.path_of("country");
    let country = opt(&mut s, "country", 2)?;
    let two_letters = |c: &str| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase());
    check(
        &country,
        two_letters,
        country_path,
        "must be two uppercase letters",
    )?;
    let email_path = s.path_of("e-mail");
    let email = opt(&mut s, "e-mail", 256)?;
    check(&email, is_email, email_path, "not an e-mail address")?;
    s.end()?;
    Ok(Subject {
        kind,
        id,
        full_name,
        street,
        civic,
        postal_code,
        city,
        province,
        country,
        email,
    })
}

/// `entityUniqueIdentifierType`: `F` or `G`; a receipt may carry any one uppercase letter.
fn subject_kind(u: &mut Seq<'_>, tolerant: bool) -> Result<String, SchemaError> {
    if !tolerant {
        return u.one_of("entityUniqueIdentifierType", &["F", "G"]);
    }
    let path = u.path_of("entityUniqueIdentifierType");
    let k = u.text("entityUniqueIdentifierType", 1, 1)?;
    if !k.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(SchemaError {
            path,
            message: "must be one uppercase letter".into(),
        });
    }
    Ok(k)
}

/// An optional value, when present, must pass `ok`; otherwise `message` at `path`.
fn check(
    value: &Option<String>,
    ok: impl Fn(&str) -> bool,
    path: String,
    message: &str,
) -> Result<(), SchemaError> {
    match value.as_deref() {
        Some(v) if !ok(v) => Err(SchemaError {
            path,
            message: message.into(),
        }),
        _ => Ok(()),
    }
}

pub use crate::domain::email::is_email;

/// Writes a `ctSubject`, cutting each field to its schema length and leaving out values
/// that would not validate.
pub fn write_subject(w: &mut XmlWriter, tag: &str, s: &Subject) {
    let opt = |v: &Option<String>, max: usize| {
        v.as_deref()
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(|x| truncate_chars(x, max).to_owned())
    };
    w.open(tag)
        .open("uniqueIdentifier")
        .leaf("entityUniqueIdentifierType", &s.kind)
        .leaf("entityUniqueIdentifierValue", truncate_chars(&s.id, 16))
        .close("uniqueIdentifier")
        .leaf("fullName", truncate_chars(&s.full_name, 70))
        .leaf_opt("streetName", opt(&s.street, 70).as_deref())
        .leaf_opt("civicNumber", opt(&s.civic, 16).as_deref())
        .leaf_opt("postalCode", opt(&s.postal_code, 16).as_deref())
        .leaf_opt("city", opt(&s.city, 35).as_deref())
        .leaf_opt("stateProvinceRegion", opt(&s.province, 35).as_deref())
        .leaf_opt(
            "country",
            s.country
                .as_deref()
                .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())),
        )
        .leaf_opt(
            "e-mail",
            s.email.as_deref().filter(|e| e.len() <= 256 && is_email(e)),
        )
        .close(tag);
}

/// What paVerifyPaymentNotice and paDemandPaymentNotice both answer: one payment option
/// and the creditor's identity.
pub struct NoticeAnswer<'a> {
    /// Amount to pay.
    pub amount: crate::domain::AmountCents,
    /// Due date, if any.
    pub due_date: Option<chrono::NaiveDate>,
    /// What is being paid (the due type).
    pub detail: &'a str,
    /// Every transfer can go to a postal account.
    pub all_ccp: bool,
    /// Causale.
    pub description: &'a str,
    /// The creditor.
    pub entity: &'a crate::db::models::registry::Entity,
}

/// Writes `paymentList` … `officeName` of a [`NoticeAnswer`].
pub fn write_notice_answer(w: &mut XmlWriter, a: &NoticeAnswer<'_>) {
    let e = a.entity;
    w.open("paymentList")
        .open("paymentOptionDescription")
        .leaf("amount", &a.amount.to_string())
        .leaf("options", "EQ")
        .leaf_opt(
            "dueDate",
            a.due_date
                .map(|d| d.format("%Y-%m-%d").to_string())
                .as_deref(),
        )
        .leaf("detailDescription", truncate_chars(a.detail, 140))
        .leaf("allCCP", if a.all_ccp { "true" } else { "false" })
        .close("paymentOptionDescription")
        .close("paymentList")
        .leaf("paymentDescription", truncate_chars(a.description, 140))
        .leaf("fiscalCodePA", &e.fiscal_code)
        .leaf("companyName", truncate_chars(&e.name, 140))
        .leaf_opt(
            "officeName",
            e.sector.as_deref().map(|s| truncate_chars(s, 140)),
        );
}

/// Optional `metadata` (1..15 `mapEntry{key, value}`).
pub fn metadata(s: &mut Seq<'_>) -> Result<Vec<(String, String)>, SchemaError> {
    let path = s.path_of("metadata");
    let Some(node) = s.opt("metadata") else {
        return Ok(Vec::new());
    };
    let mut m = Seq::new(node, &path)?;
    let mut out = Vec::new();
    for (i, e) in m.many("mapEntry", 1, 15)?.into_iter().enumerate() {
        let mut kv = Seq::new(e, &format!("{path}/mapEntry[{}]", i + 1))?;
        out.push((kv.text("key", 1, 140)?, kv.text("value", 1, 140)?));
        kv.end()?;
    }
    m.end()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_write_within_schema_lengths() {
        let s = Subject {
            kind: "F".into(),
            id: "RSSMRA85T10A562S".into(),
            full_name: "x".repeat(100),
            country: Some("Italia".into()),
            email: Some("not an email".into()),
            ..Subject::default()
        };
        let mut w = XmlWriter::new();
        write_subject(&mut w, "debtor", &s);
        let out = w.finish();
        assert!(out.contains(&format!("<fullName>{}</fullName>", "x".repeat(70))));
        assert!(!out.contains("country") && !out.contains("e-mail"));
    }
}
