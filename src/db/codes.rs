//! State columns read as the domain's enums: a stored code is parsed once, here, when a
//! row is read, and an unknown code is a query error that names the column's type and
//! the code (never a panic, never a string compared further up).
//!
//! Each enum gets `FromSql<Text>` for both backends (and the single-value `Queryable`
//! that diesel's `FromSqlRow` derive would write), so row structs declare their `state`
//! fields with the enum itself. Writes store the enum's `code()`.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::sql_types::{BigInt, Text};
use diesel::sqlite::Sqlite;

/// The backend of [`crate::db::AnyConnection`], which dispatches to the two below.
type Multi = <crate::db::AnyConnection as diesel::Connection>::Backend;

/// A value stored as one of a set of text codes.
pub trait FromCode: Sized + 'static {
    /// What the codes are codes of, for the error ("dovuto state").
    const WHAT: &'static str;
    /// The value a stored code names.
    fn from_code(code: &str) -> Option<Self>;
}

/// A stored code that names no value: the row cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("unknown {what} code {code:?}")]
pub struct UnknownCode {
    /// What the codes are codes of.
    pub what: &'static str,
    /// The code found.
    pub code: String,
}

/// Parses `text` as a `T`, or says which code it was.
pub fn parse<T: FromCode>(text: &str) -> deserialize::Result<T> {
    T::from_code(text).ok_or_else(|| {
        Box::new(UnknownCode {
            what: T::WHAT,
            code: text.to_owned(),
        }) as Box<dyn std::error::Error + Send + Sync>
    })
}

/// What a state field of an `Insertable` is written as (`serialize_as`).
pub type StoredCode = &'static str;

impl From<crate::domain::DovutoState> for StoredCode {
    fn from(value: crate::domain::DovutoState) -> Self {
        value.code()
    }
}

/// Makes each `$t` (through its inherent `from_code`) readable from a `Text` column on
/// both backends.
macro_rules! stored_as_code {
    ($($t:ty => $what:literal),+ $(,)?) => {$(
        impl FromCode for $t {
            const WHAT: &'static str = $what;
            fn from_code(code: &str) -> Option<Self> {
                <$t>::from_code(code)
            }
        }

        impl FromSql<Text, Sqlite> for $t {
            fn from_sql(value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                parse(&<String as FromSql<Text, Sqlite>>::from_sql(value)?)
            }
        }

        impl FromSql<Text, Pg> for $t {
            fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                parse(&<String as FromSql<Text, Pg>>::from_sql(value)?)
            }
        }

        impl FromSql<Text, Multi> for $t {
            fn from_sql(value: <Multi as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                value.from_sql::<Self, Text>()
            }
        }

        impl<DB: Backend> diesel::deserialize::Queryable<Text, DB> for $t
        where
            Self: FromSql<Text, DB>,
        {
            type Row = Self;

            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }
    )+};
}

stored_as_code!(
    crate::domain::DovutoState => "dovuto state",
    crate::domain::EntityState => "entity state",
    crate::domain::CartState => "cart state",
    crate::domain::FlussoState => "flusso state",
    crate::domain::PrimitiveVersion => "primitive version",
    crate::db::models::job::JobState => "job state",
);

/// A stored value the domain's constructor refuses: the row cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("stored {what} refused: {problem}")]
pub struct Refused {
    /// What the value is.
    pub what: &'static str,
    /// Why the domain refuses it.
    pub problem: crate::domain::InvalidIdentifier,
}

/// Makes each `$t` readable from a `$sql` column (read as `$raw`) on both backends,
/// through its validating constructor `$make`.
macro_rules! stored_as_parsed {
    ($($t:ty => $what:literal, $sql:ty, $raw:ty, $make:expr);+ $(;)?) => {$(
        impl $t {
            fn from_stored(raw: $raw) -> deserialize::Result<Self> {
                let make: fn($raw) -> Result<Self, crate::domain::InvalidIdentifier> = $make;
                make(raw).map_err(|problem| Box::new(Refused { what: $what, problem }).into())
            }
        }

        impl FromSql<$sql, Sqlite> for $t {
            fn from_sql(value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                Self::from_stored(<$raw as FromSql<$sql, Sqlite>>::from_sql(value)?)
            }
        }

        impl FromSql<$sql, Pg> for $t {
            fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                Self::from_stored(<$raw as FromSql<$sql, Pg>>::from_sql(value)?)
            }
        }

        impl FromSql<$sql, Multi> for $t {
            fn from_sql(value: <Multi as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                value.from_sql::<Self, $sql>()
            }
        }

        impl<DB: Backend> diesel::deserialize::Queryable<$sql, DB> for $t
        where
            Self: FromSql<$sql, DB>,
        {
            type Row = Self;

            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }
    )+};
}

stored_as_parsed!(
    crate::domain::AmountCents => "amount", BigInt, i64, crate::domain::AmountCents::from_cents;
    crate::domain::Iuv => "IUV", Text, String, |s| crate::domain::Iuv::parse(&s);
    crate::domain::NoticeLanguage => "notice language", Text, String, |s| crate::domain::NoticeLanguage::parse(&s);
    crate::domain::NoticeNumber => "notice number", Text, String, |s| crate::domain::NoticeNumber::parse(&s);
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DovutoState;

    #[test]
    fn an_unknown_code_names_itself() {
        let e = parse::<DovutoState>("PAGATO_FORSE").unwrap_err();
        assert_eq!(e.to_string(), "unknown dovuto state code \"PAGATO_FORSE\"");
        assert_eq!(
            parse::<DovutoState>("COMPLETATO").ok(),
            Some(DovutoState::Paid)
        );
    }

    #[test]
    fn a_stored_value_the_domain_refuses_says_what_it_is() {
        use crate::domain::AmountCents;
        let e = AmountCents::from_stored(-1).unwrap_err();
        assert!(e.to_string().starts_with("stored amount refused: "), "{e}");
        assert_eq!(
            AmountCents::from_stored(250).ok(),
            AmountCents::from_cents(250).ok()
        );
    }
}
