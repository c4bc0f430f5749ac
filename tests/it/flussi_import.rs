//! Importing flussi of dovuti: good and bad rows, result files, file-level failures that
//! import nothing, duplicates, an import interrupted midway and resumed, the CLI.

use crate::support::TestServer;
use diesel::prelude::*;
use mypay::db::schema::{dovuti, entities, flussi, notice_batches};
use mypay::flussi::import::{dir, run, CHUNK};
use std::io::Write;

pub(crate) const HEADER: &str = "IUD;codIuv;tipoIdentificativoUnivoco;codiceIdentificativoUnivoco;anagraficaPagatore;indirizzoPagatore;civicoPagatore;capPagatore;localitaPagatore;provinciaPagatore;nazionePagatore;mailPagatore;dataEsecuzionePagamento;importoDovuto;commissioneCaricoPa;tipoDovuto;tipoVersamento;causaleVersamento;datiSpecificiRiscossione;bilancio;flgGeneraIuv;azione";

pub(crate) fn good(i: usize) -> String {
    format!("F-{i};;F;RSSMRA85T10A562S;Mario Rossi {i};Via Roma;1;30100;Venezia;VE;IT;;2027-01-31;{}.50;;MENSA;ALL;Mensa {i};9/0201133IM/;;true;I", 10 + i % 50)
}

/// A zip holding `files` (name, content), deflated.
pub(crate) fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in files {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(content).unwrap();
    }
    z.finish().unwrap().into_inner()
}

pub(crate) fn entity(s: &TestServer) -> i64 {
    let mut c = s.state.db.get().unwrap();
    entities::table
        .filter(entities::cod_ipa.eq("c_demo"))
        .select(entities::id)
        .first(&mut *c)
        .unwrap()
}

/// Accepts `zip` as `name` for the test to run; returns the flusso id or the file-level code.
pub(crate) fn upload(s: &TestServer, name: &str, zip: &[u8]) -> Result<i64, String> {
    accepted(s, entity(s), name, zip)
}

/// Accepts `zip` as `name` for `entity`, the caller to run it.
pub(crate) fn accepted(s: &TestServer, entity: i64, name: &str, zip: &[u8]) -> Result<i64, String> {
    use mypay::flussi::accept::{accept, Incoming, RunBy, Zip};
    let mut c = s.state.db.get().unwrap();
    let incoming = Incoming {
        entity_id: entity,
        file_name: name,
        operator_id: None,
        reserved: None,
    };
    let files = &s.state.config.files_dir;
    accept(
        &mut c,
        files,
        incoming,
        Zip::Bytes(zip),
        s.state.now(),
        RunBy::Caller,
    )
    .unwrap()
    .map_err(|e| e.code)
}

pub(crate) fn state(s: &TestServer, id: i64) -> (String, i64, i64, i64) {
    let mut c = s.state.db.get().unwrap();
    flussi::table
        .find(id)
        .select((
            flussi::state,
            flussi::rows_done,
            flussi::rows_accepted,
            flussi::rows_rejected,
        ))
        .first(&mut *c)
        .unwrap()
}

pub(crate) fn imported(s: &TestServer, id: i64) -> i64 {
    let mut c = s.state.db.get().unwrap();
    dovuti::table
        .filter(dovuti::flusso_id.eq(id))
        .count()
        .get_result(&mut *c)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn good_and_bad_rows_with_their_result_files() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let mut csv = format!("{HEADER}\r\n");
    for i in 0..30 {
        csv += &good(i);
        csv += if i % 2 == 0 { "\n" } else { "\r\n" };
    }
    csv += "=X;;F;NOTACF;=HYPERLINK(\"x\");;;;;;;;2027-01-31;1,00;;MENSA;ALL;x;9/0201133IM/;;;I\n";
    csv += &good(3).replace("Mensa 3", "altra");
    csv += "\n";
    csv += &good(31).replace(";MENSA;", ";NOPE;");
    csv += "\n";
    let zip = zip_of(&[("C-IUF1-1_3.csv", csv.as_bytes())]);
    let id = upload(&s, "C-IUF1-1_3.zip", &zip).unwrap();
    let files = s.state.config.files_dir.clone();
    let db = s.state.db.clone();
    let clock = s.state.clock;
    tokio::task::spawn_blocking(move || run(&db, &files, id, clock, &mut |_, _| {}))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(state(&s, id), ("IMPORT_ESEGUITO".into(), 33, 30, 3));
    assert_eq!(imported(&s, id), 30);
    let d = dir(&s.state.config.files_dir, id);
    let scarti = std::fs::read_to_string(d.join("C-IUF1-1_3_SCARTI.csv")).unwrap();
    let lines: Vec<&str> = scarti.lines().collect();
    assert_eq!(lines.len(), 4, "{scarti}");
    assert!(lines[0].ends_with(";azione;cod_rifiuto;de_rifiuto"));
    assert!(
        lines[1].starts_with("'=X;")
            && lines[1].contains("'=HYPERLINK")
            && lines[1].contains(
                "PAA_IMPORT_SINTASSI_CSV_COD_FISC;CODICE FISCALE NON VALIDO|IMPORTO NON VALIDO"
            ),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains("PAA_IMPORT_IUD_DUPLICATO"));
    assert!(lines[3].contains("PAA_IMPORT_SINTASSI_CSV_TIPO_DOVUTO_INESISTENTE"));
    let iuv = std::fs::read_to_string(d.join("C-IUF1-1_3_IUV.csv")).unwrap();
    assert_eq!(iuv.lines().count(), 31);
    // The accepted rows as sent, the assigned IUV in codIuv, in file order.
    let lines: Vec<&str> = iuv.lines().collect();
    assert!(lines[0].starts_with("IUD;codIuv;tipoIdentificativoUnivoco;"));
    assert!(lines[1].starts_with("F-0;010"), "{}", lines[1]);
    assert!(
        lines[1].ends_with(";Mensa 0;9/0201133IM/;;true;I"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[1].split(';').count(), 22);
    // The notices are built by a batch of this flusso.
    let mut c = s.state.db.get().unwrap();
    let batches: i64 = notice_batches::table
        .filter(notice_batches::flusso_id.eq(id))
        .count()
        .get_result(&mut *c)
        .unwrap();
    assert_eq!(batches, 1);
    drop(c);
    // The same IUF again: a duplicate.
    assert_eq!(
        upload(&s, "C-IUF1-1_3.zip", &zip).unwrap_err(),
        "PAA_IMPORT_FLUSSO_DUPLICATO"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_files_import_nothing() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let row = good(1);
    let ok_csv = format!("{HEADER}\n{row}\n");
    // 200,000 characters that do not compress much (the zip-bomb check is another case).
    let mut seed = 7u32;
    let noise: String = (0..200_000)
        .map(|_| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            char::from(b'a' + (seed >> 16) as u8 % 26)
        })
        .collect();
    let long = format!("{HEADER}\n{row}\n{noise}\n");
    let mut latin1 = format!("{HEADER}\n").into_bytes();
    latin1.extend_from_slice(
        b"F-9;;F;RSSMRA85T10A562S;Nicol\xf2;;;;;;;;;1.00;;MENSA;ALL;x;9/0201133IM/;;;I\n",
    );
    let bomb = vec![b'a'; 40 * 1024 * 1024];
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("B-IUF2-1_3.zip", zip_of(&[]), "PAA_IMPORT_NO_CSV"),
        (
            "B-IUF3-1_3.zip",
            zip_of(&[("a.csv", ok_csv.as_bytes()), ("b.csv", ok_csv.as_bytes())]),
            "PAA_IMPORT_NO_CSV",
        ),
        (
            "B-IUF4-1_3.zip",
            zip_of(&[("a.csv", format!("{HEADER}\n").as_bytes())]),
            "PAA_IMPORT_FLUSSO_VUOTO",
        ),
        (
            "B-IUF5-1_3.zip",
            zip_of(&[("a.csv", long.as_bytes())]),
            "PAA_IMPORT_FLUSSO_ERRORE_GENERICO",
        ),
        (
            "B-IUF6-1_3.zip",
            zip_of(&[("a.csv", &latin1)]),
            "PAA_IMPORT_FLUSSO_ERRORE_GENERICO",
        ),
        (
            "B-IUF7-1_3.zip",
            zip_of(&[("a.csv", &bomb)]),
            "PAA_IMPORT_FLUSSO_TROPPO_GRANDE",
        ),
        ("B-IUF8-1_3.zip", b"not a zip".to_vec(), "PAA_IMPORT_NO_CSV"),
    ];
    for (name, zip, code) in cases {
        let id = upload(&s, name, &zip).unwrap();
        let files = s.state.config.files_dir.clone();
        let db = s.state.db.clone();
        let clock = s.state.clock;
        tokio::task::spawn_blocking(move || run(&db, &files, id, clock, &mut |_, _| {}))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(state(&s, id).0, code, "{name}");
        assert_eq!(imported(&s, id), 0, "{name}: nothing imported");
    }
    assert_eq!(
        upload(&s, "B-IUF9-2_0.zip", b"").unwrap_err(),
        "PAA_IMPORT_FILE_VERSIONE_ERR"
    );
    assert_eq!(
        upload(&s, "senza-iuf.zip", b"").unwrap_err(),
        "PAA_IMPORT_NOME_FILE_NON_VALIDO"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_import_resumes_without_losing_or_doubling_rows() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let rows = CHUNK * 2 + 500;
    let csv: String = std::iter::once(HEADER.to_owned())
        .chain((0..rows).map(good))
        .collect::<Vec<_>>()
        .join("\n");
    let id = upload(&s, "R-IUF10-1_3.zip", &zip_of(&[("r.csv", csv.as_bytes())])).unwrap();
    // The process dies after the first chunk was committed.
    let (files, db) = (s.state.config.files_dir.clone(), s.state.db.clone());
    let clock = s.state.clock;
    let crashed = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run(&db, &files, id, clock, &mut |done, _| {
                assert!(done < CHUNK as u64, "killed")
            })
        }))
    })
    .await
    .unwrap();
    assert!(crashed.is_err());
    assert_eq!(
        state(&s, id),
        ("IMPORT_IN_ELAB".into(), CHUNK as i64, CHUNK as i64, 0)
    );
    // Registering the same file again resumes it.
    let again = upload(&s, "R-IUF10-1_3.zip", &zip_of(&[("r.csv", csv.as_bytes())])).unwrap();
    assert_eq!(again, id);
    let (files, db) = (s.state.config.files_dir.clone(), s.state.db.clone());
    let clock = s.state.clock;
    tokio::task::spawn_blocking(move || run(&db, &files, id, clock, &mut |_, _| {}))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        state(&s, id),
        ("IMPORT_ESEGUITO".into(), rows as i64, rows as i64, 0)
    );
    assert_eq!(imported(&s, id), rows as i64);
    // The IUV file, rebuilt after the interruption, lists every row once.
    let d = dir(&s.state.config.files_dir, id);
    let iuv = std::fs::read_to_string(d.join("R-IUF10-1_3_IUV.csv")).unwrap();
    assert_eq!(iuv.lines().count(), rows + 1);
    assert!(!d.join("R-IUF10-1_3_IUV.csv.part").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_imports_a_flusso() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("CLI-IUF11-1_3.zip");
    let csv = format!("{HEADER}\n{}\n{}\n", good(1), good(2));
    std::fs::write(&file, zip_of(&[("x.csv", csv.as_bytes())])).unwrap();
    let (ok, stdout, stderr) = crate::flussi_check::flusso(&s, "import", &file).await;
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stdout.contains("IMPORT_ESEGUITO") && stdout.contains("2 rows: 2 accepted, 0 rejected"),
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_entity_software_uploads_a_flusso_and_follows_it() {
    use crate::ente_ws::call_ente;
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let pw = creds["c_demo"].clone();
    let auth_body = format!("<password>{pw}</password>");
    let authorise = || {
        call_ente(
            &s,
            "paaSILAutorizzaImportFlusso",
            Some("c_demo"),
            &auth_body,
        )
    };
    let a = authorise().await;
    let (token, request) = (
        a.get("authorizationToken").unwrap(),
        a.get("requestToken").unwrap(),
    );
    assert!(a.get("uploadUrl").unwrap().ends_with("/ente/flussi/upload"));
    let stato = |request: String| {
        let pw = pw.clone();
        let s = &s;
        async move {
            let body = format!("<requestToken>{request}</requestToken><password>{pw}</password>");
            call_ente(s, "paaSILChiediStatoImportFlusso", Some("c_demo"), &body).await
        }
    };
    assert_eq!(
        stato(request.clone()).await.get("stato").as_deref(),
        Some("LOAD_IMPORT")
    );
    let csv = format!("{HEADER}\n{}\n{}\n", good(1), good(1));
    let zip = zip_of(&[("w.csv", csv.as_bytes())]);
    let mut b = crate::support::Browser::new(&s);
    let up = b
        .post_multipart(
            "/ente/flussi/upload",
            &[
                ("authorizationToken", None, token.as_bytes()),
                ("file", Some("WS-IUF20-1_3.zip"), &zip),
            ],
        )
        .await;
    assert_eq!(up.status, 200, "{}", up.body);
    // The token served once.
    let again = b
        .post_multipart(
            "/ente/flussi/upload",
            &[
                ("authorizationToken", None, token.as_bytes()),
                ("file", Some("WS-IUF21-1_3.zip"), &zip),
            ],
        )
        .await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("PAA_IMPORT_NO_MATCH_AUTH"));
    // The server's worker imports it.
    let mut done = None;
    for _ in 0..200 {
        let st = stato(request.clone()).await;
        if st.get("stato").as_deref() == Some("IMPORT_ESEGUITO") {
            done = Some(st);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let st = done.expect("imported");
    let scarti_url = st.get("urlFileScarti").unwrap();
    let scarti = reqwest::get(&scarti_url)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(scarti.contains("PAA_IMPORT_IUD_DUPLICATO"), "{scarti}");
    let iuv = reqwest::get(st.get("urlFileIUV").unwrap())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(iuv.lines().count(), 2);
    // A file named with an unknown version: the import ends in that state.
    let a = authorise().await;
    let (token, request) = (
        a.get("authorizationToken").unwrap(),
        a.get("requestToken").unwrap(),
    );
    let bad = b
        .post_multipart(
            "/ente/flussi/upload",
            &[
                ("authorizationToken", None, token.as_bytes()),
                ("file", Some("WS-IUF22-9_9.zip"), &zip),
            ],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        stato(request).await.get("stato").as_deref(),
        Some("PAA_IMPORT_FILE_VERSIONE_ERR")
    );
    let unknown = stato("no-such-token".into()).await;
    assert_eq!(
        unknown.fault().as_deref(),
        Some("PAA_REQUEST_TOKEN_NON_VALIDO")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_1_4_row_with_a_secondary_beneficiary_becomes_two_transfers() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let header: String = (0..35)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(";");
    let row = "M-1;;F;RSSMRA85T10A562S;Mario Rossi;;;;;;;;2027-01-31;100.00;;TARI;ALL;TARI 2026;9/0101101IM/;;true;true;01234567897;Provincia Demo;IT60X0542811101000000123456;;;;;;;9/0101101IM/;Tributo provinciale;30.00;I";
    let id = upload(
        &s,
        "M-IUF30-1_4.zip",
        &zip_of(&[("m.csv", format!("{header}\n{row}\n").as_bytes())]),
    )
    .unwrap();
    let (files, db) = (s.state.config.files_dir.clone(), s.state.db.clone());
    let clock = s.state.clock;
    tokio::task::spawn_blocking(move || run(&db, &files, id, clock, &mut |_, _| {}))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(state(&s, id), ("IMPORT_ESEGUITO".into(), 1, 1, 0));
    use mypay::db::schema::dovuto_transfers as t;
    let mut c = s.state.db.get().unwrap();
    let split: Vec<(i32, String, i64)> = t::table
        .inner_join(dovuti::table)
        .filter(dovuti::iud.eq("M-1"))
        .order(t::position)
        .select((t::position, t::beneficiary_fiscal_code, t::amount_cents))
        .load(&mut *c)
        .unwrap();
    assert_eq!(split[1], (2, "01234567897".to_owned(), 3000));
    assert_eq!((split[0].0, split[0].2), (1, 7000));
}
