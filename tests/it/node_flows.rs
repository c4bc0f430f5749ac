//! Payment flows against the node interface: concurrency, multi-beneficiary and marca da
//! bollo transfers, spontaneous notices created on demand.

use crate::node::{call, notice, state_of, station};
use crate::support::TestServer;
use base64::Engine;
use diesel::prelude::*;
use mypay::db::schema::{dovuti, dovuto_transfers, receipt_transfers, receipts};
use mypay::sim::messages::{self, Psp};

/// 50 activations in parallel with 2 different receipts for the same notice: exactly one
/// paid position, both receipts kept, the second flagged as a double payment.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_activations_and_receipts_for_one_notice() {
    let s = std::sync::Arc::new(TestServer::spawn_with(|c| c.pool_size = 8).await);
    s.seed_demo().await;
    let st = station(&s, "c_demo");
    let n = notice(&s, "c_demo", "MENSA", "PREDISPOSTO");
    let first = call(
        &s,
        "paGetPayment",
        &messages::get_payment(&st, &n, false, false),
    )
    .await;
    let rts: Vec<String> = ["token-A", "token-B"]
        .iter()
        .map(|id| {
            messages::receipt_for(
                &st,
                &first.body_element(),
                &n,
                id,
                false,
                &Psp::default(),
                "2026-11-28T10:00:00",
            )
            .unwrap()
        })
        .collect();
    let mut tasks = Vec::new();
    // The two receipts are interleaved among the 50 activations.
    for i in 0..52usize {
        let (s, st, n) = (s.clone(), st.clone(), n.clone());
        let rt: Option<String> = match i {
            20 => Some(rts[0].clone()),
            21 => Some(rts[1].clone()),
            _ => None,
        };
        tasks.push(tokio::spawn(async move {
            match rt {
                Some(rt) => call(&s, "paSendRT", &rt).await,
                None => {
                    call(
                        &s,
                        "paGetPayment",
                        &messages::get_payment(&st, &n, false, false),
                    )
                    .await
                }
            }
        }));
    }
    for t in tasks {
        let a = t.await.unwrap();
        assert_eq!(a.status, 200);
        a.assert_valid();
        // An activation that lands after the receipt is told the notice is paid.
        assert!(
            a.fault().is_none() || a.fault().as_deref() == Some("PAA_PAGAMENTO_DUPLICATO"),
            "{}",
            a.body
        );
    }
    assert_eq!(state_of(&s, &n), "COMPLETATO");
    let mut c = s.state.db.get().unwrap();
    let kept: Vec<(String, bool)> = receipts::table
        .filter(receipts::notice_number.eq(&n))
        .select((receipts::receipt_id, receipts::double_payment))
        .order(receipts::receipt_id.asc())
        .load(&mut *c)
        .unwrap();
    assert_eq!(kept.len(), 2, "both receipts kept");
    assert_eq!(
        kept.iter().filter(|k| k.1).count(),
        1,
        "exactly one flagged as double payment"
    );
}

pub fn dovuto_of(s: &TestServer, notice: &str) -> (i64, i64) {
    let mut c = s.state.db.get().unwrap();
    dovuti::table
        .filter(dovuti::notice_number.eq(notice))
        .select((dovuti::id, dovuti::amount_cents))
        .first(&mut *c)
        .unwrap()
}

#[allow(clippy::too_many_arguments)]
pub fn add_transfer(
    s: &TestServer,
    dovuto: i64,
    pos: i32,
    cf: &str,
    iban: Option<&str>,
    cents: i64,
    stamp: Option<&str>,
) {
    let mut c = s.state.db.get().unwrap();
    diesel::insert_into(dovuto_transfers::table)
        .values((
            dovuto_transfers::dovuto_id.eq(dovuto),
            dovuto_transfers::position.eq(pos),
            dovuto_transfers::beneficiary_fiscal_code.eq(cf),
            dovuto_transfers::beneficiary_name.eq(Some(format!("Beneficiario {pos}"))),
            dovuto_transfers::iban.eq(iban),
            dovuto_transfers::amount_cents.eq(cents),
            dovuto_transfers::collection_data.eq("9/0101108TS/"),
            dovuto_transfers::stamp_hash.eq(stamp),
            dovuto_transfers::stamp_type.eq(stamp.map(|_| "01")),
            dovuto_transfers::stamp_province.eq(stamp.map(|_| "MI")),
        ))
        .execute(&mut *c)
        .unwrap();
}

#[tokio::test]
async fn multi_beneficiary_payment() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let st = station(&s, "c_demo");
    let n = notice(&s, "c_demo", "MENSA", "PREDISPOSTO");
    let (id, cents) = dovuto_of(&s, &n);
    let secondary_iban = mypay::domain::Iban::from_bban("IT", "X0306902117000000009999").unwrap();
    add_transfer(
        &s,
        id,
        1,
        &st.id_pa,
        Some("IT60X0542811101000000123456"),
        cents - 500,
        None,
    );
    add_transfer(
        &s,
        id,
        2,
        "01234567897",
        Some(secondary_iban.as_str()),
        500,
        None,
    );
    for v2 in [false, true] {
        let a = call(
            &s,
            if v2 { "paGetPaymentV2" } else { "paGetPayment" },
            &messages::get_payment(&st, &n, v2, false),
        )
        .await;
        a.assert_valid();
        assert_eq!(a.body.matches("<transfer>").count(), 2, "{}", a.body);
        assert!(a.body.contains("<fiscalCodePA>01234567897</fiscalCodePA>"));
        assert_eq!(
            v2,
            a.body.contains("<companyName>Beneficiario 2</companyName>")
        );
    }
    let a = call(
        &s,
        "paGetPaymentV2",
        &messages::get_payment(&st, &n, true, false),
    )
    .await;
    let rt = messages::receipt_for(
        &st,
        &a.body_element(),
        &n,
        "multi-1",
        true,
        &Psp::default(),
        "2026-11-28T11:00:00+01:00",
    )
    .unwrap();
    let r = call(&s, "paSendRTV2", &rt).await;
    r.assert_valid();
    assert_eq!(r.get("outcome").as_deref(), Some("OK"), "{}", r.body);
    assert_eq!(state_of(&s, &n), "COMPLETATO");
    let mut c = s.state.db.get().unwrap();
    let n_t: i64 = receipt_transfers::table
        .count()
        .get_result(&mut *c)
        .unwrap();
    assert_eq!(n_t, 2);
}

#[tokio::test]
async fn marca_da_bollo_needs_v2() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let st = station(&s, "c_demo");
    let n = notice(&s, "c_demo", "MENSA", "PREDISPOSTO");
    let (id, cents) = dovuto_of(&s, &n);
    let hash = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
    add_transfer(
        &s,
        id,
        1,
        &st.id_pa,
        Some("IT60X0542811101000000123456"),
        cents - 1600,
        None,
    );
    add_transfer(&s, id, 2, &st.id_pa, None, 1600, Some(&hash));
    let v1 = call(
        &s,
        "paGetPayment",
        &messages::get_payment(&st, &n, false, false),
    )
    .await;
    v1.assert_valid();
    assert_eq!(v1.fault().as_deref(), Some("PAA_SEMANTICA"));
    assert_eq!(
        state_of(&s, &n),
        "PREDISPOSTO",
        "a refused activation changes nothing"
    );
    let v2 = call(
        &s,
        "paGetPaymentV2",
        &messages::get_payment(&st, &n, true, false),
    )
    .await;
    v2.assert_valid();
    assert!(
        v2.body.contains("<richiestaMarcaDaBollo><hashDocumento>")
            && v2.body.contains("<tipoBollo>01</tipoBollo>"),
        "{}",
        v2.body
    );
    let rt = messages::receipt_for(
        &st,
        &v2.body_element(),
        &n,
        "mbd-1",
        true,
        &Psp::default(),
        "2026-11-28T11:00:00",
    )
    .unwrap();
    let r = call(&s, "paSendRTV2", &rt).await;
    r.assert_valid();
    assert_eq!(r.get("outcome").as_deref(), Some("OK"), "{}", r.body);
    let mut c = s.state.db.get().unwrap();
    let stamps: i64 = receipt_transfers::table
        .filter(receipt_transfers::stamp.eq(true))
        .count()
        .get_result(&mut *c)
        .unwrap();
    assert_eq!(stamps, 1);
}

fn demand(st: &messages::Station, service: &str, doc: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(doc);
    let body = format!(
        "<pafn:paDemandPaymentNoticeRequest xmlns:pafn=\"{}\"><idPA>{}</idPA><idBrokerPA>{}</idBrokerPA><idStation>{}</idStation><idServizio>{service}</idServizio><idSoggettoServizio>00001</idSoggettoServizio><datiSpecificiServizioRequest>{b64}</datiSpecificiServizioRequest></pafn:paDemandPaymentNoticeRequest>",
        mypay::soap::PA_FOR_NODE_NS, st.id_pa, st.id_broker, st.id_station
    );
    mypay::soap::envelope(&body)
}

#[tokio::test]
async fn spontaneous_notice_created_on_demand_then_paid() {
    let s = TestServer::spawn().await;
    s.seed_demo().await;
    let st = station(&s, "aulss_demo");
    let a = call(&s, "paDemandPaymentNotice", &demand(&st, "00002", "<servizio><codiceFiscale>RSSMRA85T10A562S</codiceFiscale><anagrafica>Mario Rossi</anagrafica></servizio>")).await;
    a.assert_valid();
    assert_eq!(a.get("outcome").as_deref(), Some("OK"), "{}", a.body);
    assert_eq!(a.get("amount").as_deref(), Some("40.00"));
    let n = a.get("noticeNumber").unwrap();
    let v = call(&s, "paVerifyPaymentNotice", &messages::verify(&st, &n)).await;
    assert_eq!(v.get("amount").as_deref(), Some("40.00"), "{}", v.body);

    let comune = station(&s, "c_demo");
    let faults = [
        (
            demand(
                &st,
                "00009",
                "<s><codiceFiscale>RSSMRA85T10A562S</codiceFiscale></s>",
            ),
            "PAA_SEMANTICA",
        ),
        (
            demand(&st, "00002", "<s><nome>x</nome></s>"),
            "PAA_SEMANTICA",
        ),
        // The Comune's service needs its form fields and an amount.
        (
            demand(
                &comune,
                "00001",
                "<s><codiceFiscale>RSSMRA85T10A562S</codiceFiscale><importo>25.00</importo></s>",
            ),
            "PAA_SEMANTICA",
        ),
        (demand(&st, "00002", "<!DOCTYPE s><s/>"), "PAA_SINTASSI_XSD"),
    ];
    for (req, code) in faults {
        let a = call(&s, "paDemandPaymentNotice", &req).await;
        a.assert_valid();
        assert_eq!(a.fault().as_deref(), Some(code), "{}", a.body);
    }
    let full = "<s><codiceFiscale>RSSMRA85T10A562S</codiceFiscale><targa>AB123CD</targa><data_verbale>2026-11-01</data_verbale><numero_verbale>V-1</numero_verbale><importo>25.00</importo></s>";
    let ok = call(&s, "paDemandPaymentNotice", &demand(&comune, "00001", full)).await;
    assert_eq!(ok.get("amount").as_deref(), Some("25.00"), "{}", ok.body);
}
