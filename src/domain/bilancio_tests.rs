use super::*;
use proptest::prelude::*;

fn eur(cents: i64) -> AmountCents {
    AmountCents::from_cents(cents).unwrap()
}

fn line<'a>(chapter: &'a str, office: &'a str, assessment: &'a str, share: &'a str) -> RawLine<'a> {
    RawLine {
        chapter,
        office,
        assessment,
        share,
    }
}

#[test]
fn blank_lines_mean_no_default() {
    let lines = [line("", "", "", ""), line(" ", "", "", " ")];
    assert_eq!(DefaultBilancio::from_lines(&lines, None), Ok(None));
}

#[test]
fn lines_of_one_chapter_are_grouped_and_the_rest_takes_what_is_left() {
    let lines = [
        line("CAP1", "UFF", "ACC1", "2,00"),
        line("CAP2", "", "", "totale"),
        line("CAP1", "UFF", "ACC2", "1.50"),
    ];
    let d = DefaultBilancio::from_lines(&lines, None).unwrap().unwrap();
    assert_eq!(d.chapters().len(), 2);
    assert_eq!(d.chapters()[0].assessments.len(), 2);
    let b = d.split(eur(1000)).unwrap();
    let amounts: Vec<(String, i64)> = b
        .iter()
        .flat_map(|c| {
            c.assessments
                .iter()
                .map(|a| (c.code.clone(), a.amount.cents()))
        })
        .collect();
    assert_eq!(
        amounts,
        [
            ("CAP1".into(), 200),
            ("CAP1".into(), 150),
            ("CAP2".into(), 650)
        ]
    );
}

#[test]
fn a_rest_of_zero_is_left_out_with_its_chapter() {
    let lines = [line("A", "", "", "5"), line("B", "", "", "TOTALE")];
    let d = DefaultBilancio::from_lines(&lines, None).unwrap().unwrap();
    let b = d.split(eur(500)).unwrap();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].code, "A");
    assert_eq!(
        d.split(eur(499)),
        None,
        "the fixed shares exceed the amount"
    );
}

#[test]
fn what_is_refused() {
    let refused = |lines: &[RawLine<'_>], fixed: Option<i64>| {
        DefaultBilancio::from_lines(lines, fixed.map(eur)).unwrap_err()
    };
    assert_eq!(
        refused(&[line("", "U", "", "1")], None),
        BilancioError::NoChapter(1)
    );
    assert_eq!(
        refused(&[line("1234567890123", "", "", "TOTALE")], None),
        BilancioError::TooLong(1, "capitolo", CHAPTER_MAX)
    );
    assert_eq!(
        refused(&[line("C", &"U".repeat(17), "", "TOTALE")], None),
        BilancioError::TooLong(1, "ufficio", OFFICE_MAX)
    );
    assert_eq!(
        refused(&[line("C", "", &"A".repeat(33), "TOTALE")], None),
        BilancioError::TooLong(1, "accertamento", ASSESSMENT_MAX)
    );
    assert_eq!(
        refused(&[line("C", "", "", "dieci")], None),
        BilancioError::Share(1)
    );
    assert_eq!(
        refused(&[line("C", "", "", "0")], None),
        BilancioError::Share(1)
    );
    assert_eq!(
        refused(
            &[line("C", "", "", "TOTALE"), line("D", "", "", "TOTALE")],
            None
        ),
        BilancioError::TwoRests
    );
    assert_eq!(
        refused(&[line("C", "", "", "3")], None),
        BilancioError::NoRest
    );
    assert_eq!(
        refused(&[line("C", "", "", "3")], Some(400)),
        BilancioError::NoRest
    );
    assert_eq!(
        refused(
            &[line("C", "", "", "5"), line("D", "", "", "TOTALE")],
            Some(400)
        ),
        BilancioError::Exceeds(eur(500), eur(400))
    );
    let many: Vec<RawLine<'_>> = (0..=LINES_MAX).map(|_| line("C", "", "", "1")).collect();
    assert_eq!(refused(&many, None), BilancioError::TooMany);
}

#[test]
fn fixed_shares_equal_to_a_fixed_amount_need_no_rest() {
    let lines = [line("C", "", "", "3"), line("D", "", "", "1")];
    let d = DefaultBilancio::from_lines(&lines, Some(eur(400)))
        .unwrap()
        .unwrap();
    assert_eq!(d.split(eur(400)).map(|b| b.len()), Some(2));
    assert_eq!(d.split(eur(401)), None);
}

proptest! {
    #[test]
    fn a_split_always_adds_up_to_the_amount(
        fixed in proptest::collection::vec(1i64..10_000, 0..6),
        amount in 1i64..100_000,
    ) {
        let texts: Vec<String> = fixed.iter().map(|c| format!("{}.{:02}", c / 100, c % 100)).collect();
        let mut lines: Vec<RawLine<'_>> = texts.iter().map(|t| line("C", "", "", t)).collect();
        lines.push(line("R", "", "", "TOTALE"));
        let d = DefaultBilancio::from_lines(&lines, None).unwrap().unwrap();
        let sum: i64 = fixed.iter().sum();
        match d.split(eur(amount)) {
            None => prop_assert!(sum > amount),
            Some(b) => {
                let total: i64 = b.iter().flat_map(|c| &c.assessments).map(|a| a.amount.cents()).sum();
                prop_assert_eq!(total, amount);
                prop_assert!(b.iter().all(|c| !c.assessments.is_empty()));
            }
        }
    }
}
