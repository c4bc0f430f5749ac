//! Exports through the entity services: paid dovuti (by payment date, by date-time,
//! incremental with receipts) in tracciati 1.0–1.3 and positions falling due, from the
//! booking to the zip behind the download URL; tokens that expire, files purged after
//! their retention, formula cells neutralised, every answer valid against MyPay's schema.

use crate::ente_ws::call_ente;
use crate::node::notice;
use crate::support::TestServer;
use base64::Engine;
use chrono::{Duration, TimeZone};
use chrono_tz::Europe::Rome;
use diesel::prelude::*;
use mypay::db::schema::{dovuti, download_tokens, due_types, flussi};
use std::io::Read;

async fn pay(s: &TestServer, due_type: &str) -> String {
    let n = notice(s, "c_demo", due_type, "PREDISPOSTO");
    crate::node::pay(s, "c_demo", &n).await;
    let mut c = s.state.db.get().unwrap();
    dovuti::table
        .filter(dovuti::notice_number.eq(&n))
        .select(dovuti::iuv.assume_not_null())
        .first(&mut *c)
        .unwrap()
}

/// Books with `op`, waits for a final state through `state_op`; returns the last answer.
pub async fn export(
    s: &TestServer,
    ipa: &str,
    pw: &str,
    op: &str,
    body: &str,
    state_op: &str,
) -> crate::node::Answer {
    book_and_wait(s, ipa, pw, op, body, state_op).await.1
}

/// Books with `op`, waits for a final state through `state_op`; returns the booking's
/// answer and the last state answer.
async fn book_and_wait(
    s: &TestServer,
    ipa: &str,
    pw: &str,
    op: &str,
    body: &str,
    state_op: &str,
) -> (crate::node::Answer, crate::node::Answer) {
    let a = call_ente(
        s,
        op,
        Some(ipa),
        &format!("<password>{pw}</password>{body}"),
    )
    .await;
    assert!(a.fault().is_none(), "{}", a.body);
    let token = a.get("requestToken").unwrap();
    for _ in 0..300 {
        let body = format!("<password>{pw}</password><requestToken>{token}</requestToken>");
        let st = call_ente(s, state_op, Some(ipa), &body).await;
        let state = st.get("stato").unwrap_or_default();
        if state != "LOAD_EXPORT" && state != "EXPORT_IN_ELAB" {
            return (a, st);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("export {token} did not finish");
}

/// The CSV of an export `st` says is done (`EXPORT_ESEGUITO`).
pub async fn exported_csv(st: &crate::node::Answer) -> String {
    assert_eq!(
        st.get("stato").as_deref(),
        Some("EXPORT_ESEGUITO"),
        "{}",
        st.body
    );
    csv_at(&st.get("downloadUrl").unwrap()).await
}

/// The CSV inside the zip at `url`.
pub async fn csv_at(url: &str) -> String {
    let resp = reqwest::get(url).await.unwrap();
    assert_eq!(resp.status(), 200);
    let bytes = resp.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    assert_eq!(zip.len(), 1);
    let mut s = String::new();
    zip.by_index(0).unwrap().read_to_string(&mut s).unwrap();
    s
}

pub fn cells(line: &str) -> Vec<String> {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(line.as_bytes());
    r.records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_dovuti_export_in_every_tracciato() {
    let s = TestServer::spawn().await;
    let pw = s.seed_demo().await["c_demo"].clone();
    let mensa = pay(&s, "MENSA").await;
    let tari = pay(&s, "TARI").await;
    {
        // A causale a spreadsheet would run as a formula.
        let mut c = s.state.db.get().unwrap();
        diesel::update(dovuti::table.filter(dovuti::iuv.eq(&tari)))
            .set(dovuti::causale.eq("=HYPERLINK(\"http://x\")"))
            .execute(&mut *c)
            .unwrap();
    }
    let today = s.state.clock.today_in_rome();
    let days = format!(
        "<dateFrom>{}</dateFrom><dateTo>{today}</dateTo>",
        today - Duration::days(1)
    );
    // 1.0: 64 columns, every cell quoted, no receipt.
    let st = export(
        &s,
        "c_demo",
        &pw,
        "paaSILPrenotaExportFlusso",
        &days,
        "paaSILChiediStatoExportFlusso",
    )
    .await;
    let csv = exported_csv(&st).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("\"iuf\";\"numRigaFlusso\";\"codIud\";\"codIuv\""));
    let rows: Vec<Vec<String>> = lines[1..].iter().map(|l| cells(l)).collect();
    assert!(rows.iter().all(|r| r.len() == 64));
    let by_iuv = |iuv: &str| rows.iter().find(|r| r[3] == iuv).unwrap().clone();
    let (m, t) = (by_iuv(&mensa), by_iuv(&tari));
    assert_eq!(m[63], "MENSA");
    assert_eq!(m[53], "0");
    assert_eq!(m[58], "ESEGUITO");
    assert_eq!(m[59], today.to_string());
    assert_eq!(t[61], "'=HYPERLINK(\"http://x\")");
    // 1.3 for one due type: receipt columns (the receipt in base64), bilancio and the
    // primary entity's columns.
    let body = format!("{days}<identificativoTipoDovuto>MENSA</identificativoTipoDovuto><versioneTracciato>1.3</versioneTracciato>");
    let st = export(
        &s,
        "c_demo",
        &pw,
        "paaSILPrenotaExportFlusso",
        &body,
        "paaSILChiediStatoExportFlusso",
    )
    .await;
    let csv = exported_csv(&st).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    let r = cells(lines[1]);
    assert_eq!(r.len(), 74);
    let rt = base64::engine::general_purpose::STANDARD
        .decode(&r[65])
        .unwrap();
    assert!(String::from_utf8(rt).unwrap().contains(&mensa));
    // Incremental with receipts: the answer's dateTo starts the next increment, which
    // finds nothing new.
    // The window ends at the booking's whole second: receipts of that very second go to
    // the next increment, so let one pass.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let from = Rome.from_utc_datetime(&(s.state.now() - Duration::hours(1)));
    let body = format!("<dateFrom>{}</dateFrom><ricevuta>true</ricevuta><incrementale>true</incrementale><versioneTracciato>1.1</versioneTracciato><passwordMypivot>x</passwordMypivot>", from.format("%Y-%m-%dT%H:%M:%S"));
    let (a, st) = book_and_wait(
        &s,
        "c_demo",
        &pw,
        "paaSILPrenotaExportFlussoIncrementaleConRicevuta",
        &body,
        "paaSILChiediStatoExportFlusso",
    )
    .await;
    let next = a.get("dateTo").unwrap();
    let csv = exported_csv(&st).await;
    assert_eq!(csv.lines().count(), 3);
    assert_eq!(cells(csv.lines().next().unwrap()).len(), 70);
    let body = format!(
        "<dateFrom>{next}</dateFrom><ricevuta>false</ricevuta><incrementale>true</incrementale>"
    );
    let st = export(
        &s,
        "c_demo",
        &pw,
        "paaSILPrenotaExportFlussoIncrementaleConRicevuta",
        &body,
        "paaSILChiediStatoExportFlusso",
    )
    .await;
    assert_eq!(
        st.get("stato").as_deref(),
        Some("EXPORT_ESEGUITO_NESSUN_DOVUTO_TROVATO")
    );
    assert_eq!(st.get("downloadUrl").as_deref(), Some(""));
    // Wrong requests.
    for (body, code) in [
        (
            format!("{days}<versioneTracciato>2.0</versioneTracciato>"),
            "PAA_VERSIONE_TRACCIATO_NON_VALIDA",
        ),
        (
            format!(
                "<dateFrom>{today}</dateFrom><dateTo>{}</dateTo>",
                today - Duration::days(3)
            ),
            "PAA_INTERVALLO_DATE_NON_VALIDO",
        ),
        (
            format!("{days}<identificativoTipoDovuto>NOPE</identificativoTipoDovuto>"),
            "PAA_IDENTIFICATIVO_TIPO_DOVUTO_NON_VALIDO",
        ),
    ] {
        let a = call_ente(
            &s,
            "paaSILPrenotaExportFlusso",
            Some("c_demo"),
            &format!("<password>{pw}</password>{body}"),
        )
        .await;
        assert_eq!(a.fault().as_deref(), Some(code), "{body}");
    }
    let b = format!("<password>{pw}</password><requestToken>nope</requestToken>");
    let a = call_ente(&s, "paaSILChiediStatoExportFlusso", Some("c_demo"), &b).await;
    assert_eq!(a.fault().as_deref(), Some("PAA_REQUEST_TOKEN_NON_VALIDO"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn download_links_expire_and_files_are_purged() {
    let s = TestServer::spawn().await;
    let pw = s.seed_demo().await["c_demo"].clone();
    pay(&s, "MENSA").await;
    let today = s.state.clock.today_in_rome();
    let days = format!("<dateFrom>{today}</dateFrom><dateTo>{today}</dateTo>");
    let st = export(
        &s,
        "c_demo",
        &pw,
        "paaSILPrenotaExportFlusso",
        &days,
        "paaSILChiediStatoExportFlusso",
    )
    .await;
    let url = st.get("downloadUrl").unwrap();
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 200);
    let mut c = s.state.db.get().unwrap();
    diesel::update(download_tokens::table)
        .set(download_tokens::expires_at.eq(s.state.now() - Duration::minutes(1)))
        .execute(&mut *c)
        .unwrap();
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 410);
    let forged = format!("{}/ente/flussi/export/{}", s.base, "ab".repeat(24));
    assert_eq!(reqwest::get(&forged).await.unwrap().status(), 404);
    // Past the retention the file goes and the export says so.
    diesel::update(flussi::table.filter(flussi::direction.eq("EXPORT")))
        .set(flussi::completed_at.eq(s.state.now() - Duration::days(8)))
        .execute(&mut *c)
        .unwrap();
    let now = s.state.now();
    let files = s.state.config.files_dir.clone();
    assert_eq!(
        mypay::flussi::export::purge(&mut c, &files, now).unwrap(),
        1
    );
    let id: i64 = flussi::table
        .filter(flussi::direction.eq("EXPORT"))
        .select(flussi::id)
        .first(&mut *c)
        .unwrap();
    assert!(!mypay::flussi::export::dir(&files, id).exists());
    let token: String = flussi::table
        .find(id)
        .select(flussi::request_token.assume_not_null())
        .first(&mut *c)
        .unwrap();
    let b = format!("<password>{pw}</password><requestToken>{token}</requestToken>");
    let a = call_ente(&s, "paaSILChiediStatoExportFlusso", Some("c_demo"), &b).await;
    assert_eq!(a.get("stato").as_deref(), Some("EXPORT_CANCELLATO"));
    assert_eq!(a.get("downloadUrl").as_deref(), Some(""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dovuti_falling_due_on_a_day() {
    let s = TestServer::spawn().await;
    let pw = s.seed_demo().await["c_demo"].clone();
    // Past every due date the demo seeds (at most 195 days after its day), whatever the day.
    let day = s.state.clock.today_in_rome() + Duration::days(400);
    let iuvs: Vec<String> = {
        let mut c = s.state.db.get().unwrap();
        diesel::update(due_types::table.filter(due_types::code.eq("MENSA")))
            .set(due_types::due_date_required.eq(true))
            .execute(&mut *c)
            .unwrap();
        let mensa: i64 = due_types::table
            .filter(due_types::code.eq("MENSA"))
            .select(due_types::id)
            .first(&mut *c)
            .unwrap();
        let ids: Vec<(i64, String)> = dovuti::table
            .filter(dovuti::due_type_id.eq(mensa))
            .filter(dovuti::state.eq("PREDISPOSTO"))
            .select((dovuti::id, dovuti::iuv.assume_not_null()))
            .order(dovuti::id)
            .limit(2)
            .load(&mut *c)
            .unwrap();
        assert_eq!(ids.len(), 2);
        diesel::update(dovuti::table.filter(dovuti::id.eq_any(ids.iter().map(|i| i.0))))
            .set(dovuti::due_date.eq(day))
            .execute(&mut *c)
            .unwrap();
        ids.into_iter().map(|i| i.1).collect()
    };
    let body = format!("<dataScadenza>{day}</dataScadenza><tipiDovuto>MENSA; TARI</tipiDovuto>");
    let op = "paaSILChiediStatoExportFlussoScaduti";
    let st = export(
        &s,
        "c_demo",
        &pw,
        "paaSILPrenotaExportFlussoScaduti",
        &body,
        op,
    )
    .await;
    assert_eq!(
        st.get("stato").as_deref(),
        Some("EXPORT_ESEGUITO"),
        "{}",
        st.body
    );
    let name = st.get("nomeFile").unwrap();
    assert!(name.starts_with("c_demo-") && name.ends_with(&format!("_SCADUTI_{day}.zip")));
    assert!(st.get("pathFile").unwrap().ends_with(&name));
    let csv = csv_at(&st.get("downloadUrl").unwrap()).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0].split(';').count(), 22);
    assert!(lines[0].starts_with("IUD;codIuv;dataCreazione;"));
    assert_eq!(lines.len(), 3, "{csv}");
    for iuv in &iuvs {
        let row = lines
            .iter()
            .map(|l| cells(l))
            .find(|r| &r[1] == iuv)
            .unwrap();
        assert_eq!(row[13], day.to_string());
        assert_eq!(row[16], "MENSA");
    }
    // Another day: nothing.
    let body = "<dataScadenza>2027-04-01</dataScadenza><tipiDovuto>MENSA</tipiDovuto>";
    let st = export(
        &s,
        "c_demo",
        &pw,
        "paaSILPrenotaExportFlussoScaduti",
        body,
        op,
    )
    .await;
    assert_eq!(
        st.get("stato").as_deref(),
        Some("EXPORT_ESEGUITO_NESSUN_DOVUTO_TROVATO")
    );
    // An unknown due type is refused; a scaduti token is not a paid-export token.
    let body = format!("<password>{pw}</password><dataScadenza>{day}</dataScadenza><tipiDovuto>MENSA;BOH</tipiDovuto>");
    let a = call_ente(
        &s,
        "paaSILPrenotaExportFlussoScaduti",
        Some("c_demo"),
        &body,
    )
    .await;
    assert_eq!(
        a.fault().as_deref(),
        Some("PAA_IDENTIFICATIVO_TIPO_DOVUTO_NON_VALIDO")
    );
    let body = format!(
        "<password>{pw}</password><dataScadenza>{day}</dataScadenza><tipiDovuto>MENSA</tipiDovuto>"
    );
    let a = call_ente(
        &s,
        "paaSILPrenotaExportFlussoScaduti",
        Some("c_demo"),
        &body,
    )
    .await;
    let b = format!(
        "<password>{pw}</password><requestToken>{}</requestToken>",
        a.get("requestToken").unwrap()
    );
    let x = call_ente(&s, "paaSILChiediStatoExportFlusso", Some("c_demo"), &b).await;
    assert_eq!(x.fault().as_deref(), Some("PAA_REQUEST_TOKEN_NON_VALIDO"));
}
