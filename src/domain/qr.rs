//! The payment-notice QR code string: `PAGOPA|002|<notice number>|<entity CF>|<cents>`.

use super::{AmountCents, InvalidIdentifier, NoticeNumber, PartitaIva};

/// Builds the QR payload for a notice. The amount is in cents, at least two digits.
pub fn qr_string(notice: &NoticeNumber, entity: &PartitaIva, amount: AmountCents) -> String {
    format!(
        "PAGOPA|002|{}|{}|{:02}",
        notice.as_str(),
        entity.as_str(),
        amount.cents()
    )
}

/// The parts of a decoded QR payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrPayload {
    /// The 18-digit notice number.
    pub notice: NoticeNumber,
    /// The creditor entity's fiscal code.
    pub entity: PartitaIva,
    /// The amount.
    pub amount: AmountCents,
}

/// Parses a payload produced by [`qr_string`] (or read from a printed notice).
pub fn parse_qr_string(s: &str) -> Result<QrPayload, InvalidIdentifier> {
    let err = |r: &str| InvalidIdentifier::new("QR code", r);
    let parts: Vec<&str> = s.split('|').collect();
    let [tag, version, notice, entity, cents] = parts.as_slice() else {
        return Err(err("must have five |-separated fields"));
    };
    if *tag != "PAGOPA" || *version != "002" {
        return Err(err("must start with PAGOPA|002"));
    }
    if !(2..=11).contains(&cents.len()) || !cents.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err("amount must be 2..11 digits of cents"));
    }
    Ok(QrPayload {
        notice: NoticeNumber::parse(notice)?,
        entity: PartitaIva::parse(entity)?,
        amount: AmountCents::from_cents(cents.parse().map_err(|_| err("bad amount"))?)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{iuv::MAX_PROGRESSIVE, AuxDigit, Iuv, SegregationCode};
    use proptest::prelude::*;

    #[test]
    fn example() {
        let n = NoticeNumber::parse("301000000000000144").unwrap();
        let cf = PartitaIva::parse("01234567897").unwrap();
        let a = AmountCents::parse("12.50").unwrap();
        assert_eq!(
            qr_string(&n, &cf, a),
            "PAGOPA|002|301000000000000144|01234567897|1250"
        );
        assert_eq!(
            qr_string(&n, &cf, AmountCents::from_cents(5).unwrap()),
            "PAGOPA|002|301000000000000144|01234567897|05"
        );
        assert!(parse_qr_string("PAGOPA|001|301000000000000144|01234567897|1250").is_err());
    }

    proptest! {
        #[test]
        fn round_trip(seg in 0u8..=99, p in 1u64..=MAX_PROGRESSIVE, cents in 1i64..=99_999_999_999) {
            let iuv = Iuv::aux3(SegregationCode::new(seg).unwrap(), p).unwrap();
            let n = NoticeNumber::from_iuv(AuxDigit::Three, None, &iuv).unwrap();
            let cf = PartitaIva::parse("01234567897").unwrap();
            let a = AmountCents::from_cents(cents).unwrap();
            let s = qr_string(&n, &cf, a);
            let back = parse_qr_string(&s).unwrap();
            prop_assert_eq!(back, QrPayload { notice: n, entity: cf, amount: a });
        }
    }
}
