//! paVerifyPaymentNotice — `paForNode.wsdl`, messages `paVerifyPaymentNoticeReq` /
//! `paVerifyPaymentNoticeRes` of `paForNode.xsd` 1.0.0.
//! A pure read: the current amount, one payment option, `allCCP`.

use super::fault::Fault;
use super::lookup::{payable, Found};
use super::{wire, Fails};
use crate::app::App;
use crate::soap::seq::Seq;
use crate::soap::writer::XmlWriter;
use crate::soap::{Handled, Request};

/// Handles one call.
#[tracing::instrument(skip_all)]
pub async fn handle(app: &App, req: &Request) -> Handled {
    let body = &req.body;
    let mut seen = Handled::to(req);
    let parsed = (|| {
        let mut s = Seq::root(body)?;
        let caller = wire::caller(&mut s)?;
        let qr = wire::qr_code(&mut s)?;
        s.end()?;
        Ok::<_, Fault>((caller, qr))
    })();
    let (caller, (qr_cf, notice)) = match parsed {
        Ok(p) => p,
        Err(f) => return seen.fail(f, body),
    };
    seen.notice = Some(notice.clone());
    seen.entity_cf = Some(caller.id_pa.clone());
    let (c, routes) = (caller.clone(), app.routes.clone());
    let found = app
        .db
        .read(move |conn| payable(conn, &routes, &c, &qr_cf, &notice))
        .await;
    match found {
        Ok(Ok(found)) => {
            seen.entity_id = Some(found.route.entity.id);
            seen.iuv = found
                .position
                .dovuto
                .iuv
                .as_ref()
                .map(|i| i.as_str().to_owned());
            seen.ok(render(&found))
        }
        Ok(Err(fault)) => seen.fail_for(fault, &caller.id_pa),
        Err(e) => seen.system_error(e, &caller.id_pa),
    }
}

fn render(found: &Found) -> String {
    let d = &found.position.dovuto;
    let mut w = XmlWriter::new();
    w.leaf("outcome", "OK");
    wire::write_notice_answer(
        &mut w,
        &wire::NoticeAnswer {
            amount: d.amount_cents,
            due_date: d.due_date,
            detail: &found.position.accounts.description,
            all_ccp: super::transfers::all_postal(&found.position),
            description: &d.causale,
            entity: &found.route.entity,
        },
    );
    w.finish()
}
