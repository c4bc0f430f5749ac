//! Due types from the back office: created inactive with checked settings, activated only
//! with an account, edited; spontaneous ones get a form designed row by row, previewed
//! without saving and stored as a new revision at every save. Operators only read.

use crate::flussi_web::entity_id;
use crate::support::{csrf_of, Browser, Page, TestServer};
use diesel::prelude::*;
use mypay::db::schema::due_types;

const BANK: &str = "IT60X0542811101000000123456";

fn postal() -> String {
    mypay::domain::Iban::from_bban("IT", "X0760101600000012345678")
        .unwrap()
        .to_string()
}

async fn post(b: &mut Browser, page: &str, action: &str, form: &[(&str, &str)]) -> Page {
    let csrf = csrf_of(&b.get(page).await.body);
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(form);
    b.post(action, &all).await
}

fn stored(s: &TestServer, code: &str) -> (i64, bool, Option<String>, Option<String>) {
    let mut c = s.state.db.get().unwrap();
    due_types::table
        .filter(due_types::code.eq(code))
        .select((
            due_types::id,
            due_types::active,
            due_types::form_fields,
            due_types::postal_iban,
        ))
        .first(&mut *c)
        .unwrap()
}

#[tokio::test]
async fn an_administrator_creates_checks_activates_and_designs_a_due_type() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    let ente = entity_id(&s, "c_demo").to_string();
    let base = [
        ("entity", ente.as_str()),
        ("code", "piscina"),
        ("description", "Ingresso piscina comunale"),
        ("collection_data", "9/0201133IM/"),
        ("spontaneous", "on"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| [base.as_slice(), extra].concat();
    let refusals: [(Vec<(&str, &str)>, &str); 4] = [
        (
            with(&[("bank_iban", "IT60X0542811101000000123457")]),
            "check digits",
        ),
        (with(&[("postal_iban", BANK)]), "BancoPosta"),
        (
            with(&[("bank_iban", BANK), ("fixed_amount", "0")]),
            "importo fisso",
        ),
        (
            with(&[("bank_iban", BANK), ("node_service_id", "1234")]),
            "Catalogo Servizi",
        ),
    ];
    for (form, why) in &refusals {
        let page = post(&mut admin, "/admin/due-types", "/admin/due-types", form).await;
        assert_eq!(page.status, 422, "{why}: {}", page.body);
        assert!(page.body.contains(why), "{why}: {}", page.body);
        assert!(
            page.body.contains("Ingresso piscina comunale"),
            "typed values shown again"
        );
    }
    let bad_tax = [base.to_vec(), vec![("bank_iban", BANK)]].concat();
    let bad_tax: Vec<_> = bad_tax
        .into_iter()
        .map(|(k, v)| {
            if k == "collection_data" {
                (k, "9/0201133im/")
            } else {
                (k, v)
            }
        })
        .collect();
    let page = post(&mut admin, "/admin/due-types", "/admin/due-types", &bad_tax).await;
    assert!(
        page.status == 422 && page.body.contains("tassonomia"),
        "{}",
        page.body
    );

    let p = postal();
    let good = [
        base.as_slice(),
        &[
            ("bank_iban", BANK),
            ("postal_iban", p.as_str()),
            ("fixed_amount", "4,50"),
        ],
    ]
    .concat();
    let created = post(&mut admin, "/admin/due-types", "/admin/due-types", &good).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let (id, active, form, postal_stored) = stored(&s, "PISCINA");
    assert!(!active, "created inactive");
    assert!(form.is_none());
    assert_eq!(postal_stored.as_deref(), Some(p.as_str()));
    assert_eq!(
        created.location.as_deref(),
        Some(format!("/admin/due-types/{id}").as_str())
    );
    let again = post(&mut admin, "/admin/due-types", "/admin/due-types", &good).await;
    assert!(
        again.status == 422 && again.body.contains("già un tipo dovuto"),
        "{}",
        again.body
    );

    let page_path = format!("/admin/due-types/{id}");
    let active_path = format!("{page_path}/active");
    let on = post(&mut admin, &page_path, &active_path, &[("active", "true")]).await;
    assert_eq!(on.status, 303);
    assert!(stored(&s, "PISCINA").1);
    let no_account = [
        ("description", "Piscina"),
        ("collection_data", "9/0201133IM/"),
    ];
    let refused = post(&mut admin, &page_path, &page_path, &no_account).await;
    assert!(
        refused.status == 422 && refused.body.contains("almeno un IBAN"),
        "{}",
        refused.body
    );
    let edit = [
        ("description", "Piscina comunale"),
        ("collection_data", "9/0201133IM/"),
        ("bank_iban", BANK),
        ("spontaneous", "on"),
    ];
    assert_eq!(
        post(&mut admin, &page_path, &page_path, &edit).await.status,
        303
    );
    let page = admin.get(&page_path).await;
    assert!(page.body.contains("Piscina comunale") && page.body.contains("data-active=\"true\""));
    assert!(!page.body.contains(&p), "the postal IBAN was removed");

    design(&s, &mut admin, id).await;
}

async fn design(s: &TestServer, admin: &mut Browser, id: i64) {
    let page_path = format!("/admin/due-types/{id}");
    let form_path = format!("{page_path}/form");
    let rows = [
        ("f0_order", "2"),
        ("f0_name", "turno"),
        ("f0_label", "Turno"),
        ("f0_type", "select"),
        ("f0_options", "mattina\npomeriggio"),
        ("f0_required", "on"),
        ("f1_order", "1"),
        ("f1_name", "tessera"),
        ("f1_label", "Numero di tessera"),
        ("f1_type", "text"),
        ("f1_pattern", "[0-9]{6}"),
        ("f1_help", "Sei cifre, sul retro della tessera"),
        ("f1_required", "on"),
    ];
    let preview = [rows.to_vec(), vec![("action", "preview")]].concat();
    let shown = post(admin, &page_path, &form_path, &preview).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(shown.body.contains("(non salvato)"));
    let (at_tessera, at_turno) = (
        shown.body.find("for=\"anteprima-tessera\"").unwrap(),
        shown.body.find("for=\"anteprima-turno\"").unwrap(),
    );
    assert!(at_tessera < at_turno, "fields in the order typed");
    assert!(shown.body.contains("<option>pomeriggio</option>"));
    assert!(stored(s, "PISCINA").2.is_none(), "a preview saves nothing");

    let save = [rows.to_vec(), vec![("action", "save")]].concat();
    assert_eq!(post(admin, &page_path, &form_path, &save).await.status, 303);
    let form = stored(s, "PISCINA").2.unwrap();
    let def = mypay::domain::form::FormDefinition::parse(Some(&form)).unwrap();
    assert_eq!(def.version, 1);
    assert_eq!(def.fields[0].name, "tessera");
    assert_eq!(def.fields[1].options, ["mattina", "pomeriggio"]);
    let values = [("tessera", "12345"), ("turno", "sera")];
    let errors = def
        .validate(|n| values.iter().find(|v| v.0 == n).map(|v| v.1))
        .unwrap_err();
    assert_eq!(errors.len(), 2);

    let page = admin.get(&page_path).await;
    assert!(page.body.contains("(revisione 1)"), "{}", page.body);
    let drop = [
        ("f0_name", "tessera"),
        ("f0_label", "Numero di tessera"),
        ("f1_name", "turno"),
        ("f1_label", "Turno"),
        ("f1_type", "select"),
        ("f1_options", "mattina"),
        ("f1_remove", "on"),
        ("action", "save"),
    ];
    assert_eq!(post(admin, &page_path, &form_path, &drop).await.status, 303);
    let def =
        mypay::domain::form::FormDefinition::parse(stored(s, "PISCINA").2.as_deref()).unwrap();
    assert_eq!((def.version, def.fields.len()), (2, 1));
    let bad = [
        ("f0_name", "x"),
        ("f0_label", "X"),
        ("f0_pattern", "("),
        ("action", "save"),
    ];
    let refused = post(admin, &page_path, &form_path, &bad).await;
    assert!(
        refused.status == 422 && refused.body.contains("espressione regolare"),
        "{}",
        refused.body
    );
    assert_eq!(
        mypay::domain::form::FormDefinition::parse(stored(s, "PISCINA").2.as_deref())
            .unwrap()
            .version,
        2
    );
}

#[tokio::test]
async fn operators_read_due_types_and_change_none() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut op = Browser::new(&s);
    op.login("operatore.borgo", &creds["operatore.borgo"]).await;
    let (own, ..) = stored(&s, "MENSA");
    let other: i64 = {
        let mut c = s.state.db.get().unwrap();
        due_types::table
            .filter(due_types::entity_id.eq(entity_id(&s, "aulss_demo")))
            .select(due_types::id)
            .first(&mut *c)
            .unwrap()
    };
    let list = op.get("/admin/due-types").await;
    assert!(
        !list.body.contains("Nuovo tipo dovuto"),
        "no creation form for operators"
    );
    let page = op.get(&format!("/admin/due-types/{own}")).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("Salva"), "no edit forms");
    assert_eq!(
        op.get(&format!("/admin/due-types/{other}")).await.status,
        404
    );
    let csrf = csrf_of(&page.body);
    let edit = [
        ("csrf", csrf.as_str()),
        ("description", "X"),
        ("collection_data", "9/0201133IM/"),
    ];
    for (id, status) in [(own, 403), (other, 404)] {
        for action in ["", "/active", "/form"] {
            let path = format!("/admin/due-types/{id}{action}");
            let form = [edit.to_vec(), vec![("active", "false")]].concat();
            assert_eq!(op.post(&path, &form).await.status, status, "{path}");
        }
    }
    let own_entity = entity_id(&s, "c_demo").to_string();
    let other_entity = entity_id(&s, "aulss_demo").to_string();
    for (entity, status) in [(own_entity, 403), (other_entity, 404)] {
        let form = [
            edit.to_vec(),
            vec![("entity", entity.as_str()), ("code", "NUOVO")],
        ]
        .concat();
        assert_eq!(op.post("/admin/due-types", &form).await.status, status);
    }
    assert!(stored(&s, "MENSA").1, "still active");
}
