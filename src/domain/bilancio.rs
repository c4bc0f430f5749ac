//! The bilancio of a position — how its amount splits over the entity's accounting
//! chapters (capitoli) and assessments (accertamenti) — and a due type's default one,
//! which a position that arrives without a bilancio receives.
//!
//! A default states each assessment's share either as a fixed amount or as the rest
//! (`TOTALE`: the position's amount less the fixed shares; at most one line). It is
//! checked once, when the administrator saves it, against the due type's fixed amount;
//! [`DefaultBilancio::split`] then applies it to each position's amount.

use super::AmountCents;

/// Longest chapter code (`bilancioDefault.xsd`: `stText12`).
pub const CHAPTER_MAX: usize = 12;
/// Longest office code (`stText16`).
pub const OFFICE_MAX: usize = 16;
/// Longest assessment code (`stText32`).
pub const ASSESSMENT_MAX: usize = 32;
/// Most lines a default may have.
pub const LINES_MAX: usize = 20;

/// The word that marks the rest in `bilancioDefault` XML.
pub const REST: &str = "TOTALE";

/// One chapter with its assessments; `S` is how an assessment's amount is stated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter<S> {
    /// `codCapitolo`.
    pub code: String,
    /// `codUfficio`.
    pub office: Option<String>,
    /// `accertamento` elements, in order.
    pub assessments: Vec<Assessment<S>>,
}

/// One assessment of a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment<S> {
    /// `codAccertamento`.
    pub code: Option<String>,
    /// `importo`.
    pub amount: S,
}

/// A default's share of one assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    /// This much.
    Fixed(AmountCents),
    /// What the fixed shares leave of the position's amount.
    Rest,
}

/// A position's bilancio: every amount known.
pub type Bilancio = Vec<Chapter<AmountCents>>;

/// One line as the administrator types it: chapter, office, assessment, share.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawLine<'a> {
    /// Chapter code.
    pub chapter: &'a str,
    /// Office code (may be blank).
    pub office: &'a str,
    /// Assessment code (may be blank).
    pub assessment: &'a str,
    /// An amount in euro, or `TOTALE` (any case) for the rest.
    pub share: &'a str,
}

/// Why a default is refused; the text is for the administrator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BilancioError {
    /// A line lacks its chapter.
    #[error("riga {0} del bilancio: il capitolo è obbligatorio")]
    NoChapter(usize),
    /// A code is too long.
    #[error("riga {0} del bilancio: {1} troppo lungo (al massimo {2} caratteri)")]
    TooLong(usize, &'static str, usize),
    /// A share is neither an amount nor the rest.
    #[error("riga {0} del bilancio: importo non valido (un importo in euro o TOTALE)")]
    Share(usize),
    /// Two lines claim the rest.
    #[error("il bilancio può avere una sola riga TOTALE")]
    TwoRests,
    /// Too many lines.
    #[error("il bilancio può avere al massimo {LINES_MAX} righe")]
    TooMany,
    /// The fixed shares exceed the due type's fixed amount.
    #[error("le quote fisse del bilancio ({0}) superano l'importo fisso del tipo dovuto ({1})")]
    Exceeds(AmountCents, AmountCents),
    /// Without a rest line the shares must add up to the fixed amount, and a free amount
    /// needs a rest line.
    #[error("il bilancio deve avere una riga TOTALE, o quote fisse pari all'importo fisso del tipo dovuto")]
    NoRest,
}

/// A due type's default bilancio, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultBilancio {
    chapters: Vec<Chapter<Share>>,
}

fn optional(s: &str) -> Option<String> {
    Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn within(
    n: usize,
    what: &'static str,
    s: &Option<String>,
    max: usize,
) -> Result<(), BilancioError> {
    match s {
        Some(s) if s.chars().count() > max => Err(BilancioError::TooLong(n, what, max)),
        _ => Ok(()),
    }
}

/// A share as typed: `TOTALE`, or a positive amount in euro (`12,50`, `12.50`).
pub fn parse_share(raw: &str) -> Option<Share> {
    let raw = raw.trim();
    if raw.eq_ignore_ascii_case(REST) {
        return Some(Share::Rest);
    }
    AmountCents::parse_euro(raw)
        .ok()
        .filter(|a| a.cents() > 0)
        .map(Share::Fixed)
}

impl DefaultBilancio {
    /// Checks `lines` (blank ones skipped; lines of the same chapter and office grouped
    /// under one chapter, in order of first appearance) against the due type's fixed
    /// amount. `Ok(None)` when every line is blank: no default.
    pub fn from_lines(
        lines: &[RawLine<'_>],
        fixed: Option<AmountCents>,
    ) -> Result<Option<Self>, BilancioError> {
        let mut chapters: Vec<Chapter<Share>> = Vec::new();
        let mut count = 0;
        for (i, l) in lines.iter().enumerate() {
            let n = i + 1;
            let typed = [l.chapter, l.office, l.assessment, l.share];
            if typed.iter().all(|s| s.trim().is_empty()) {
                continue;
            }
            count += 1;
            let code = optional(l.chapter).ok_or(BilancioError::NoChapter(n))?;
            let office = optional(l.office);
            let assessment = optional(l.assessment);
            within(n, "capitolo", &Some(code.clone()), CHAPTER_MAX)?;
            within(n, "ufficio", &office, OFFICE_MAX)?;
            within(n, "accertamento", &assessment, ASSESSMENT_MAX)?;
            let share = parse_share(l.share).ok_or(BilancioError::Share(n))?;
            let at = chapters
                .iter()
                .position(|c| c.code == code && c.office == office)
                .unwrap_or_else(|| {
                    chapters.push(Chapter {
                        code,
                        office,
                        assessments: Vec::new(),
                    });
                    chapters.len() - 1
                });
            chapters[at].assessments.push(Assessment {
                code: assessment,
                amount: share,
            });
        }
        if count > LINES_MAX {
            return Err(BilancioError::TooMany);
        }
        if chapters.is_empty() {
            return Ok(None);
        }
        Self::checked(chapters, fixed).map(Some)
    }

    /// Checks chapters read back from storage (or typed) against the fixed amount.
    pub fn checked(
        chapters: Vec<Chapter<Share>>,
        fixed: Option<AmountCents>,
    ) -> Result<Self, BilancioError> {
        let d = Self { chapters };
        let rests = d.shares().filter(|s| **s == Share::Rest).count();
        if rests > 1 {
            return Err(BilancioError::TwoRests);
        }
        let sum = d.fixed_sum().ok_or(BilancioError::NoRest)?;
        match fixed {
            Some(f) if sum > f => Err(BilancioError::Exceeds(sum, f)),
            Some(f) if rests == 0 && sum != f => Err(BilancioError::NoRest),
            None if rests == 0 => Err(BilancioError::NoRest),
            _ => Ok(d),
        }
    }

    fn shares(&self) -> impl Iterator<Item = &Share> {
        self.chapters
            .iter()
            .flat_map(|c| c.assessments.iter().map(|a| &a.amount))
    }

    /// The sum of the fixed shares (`None` beyond the largest amount).
    fn fixed_sum(&self) -> Option<AmountCents> {
        self.shares().try_fold(AmountCents::ZERO, |sum, s| match s {
            Share::Fixed(a) => sum.checked_add(*a),
            Share::Rest => Some(sum),
        })
    }

    /// The chapters as checked.
    pub fn chapters(&self) -> &[Chapter<Share>] {
        &self.chapters
    }

    /// The bilancio of a position of `amount`: the fixed shares as they are, the rest
    /// line with what they leave (dropped when that is zero, with its chapter when the
    /// chapter is left empty). `None` when the default does not fit the amount: the
    /// fixed shares exceed it, or add up to something else and there is no rest line.
    pub fn split(&self, amount: AmountCents) -> Option<Bilancio> {
        let sum = self.fixed_sum()?;
        let rest = amount.cents().checked_sub(sum.cents())?;
        let has_rest = self.shares().any(|s| *s == Share::Rest);
        if rest < 0 || (!has_rest && rest != 0) {
            return None;
        }
        let rest = AmountCents::from_cents(rest).ok()?;
        let chapters: Bilancio = self
            .chapters
            .iter()
            .map(|c| Chapter {
                code: c.code.clone(),
                office: c.office.clone(),
                assessments: c
                    .assessments
                    .iter()
                    .map(|a| Assessment {
                        code: a.code.clone(),
                        amount: match a.amount {
                            Share::Fixed(f) => f,
                            Share::Rest => rest,
                        },
                    })
                    .filter(|a| a.amount.cents() > 0)
                    .collect(),
            })
            .filter(|c| !c.assessments.is_empty())
            .collect();
        Some(chapters)
    }
}

#[cfg(test)]
#[path = "bilancio_tests.rs"]
mod tests;
