//! The database URL: `sqlite://PATH` or `postgres://...`; anything else is an error.

use std::fmt;
use std::path::PathBuf;

/// A database URL we cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadUrl(String);

/// A parsed database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (kept whole for libpq).
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses by scheme. `sqlite://relative/path` and `sqlite:///absolute/path` both work.
    pub fn parse(s: &str) -> Result<Self, BadUrl> {
        if let Some(path) = s.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(BadUrl(
                    "sqlite:// URL needs a file path, e.g. sqlite://./data/mypay.sqlite3".into(),
                ));
            }
            Ok(Self::Sqlite(PathBuf::from(path)))
        } else if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Ok(Self::Postgres(s.to_owned()))
        } else {
            let scheme = s
                .split("://")
                .next()
                .filter(|_| s.contains("://"))
                .unwrap_or(s);
            Err(BadUrl(format!(
                "unsupported database URL scheme {scheme:?}: use sqlite://PATH or postgres://USER@HOST/DB"
            )))
        }
    }

    /// The URL with any password replaced by `***`, for logs and `check-config`.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(p) => format!("sqlite://{}", p.display()),
            Self::Postgres(u) => redact_password(u),
        }
    }

    /// True for PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }
}

/// Replaces the password in `scheme://user:password@host/...` with `***`.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some(at) = rest.rfind('@') else {
        return url.to_owned();
    };
    match rest[..at].split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***{}", &rest[at..]),
        None => url.to_owned(),
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://./data/x.db").unwrap(),
            DatabaseUrl::Sqlite("./data/x.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db").unwrap(),
            DatabaseUrl::Sqlite("/tmp/x.db".into())
        );
        assert!(DatabaseUrl::parse("postgres://u@h/db")
            .unwrap()
            .is_postgres());
        assert!(DatabaseUrl::parse("postgresql://u@h/db")
            .unwrap()
            .is_postgres());
        let e = DatabaseUrl::parse("mysql://u@h/db").unwrap_err();
        assert!(e.to_string().contains("\"mysql\""), "{e}");
        assert!(DatabaseUrl::parse("./file.db").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }

    #[test]
    fn passwords_are_redacted() {
        let u = DatabaseUrl::parse("postgres://app:s3cret@db:5432/mypay").unwrap();
        assert_eq!(u.redacted(), "postgres://app:***@db:5432/mypay");
        assert!(!u.to_string().contains("s3cret"));
        assert_eq!(
            redact_password("postgres://app@db/mypay"),
            "postgres://app@db/mypay"
        );
    }
}
