//! Bulk notices: `mypay avvisi` from the command line, and the back-office batch job with
//! its progress, flusso filter, rejects list and takeover after a worker died.

use crate::support::{csrf_of, Browser, TestServer};
use diesel::prelude::*;
use mypay::db::schema::{dovuti, due_types, entities, flussi};
use std::io::Read;

/// Printable dovuti of `cod_ipa`, an instalment plan counting once.
fn printable(s: &TestServer, cod_ipa: &str) -> usize {
    let mut c = s.state.db.get().unwrap();
    let rows: Vec<Option<String>> = dovuti::table
        .inner_join(entities::table)
        .inner_join(due_types::table)
        .filter(entities::cod_ipa.eq(cod_ipa))
        .filter(dovuti::notice_number.is_not_null())
        .filter(dovuti::state.ne_all(["COMPLETATO", "ANNULLATO"]))
        .filter(due_types::notice_printing.eq(true))
        .select(dovuti::plan_code)
        .load(&mut *c)
        .unwrap();
    let plans: std::collections::HashSet<_> = rows.iter().flatten().collect();
    rows.iter().filter(|p| p.is_none()).count() + plans.len()
}

/// Entry names and contents of a zip.
pub(crate) fn entries(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().into_owned(), data)
        })
        .collect()
}

fn pdfs(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    entries(zip)
        .into_iter()
        .filter(|(n, _)| n.ends_with(".pdf"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_writes_every_printable_notice_of_an_entity() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("notices.zip");
    let run = |ente: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_mypay"))
            .args(["avvisi", "--ente", ente, "--out", out.to_str().unwrap()])
            .env("MYPAY_DATABASE_URL", &s.state.config.database_url)
            .env_remove("MYPAY_CONFIG")
            .output()
            .unwrap()
    };
    let done = tokio::task::block_in_place(|| run("c_demo"));
    let stdout = String::from_utf8_lossy(&done.stdout);
    assert!(
        done.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&done.stderr)
    );
    let files = pdfs(&std::fs::read(&out).unwrap());
    let expected = printable(&s, "c_demo");
    assert_eq!(files.len(), expected);
    assert!(
        stdout.contains(&format!("{expected} notices written")),
        "{stdout}"
    );
    // Every entry is a PDF named after the IUV it carries.
    let (name, first) = &files[0];
    assert!(first.starts_with(b"%PDF-"));
    let iuv = name
        .trim_start_matches("MYPAY_AVVISO_c_demo_")
        .trim_end_matches(".pdf");
    let path = dir.path().join("one.pdf");
    std::fs::write(&path, first).unwrap();
    let text = crate::pdftools::text(path.to_str().unwrap());
    assert!(text.replace(' ', "").contains(&format!("3{iuv}")), "{text}");

    // An unknown entity: an error, and no file is left behind.
    std::fs::remove_file(&out).unwrap();
    let failed = tokio::task::block_in_place(|| run("nobody"));
    assert!(!failed.status.success());
    assert!(String::from_utf8_lossy(&failed.stderr).contains("no entity with IPA code"));
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only one.pdf"
    );
}

/// Polls the batches page until no batch is queued or running.
async fn wait_done(b: &mut Browser) -> String {
    for _ in 0..600 {
        let page = b.get("/admin/avvisi").await;
        if !page.body.contains("data-state=\"queued\"")
            && !page.body.contains("data-state=\"running\"")
        {
            return page.body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the batch did not finish");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_job_builds_the_zip_of_a_flusso_with_progress() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let now = s.state.now();
    // A flusso that loaded 5 open dovuti, one of which lost its IUV (not printable).
    let (entity, flusso) = {
        let mut c = s.state.db.get().unwrap();
        let entity: i64 = entities::table
            .filter(entities::cod_ipa.eq("c_demo"))
            .select(entities::id)
            .first(&mut *c)
            .unwrap();
        diesel::insert_into(flussi::table)
            .values((
                flussi::entity_id.eq(entity),
                flussi::direction.eq("IMPORT"),
                flussi::kind.eq("DOVUTI"),
                flussi::iuf.eq("IUF-TEST-1"),
                flussi::state.eq("IMPORT_ESEGUITO"),
                flussi::created_at.eq(now),
                flussi::updated_at.eq(now),
            ))
            .execute(&mut *c)
            .unwrap();
        let flusso: i64 = flussi::table.select(flussi::id).first(&mut *c).unwrap();
        let ids: Vec<i64> = dovuti::table
            .filter(dovuti::entity_id.eq(entity))
            .filter(dovuti::state.eq("PREDISPOSTO"))
            .filter(dovuti::plan_code.is_null())
            .select(dovuti::id)
            .order(dovuti::id)
            .limit(5)
            .load(&mut *c)
            .unwrap();
        diesel::update(dovuti::table.filter(dovuti::id.eq_any(&ids)))
            .set(dovuti::flusso_id.eq(flusso))
            .execute(&mut *c)
            .unwrap();
        diesel::update(dovuti::table.find(ids[4]))
            .set(dovuti::iuv.eq(None::<String>))
            .execute(&mut *c)
            .unwrap();
        (entity, flusso)
    };
    let mut op = Browser::new(&s);
    op.login("operatore.borgo", &creds["operatore.borgo"]).await;
    let form = op.get("/admin/avvisi").await;
    assert!(
        form.body.contains("c_demo · IUF-TEST-1"),
        "the flusso is offered"
    );
    let csrf = csrf_of(&form.body);
    let sent = op
        .post(
            "/admin/avvisi",
            &[
                ("csrf", &csrf),
                ("entity", &entity.to_string()),
                ("flusso", &flusso.to_string()),
            ],
        )
        .await;
    assert_eq!(sent.status, 303);
    let page = wait_done(&mut op).await;
    assert!(page.contains("data-state=\"done\""), "{page}");
    assert!(
        page.contains("5 / 5"),
        "progress shows every dovuto: {page}"
    );
    let href = page
        .split("href=\"/admin/avvisi/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .map(|r| format!("/admin/avvisi/{r}"))
        .unwrap();
    let zip = op.get(&href).await;
    assert_eq!(zip.status, 200);
    let all = entries(&zip.bytes);
    assert_eq!(pdfs(&zip.bytes).len(), 4);
    let rejects = all
        .iter()
        .find(|(n, _)| n == "AVVISI_NON_GENERATI.csv")
        .map(|(_, d)| String::from_utf8_lossy(d).into_owned())
        .expect("the rejects list");
    assert!(rejects.contains("non ha ancora uno IUV"), "{rejects}");

    // Another entity's operator can neither download it nor request for this entity.
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    assert_eq!(
        admin.get(&href).await.status,
        200,
        "the admin sees every entity"
    );
    let other: i64 = {
        let mut c = s.state.db.get().unwrap();
        entities::table
            .filter(entities::cod_ipa.eq("aulss_demo"))
            .select(entities::id)
            .first(&mut *c)
            .unwrap()
    };
    let refused = op
        .post(
            "/admin/avvisi",
            &[("csrf", &csrf), ("entity", &other.to_string())],
        )
        .await;
    assert_eq!(refused.status, 404, "another entity's batch is not found");

    // Finished batches are kept RETENTION_DAYS: an older one goes, zip and row, when the
    // next batch is requested.
    let id: i64 = href.split('/').nth(3).unwrap().parse().unwrap();
    let zip_file = mypay::avviso::batch::zip_path(&s.state.config.files_dir, id);
    assert!(zip_file.exists());
    {
        use mypay::db::schema::notice_batches;
        let mut c = s.state.db.get().unwrap();
        let old = now - chrono::Duration::days(mypay::avviso::batch::RETENTION_DAYS + 1);
        diesel::update(notice_batches::table.find(id))
            .set(notice_batches::completed_at.eq(Some(old)))
            .execute(&mut *c)
            .unwrap();
    }
    let next = op
        .post(
            "/admin/avvisi",
            &[("csrf", &csrf), ("entity", &entity.to_string())],
        )
        .await;
    assert_eq!(next.status, 303);
    assert!(!zip_file.exists(), "the old zip is deleted");
    assert_eq!(op.get(&href).await.status, 404);
    wait_done(&mut op).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_whose_worker_died_is_taken_over() {
    use mypay::avviso::batch;
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let now = s.state.now();
    let mut c = s.state.db.get().unwrap();
    let entity: i64 = entities::table
        .filter(entities::cod_ipa.eq("aulss_demo"))
        .select(entities::id)
        .first(&mut *c)
        .unwrap();
    let sel = mypay::avviso::bulk::Selection {
        entity_id: entity,
        flusso_id: None,
    };
    // Queued, then claimed by a worker that vanished: its lease is already over.
    batch::request(&mut c, sel, None, now).unwrap();
    let claimed = mypay::jobs::claim(
        &mut c,
        batch::QUEUE,
        "dead-worker",
        now,
        chrono::Duration::seconds(-1),
    );
    // The server's own worker may have been quicker; either way the batch must complete.
    drop((claimed, c));
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    let page = wait_done(&mut admin).await;
    assert!(page.contains("data-state=\"done\""), "{page}");
    let expected = printable(&s, "aulss_demo");
    assert!(page.contains(&format!("{expected} / {expected}")), "{page}");
}
