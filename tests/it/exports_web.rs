//! `/admin/esportazioni`: an operator asks for the paid dovuti of some days and for those
//! falling due on a day, follows the jobs on the page and downloads the zips; bad requests
//! are refused with the reason, and another entity's exports are 404.

use crate::flussi_web::entity_id;
use crate::support::{csrf_of, Browser, TestServer};
use std::io::Read;

/// Waits until the page shows export `nth` (0: newest) finished; its state code and id.
async fn finished(b: &mut Browser) -> (String, i64) {
    for _ in 0..200 {
        let body = b.get("/admin/esportazioni").await.body;
        let row = body.split("data-export=\"").nth(1).unwrap_or_default();
        let id: i64 = row[..row.find('"').unwrap_or(0)].parse().unwrap_or(0);
        let state = row
            .split("data-state=\"")
            .nth(1)
            .map(|s| s[..s.find('"').unwrap()].to_owned())
            .unwrap_or_default();
        if state.starts_with("EXPORT_ESEGUITO") || state == "ERROR_EXPORT" {
            return (state, id);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the export did not finish");
}

/// Pays the first open MENSA notice of c_demo through the node simulator; its number.
pub(crate) async fn pay_one(s: &TestServer) -> String {
    let n = crate::node::notice(s, "c_demo", "MENSA", "PREDISPOSTO");
    crate::node::pay(s, "c_demo", &n).await;
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_requests_follows_and_downloads_exports() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    pay_one(&s).await;
    let mut op = Browser::new(&s);
    op.login("operatore.borgo", &creds["operatore.borgo"]).await;
    let page = op.get("/admin/esportazioni").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Nessuna esportazione richiesta"));
    let csrf = csrf_of(&page.body);
    let ente = entity_id(&s, "c_demo").to_string();
    let paid = [
        ("csrf", csrf.as_str()),
        ("entity", ente.as_str()),
        ("cosa", "pagati"),
        ("dal", "2000-01-01"),
        ("al", "2099-12-31"),
        ("versione", "1.2"),
    ];
    let asked = op.post("/admin/esportazioni", &paid).await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    let (state, id) = finished(&mut op).await;
    assert_eq!(state, "EXPORT_ESEGUITO");
    let zip = op.get(&format!("/admin/esportazioni/{id}/file")).await;
    assert_eq!(zip.status, 200);
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip.bytes)).unwrap();
    let mut csv = String::new();
    z.by_index(0).unwrap().read_to_string(&mut csv).unwrap();
    assert!(csv.lines().count() > 1, "paid dovuti of the demo: {csv}");

    let due = [
        ("csrf", csrf.as_str()),
        ("entity", ente.as_str()),
        ("cosa", "scaduti"),
        ("giorno", "2027-01-31"),
        ("tipo", "MENSA"),
    ];
    assert_eq!(op.post("/admin/esportazioni", &due).await.status, 303);
    let (state, _) = finished(&mut op).await;
    assert!(state.starts_with("EXPORT_ESEGUITO"), "{state}");

    for (fields, why) in [
        (
            vec![
                ("cosa", "pagati"),
                ("dal", "2027-02-01"),
                ("al", "2027-01-01"),
            ],
            "segue",
        ),
        (vec![("cosa", "pagati")], "data mancante"),
        (
            vec![("cosa", "scaduti"), ("giorno", "2027-01-31")],
            "almeno un tipo",
        ),
        (vec![("cosa", "altro")], "cosa esportare"),
    ] {
        let mut form = vec![("csrf", csrf.as_str()), ("entity", ente.as_str())];
        form.extend(fields);
        let refused = op.post("/admin/esportazioni", &form).await;
        assert_eq!(refused.status, 422, "{why}");
        assert!(refused.body.contains(why), "{why}: {}", refused.body);
    }

    // Another entity's: not asked for, not downloaded.
    let other = entity_id(&s, "aulss_demo").to_string();
    let mut theirs = paid.to_vec();
    theirs[1] = ("entity", other.as_str());
    assert_eq!(op.post("/admin/esportazioni", &theirs).await.status, 404);
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    let admin_csrf = csrf_of(&admin.get("/admin/esportazioni").await.body);
    theirs[0] = ("csrf", admin_csrf.as_str());
    assert_eq!(admin.post("/admin/esportazioni", &theirs).await.status, 303);
    let (_, other_id) = finished(&mut admin).await;
    assert_eq!(
        op.get(&format!("/admin/esportazioni/{other_id}/file"))
            .await
            .status,
        404
    );
    assert!(!op
        .get("/admin/esportazioni")
        .await
        .body
        .contains(&format!("data-export=\"{other_id}\"")));
}
