//! Synthetic but valid identities for demo data: fiscal codes with correct check
//! characters, partite IVA with correct check digits, Italian IBANs with correct check digits.

use crate::domain::fiscal_code::{check_char, partita_iva_check};
use crate::domain::Iban;

/// (surname, name, first six characters of the codice fiscale)
const PEOPLE: [(&str, &str, &str); 12] = [
    ("Rossi", "Mario", "RSSMRA"),
    ("Bianchi", "Laura", "BNCLRA"),
    ("Verdi", "Giuseppe", "VRDGPP"),
    ("Ferrari", "Giulia", "FRRGLI"),
    ("Russo", "Francesca", "RSSFNC"),
    ("Colombo", "Luca", "CLMLCU"),
    ("Ricci", "Stefano", "RCCSFN"),
    ("Marino", "Chiara", "MRNCHR"),
    ("Greco", "Paolo", "GRCPLA"),
    ("Bruno", "Sara", "BRNSRA"),
    ("Gallo", "Marco", "GLLMRC"),
    ("Conti", "Elena", "CNTLNE"),
];
const FEMALE: [bool; 12] = [
    false, true, false, true, true, false, false, true, false, true, false, true,
];
const MONTHS: &[u8; 12] = b"ABCDEHLMPRST";
const PLACES: [&str; 4] = ["L736", "F205", "H501", "G224"];

/// A demo debtor.
pub struct Person {
    /// `F` or `G`.
    pub kind: &'static str,
    /// Fiscal code.
    pub fiscal_code: String,
    /// Display name.
    pub name: String,
    /// E-mail.
    pub email: String,
}

/// The `i`-th demo person (cycles through a fixed list, with varied birth data).
pub fn person(i: usize) -> Person {
    let k = i % PEOPLE.len();
    let (surname, name, six) = PEOPLE[k];
    let year = 50 + (i * 7) % 50;
    let month = MONTHS[(i * 5) % 12] as char;
    let day = 1 + (i * 11) % 28 + if FEMALE[k] { 40 } else { 0 };
    let place = PLACES[i % PLACES.len()];
    let mut code = format!("{six}{year:02}{month}{day:02}{place}").into_bytes();
    code.push(check_char(&code));
    Person {
        kind: "F",
        fiscal_code: String::from_utf8_lossy(&code).into_owned(),
        name: format!("{name} {surname}"),
        email: format!(
            "{}.{}@example.org",
            name.to_lowercase(),
            surname.to_lowercase()
        ),
    }
}

/// A demo company debtor.
pub fn company(i: usize) -> Person {
    let names = [
        "Edilizia Demo S.r.l.",
        "Trasporti Esempio S.p.A.",
        "Bar Centrale S.n.c.",
    ];
    Person {
        kind: "G",
        fiscal_code: partita_iva(&format!("{:010}", 1_234_500_000 + i as u64 * 17)),
        name: names[i % names.len()].to_owned(),
        email: format!("amministrazione{i}@example.org"),
    }
}

/// Completes ten digits with the partita IVA check digit.
pub fn partita_iva(first10: &str) -> String {
    let digits: Vec<u32> = first10.bytes().map(|b| u32::from(b - b'0')).collect();
    format!("{first10}{}", partita_iva_check(&digits))
}

/// An Italian IBAN for a demo account; `postal` uses Poste's ABI 07601.
pub fn iban(account: u64, postal: bool) -> Result<Iban, crate::domain::InvalidIdentifier> {
    let (abi, cab) = if postal {
        ("07601", "01600")
    } else {
        ("03069", "02117")
    };
    Iban::from_bban("IT", &format!("X{abi}{cab}{account:012}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{FiscalCode, PartitaIva};

    #[test]
    fn demo_identities_are_valid() {
        for i in 0..200 {
            let p = person(i);
            assert!(
                FiscalCode::parse(&p.fiscal_code).is_ok(),
                "{}",
                p.fiscal_code
            );
            assert!(PartitaIva::parse(&company(i).fiscal_code).is_ok());
        }
        assert!(iban(42, true).unwrap().is_postal());
        assert!(!iban(42, false).unwrap().is_postal());
    }
}
