//! Flussi that act on what earlier flussi loaded: `I` of an IUD the entity already holds,
//! `M` (change) and `A` (annul) of open dovuti, and either of an IUD it never had.

use crate::ente_ws::state as dovuto;
use crate::flussi_import::{good, imported, state, upload, zip_of, HEADER};
use crate::support::TestServer;
use mypay::flussi::import::{dir, run};

/// Imports `rows` as flusso `name` and waits for it; returns its id.
async fn import(s: &TestServer, name: &str, rows: &[String]) -> i64 {
    let csv = std::iter::once(HEADER.to_owned())
        .chain(rows.iter().cloned())
        .collect::<Vec<_>>()
        .join("\n");
    let id = upload(s, name, &zip_of(&[("f.csv", csv.as_bytes())])).unwrap();
    let (files, db) = (s.state.config.files_dir.clone(), s.state.db.clone());
    let clock = s.state.clock;
    tokio::task::spawn_blocking(move || run(&db, &files, id, clock, &mut |_, _| {}))
        .await
        .unwrap()
        .unwrap();
    id
}

fn scarti(s: &TestServer, id: i64, base: &str) -> Vec<String> {
    let d = dir(&s.state.config.files_dir, id);
    let text = std::fs::read_to_string(d.join(format!("{base}_SCARTI.csv"))).unwrap();
    text.lines().skip(1).map(str::to_owned).collect()
}

fn with_action(row: String, action: &str) -> String {
    format!("{};{action}", row.strip_suffix(";I").unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn later_flussi_insert_change_and_annul_by_iud() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let first = import(&s, "A-IUF1-1_3.zip", &(0..5).map(good).collect::<Vec<_>>()).await;
    assert_eq!(state(&s, first), ("IMPORT_ESEGUITO".into(), 5, 5, 0));
    let (_, _, iuv1) = dovuto(&s, "F-1");

    // Only insertions, one of an IUD already held: the others go in, that one is refused.
    let second = import(&s, "A-IUF2-1_3.zip", &[good(3), good(10), good(11)]).await;
    assert_eq!(state(&s, second), ("IMPORT_ESEGUITO".into(), 3, 2, 1));
    assert_eq!(imported(&s, second), 2);
    let refused = scarti(&s, second, "A-IUF2-1_3");
    assert_eq!(refused.len(), 1);
    assert!(refused[0].starts_with("F-3;") && refused[0].contains("IUD GIA' PRESENTE"));
    assert_eq!(dovuto(&s, "F-3").1, 1350, "the held dovuto is untouched");

    // Change, annul, insert, and both actions on an IUD never loaded.
    let changed = good(1).replace(";11.50;", ";99.00;");
    let rows = [
        with_action(changed, "M"),
        with_action(good(2), "A"),
        good(12),
        with_action(good(77), "M"),
        with_action(good(78), "A"),
    ];
    let third = import(&s, "A-IUF3-1_3.zip", &rows).await;
    assert_eq!(state(&s, third), ("IMPORT_ESEGUITO".into(), 5, 3, 2));
    assert_eq!(dovuto(&s, "F-1"), ("PREDISPOSTO".into(), 9900, iuv1));
    assert_eq!(dovuto(&s, "F-2").0, "ANNULLATO");
    assert_eq!(dovuto(&s, "F-12").0, "PREDISPOSTO");
    let refused = scarti(&s, third, "A-IUF3-1_3");
    assert_eq!(refused.len(), 2);
    assert!(refused
        .iter()
        .all(|r| r.contains("NESSUN DOVUTO CON QUESTO IUD")));

    // An annulled dovuto can be neither changed nor annulled again.
    let fourth = import(&s, "A-IUF4-1_3.zip", &[with_action(good(2), "M")]).await;
    assert_eq!(state(&s, fourth), ("IMPORT_ESEGUITO".into(), 1, 0, 1));
    assert!(scarti(&s, fourth, "A-IUF4-1_3")[0].contains("DOVUTO GIA' PAGATO O ANNULLATO"));
}
