use super::*;
use proptest::prelude::*;
use std::collections::HashMap;

fn field(name: &str, kind: FieldKind) -> FieldDef {
    FieldDef {
        name: name.into(),
        label: format!("Campo {name}"),
        help: String::new(),
        kind,
        required: true,
        pattern: None,
        max_length: None,
        min: None,
        max: None,
        options: Vec::new(),
    }
}

fn form(fields: Vec<FieldDef>) -> FormDefinition {
    FormDefinition { version: 1, fields }
}

fn check(
    f: &FormDefinition,
    values: &[(&str, &str)],
) -> Result<Vec<(String, String)>, Vec<String>> {
    let map: HashMap<&str, &str> = values.iter().copied().collect();
    f.validate(|n| map.get(n).copied()).map_err(|e| {
        e.into_iter()
            .map(|e| format!("{}={}", e.name, e.reason))
            .collect()
    })
}

#[test]
fn the_revision_zero_list_is_read_as_the_demo_stores_it() {
    let stored = r#"[{"name":"targa","label":"Targa","type":"text","required":true,"pattern":"[A-Z0-9]{5,8}"},{"name":"data_verbale","label":"Data","type":"date","required":true},{"name":"numero_verbale","label":"Numero","type":"text","required":true,"max_length":20}]"#;
    let f = FormDefinition::parse(Some(stored)).unwrap();
    assert_eq!(f.version, 0);
    assert_eq!(f.fields.len(), 3);
    assert_eq!(f.fields[2].max_length, Some(20));
    let again = FormDefinition::parse(Some(&f.to_json())).unwrap();
    assert_eq!(again, f);
    assert_eq!(FormDefinition::parse(None).unwrap().fields.len(), 0);
    assert!(FormDefinition::parse(Some("{not json")).is_err());
}

#[test]
fn values_are_checked_field_by_field() {
    let mut targa = field("targa", FieldKind::Text);
    targa.pattern = Some("[A-Z]{2}[0-9]{3}[A-Z]{2}".into());
    let mut anni = field("anni", FieldKind::Number);
    (anni.min, anni.max) = (Some(Decimal::from(1)), Some(Decimal::from(10)));
    let mut turno = field("turno", FieldKind::Select);
    turno.options = vec!["mattina".into(), "pomeriggio".into()];
    let mut note = field("note", FieldKind::Text);
    note.required = false;
    let f = form(vec![
        targa,
        anni,
        turno,
        field("giorno", FieldKind::Date),
        field("cf", FieldKind::FiscalCode),
        field("mail", FieldKind::Email),
        note,
    ]);
    f.check().unwrap();
    let good = [
        ("targa", "AB123CD"),
        ("anni", "2,50"),
        ("turno", "mattina"),
        ("giorno", "2026-11-30"),
        ("cf", " rssmra85t10a562s "),
        ("mail", "a@b.it"),
    ];
    let ok = check(&f, &good).unwrap();
    assert_eq!(ok[1], ("anni".into(), "2.5".into()));
    assert_eq!(ok[4], ("cf".into(), "RSSMRA85T10A562S".into()));
    assert_eq!(ok.len(), 6, "the empty optional field is left out");
    let bad = [
        ("targa", "AB123CDX"),
        ("anni", "11"),
        ("turno", "sera"),
        ("giorno", "30/11/2026"),
        ("cf", "RSSMRA85T10A562X"),
        ("mail", "nope"),
        ("note", &"x".repeat(141)),
    ];
    let errors = check(&f, &bad).unwrap_err();
    assert_eq!(errors.len(), 7, "{errors:?}");
    assert!(errors[1].contains("tra 1 e 10"), "{errors:?}");
    assert_eq!(check(&f, &[]).unwrap_err().len(), 6, "six required");
}

#[test]
fn definitions_the_designer_must_refuse() {
    let cases: Vec<(FieldDef, &str)> = vec![
        (field("Targa", FieldKind::Text), "nome"),
        (field("1a", FieldKind::Text), "nome"),
        (
            FieldDef {
                label: " ".into(),
                ..field("a", FieldKind::Text)
            },
            "etichetta",
        ),
        (
            FieldDef {
                pattern: Some("(".into()),
                ..field("a", FieldKind::Text)
            },
            "regolare",
        ),
        (
            FieldDef {
                pattern: Some("x".into()),
                ..field("a", FieldKind::Number)
            },
            "limiti",
        ),
        (
            FieldDef {
                min: Some(Decimal::from(2)),
                max: Some(Decimal::from(1)),
                ..field("a", FieldKind::Number)
            },
            "limiti",
        ),
        (
            FieldDef {
                min: Some(Decimal::from(2)),
                ..field("a", FieldKind::Date)
            },
            "limiti",
        ),
        (field("a", FieldKind::Select), "opzioni"),
        (
            FieldDef {
                options: vec!["x".into()],
                ..field("a", FieldKind::Text)
            },
            "opzioni",
        ),
    ];
    for (f, what) in cases {
        let err = form(vec![f.clone()]).check().unwrap_err().to_string();
        assert!(err.contains(what), "{f:?}: {err}");
    }
    let twice = form(vec![
        field("a", FieldKind::Text),
        field("a", FieldKind::Date),
    ]);
    assert!(matches!(twice.check(), Err(DefinitionError::Duplicate(_))));
    let many = form(
        (0..31)
            .map(|i| field(&format!("f{i}"), FieldKind::Text))
            .collect(),
    );
    assert_eq!(many.check(), Err(DefinitionError::TooMany));
}

fn any_field() -> impl Strategy<Value = FieldDef> {
    (
        "[a-z][a-z0-9_]{0,10}",
        "[A-Za-z ]{1,20}",
        0usize..6,
        any::<bool>(),
    )
        .prop_map(|(name, label, k, required)| {
            let kind = FieldKind::ALL[k];
            let mut f = FieldDef {
                required,
                label: format!("L{label}"),
                ..field(&name, kind)
            };
            match kind {
                FieldKind::Select => f.options = vec!["a".into(), "b c".into()],
                FieldKind::Text => f.pattern = Some("[a-z ]*".into()),
                FieldKind::Number => f.max = Some(Decimal::from(100)),
                _ => {}
            }
            f
        })
}

proptest! {
    #[test]
    fn stored_forms_read_back_equal(fields in prop::collection::vec(any_field(), 0..8), v in 1u32..1000) {
        let mut seen = HashSet::new();
        let fields: Vec<_> = fields.into_iter().filter(|f| seen.insert(f.name.clone())).collect();
        let f = FormDefinition { version: v, fields };
        prop_assert_eq!(FormDefinition::parse(Some(&f.to_json())).unwrap(), f);
    }

    #[test]
    fn accepted_values_are_accepted_again(fields in prop::collection::vec(any_field(), 1..6), raw in "\\PC{0,30}") {
        let mut seen = HashSet::new();
        let fields: Vec<_> = fields.into_iter().filter(|f| seen.insert(f.name.clone())).collect();
        let f = FormDefinition { version: 1, fields };
        if let Ok(values) = f.validate(|_| Some(raw.as_str())) {
            let map: HashMap<String, String> = values.into_iter().collect();
            let again = f.validate(|n| map.get(n).map(String::as_str)).unwrap();
            prop_assert_eq!(again.len(), map.len());
            for (k, v) in again {
                prop_assert_eq!(&map[&k], &v);
            }
        }
    }
}
