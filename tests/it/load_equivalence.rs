//! The same loads — insert, insert, modify, annul — sent once through
//! `paaSILImportaDovuto` and once as CSV flussi leave identical dovuti: one rule decides
//! both, versions included.

use crate::ente_ws::{call_ente, versamento};
use crate::flussi_import::{upload, zip_of, HEADER};
use crate::support::TestServer;
use diesel::prelude::*;
use mypay::db::schema::dovuti;

/// (IUD, amount, azione) in the order they are sent.
const LOADS: [(&str, &str, &str); 5] = [
    ("EQ-1", "12.50", "I"),
    ("EQ-2", "20.00", "I"),
    ("EQ-1", "15.00", "M"),
    ("EQ-2", "20.00", "A"),
    ("EQ-3", "7.00", "M"),
];

/// What both ways must agree on, row by row (ids, timestamps and the flusso aside).
type Kept = (
    String,
    Option<String>,
    Option<String>,
    String,
    (i64, String, Option<chrono::NaiveDate>),
    (String, String, String),
    (Option<String>, Option<String>, Option<String>),
    (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ),
    (String, i32, bool),
);

fn kept(s: &TestServer) -> Vec<Kept> {
    let mut c = s.state.db.get().unwrap();
    dovuti::table
        .filter(dovuti::iud.like("EQ-%"))
        .order(dovuti::iud)
        .select((
            dovuti::iud,
            dovuti::iuv,
            dovuti::notice_number,
            dovuti::state,
            (dovuti::amount_cents, dovuti::causale, dovuti::due_date),
            (dovuti::debtor_kind, dovuti::debtor_id, dovuti::debtor_name),
            (
                dovuti::debtor_address,
                dovuti::debtor_civic_number,
                dovuti::debtor_postal_code,
            ),
            (
                dovuti::debtor_city,
                dovuti::debtor_province,
                dovuti::debtor_country,
                dovuti::debtor_email,
            ),
            (
                dovuti::collection_data,
                dovuti::version,
                dovuti::generate_iuv,
            ),
        ))
        .load(&mut *c)
        .unwrap()
}

/// Sends the loads through the entity web service; returns the refused ones' fault codes.
async fn through_soap(s: &TestServer, pw: &str) -> Vec<Option<String>> {
    let mut faults = Vec::new();
    for (iud, amount, azione) in LOADS {
        let body = format!(
            "<password>{pw}</password><dovuto>{}</dovuto><flagGeneraIuv>true</flagGeneraIuv>",
            versamento(iud, amount, "MENSA", azione, "")
        );
        let a = call_ente(s, "paaSILImportaDovuto", Some("c_demo"), &body).await;
        faults.push(a.fault());
    }
    faults
}

/// Sends each load as its own flusso; returns the rows each rejected.
async fn through_csv(s: &TestServer) -> Vec<i64> {
    let mut rejected = Vec::new();
    for (n, (iud, amount, azione)) in LOADS.into_iter().enumerate() {
        let row = format!(
            "{iud};;F;RSSMRA85T10A562S;Mario Rossi;Via Roma;1;30100;Venezia;VE;IT;;2027-03-31;{amount};;MENSA;ALL;Retta mensa marzo;9/0201133IM/;;true;{azione}"
        );
        let csv = format!("{HEADER}\n{row}\n");
        let name = format!("EQ-IUF{n}-1_3.zip");
        let id = upload(s, &name, &zip_of(&[("eq.csv", csv.as_bytes())])).unwrap();
        let (files, db, clock) = (
            s.state.config.files_dir.clone(),
            s.state.db.clone(),
            s.state.clock,
        );
        tokio::task::spawn_blocking(move || {
            mypay::flussi::import::run(&db, &files, id, clock, &mut |_, _| {})
        })
        .await
        .unwrap()
        .unwrap();
        rejected.push(crate::flussi_import::state(s, id).3);
    }
    rejected
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soap_and_csv_loads_leave_identical_dovuti() {
    let soap = TestServer::spawn().await;
    let pw = soap.seed_demo().await["c_demo"].clone();
    let faults = through_soap(&soap, &pw).await;
    let csv = TestServer::spawn().await;
    csv.seed_demo().await;
    let rejected = through_csv(&csv).await;
    // Both refuse only the change of an IUD never loaded.
    assert_eq!(
        faults,
        [None, None, None, None, Some("PAA_IUD_NON_VALIDO".into())]
    );
    assert_eq!(rejected, [0, 0, 0, 0, 1]);
    let (by_soap, by_csv) = (kept(&soap), kept(&csv));
    assert_eq!(by_soap.len(), 2);
    assert_eq!(by_soap, by_csv);
    // The modified and the annulled dovuto each moved one version on.
    assert_eq!(
        by_soap
            .iter()
            .map(|k| (k.3.as_str(), k.4 .0, k.8 .1))
            .collect::<Vec<_>>(),
        [("PREDISPOSTO", 1500, 1), ("ANNULLATO", 2000, 1)]
    );
}
