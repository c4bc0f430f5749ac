//! The back-office way in for flussi: an operator uploads a zip for an entity, the page
//! shows its progress (kept current by the page while the import runs), then the counts and
//! the result files; a duplicate IUF or a bad name is refused with the reason; another
//! entity's flusso stays invisible.

use crate::support::{csrf_of, Browser, TestServer};
use diesel::prelude::*;
use mypay::db::schema::{entities, flussi};
use std::io::Write;

const HEADER: &str = "IUD;codIuv;tipoIdentificativoUnivoco;codiceIdentificativoUnivoco;anagraficaPagatore;indirizzoPagatore;civicoPagatore;capPagatore;localitaPagatore;provinciaPagatore;nazionePagatore;mailPagatore;dataEsecuzionePagamento;importoDovuto;commissioneCaricoPa;tipoDovuto;tipoVersamento;causaleVersamento;datiSpecificiRiscossione;bilancio;flgGeneraIuv;azione";

/// A zip of a 1_3 CSV with `n` good rows and one rejected (unknown due type).
pub fn flusso_zip(n: usize) -> Vec<u8> {
    let mut csv = format!("{HEADER}\n");
    for i in 0..n {
        csv += &format!("WEB-{i};;F;RSSMRA85T10A562S;Mario Rossi {i};Via Roma;1;30100;Venezia;VE;IT;;2027-01-31;12.50;;MENSA;ALL;Mensa {i};9/0201133IM/;;true;I\n");
    }
    csv += "WEB-X;;F;RSSMRA85T10A562S;Mario Rossi;;;;;;;;2027-01-31;12.50;;NOPE;ALL;Mensa;9/0201133IM/;;true;I\n";
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file("web.csv", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(csv.as_bytes()).unwrap();
    z.finish().unwrap().into_inner()
}

pub fn entity_id(s: &TestServer, ipa: &str) -> i64 {
    let mut c = s.state.db.get().unwrap();
    entities::table
        .filter(entities::cod_ipa.eq(ipa))
        .select(entities::id)
        .first(&mut *c)
        .unwrap()
}

async fn send(
    b: &mut Browser,
    name: &str,
    csrf: String,
    zip: &[u8],
    ente: String,
) -> crate::support::Page {
    b.post_multipart(
        "/admin/flussi",
        &[
            ("csrf", None, csrf.as_bytes()),
            ("entity", None, ente.as_bytes()),
            ("file", Some(name), zip),
        ],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_uploads_a_flusso_and_follows_it() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut op = Browser::new(&s);
    op.login("operatore.borgo", &creds["operatore.borgo"]).await;
    let page = op.get("/admin/flussi").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Nessun flusso caricato"));
    let csrf = csrf_of(&page.body);
    let ente = entity_id(&s, "c_demo").to_string();
    let zip = flusso_zip(25);
    let sent = send(
        &mut op,
        "web-WEBIUF1-1_3.zip",
        csrf.clone(),
        &zip,
        ente.clone(),
    )
    .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    // The page follows the import until it is done.
    let mut body = String::new();
    for _ in 0..200 {
        body = op.get("/admin/flussi").await.body;
        if body.contains("data-state=\"IMPORT_ESEGUITO\"") {
            break;
        }
        assert!(body.contains("data-live=\""), "refreshes while working");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(body.contains("25 importate, 1 scartate"), "{body}");
    assert!(body.contains("26 / 26"));
    assert!(!body.contains("data-live=\""));
    let id: i64 = {
        let mut c = s.state.db.get().unwrap();
        flussi::table
            .filter(flussi::iuf.eq("WEBIUF1"))
            .select(flussi::id)
            .first(&mut *c)
            .unwrap()
    };
    let scarti = op.get(&format!("/admin/flussi/{id}/scarti")).await;
    assert_eq!(scarti.status, 200);
    assert!(
        scarti.body.contains("WEB-X")
            && scarti
                .body
                .contains("PAA_IMPORT_SINTASSI_CSV_TIPO_DOVUTO_INESISTENTE"),
        "{}",
        scarti.body
    );
    let iuv = op.get(&format!("/admin/flussi/{id}/iuv")).await;
    assert_eq!(iuv.body.lines().count(), 26);
    s.state.journal.flush().await;
    let journalled: Vec<String> = {
        let mut c = s.state.db.get().unwrap();
        mypay::db::schema::events::table
            .filter(mypay::db::schema::events::interface.eq("web"))
            .select(mypay::db::schema::events::operation)
            .load(&mut *c)
            .unwrap()
    };
    for op in ["flusso.carica", "flusso.scarica"] {
        assert!(journalled.iter().any(|j| j == op), "{op} in {journalled:?}");
    }
    // While a run goes, the page shows its rate and its counts so far (from the database,
    // so a reload shows them too).
    {
        let mut c = s.state.db.get().unwrap();
        let updated: chrono::NaiveDateTime = flussi::table
            .find(id)
            .select(flussi::updated_at)
            .first(&mut *c)
            .unwrap();
        diesel::update(flussi::table.find(id))
            .set((
                flussi::state.eq("IMPORT_IN_ELAB"),
                flussi::started_at.eq(Some(updated - chrono::Duration::seconds(2))),
                flussi::started_rows.eq(0),
            ))
            .execute(&mut *c)
            .unwrap();
    }
    let running = op.get("/admin/flussi").await.body;
    assert!(
        running.contains("13 righe/s · 25 accettate, 1 scartate finora"),
        "{running}"
    );
    {
        let mut c = s.state.db.get().unwrap();
        diesel::update(flussi::table.find(id))
            .set(flussi::state.eq("IMPORT_ESEGUITO"))
            .execute(&mut *c)
            .unwrap();
    }
    // The same IUF again, a bad name, a missing CSRF token: refused with the reason.
    let again = send(
        &mut op,
        "web-WEBIUF1-1_3.zip",
        csrf.clone(),
        &zip,
        ente.clone(),
    )
    .await;
    assert_eq!(again.status, 400);
    assert!(
        again.body.contains("PAA_IMPORT_FLUSSO_DUPLICATO"),
        "{}",
        again.body
    );
    let bad = send(
        &mut op,
        "senza-versione.zip",
        csrf.clone(),
        &zip,
        ente.clone(),
    )
    .await;
    assert_eq!(bad.status, 400);
    let forged = send(
        &mut op,
        "web-WEBIUF2-1_3.zip",
        "x".into(),
        &zip,
        ente.clone(),
    )
    .await;
    assert_ne!(forged.status, 303);
    // Another entity: neither uploads nor downloads.
    let other = entity_id(&s, "aulss_demo").to_string();
    let foreign = send(&mut op, "web-WEBIUF3-1_3.zip", csrf.clone(), &zip, other).await;
    assert_eq!(foreign.status, 404);
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    assert_eq!(
        admin.get(&format!("/admin/flussi/{id}/iuv")).await.status,
        200
    );
    let ulss = {
        let mut c = s.state.db.get().unwrap();
        let e = entity_id(&s, "aulss_demo");
        diesel::update(flussi::table.find(id))
            .set(flussi::entity_id.eq(e))
            .execute(&mut *c)
            .unwrap();
        e
    };
    assert!(ulss > 0);
    assert_eq!(op.get(&format!("/admin/flussi/{id}/iuv")).await.status, 404);
}
