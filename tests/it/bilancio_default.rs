//! A due type's default bilancio: set from its page (checked, shown again as typed when
//! refused, stored valid against MyPay's `bilancioDefault.xsd`) and received by every
//! position that arrives without a bilancio — through paaSILImportaDovuto and through a
//! flusso — while a position's own bilancio is kept.

use crate::ente_ws::call_ente;
use crate::flussi_import::{good, upload, zip_of, HEADER};
use crate::flussi_web::entity_id;
use crate::node::{assert_valid_xsd, shared};
use crate::support::{csrf_of, Browser, TestServer};
use diesel::prelude::*;
use mypay::db::schema::{dovuti, due_types};

fn mensa(s: &TestServer) -> i64 {
    let mut c = s.state.db.get().unwrap();
    due_types::table
        .filter(due_types::entity_id.eq(entity_id(s, "c_demo")))
        .filter(due_types::code.eq("MENSA"))
        .select(due_types::id)
        .first(&mut *c)
        .unwrap()
}

fn stored_default(s: &TestServer, id: i64) -> Option<String> {
    let mut c = s.state.db.get().unwrap();
    due_types::table
        .find(id)
        .select(due_types::default_bilancio)
        .first(&mut *c)
        .unwrap()
}

fn bilancio_of(s: &TestServer, iud: &str) -> Option<String> {
    let mut c = s.state.db.get().unwrap();
    dovuti::table
        .filter(dovuti::iud.eq(iud))
        .select(dovuti::bilancio)
        .first(&mut *c)
        .unwrap()
}

fn importa(pw: &str, iud: &str, amount: &str, extra: &str) -> String {
    let payload = crate::ente_ws::versamento(iud, amount, "MENSA", "I", extra);
    format!(
        "<password>{pw}</password><dovuto>{payload}</dovuto><flagGeneraIuv>true</flagGeneraIuv>"
    )
}

async fn save(b: &mut Browser, id: i64, rows: &[[&str; 4]]) -> crate::support::Page {
    let page = format!("/admin/due-types/{id}");
    let csrf = csrf_of(&b.get(&page).await.body);
    let names: Vec<[String; 4]> = (0..rows.len())
        .map(|i| ["capitolo", "ufficio", "accertamento", "importo"].map(|k| format!("b{i}_{k}")))
        .collect();
    let mut form = vec![("csrf", csrf.as_str())];
    for (row, names) in rows.iter().zip(&names) {
        for (value, name) in row.iter().zip(names) {
            form.push((name.as_str(), *value));
        }
    }
    b.post(&format!("{page}/bilancio"), &form).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn positions_without_a_bilancio_receive_their_due_types_default() {
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let mut admin = Browser::new(&s);
    admin.login("admin", &creds["admin"]).await;
    let id = mensa(&s);

    let two_rests = [["CAP-01", "", "", "TOTALE"], ["CAP-02", "", "", "totale"]];
    let refused = save(&mut admin, id, &two_rests).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("una sola riga TOTALE"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("value=\"CAP-02\""),
        "rows shown again as typed"
    );
    let no_rest = save(&mut admin, id, &[["CAP-01", "", "", "3"]]).await;
    assert_eq!(no_rest.status, 422, "a free amount needs a TOTALE line");
    assert_eq!(stored_default(&s, id), None, "nothing stored");

    let rows = [
        ["CAP-01", "UFF1", "ACC/2026/7", "2,00"],
        ["", "", "", ""],
        ["CAP-02", "", "", "TOTALE"],
    ];
    assert_eq!(save(&mut admin, id, &rows).await.status, 303);
    let xml = stored_default(&s, id).expect("stored");
    let xsd = shared().join("reference/mypay/ente-ws/bilancioDefault.xsd");
    assert_valid_xsd(&xml, &xsd);
    let page = admin.get(&format!("/admin/due-types/{id}")).await.body;
    assert!(
        page.contains("value=\"ACC/2026/7\"") && page.contains("value=\"2,00\""),
        "{page}"
    );
    let audit = admin.get("/admin/audit").await.body;
    assert!(
        audit.contains("Bilancio predefinito del tipo dovuto"),
        "audited"
    );

    let pw = &creds["c_demo"];
    let ok = call_ente(
        &s,
        "paaSILImportaDovuto",
        Some("c_demo"),
        &importa(pw, "BIL-1", "10.00", ""),
    )
    .await;
    assert_eq!(ok.get("esito").as_deref(), Some("OK"), "{}", ok.body);
    let expected = "<bilancio><capitolo><codCapitolo>CAP-01</codCapitolo><codUfficio>UFF1</codUfficio><accertamento><codAccertamento>ACC/2026/7</codAccertamento><importo>2.00</importo></accertamento></capitolo><capitolo><codCapitolo>CAP-02</codCapitolo><accertamento><importo>8.00</importo></accertamento></capitolo></bilancio>";
    assert_eq!(bilancio_of(&s, "BIL-1").as_deref(), Some(expected));

    let own = String::from("<bilancio><capitolo><codCapitolo>MIO</codCapitolo><accertamento><importo>1.00</importo></accertamento></capitolo></bilancio>");
    let ok = call_ente(
        &s,
        "paaSILImportaDovuto",
        Some("c_demo"),
        &importa(pw, "BIL-2", "1.00", &own),
    )
    .await;
    assert_eq!(ok.get("esito").as_deref(), Some("OK"), "{}", ok.body);
    assert!(
        bilancio_of(&s, "BIL-2")
            .unwrap()
            .contains("<codCapitolo>MIO</codCapitolo>"),
        "own kept"
    );
    let small = importa(pw, "BIL-3", "1.50", "");
    call_ente(&s, "paaSILImportaDovuto", Some("c_demo"), &small).await;
    assert_eq!(
        bilancio_of(&s, "BIL-3"),
        None,
        "2.00 fixed does not fit 1.50: no bilancio"
    );

    let csv = format!("{HEADER}\n{}\n", good(1));
    let zip = zip_of(&[("C-BIL-1_3.csv", csv.as_bytes())]);
    let flusso = upload(&s, "C-BIL-1_3.zip", &zip).unwrap();
    let (db, files, clock) = (
        s.state.db.clone(),
        s.state.config.files_dir.clone(),
        s.state.clock,
    );
    tokio::task::spawn_blocking(move || {
        mypay::flussi::import::run(&db, &files, flusso, clock, &mut |_, _| {})
    })
    .await
    .unwrap()
    .unwrap();
    let from_flusso = bilancio_of(&s, "F-1").expect("default applied to the flusso row");
    assert!(
        from_flusso.contains("<importo>9.50</importo>"),
        "11.50 - 2.00: {from_flusso}"
    );

    let page = format!("/admin/due-types/{id}");
    let csrf = csrf_of(&admin.get(&page).await.body);
    let settings = [
        ("csrf", csrf.as_str()),
        ("description", "Mensa scolastica"),
        ("bank_iban", "IT60X0542811101000000123456"),
        ("collection_data", "9/0201133IM/"),
        ("fixed_amount", "1,00"),
    ];
    let misfit = admin.post(&page, &settings).await;
    assert_eq!(misfit.status, 422, "a fixed amount below the fixed shares");
    assert!(misfit.body.contains("non si adatta"), "{}", misfit.body);

    assert_eq!(save(&mut admin, id, &[["", "", "", ""]]).await.status, 303);
    assert_eq!(
        stored_default(&s, id),
        None,
        "all rows blank removes the default"
    );
}
