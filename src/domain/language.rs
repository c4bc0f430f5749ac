//! The language an entity's payment notices are printed in.

use super::InvalidIdentifier;

/// A notice language: Italian by default; German for the entities of the bilingual
/// provinces, English for entities that address foreign residents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NoticeLanguage {
    /// Italiano.
    #[default]
    Italian,
    /// Deutsch.
    German,
    /// English.
    English,
}

impl NoticeLanguage {
    /// Every language, in the order offered.
    pub const ALL: [NoticeLanguage; 3] = [Self::Italian, Self::German, Self::English];

    /// The ISO 639-1 code stored and posted.
    pub fn code(self) -> &'static str {
        match self {
            Self::Italian => "it",
            Self::German => "de",
            Self::English => "en",
        }
    }

    /// The language's own name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Italian => "Italiano",
            Self::German => "Deutsch",
            Self::English => "English",
        }
    }

    /// The language of `code` (as [`Self::code`] gives it, any case).
    pub fn parse(code: &str) -> Result<Self, InvalidIdentifier> {
        Self::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(code.trim()))
            .ok_or_else(|| {
                InvalidIdentifier::new("lingua dell'avviso", "deve essere it, de oppure en")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_round_trip() {
        for l in NoticeLanguage::ALL {
            assert_eq!(NoticeLanguage::parse(l.code()), Ok(l));
        }
        assert_eq!(NoticeLanguage::parse(" DE "), Ok(NoticeLanguage::German));
        assert_eq!(NoticeLanguage::default().code(), "it");
    }

    proptest! {
        #[test]
        fn only_the_three_codes_parse(s in "\\PC{0,4}") {
            let known = ["it", "de", "en"].contains(&s.trim().to_ascii_lowercase().as_str());
            prop_assert_eq!(NoticeLanguage::parse(&s).is_ok(), known);
        }
    }
}
