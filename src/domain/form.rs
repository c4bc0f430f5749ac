//! The form of a spontaneous due type: the fields an entity asks its payers for (text,
//! number, date, select, fiscal code, e-mail), each required or optional, with a pattern or
//! a range, a label and a help text, in order. Stored as versioned JSON; the one validator
//! the front office and `paDemandPaymentNotice` check submitted values with.

use super::{Email, FiscalCode};
use chrono::NaiveDate;
use regex::Regex;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::str::FromStr;

/// Most fields a form may have.
pub const MAX_FIELDS: usize = 30;
/// Longest value of a text field without its own limit.
pub const DEFAULT_MAX_LENGTH: usize = 140;
/// Most options of a select.
pub const MAX_OPTIONS: usize = 50;
/// Compiled size limit of an entity's pattern (the regex engine runs in linear time; this
/// bounds its memory).
const PATTERN_SIZE_LIMIT: usize = 64 * 1024;

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Free text (pattern, maximum length).
    Text,
    /// A decimal number (range).
    Number,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// One of the listed options.
    Select,
    /// An Italian fiscal code (person or company).
    FiscalCode,
    /// An e-mail address.
    Email,
}

impl FieldKind {
    /// Every kind, in the order the designer offers them.
    pub const ALL: [FieldKind; 6] = [
        Self::Text,
        Self::Number,
        Self::Date,
        Self::Select,
        Self::FiscalCode,
        Self::Email,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Number => "number",
            Self::Date => "date",
            Self::Select => "select",
            Self::FiscalCode => "fiscal_code",
            Self::Email => "email",
        }
    }

    /// The Italian label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Text => "Testo",
            Self::Number => "Numero",
            Self::Date => "Data",
            Self::Select => "Scelta da elenco",
            Self::FiscalCode => "Codice fiscale",
            Self::Email => "E-mail",
        }
    }

    /// The kind of a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// One field of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDef {
    /// Key of the value (`[a-z][a-z0-9_]{0,39}`), as the service data names it.
    pub name: String,
    /// What the payer reads.
    pub label: String,
    /// A hint under the field.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help: String,
    /// What it holds.
    #[serde(rename = "type")]
    pub kind: FieldKind,
    /// Whether it must be filled.
    #[serde(default)]
    pub required: bool,
    /// A text field's whole value must match this regular expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// A text field's longest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// A number field's smallest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Decimal>,
    /// A number field's largest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Decimal>,
    /// A select's options.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

/// A form: its revision and its fields in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormDefinition {
    /// Revision: 1 when first saved, one more at every change (0: stored before forms
    /// had revisions, as a bare list of fields).
    pub version: u32,
    /// The fields, in the order shown.
    pub fields: Vec<FieldDef>,
}

/// Why a form definition cannot be saved; the text is for the entity's administrator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    /// Stored text that is not a form.
    #[error("definizione del modulo illeggibile: {0}")]
    Unreadable(String),
    /// Too many fields.
    #[error("al massimo {MAX_FIELDS} campi")]
    TooMany,
    /// A bad key.
    #[error("nome di campo [{0}] non valido: una lettera minuscola, poi lettere, cifre o _ (massimo 40)")]
    Name(String),
    /// Two fields with one key.
    #[error("due campi si chiamano [{0}]")]
    Duplicate(String),
    /// A field without label, or a label too long.
    #[error("il campo [{0}] ha bisogno di un'etichetta (massimo 100 caratteri)")]
    Label(String),
    /// A pattern that does not compile.
    #[error("espressione regolare del campo [{0}] non valida: {1}")]
    Pattern(String, String),
    /// A select without options, or with too many.
    #[error("il campo [{0}] a scelta ha bisogno di 1..{MAX_OPTIONS} opzioni")]
    Options(String),
    /// min above max, or a limit on a field that has none.
    #[error("limiti del campo [{0}] non validi")]
    Range(String),
}

/// Why a submitted value is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's key.
    pub name: String,
    /// The field's label.
    pub label: String,
    /// What is wrong, in Italian.
    pub reason: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.label, self.reason)
    }
}

impl FormDefinition {
    /// Reads a stored definition: the versioned object, or the bare list of fields of
    /// revision 0. Blank text is a form without fields.
    pub fn parse(stored: Option<&str>) -> Result<Self, DefinitionError> {
        let text = stored.map(str::trim).unwrap_or_default();
        if text.is_empty() {
            return Ok(Self::default());
        }
        let unreadable = |e: serde_json::Error| DefinitionError::Unreadable(e.to_string());
        let form = if text.starts_with('[') {
            Self {
                version: 0,
                fields: serde_json::from_str(text).map_err(unreadable)?,
            }
        } else {
            serde_json::from_str(text).map_err(unreadable)?
        };
        form.check()?;
        Ok(form)
    }

    /// The stored text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Checks what the designer produced.
    pub fn check(&self) -> Result<(), DefinitionError> {
        if self.fields.len() > MAX_FIELDS {
            return Err(DefinitionError::TooMany);
        }
        let mut seen = HashSet::new();
        for f in &self.fields {
            check_field(f)?;
            if !seen.insert(f.name.as_str()) {
                return Err(DefinitionError::Duplicate(f.name.clone()));
            }
        }
        Ok(())
    }

    /// Checks the values a payer submitted (`value(name)` gives each one); returns every
    /// filled field's value, normalised (trimmed; fiscal codes uppercase), in form order,
    /// or every field that is wrong.
    pub fn validate<'v>(
        &self,
        value: impl Fn(&str) -> Option<&'v str>,
    ) -> Result<Vec<(String, String)>, Vec<FieldError>> {
        let mut values = Vec::new();
        let mut errors = Vec::new();
        for f in &self.fields {
            let raw = value(&f.name).map(str::trim).unwrap_or_default();
            let refuse = |reason: String| FieldError {
                name: f.name.clone(),
                label: f.label.clone(),
                reason,
            };
            if raw.is_empty() {
                if f.required {
                    errors.push(refuse("obbligatorio".into()));
                }
                continue;
            }
            match check_value(f, raw) {
                Ok(v) => values.push((f.name.clone(), v)),
                Err(reason) => errors.push(refuse(reason)),
            }
        }
        if errors.is_empty() {
            Ok(values)
        } else {
            Err(errors)
        }
    }
}

fn check_field(f: &FieldDef) -> Result<(), DefinitionError> {
    let name = &f.name;
    let b = name.as_bytes();
    let plain = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_';
    if b.is_empty() || b.len() > 40 || !b[0].is_ascii_lowercase() || !b.iter().all(plain) {
        return Err(DefinitionError::Name(name.clone()));
    }
    let label = f.label.trim();
    if label.is_empty() || label.chars().count() > 100 || f.help.chars().count() > 300 {
        return Err(DefinitionError::Label(name.clone()));
    }
    if let Some(p) = &f.pattern {
        compile(p).map_err(|e| DefinitionError::Pattern(name.clone(), e))?;
    }
    let range = || DefinitionError::Range(name.clone());
    let text_only = f.kind == FieldKind::Text || (f.pattern.is_none() && f.max_length.is_none());
    let number_only = f.kind == FieldKind::Number || (f.min.is_none() && f.max.is_none());
    if !text_only || !number_only || f.max_length == Some(0) {
        return Err(range());
    }
    if let (Some(min), Some(max)) = (f.min, f.max) {
        if min > max {
            return Err(range());
        }
    }
    let options_ok = (1..=MAX_OPTIONS).contains(&f.options.len())
        && f.options.iter().all(|o| !o.trim().is_empty());
    match (
        f.kind == FieldKind::Select,
        options_ok,
        f.options.is_empty(),
    ) {
        (true, false, _) | (false, _, false) => Err(DefinitionError::Options(name.clone())),
        _ => Ok(()),
    }
}

/// An entity's pattern, anchored to the whole value.
fn compile(pattern: &str) -> Result<Regex, String> {
    regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
        .size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|e| e.to_string().lines().last().unwrap_or_default().to_owned())
}

/// One filled value of field `f`, normalised, or why it is refused.
fn check_value(f: &FieldDef, raw: &str) -> Result<String, String> {
    match f.kind {
        FieldKind::Text => {
            let max = f.max_length.unwrap_or(DEFAULT_MAX_LENGTH);
            if raw.chars().count() > max {
                return Err(format!("al massimo {max} caratteri"));
            }
            match f.pattern.as_deref().map(compile) {
                Some(Ok(re)) if !re.is_match(raw) => Err("formato non valido".into()),
                Some(Err(_)) => Err("formato non verificabile".into()),
                _ => Ok(raw.to_owned()),
            }
        }
        FieldKind::Number => {
            let n = Decimal::from_str(&raw.replace(',', ".")).map_err(|_| "non è un numero")?;
            if f.min.is_some_and(|m| n < m) || f.max.is_some_and(|m| n > m) {
                return Err(range_text(f));
            }
            Ok(n.normalize().to_string())
        }
        FieldKind::Date => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map(|d| d.format("%Y-%m-%d").to_string())
            .map_err(|_| "data non valida (AAAA-MM-GG)".into()),
        FieldKind::Select => f
            .options
            .iter()
            .find(|o| o.as_str() == raw)
            .cloned()
            .ok_or_else(|| "scelta non prevista".into()),
        FieldKind::FiscalCode => FiscalCode::parse(&raw.to_uppercase())
            .map(|cf| cf.as_str().to_owned())
            .map_err(|_| "codice fiscale non valido".into()),
        FieldKind::Email => Email::parse(raw)
            .map(|e| e.as_str().to_owned())
            .map_err(|_| "indirizzo e-mail non valido".into()),
    }
}

fn range_text(f: &FieldDef) -> String {
    match (f.min, f.max) {
        (Some(a), Some(b)) => format!("tra {a} e {b}"),
        (Some(a), None) => format!("almeno {a}"),
        (None, Some(b)) => format!("al massimo {b}"),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
#[path = "form_tests.rs"]
mod tests;
