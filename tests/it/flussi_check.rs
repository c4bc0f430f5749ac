//! `mypay flusso check`: a flusso checked as an import would decide it — the tracciato,
//! the due types, what the entity holds, and each row after the rows before it — with
//! every reject printed and nothing written; the import then rejects exactly those rows.

use crate::flussi_import::{good, zip_of, HEADER};
use crate::support::TestServer;
use diesel::prelude::*;
use mypay::db::schema::{dovuti, flussi};

/// Runs `mypay flusso <action> FILE --ente c_demo`: (success, stdout, stderr).
pub(crate) async fn flusso(
    s: &TestServer,
    action: &str,
    file: &std::path::Path,
) -> (bool, String, String) {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_mypay"))
        .args(["flusso", action, file.to_str().unwrap(), "--ente", "c_demo"])
        .env("MYPAY_DATABASE_URL", &s.state.config.database_url)
        .env("MYPAY_FILES_DIR", &s.state.config.files_dir)
        .env_remove("MYPAY_CONFIG")
        .output()
        .await
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// (dovuti, flussi) rows.
fn counts(s: &TestServer) -> (i64, i64) {
    let mut c = s.state.db.get().unwrap();
    (
        dovuti::table.count().get_result(&mut *c).unwrap(),
        flussi::table.count().get_result(&mut *c).unwrap(),
    )
}

/// The "row N: CODE" lines of a check's output.
fn rejects(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.starts_with("row "))
        .map(|l| l.split(": ").take(2).collect::<Vec<_>>().join(": "))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_reports_what_an_import_would_reject_and_writes_nothing() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let tmp = tempfile::tempdir().unwrap();
    // Rows 1–2000 load dovuti (one import chunk); in the next chunk row 2001 annuls the
    // dovuto row 1 loads (accepted: it follows it), row 2002 loads row 2's IUD again
    // (held by then), row 2003 has an unknown due type, row 2004 changes an IUD nobody holds.
    let mut csv = format!("{HEADER}\n");
    for i in 1..=2000 {
        csv += &format!("{}\n", good(i));
    }
    let annul = good(1).replace(";I", ";A");
    let unknown = good(2003).replace(";MENSA;", ";NOPE;");
    let stranger = good(2004)
        .replace("F-2004;", "NESSUNO;")
        .replace(";I", ";M");
    csv += &format!("{annul}\n{}\n{unknown}\n{stranger}\n", good(2));
    let file = tmp.path().join("CHK-IUF1-1_3.zip");
    std::fs::write(&file, zip_of(&[("x.csv", csv.as_bytes())])).unwrap();
    let before = counts(&s);
    let (ok, out, err) = flusso(&s, "check", &file).await;
    assert!(!ok, "rejects make it fail: {out}{err}");
    assert!(
        out.contains("2004 rows, 2001 would be accepted, 3 rejected; nothing imported"),
        "{out}{err}"
    );
    let checked = rejects(&out);
    assert_eq!(
        checked,
        [
            "row 2002: PAA_IMPORT_IUD_DUPLICATO",
            "row 2003: PAA_IMPORT_SINTASSI_CSV_TIPO_DOVUTO_INESISTENTE",
            "row 2004: PAA_IMPORT_ERROR"
        ]
    );
    assert_eq!(counts(&s), before, "nothing written");

    // The import rejects the same rows.
    let (ok, out, err) = flusso(&s, "import", &file).await;
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("2004 rows: 2001 accepted, 3 rejected"),
        "{out}"
    );
    let journalled: Vec<(String, Option<String>)> = {
        use mypay::db::schema::events;
        let mut c = s.state.db.get().unwrap();
        events::table
            .filter(events::interface.eq("cli"))
            .select((events::operation, events::response))
            .load(&mut *c)
            .unwrap()
    };
    assert_eq!(journalled.len(), 1, "the command-line import is journalled");
    assert_eq!(journalled[0].0, "flusso.importa");
    assert!(journalled[0]
        .1
        .as_deref()
        .unwrap()
        .contains("2001 accettate"));

    // The same rows again under another IUF: what is held now decides.
    let again = tmp.path().join("CHK-IUF2-1_3.zip");
    let csv = format!("{HEADER}\n{}\n{}\n", good(2), good(2007));
    std::fs::write(&again, zip_of(&[("x.csv", csv.as_bytes())])).unwrap();
    let (_, out, _) = flusso(&s, "check", &again).await;
    assert_eq!(rejects(&out), ["row 1: PAA_IMPORT_IUD_DUPLICATO"], "{out}");
    // The file already imported is refused whole, as an upload would be.
    let (ok, _, err) = flusso(&s, "check", &file).await;
    assert!(!ok && err.contains("PAA_IMPORT_FLUSSO_DUPLICATO"), "{err}");
    // A clean file passes.
    let clean = tmp.path().join("CHK-IUF3-1_3.zip");
    let csv = format!("{HEADER}\n{}\n", good(2008));
    std::fs::write(&clean, zip_of(&[("x.csv", csv.as_bytes())])).unwrap();
    let (ok, out, err) = flusso(&s, "check", &clean).await;
    assert!(
        ok && out.contains("1 rows, 1 would be accepted, 0 rejected"),
        "{out}{err}"
    );
}

#[tokio::test]
async fn the_flussi_page_checks_a_file_without_importing_it() {
    use crate::support::{csrf_of, Browser};
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut op = Browser::new(&s);
    op.login("operatore.borgo", &creds["operatore.borgo"]).await;
    let page = op.get("/admin/flussi").await;
    assert!(page.body.contains("name=\"verifica\""));
    let csrf = csrf_of(&page.body);
    let ente = crate::flussi_web::entity_id(&s, "c_demo").to_string();
    let zip = crate::flussi_web::flusso_zip(3);
    let before = counts(&s);
    let parts = [
        ("csrf", None, csrf.as_bytes()),
        ("entity", None, ente.as_bytes()),
        ("verifica", None, b"1".as_slice()),
        ("file", Some("web-VERIF1-1_3.zip"), zip.as_slice()),
    ];
    let checked = op.post_multipart("/admin/flussi", &parts).await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    assert!(
        checked.body.contains("data-rejected=\"1\""),
        "{}",
        checked.body
    );
    assert!(checked
        .body
        .contains("PAA_IMPORT_SINTASSI_CSV_TIPO_DOVUTO_INESISTENTE"));
    assert_eq!(counts(&s), before, "nothing imported");
    let parts = [
        ("csrf", None, csrf.as_bytes()),
        ("entity", None, ente.as_bytes()),
        ("verifica", None, b"1".as_slice()),
        ("file", Some("senza-trattini.zip"), zip.as_slice()),
    ];
    let refused = op.post_multipart("/admin/flussi", &parts).await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("PAA_IMPORT_NOME_FILE_NON_VALIDO"),
        "{}",
        refused.body
    );
}
