//! The EC side of pagoPA's `paForNode.wsdl` (V1 + V2), served at `POST /pagopa/paForNode`.
//! One module per operation; [`PaForNode`] hands each dispatched call to its module, and
//! `soap::service` does the rest (envelope, dispatch, correlation id, journal).

pub mod fault;
pub mod lookup;
pub mod node_client;
pub mod pa_demand_payment_notice;
pub mod pa_get_payment;
pub mod pa_send_rt;
pub mod pa_verify_payment_notice;
pub mod receipt_wire;
pub mod routing;
pub mod transfers;
pub mod wire;

use crate::app::AppState;
use crate::soap::{xml::Node, Handled, PaForNodeOp, Request, Service};
use fault::Fault;

/// The paForNode service: its operations run through the one SOAP service layer.
pub struct PaForNode;

impl Service for PaForNode {
    type Op = PaForNodeOp;
    type State = AppState;
    const INTERFACE: &'static str = crate::soap::pa_for_node::INTERFACE;

    async fn handle(app: &AppState, op: PaForNodeOp, req: &Request) -> Handled {
        match op {
            PaForNodeOp::VerifyPaymentNotice => pa_verify_payment_notice::handle(app, req).await,
            PaForNodeOp::GetPayment => pa_get_payment::handle(app, req, false).await,
            PaForNodeOp::GetPaymentV2 => pa_get_payment::handle(app, req, true).await,
            PaForNodeOp::SendRt => pa_send_rt::handle(app, req, false).await,
            PaForNodeOp::SendRtV2 => pa_send_rt::handle(app, req, true).await,
            PaForNodeOp::DemandPaymentNotice => pa_demand_payment_notice::handle(app, req).await,
        }
    }
}

/// How a paForNode operation fails: its `Fault` in the answer, raised for an idPA.
pub trait Fails {
    /// A fault raised for `id` (the idPA, or whoever answers).
    fn fail_for(self, f: Fault, id: &str) -> Self;
    /// An unexpected failure: logged with this exchange's correlation id, which the
    /// `PAA_SYSTEM_ERROR` fault carries to the caller.
    fn system_error(self, cause: impl std::fmt::Display, id: &str) -> Self;
    /// A fault for a request we could not fully read: the id is its idPA if present.
    fn fail(self, f: Fault, body: &Node) -> Self;
}

impl Fails for Handled {
    fn fail_for(mut self, f: Fault, id: &str) -> Self {
        self.fault = Some(f.code.code());
        self.inner = f.render(id);
        self
    }

    fn system_error(self, cause: impl std::fmt::Display, id: &str) -> Self {
        let f = Fault::system(&self.correlation_id, cause);
        self.fail_for(f, id)
    }

    fn fail(self, f: Fault, body: &Node) -> Self {
        let id = body
            .child(None, "idPA")
            .map(|n| n.value().to_owned())
            .filter(|v| !v.is_empty());
        self.fail_for(f, id.as_deref().unwrap_or("mypay"))
    }
}
