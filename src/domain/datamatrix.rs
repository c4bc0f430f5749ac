//! The Data Matrix payload of the "Bollettino Postale PA" part of a payment notice, read at
//! Poste Italiane counters and by apps that scan notices.
//!
//! Layout (256 characters, fixed positions), as specified in Poste Italiane's "Manuale della
//! stampa in proprio" (§ Data Matrix, document type 896) and as read by pagoPA's own
//! decoders (the IO app takes the notice number at offset 15, the amount at 49 and the
//! entity fiscal code at 66):
//!
//! | offset | length | content |
//! |---:|---:|---|
//! | 0 | 13 | `codfase=NBPA;` |
//! | 13 | 2 + 18 | `18` + notice number |
//! | 33 | 2 + 12 | `12` + postal account number, zero-padded |
//! | 47 | 2 + 10 | `10` + amount in cents, zero-padded |
//! | 59 | 1 + 3 | `3` + document type `896` |
//! | 63 | 3 | `1P1` |
//! | 66 | 11 | entity fiscal code |
//! | 77 | 16 | debtor fiscal code, space-padded |
//! | 93 | 40 | debtor name, upper case, space-padded / cut |
//! | 133 | 110 | causale, space-padded / cut |
//! | 243 | 12 | filler (spaces) |
//! | 255 | 1 | `A` |
//!
//! Free text is reduced to the characters Poste's readers accept: accented letters lose
//! their accent, anything else outside printable ASCII becomes a space.

use super::{AmountCents, InvalidIdentifier, NoticeNumber, PartitaIva};

/// Total length of the payload.
pub const LENGTH: usize = 256;
const HEAD: &str = "codfase=NBPA;";

/// What a Bollettino Postale PA Data Matrix carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalPayment<'a> {
    /// The notice number.
    pub notice: &'a NoticeNumber,
    /// The postal current account (digits, up to 12).
    pub account: &'a str,
    /// The amount.
    pub amount: AmountCents,
    /// The creditor entity's fiscal code.
    pub entity: &'a PartitaIva,
    /// Debtor's fiscal code (or other identifier, up to 16 characters).
    pub debtor_id: &'a str,
    /// Debtor's name.
    pub debtor_name: &'a str,
    /// What is paid.
    pub causale: &'a str,
}

/// Builds the payload; fails when the account or the amount do not fit their fields.
pub fn poste_datamatrix(p: &PostalPayment<'_>) -> Result<String, InvalidIdentifier> {
    let err = |r: &str| InvalidIdentifier::new("Data Matrix", r);
    if p.account.is_empty()
        || p.account.len() > 12
        || !p.account.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(err("the postal account must be 1 to 12 digits"));
    }
    let cents = p.amount.cents();
    if !(1..=9_999_999_999).contains(&cents) {
        return Err(err("the amount must be 0.01 to 99,999,999.99"));
    }
    let mut s = String::with_capacity(LENGTH);
    s.push_str(HEAD);
    s.push_str("18");
    s.push_str(p.notice.as_str());
    s.push_str(&format!("12{:0>12}10{cents:010}3896", p.account));
    s.push_str("1P1");
    s.push_str(p.entity.as_str());
    s.push_str(&field(p.debtor_id, 16, false));
    s.push_str(&field(p.debtor_name, 40, true));
    s.push_str(&field(p.causale, 110, false));
    s.push_str(&" ".repeat(12));
    s.push('A');
    debug_assert_eq!(s.len(), LENGTH);
    Ok(s)
}

/// `text` reduced to the accepted characters, cut or space-padded to `len`.
fn field(text: &str, len: usize, upper: bool) -> String {
    let mut out: String = text
        .chars()
        .map(plain)
        .map(|c| if upper { c.to_ascii_uppercase() } else { c })
        .take(len)
        .collect();
    while out.len() < len {
        out.push(' ');
    }
    out
}

fn plain(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' => 'a',
        'À' | 'Á' | 'Â' | 'Ä' => 'A',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'È' | 'É' | 'Ê' | 'Ë' => 'E',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
        'ò' | 'ó' | 'ô' | 'ö' => 'o',
        'Ò' | 'Ó' | 'Ô' | 'Ö' => 'O',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
        ' '..='~' => c,
        _ => ' ',
    }
}

/// The fields a reader takes back out of a payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadBack {
    /// Notice number.
    pub notice: NoticeNumber,
    /// Postal account, without padding zeros.
    pub account: String,
    /// Amount.
    pub amount: AmountCents,
    /// Entity fiscal code.
    pub entity: PartitaIva,
}

/// Reads a payload the way a counter or an app does (fixed positions).
pub fn read_poste_datamatrix(s: &str) -> Result<ReadBack, InvalidIdentifier> {
    let err = |r: &str| InvalidIdentifier::new("Data Matrix", r);
    if s.len() != LENGTH || !s.is_ascii() || !s.starts_with(HEAD) || !s.ends_with('A') {
        return Err(err("not a Bollettino Postale PA payload"));
    }
    let at = |from: usize, to: usize| &s[from..to];
    if at(13, 15) != "18" || at(33, 35) != "12" || at(47, 49) != "10" || at(59, 66) != "38961P1" {
        return Err(err("field tags out of place"));
    }
    let cents: i64 = at(49, 59)
        .parse()
        .map_err(|_| err("amount is not digits"))?;
    Ok(ReadBack {
        notice: NoticeNumber::parse(at(15, 33))?,
        account: at(35, 47).trim_start_matches('0').to_owned(),
        amount: AmountCents::from_cents(cents)?,
        entity: PartitaIva::parse(at(66, 77))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn example(name: &str, causale: &str, cents: i64) -> String {
        let notice = NoticeNumber::parse("301000000000000144").unwrap();
        let entity = PartitaIva::parse("01234567897").unwrap();
        poste_datamatrix(&PostalPayment {
            notice: &notice,
            account: "1234567",
            amount: AmountCents::from_cents(cents).unwrap(),
            entity: &entity,
            debtor_id: "RSSMRA85T10A562S",
            debtor_name: name,
            causale,
        })
        .unwrap()
    }

    #[test]
    fn fixed_positions() {
        let s = example("Mario Rossì", "TARI 2026 rata unica", 12550);
        assert_eq!(s.len(), LENGTH);
        assert_eq!(
            &s[..93],
            "codfase=NBPA;18301000000000000144120000012345671000000125503896\
             1P101234567897RSSMRA85T10A562S"
        );
        assert_eq!(&s[93..133], format!("{:<40}", "MARIO ROSSI"));
        assert!(s[133..243].starts_with("TARI 2026 rata unica "));
        assert_eq!(&s[243..], "            A");
        let back = read_poste_datamatrix(&s).unwrap();
        assert_eq!(back.notice.as_str(), "301000000000000144");
        assert_eq!(back.account, "1234567");
        assert_eq!(back.amount.cents(), 12550);
        assert_eq!(back.entity.as_str(), "01234567897");
    }

    #[test]
    fn refuses_what_does_not_fit() {
        let notice = NoticeNumber::parse("301000000000000144").unwrap();
        let entity = PartitaIva::parse("01234567897").unwrap();
        let base = PostalPayment {
            notice: &notice,
            account: "1234567890123",
            amount: AmountCents::from_cents(100).unwrap(),
            entity: &entity,
            debtor_id: "X",
            debtor_name: "Y",
            causale: "Z",
        };
        assert!(poste_datamatrix(&base).is_err());
        assert!(poste_datamatrix(&PostalPayment {
            account: "12a",
            ..base.clone()
        })
        .is_err());
        assert!(read_poste_datamatrix("codfase=NBPA;short").is_err());
    }

    proptest! {
        #[test]
        fn any_text_keeps_the_layout(name in ".{0,80}", causale in ".{0,300}", cents in 1i64..=9_999_999_999) {
            let s = example(&name, &causale, cents);
            prop_assert_eq!(s.len(), LENGTH);
            prop_assert!(s.is_ascii());
            let back = read_poste_datamatrix(&s).unwrap();
            prop_assert_eq!(back.amount.cents(), cents);
        }
    }
}
