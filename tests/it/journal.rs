//! The event journal's pages: filters (days, interface, operation, entity, IUV or notice
//! number, outcome, correlation id), pages by id with no gap or repeat, and one exchange
//! whole with its request and response indented and its secrets masked; an operator sees
//! its entities' exchanges only.

use crate::flussi_web::entity_id;
use crate::support::{Browser, TestServer};
use diesel::prelude::*;
use mypay::db::models::event::{self, NewEvent};
use mypay::db::schema::events;

/// An exchange of entity `entity` at `at`, with `request` as its body.
fn entry(entity: i64, at: chrono::NaiveDateTime, operation: &str, request: &str) -> NewEvent {
    NewEvent {
        occurred_at: at,
        correlation_id: format!("corr-{operation}"),
        interface: "ente-ws".into(),
        operation: operation.into(),
        direction: "IN".into(),
        entity_id: Some(entity),
        outcome: "OK".into(),
        request: Some(request.into()),
        ..NewEvent::default()
    }
}

/// A page's text with the escapes of `<`, `>` and `&` undone.
fn unescaped(body: &str) -> String {
    [
        ("&#60;", "<"),
        ("&lt;", "<"),
        ("&#62;", ">"),
        ("&gt;", ">"),
        ("&#38;", "&"),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(body.to_owned(), |t, (from, to)| t.replace(from, to))
}

/// The ids of the entries a journal page lists.
fn listed(body: &str) -> Vec<i64> {
    body.split("data-event=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
        .collect()
}

#[tokio::test]
async fn the_journal_filters_pages_and_shows_an_exchange_whole() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let notice = crate::exports_web::pay_one(&s).await;
    let (borgo, ulss) = (entity_id(&s, "c_demo"), entity_id(&s, "aulss_demo"));
    let now = s.state.clock.now_naive();
    let week_ago = now - chrono::Duration::days(7);
    {
        let mut c = s.state.db.get().unwrap();
        let secret = "<Envelope><Body><paaSILChiediPagati><codIpaEnte>c_demo</codIpaEnte>\
                      <password>segreta</password></paaSILChiediPagati></Body></Envelope>";
        // Ids follow time, as the journal writes them.
        event::record(&mut c, &entry(borgo, week_ago, "paaSILVecchio", "<a/>")).unwrap();
        event::record(&mut c, &entry(borgo, now, "paaSILChiediPagati", secret)).unwrap();
        event::record(&mut c, &entry(ulss, now, "paaSILAltro", "<a/>")).unwrap();
    }
    s.state.journal.flush().await;
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;

    let all = admin.get("/admin/events").await;
    assert_eq!(all.status, 200);
    let get = admin
        .get("/admin/events?interfaccia=paForNode&operazione=paGetPaymentV2")
        .await;
    assert_eq!(listed(&get.body).len(), 1, "{}", get.body);
    let by_notice = admin.get(&format!("/admin/events?iuv={notice}")).await;
    assert!(
        ["paVerifyPaymentNotice", "paGetPaymentV2", "paSendRTV2"]
            .iter()
            .all(|op| by_notice.body.contains(op)),
        "{}",
        by_notice.body
    );
    let one = admin
        .get("/admin/events?correlazione=corr-paaSILChiediPagati")
        .await;
    let ids = listed(&one.body);
    assert_eq!(ids.len(), 1);
    let today = chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Rome, &now).date_naive();
    let recent = admin
        .get(&format!("/admin/events?dal={today}&interfaccia=ente-ws"))
        .await;
    assert!(recent.body.contains("paaSILChiediPagati") && !recent.body.contains("paaSILVecchio"));
    let old_day = today - chrono::Duration::days(7);
    let old = admin
        .get(&format!("/admin/events?dal={old_day}&al={old_day}"))
        .await;
    assert!(old.body.contains("paaSILVecchio") && !old.body.contains("paaSILChiediPagati"));
    assert_eq!(admin.get("/admin/events?esito=forse").await.status, 400);
    assert_eq!(admin.get("/admin/events?iuv=abc").await.status, 400);

    // One exchange whole: indented, the password masked.
    let detail = admin.get(&format!("/admin/events/{}", ids[0])).await;
    assert_eq!(detail.status, 200);
    let text = unescaped(&detail.body);
    assert!(!text.contains("segreta"), "{text}");
    assert!(text.contains("<password>********</password>"), "{text}");
    assert!(
        text.contains("\n    <paaSILChiediPagati>"),
        "indented: {text}"
    );
    let paid = listed(&get.body)[0];
    let node = admin.get(&format!("/admin/events/{paid}")).await.body;
    assert!(node.contains("data-part=\"request\"") && node.contains("data-part=\"response\""));

    // An operator sees its entities' exchanges only.
    let mut op = Browser::new(&s);
    op.login("operatore.borgo", &creds["operatore.borgo"]).await;
    let theirs = op.get("/admin/events?interfaccia=ente-ws").await.body;
    assert!(theirs.contains("paaSILChiediPagati") && !theirs.contains("paaSILAltro"));
    let other: i64 = {
        let mut c = s.state.db.get().unwrap();
        events::table
            .filter(events::operation.eq("paaSILAltro"))
            .select(events::id)
            .first(&mut *c)
            .unwrap()
    };
    assert_eq!(op.get(&format!("/admin/events/{other}")).await.status, 404);
}

#[tokio::test]
async fn the_journal_pages_by_id_without_gaps_or_repeats() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let borgo = entity_id(&s, "c_demo");
    let now = s.state.clock.now_naive();
    {
        let mut c = s.state.db.get().unwrap();
        let many: Vec<NewEvent> = (0..120)
            .map(|_| entry(borgo, now, "paaSILMolti", "<a/>"))
            .collect();
        event::record_many(&mut c, &many).unwrap();
    }
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    let (mut seen, mut path) = (
        Vec::new(),
        Some("/admin/events?operazione=paaSILMolti".to_owned()),
    );
    while let Some(p) = path.take() {
        let body = admin.get(&p).await.body;
        seen.extend(listed(&body));
        assert!(seen.len() <= 120);
        path = body.split("href=\"").skip(1).find_map(|s| {
            let href = &s[..s.find('"').unwrap()];
            let next = s[s.find('"').unwrap()..].starts_with("\" rel=\"next\"");
            next.then(|| format!("/admin/events{}", href.replace("&#38;", "&")))
        });
    }
    let mut sorted = seen.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(
        (seen.len(), &seen),
        (120, &sorted),
        "newest first, each once"
    );
}
