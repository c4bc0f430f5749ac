//! The audit trail: logins (failed ones too), entity, due type, dovuto and account changes
//! with their values before and after; its page filters and pages by id, its CSV holds
//! what the page does; an entity administrator reads its entities' entries only.

use crate::flussi_web::entity_id;
use crate::operators::entity_admin;
use crate::support::{csrf_of, Browser, TestServer};
use diesel::prelude::*;
use mypay::db::models::audit::{self, NewAudit};
use mypay::db::schema::{audit_log, dovuti, due_types, entities};

/// (action, login name, entity, before, after) of an entry.
type Row<E> = (String, String, E, Option<String>, Option<String>);
/// An entry with its entity's IPA code.
type Entry = Row<Option<String>>;

/// Every entry, oldest first.
fn entries(s: &TestServer) -> Vec<Entry> {
    let mut c = s.state.db.get().unwrap();
    let rows: Vec<Row<Option<i64>>> = audit_log::table
        .select((
            audit_log::action,
            audit_log::username,
            audit_log::entity_id,
            audit_log::before_json,
            audit_log::after_json,
        ))
        .order(audit_log::id)
        .load(&mut *c)
        .unwrap();
    rows.into_iter()
        .map(|(a, u, e, b, af)| {
            let cod = e.map(|e| {
                entities::table
                    .find(e)
                    .select(entities::cod_ipa)
                    .first::<String>(&mut *c)
                    .unwrap()
            });
            (a, u, cod, b, af)
        })
        .collect()
}

fn find<'a>(all: &'a [Entry], action: &str) -> &'a Entry {
    all.iter()
        .find(|e| e.0 == action)
        .unwrap_or_else(|| panic!("no {action} in {all:?}"))
}

#[tokio::test]
async fn every_action_is_kept_with_who_what_and_the_values_before_and_after() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut admin = Browser::new(&s);
    assert_eq!(admin.login("admin", "not the password").await.status, 401);
    assert_eq!(admin.login("admin", &creds["admin"]).await.status, 303);
    let borgo = entity_id(&s, "c_demo");
    let csrf = csrf_of(&admin.get(&format!("/admin/entities/{borgo}")).await.body);
    let details = [
        ("csrf", csrf.as_str()),
        ("name", "Comune di Borgo Nuovo"),
        ("email", ""),
        ("sector", ""),
        ("language", "de"),
    ];
    let path = format!("/admin/entities/{borgo}/details");
    assert_eq!(admin.post(&path, &details).await.status, 303);
    let mensa: i64 = {
        let mut c = s.state.db.get().unwrap();
        due_types::table
            .filter(due_types::code.eq("MENSA"))
            .select(due_types::id)
            .first(&mut *c)
            .unwrap()
    };
    let off = [("csrf", csrf.as_str()), ("active", "false")];
    let path = format!("/admin/due-types/{mensa}/active");
    assert_eq!(admin.post(&path, &off).await.status, 303);
    let open: i64 = {
        let mut c = s.state.db.get().unwrap();
        dovuti::table
            .filter(dovuti::entity_id.eq(borgo))
            .filter(dovuti::state.eq("PREDISPOSTO"))
            .select(dovuti::id)
            .first(&mut *c)
            .unwrap()
    };
    let mut op = Browser::new(&s);
    op.login("operatore.borgo", &creds["operatore.borgo"]).await;
    let op_csrf = csrf_of(&op.get(&format!("/admin/dovuti/{open}")).await.body);
    let annul = format!("/admin/dovuti/{open}/annulla");
    assert_eq!(
        op.post(&annul, &[("csrf", op_csrf.as_str())]).await.status,
        303
    );
    let mut capo = entity_admin(&s, &mut admin, "capo.borgo").await;

    let all = entries(&s);
    let failed = find(&all, "login.fallito");
    assert_eq!((failed.1.as_str(), &failed.2), ("admin", &None));
    assert!(failed.4.as_deref().unwrap().contains("LOGIN_FAILED"));
    assert_eq!(find(&all, "login").1, "admin");
    let d = find(&all, "ente.dettagli");
    assert_eq!(d.2.as_deref(), Some("c_demo"));
    assert!(d
        .3
        .as_deref()
        .unwrap()
        .contains("\"nome\":\"Comune di Borgo Demo\""));
    assert!(d
        .4
        .as_deref()
        .unwrap()
        .contains("\"nome\":\"Comune di Borgo Nuovo\""));
    assert!(d.4.as_deref().unwrap().contains("\"lingua_avvisi\":\"de\""));
    let t = find(&all, "tipo-dovuto.attivo");
    assert!(t.3.as_deref().unwrap().contains("\"active\":true"));
    assert!(t.4.as_deref().unwrap().contains("\"active\":false"));
    let a = find(&all, "dovuto.annulla");
    assert_eq!(
        (a.1.as_str(), a.2.as_deref()),
        ("operatore.borgo", Some("c_demo"))
    );
    assert!(a
        .3
        .as_deref()
        .unwrap()
        .contains("\"stato\":\"PREDISPOSTO\""));
    assert!(a.4.as_deref().unwrap().contains("\"stato\":\"ANNULLATO\""));
    let made = find(&all, "operatore.crea");
    assert!(made
        .4
        .as_deref()
        .unwrap()
        .contains("\"role\":\"entity-admin\""));

    // The page, filtered; the CSV of the same filter.
    let page = admin.get("/admin/audit?azione=dovuto.annulla").await;
    assert_eq!(page.status, 200);
    let shown = |body: &str, action: &str| body.contains(&format!("data-action=\"{action}\""));
    assert!(shown(&page.body, "dovuto.annulla") && !shown(&page.body, "ente.dettagli"));
    let page = admin.get("/admin/audit?utente=ADMIN").await.body;
    assert!(shown(&page, "login.fallito") && !shown(&page, "dovuto.annulla"));
    let csv = admin.get("/admin/audit.csv?utente=operatore.borgo").await;
    assert_eq!(csv.status, 200);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert!(lines[0].starts_with("quando;utente;azione;codice_azione;ente;oggetto;prima;dopo"));
    assert!(
        lines[1..].iter().all(|l| l.contains(";operatore.borgo;")),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.contains(";dovuto.annulla;")));
    assert_eq!(admin.get("/admin/audit?azione=drop").await.status, 400);

    // An entity administrator reads its entities' entries; an operator none.
    let theirs = capo.get("/admin/audit").await;
    assert_eq!(theirs.status, 200);
    assert!(shown(&theirs.body, "dovuto.annulla") && !shown(&theirs.body, "login.fallito"));
    assert_eq!(op.get("/admin/audit").await.status, 403);
    assert_eq!(op.get("/admin/audit.csv").await.status, 403);
}

#[tokio::test]
async fn the_trail_pages_by_id_without_gaps_or_repeats() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let now = s.state.clock.now_naive();
    {
        let mut c = s.state.db.get().unwrap();
        for i in 0..120 {
            let e = NewAudit {
                occurred_at: now,
                username: "robot".into(),
                action: "ente.logo".into(),
                target: format!("voce {i:03}"),
                ..NewAudit::default()
            };
            audit::record(&mut c, &e).unwrap();
        }
    }
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    let (mut seen, mut next) = (Vec::new(), Some("/admin/audit?utente=robot".to_owned()));
    while let Some(path) = next.take() {
        let body = admin.get(&path).await.body;
        let mut rest = body.as_str();
        while let Some(at) = rest.find("voce ") {
            seen.push(rest[at + 5..at + 8].parse::<i32>().unwrap());
            rest = &rest[at + 8..];
        }
        next = body.find("rel=\"next\"").map(|_| {
            let href = body[..body.find("rel=\"next\"").unwrap()]
                .rfind("href=\"")
                .unwrap();
            let tail = &body[href + 6..];
            tail[..tail.find('"').unwrap()].replace("&#38;", "&")
        });
        if let Some(n) = &next {
            assert!(seen.len() <= 120, "{n}");
            next = Some(format!("/admin/audit{n}"));
        }
    }
    let expected: Vec<i32> = (0..120).rev().collect();
    assert_eq!(seen, expected, "newest first, each once");
}
