//! E-mail addresses as pagoPA's `stEMail` accepts them: a plain ASCII local part
//! (letters, digits, `_ . + -`), `@`, dot-separated labels; at most 256 characters.

use super::InvalidIdentifier;

/// Longest address `stEMail` allows.
pub const MAX_EMAIL_LEN: usize = 256;

/// A checked e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Checks the shape and the length.
    pub fn parse(s: &str) -> Result<Self, InvalidIdentifier> {
        if s.len() <= MAX_EMAIL_LEN && is_email(s) {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidIdentifier::new("e-mail", "not an e-mail address"))
        }
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `e` has the shape of an address (any length).
pub fn is_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.+-".contains(&b));
    let domain_ok = domain
        .split('.')
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shapes() {
        assert!(Email::parse("mario.rossi+x@example.org").is_ok());
        assert!(Email::parse("no-at-sign").is_err());
        assert!(Email::parse("a@b..c").is_err());
        assert!(Email::parse("à@b.c").is_err());
        let long = format!("{}@example.org", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }

    proptest! {
        #[test]
        fn accepted_addresses_have_one_at_and_no_blank(s in "\\PC{0,80}") {
            if let Ok(e) = Email::parse(&s) {
                prop_assert_eq!(e.as_str().matches('@').count(), 1);
                prop_assert!(!e.as_str().contains(char::is_whitespace));
            }
        }
    }
}
