//! A real SOAP client: Python zeep builds itself from the WSDL our server publishes and
//! calls every operation of the entity services (`tests/zeep/ente_ws.py`). `scripts/test`
//! installs zeep in `target/zeep-venv`; elsewhere the test is skipped unless
//! `MYPAY_REQUIRE_ZEEP=1` (then a missing zeep fails it).

use crate::node::station;
use crate::support::TestServer;
use std::collections::HashMap;
use std::path::PathBuf;

fn python() -> Option<PathBuf> {
    let py = std::env::var_os("MYPAY_ZEEP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/zeep-venv/bin/python")
        });
    let ok = std::process::Command::new(&py)
        .args(["-c", "import zeep"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(py);
    }
    assert!(
        std::env::var_os("MYPAY_REQUIRE_ZEEP").is_none(),
        "zeep not available at {} (scripts/test installs it)",
        py.display()
    );
    eprintln!("skipping: Python zeep not installed (run scripts/test)");
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zeep_drives_every_operation() {
    let Some(py) = python() else { return };
    let s = TestServer::spawn().await;
    let creds = s.seed_demo().await;
    let debtor = "RSSMRA85T10A562S";
    let payable = crate::node::notice(&s, "c_demo", "TARI", "PREDISPOSTO");
    let out = tokio::process::Command::new(py)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/zeep/ente_ws.py"
        ))
        .arg(format!(
            "{}/ente/PagamentiTelematiciDovutiPagati?wsdl",
            s.base
        ))
        .args(["c_demo", creds["c_demo"].as_str(), debtor, &payable[1..]])
        .arg(station(&s, "c_demo").id_pa)
        .arg(s.state.clock.today_in_rome().to_string())
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: HashMap<String, serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|v| (v["op"].as_str().unwrap().to_owned(), v))
        .collect();
    assert_eq!(results.len(), mypay::soap::EnteOp::ALL.len(), "{stdout}");
    let r = |op: &str| &results[op];
    assert_eq!(r("paaSILImportaDovuto")["esito"], "OK");
    assert!(
        r("paaSILImportaDovuto")["zip"].as_u64().unwrap() > 1000,
        "the notice zip"
    );
    assert_eq!(r("paaSILChiediAvvisiPendenti")["has_new"], true);
    assert!(r("paaSILChiediPosizioniAperte")["count"].as_u64().unwrap() >= 1);
    assert_eq!(r("paaSILRegistraPagamento")["esito"], "OK");
    assert_eq!(r("paaSILChiediPagatiConRicevuta")["pagati"], true);
    assert!(r("paaSILChiediStoricoPagamenti")["count"].as_u64().unwrap() >= 1);
    assert_eq!(r("paaSILInviaDovuti")["esito"], "OK");
    assert_eq!(
        r("paaSILChiediPagati")["fault"],
        "PAA_PAGAMENTO_NON_INIZIATO"
    );
    assert_eq!(r("paaSILVerificaAvviso")["esito"], "OK");
    assert_eq!(r("paaSILInviaCarrelloDovuti")["esito"], "OK");
    assert_eq!(r("paaSILChiediEsitoCarrelloDovuti")["esito"], "PREDISPOSTO");
    assert!(r("paaSILAutorizzaImportFlusso")["upload"]
        .as_str()
        .unwrap()
        .ends_with("/ente/flussi/upload"));
    assert_eq!(r("paaSILChiediStatoImportFlusso")["stato"], "LOAD_IMPORT");
    // Exports: booked, then followed by their request token (the worker may already
    // have finished them).
    for op in [
        "paaSILPrenotaExportFlusso",
        "paaSILPrenotaExportFlussoIncrementaleConRicevuta",
        "paaSILPrenotaExportFlussoScaduti",
    ] {
        assert_eq!(r(op)["token"], true, "{op}");
    }
    assert_eq!(
        r("paaSILPrenotaExportFlussoIncrementaleConRicevuta")["dateTo"],
        true
    );
    for op in [
        "paaSILChiediStatoExportFlusso",
        "paaSILChiediStatoExportFlussoScaduti",
    ] {
        let st = r(op)["stato"].as_str().unwrap_or_default().to_owned();
        assert!(st.contains("EXPORT"), "{op}: {st}");
    }
}
