//! paForNode requests as the node sends them.

use crate::soap::writer::XmlWriter;
use crate::soap::xml::{self, Limits, Node};
use crate::soap::{envelope, PaForNodeOp, PA_FOR_NODE_NS};
use anyhow::Context;

/// Who the node calls: the EC's fiscal code, the broker and the station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Station {
    /// idPA.
    pub id_pa: String,
    /// idBrokerPA.
    pub id_broker: String,
    /// idStation.
    pub id_station: String,
}

fn request(root: &str, station: &Station, fill: impl FnOnce(&mut XmlWriter)) -> String {
    let tag = format!("pafn:{root}");
    let mut w = XmlWriter::new();
    w.open_with(&tag, &[("xmlns:pafn", PA_FOR_NODE_NS)])
        .leaf("idPA", &station.id_pa)
        .leaf("idBrokerPA", &station.id_broker)
        .leaf("idStation", &station.id_station);
    fill(&mut w);
    w.close(&tag);
    envelope(&w.finish())
}

fn qr(w: &mut XmlWriter, station: &Station, notice: &str) {
    w.open("qrCode")
        .leaf("fiscalCode", &station.id_pa)
        .leaf("noticeNumber", notice)
        .close("qrCode");
}

/// `paVerifyPaymentNoticeReq`.
pub fn verify(station: &Station, notice: &str) -> String {
    request(
        PaForNodeOp::VerifyPaymentNotice.request_element(),
        station,
        |w| qr(w, station, notice),
    )
}

/// `paGetPaymentReq` / `paGetPaymentV2Request`; `postal` sets `transferType=POSTAL`.
pub fn get_payment(station: &Station, notice: &str, v2: bool, postal: bool) -> String {
    get_payment_noted(station, notice, v2, postal, None)
}

/// [`get_payment`] with a `paymentNote` (Checkout sends the cart id there).
pub fn get_payment_noted(
    station: &Station,
    notice: &str,
    v2: bool,
    postal: bool,
    note: Option<&str>,
) -> String {
    let root = if v2 {
        PaForNodeOp::GetPaymentV2
    } else {
        PaForNodeOp::GetPayment
    }
    .request_element();
    request(root, station, |w| {
        qr(w, station, notice);
        w.leaf_opt("paymentNote", note);
        w.leaf("transferType", if postal { "POSTAL" } else { "PAGOPA" });
    })
}

/// The PSP that "pays" in simulated flows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Psp {
    /// idPSP.
    pub id: String,
    /// Name.
    pub name: String,
    /// idChannel.
    pub channel: String,
}

impl Default for Psp {
    fn default() -> Self {
        Self {
            id: "AGID_01".into(),
            name: "PSP Simulato".into(),
            channel: "97735020584_03".into(),
        }
    }
}

/// Builds the paSendRT(V2) request the node would send after the PSP collected the payment
/// described by an activation response (`data` of paGetPayment(V2)Response).
pub fn receipt_for(
    station: &Station,
    activation_response: &str,
    notice: &str,
    receipt_id: &str,
    v2: bool,
    psp: &Psp,
    paid_at: &str,
) -> anyhow::Result<String> {
    let doc = xml::parse(activation_response, Limits::default())?;
    let data = find(&doc, "data").context("activation response has no data")?;
    let text = |n: &Node, name: &str| {
        n.child(None, name)
            .map(|c| c.value().to_owned())
            .unwrap_or_default()
    };
    let debtor = data.child(None, "debtor").context("no debtor")?;
    let transfers = data
        .child(None, "transferList")
        .context("no transferList")?;
    let root = if v2 {
        PaForNodeOp::SendRtV2
    } else {
        PaForNodeOp::SendRt
    }
    .request_element();
    Ok(request(root, station, |w| {
        w.open("receipt")
            .leaf("receiptId", receipt_id)
            .leaf("noticeNumber", notice)
            .leaf("fiscalCode", &station.id_pa)
            .leaf("outcome", "OK")
            .leaf("creditorReferenceId", &text(data, "creditorReferenceId"))
            .leaf("paymentAmount", &text(data, "paymentAmount"))
            .leaf("description", &text(data, "description"))
            .leaf("companyName", &text(data, "companyName"));
        copy(w, debtor);
        w.open("transferList");
        for t in transfers.children.iter().filter(|c| c.name == "transfer") {
            w.open("transfer")
                .leaf("idTransfer", &text(t, "idTransfer"))
                .leaf("transferAmount", &text(t, "transferAmount"))
                .leaf("fiscalCodePA", &text(t, "fiscalCodePA"));
            if v2 {
                w.leaf_opt(
                    "companyName",
                    t.child(None, "companyName").map(|c| c.value()),
                );
            }
            match t.child(None, "IBAN") {
                Some(iban) => w.leaf("IBAN", iban.value()),
                // The PSP's stamp: any base64 stands in for the signed marcaDaBollo XML here.
                None => w.leaf("MBDAttachment", "PG1hcmNhRGFCb2xsbz48L21hcmNhRGFCb2xsbz4="),
            };
            w.leaf("remittanceInformation", &text(t, "remittanceInformation"))
                .leaf("transferCategory", &text(t, "transferCategory"))
                .close("transfer");
        }
        w.close("transferList")
            .leaf("idPSP", &psp.id)
            .leaf("PSPCompanyName", &psp.name)
            .leaf("idChannel", &psp.channel)
            .leaf("channelDescription", "app")
            .leaf("paymentMethod", "creditCard")
            .leaf("fee", "1.00")
            .leaf("paymentDateTime", paid_at)
            .leaf("applicationDate", &paid_at[..10.min(paid_at.len())])
            .leaf("transferDate", &paid_at[..10.min(paid_at.len())])
            .close("receipt");
    }))
}

/// Depth-first search for an element by local name.
pub fn find<'a>(n: &'a Node, name: &str) -> Option<&'a Node> {
    if n.name == name {
        return Some(n);
    }
    n.children.iter().find_map(|c| find(c, name))
}

fn copy(w: &mut XmlWriter, n: &Node) {
    if n.children.is_empty() {
        w.leaf(&n.name, n.value());
    } else {
        w.open(&n.name);
        n.children.iter().for_each(|c| copy(w, c));
        w.close(&n.name);
    }
}
