//! paGetPayment and paGetPaymentV2 — `paForNode.wsdl`, messages `paGetPaymentReq` /
//! `paGetPaymentRes` and `paGetPaymentV2Request` / `paGetPaymentV2Response` of
//! `paForNode.xsd` 1.0.0. Activation: the payment data with 1..5 transfers summing to the
//! amount; postal accounts on `transferType=POSTAL`; marca da bollo transfers in V2.

use super::fault::Fault;
use super::lookup::{payable, Found};
use super::transfers::{of_position, write_list};
use super::wire::{self, Subject};
use super::Fails;
use crate::app::App;
use crate::db::models::position;
use crate::domain::DovutoState;
use crate::soap::seq::Seq;
use crate::soap::writer::{truncate_chars, XmlWriter};
use crate::soap::{Handled, Request};

/// Due date sent when a position has none (the schema makes it mandatory).
const NO_DUE_DATE: &str = "2099-12-31";

/// Handles one call; `v2` selects paGetPaymentV2.
#[tracing::instrument(skip_all, fields(v2))]
pub async fn handle(app: &App, req: &Request, v2: bool) -> Handled {
    let body = &req.body;
    let mut seen = Handled::to(req);
    let parsed = (|| {
        let mut s = Seq::root(body)?;
        let caller = wire::caller(&mut s)?;
        let qr = wire::qr_code(&mut s)?;
        let _amount = s.amount_opt("amount")?;
        let _note = s.text_opt("paymentNote", 1, 210)?;
        let transfer_type = s.one_of_opt("transferType", &["POSTAL", "PAGOPA"])?;
        let _due = s.date_opt("dueDate")?;
        s.end()?;
        Ok::<_, Fault>((caller, qr, transfer_type.as_deref() == Some("POSTAL")))
    })();
    let (caller, (qr_cf, notice), postal) = match parsed {
        Ok(p) => p,
        Err(f) => return seen.fail(f, body),
    };
    seen.notice = Some(notice.clone());
    seen.entity_cf = Some(caller.id_pa.clone());
    let now = app.now();
    let (c, routes) = (caller.clone(), app.routes.clone());
    // The position is marked "payment started" only once the answer is built.
    let found = app
        .db
        .write(move |conn| {
            let answer = payable(conn, &routes, &c, &qr_cf, &notice)?.and_then(|f| {
                let xml = render(&f, postal, v2)?;
                Ok((f, xml))
            });
            // Only a first activation writes (a repeated one finds the state already set).
            if let Ok((f, _)) = &answer {
                if f.position.dovuto.state == DovutoState::Payable {
                    position::mark_started(conn, f.position.dovuto.id, now)?;
                }
            }
            Ok(answer)
        })
        .await;
    match found {
        Ok(Ok((found, xml))) => {
            seen.entity_id = Some(found.route.entity.id);
            seen.iuv = found
                .position
                .dovuto
                .iuv
                .as_ref()
                .map(|i| i.as_str().to_owned());
            seen.ok(xml)
        }
        Ok(Err(fault)) => seen.fail_for(fault, &caller.id_pa),
        Err(e) => seen.system_error(e, &caller.id_pa),
    }
}

fn render(found: &Found, postal: bool, v2: bool) -> Result<String, Fault> {
    let d = &found.position.dovuto;
    let e = &found.route.entity;
    let transfers = of_position(&found.position, &e.fiscal_code, postal)?;
    let debtor = Subject {
        kind: d.debtor_kind.clone(),
        id: d.debtor_id.clone(),
        full_name: d.debtor_name.clone(),
        street: d.debtor_address.clone(),
        civic: d.debtor_civic_number.clone(),
        postal_code: d.debtor_postal_code.clone(),
        city: d.debtor_city.clone(),
        province: d.debtor_province.clone(),
        country: d.debtor_country.clone(),
        email: d.debtor_email.clone(),
    };
    let due = d
        .due_date
        .map(|x| x.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| NO_DUE_DATE.into());
    let mut w = XmlWriter::new();
    w.leaf("outcome", "OK")
        .open("data")
        .leaf(
            "creditorReferenceId",
            d.iuv.as_ref().map_or("", crate::domain::Iuv::as_str),
        )
        .leaf("paymentAmount", &d.amount_cents.to_string())
        .leaf("dueDate", &due)
        .leaf("description", truncate_chars(&d.causale, 140))
        .leaf("companyName", truncate_chars(&e.name, 140))
        .leaf_opt(
            "officeName",
            e.sector.as_deref().map(|s| truncate_chars(s, 140)),
        );
    wire::write_subject(&mut w, "debtor", &debtor);
    write_list(&mut w, &transfers, v2)?;
    w.close("data");
    Ok(w.finish())
}
