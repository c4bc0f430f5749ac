//! Tracciato 1.3 and shared payments: a 1_4 flusso row of one entity with a share for a
//! second entity, paid through the node simulator, appears in the first entity's export
//! as its own dovuto and in the second entity's as an `EXPORT_ENTE_SECONDARIO` row with the
//! share's amount and the collecting entity in the last columns.

use crate::flussi_export::{cells, export, exported_csv};
use crate::support::TestServer;
use diesel::prelude::*;
use mypay::db::schema::{dovuti, entities};
use mypay::flussi::import::run;
use std::io::Write;

fn entity(s: &TestServer, ipa: &str) -> (i64, String, String) {
    let mut c = s.state.db.get().unwrap();
    entities::table
        .filter(entities::cod_ipa.eq(ipa))
        .select((entities::id, entities::fiscal_code, entities::name))
        .first(&mut *c)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_payment_in_both_entities_exports() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let (borgo, borgo_cf, borgo_name) = entity(&s, "c_demo");
    let (_, ulss_cf, _) = entity(&s, "aulss_demo");
    // A TARI position of 100.00 of which 30.00 go to the ULSS.
    let header: String = (0..35)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(";");
    let row = format!("SH-1;;F;RSSMRA85T10A562S;Mario Rossi;;;;;;;;2027-01-31;100.00;;TARI;ALL;TARI 2026;9/0101101IM/;;true;true;{ulss_cf};Azienda ULSS Demo;IT60X0542811101000000123456;;;;;;;9/0101101IM/;Quota ULSS;30.00;I");
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file("sh.csv", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(format!("{header}\n{row}\n").as_bytes())
        .unwrap();
    let zip = z.finish().unwrap().into_inner();
    let id = crate::flussi_import::accepted(&s, borgo, "SH-IUF1-1_4.zip", &zip).unwrap();
    let (files, db) = (s.state.config.files_dir.clone(), s.state.db.clone());
    let clock = s.state.clock;
    tokio::task::spawn_blocking(move || run(&db, &files, id, clock, &mut |_, _| {}))
        .await
        .unwrap()
        .unwrap();
    let notice: String = {
        let mut c = s.state.db.get().unwrap();
        dovuti::table
            .filter(dovuti::iud.eq("SH-1"))
            .select(dovuti::notice_number.assume_not_null())
            .first(&mut *c)
            .unwrap()
    };
    crate::node::pay(&s, "c_demo", &notice).await;
    let today = s.state.clock.today_in_rome();
    let body = format!("<dateFrom>{today}</dateFrom><dateTo>{today}</dateTo><versioneTracciato>1.3</versioneTracciato>");
    let (op, state_op) = ("paaSILPrenotaExportFlusso", "paaSILChiediStatoExportFlusso");
    // The collecting entity: its own dovuto, whole amount.
    let st = export(&s, "c_demo", &creds["c_demo"], op, &body, state_op).await;
    let csv = exported_csv(&st).await;
    let rows: Vec<Vec<String>> = csv.lines().skip(1).map(cells).collect();
    assert_eq!(rows.len(), 1, "{csv}");
    assert_eq!(
        (rows[0][2].as_str(), rows[0][54].as_str()),
        ("SH-1", "100.00")
    );
    assert_eq!(rows[0][63], "TARI");
    // The entity with the share: a row of its own for the 30.00.
    let st = export(&s, "aulss_demo", &creds["aulss_demo"], op, &body, state_op).await;
    let csv = exported_csv(&st).await;
    let rows: Vec<Vec<String>> = csv.lines().skip(1).map(cells).collect();
    assert_eq!(rows.len(), 1, "{csv}");
    let r = &rows[0];
    assert_eq!(r.len(), 74);
    assert_eq!(r[2], "", "no IUD of its own");
    assert_eq!(r[5], ulss_cf);
    assert_eq!((r[54].as_str(), r[57].as_str()), ("30.00", "30.00"));
    assert_eq!(r[63], "EXPORT_ENTE_SECONDARIO");
    assert_eq!(r[61], "Quota ULSS");
    assert_eq!(
        (r[71].as_str(), r[72].as_str()),
        (borgo_cf.as_str(), borgo_name.as_str())
    );
    // Tracciato 1.2 has no such rows: nothing for the ULSS.
    let body = body.replace("1.3", "1.2");
    let st = export(&s, "aulss_demo", &creds["aulss_demo"], op, &body, state_op).await;
    assert_eq!(
        st.get("stato").as_deref(),
        Some("EXPORT_ESEGUITO_NESSUN_DOVUTO_TROVATO")
    );
}
