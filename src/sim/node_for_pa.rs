//! The node's reporting services for ECs (`nodeForPa.wsdl`): `nodoChiediElencoFlussiRendicontazione`
//! lists the flows a station may fetch, `nodoChiediFlussoRendicontazione` returns one as
//! base64 `FlussoRiversamento` XML. Faults are the node's `PPT_*` codes in a `fault` bean.

use super::ledger::Filter;
use super::state::SimState;
use crate::soap::seq::{SchemaError, Seq};
use crate::soap::writer::XmlWriter;
use crate::soap::{self, xml::Node};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use base64::Engine;

/// Where the service is served (as the node's `nodo-per-pa` API).
pub const PATH: &str = "/nodo/nodo-per-pa/v1";
/// Namespace of the request and response elements.
pub const NS: &str = "http://ws.pagamenti.telematici.gov/";

/// Routes.
pub fn routes() -> Router<SimState> {
    Router::new().route(PATH, post(serve))
}

/// A node-side failure.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PptFault {
    code: &'static str,
    text: &'static str,
    description: String,
}

impl PptFault {
    fn new(code: &'static str, text: &'static str, description: impl Into<String>) -> Self {
        Self {
            code,
            text,
            description: description.into(),
        }
    }
}

impl From<SchemaError> for PptFault {
    fn from(e: SchemaError) -> Self {
        Self::new(
            "PPT_SINTASSI_EXTRAXSD",
            "Errore di sintassi extra XSD.",
            e.to_string(),
        )
    }
}

/// The fields both requests share.
struct Caller {
    broker: String,
    station: String,
    password: String,
    domain: Option<String>,
    psp: Option<String>,
}

fn caller(s: &mut Seq<'_>) -> Result<Caller, SchemaError> {
    Ok(Caller {
        broker: s.text("identificativoIntermediarioPA", 1, 35)?,
        station: s.text("identificativoStazioneIntermediarioPA", 1, 35)?,
        password: s.text("password", 8, 15)?,
        domain: s.text_opt("identificativoDominio", 1, 35)?,
        psp: s.text_opt("identificativoPSP", 1, 35)?,
    })
}

async fn serve(State(sim): State<SimState>, headers: HeaderMap, bytes: Bytes) -> Response {
    let (content_type, _) = soap::request_headers(&headers);
    let body = match soap::decode(&bytes, content_type.as_deref()) {
        Ok(b) => b,
        Err(e) => return soap::soap_fault(true, &e.to_string()).0,
    };
    if body.ns.as_deref() != Some(NS) {
        return soap::soap_fault(true, &format!("unknown operation {}", body.name)).0;
    }
    let root = body.name.clone();
    let answer = match root.as_str() {
        "nodoChiediElencoFlussiRendicontazione" => list(&sim, &body),
        "nodoChiediFlussoRendicontazione" => fetch(&sim, &body),
        other => return soap::soap_fault(true, &format!("unknown operation {other}")).0,
    };
    let inner = answer.unwrap_or_else(|f| {
        let mut w = XmlWriter::new();
        w.open("fault")
            .leaf("faultCode", f.code)
            .leaf("faultString", f.text)
            .leaf("id", "NodoDeiPagamentiSPC")
            .leaf("description", &f.description)
            .close("fault");
        w.finish()
    });
    let tag = format!("ppt:{root}Risposta");
    let mut w = XmlWriter::new();
    w.open_with(&tag, &[("xmlns:ppt", NS)])
        .raw(&inner)
        .close(&tag);
    soap::xml_response(StatusCode::OK, soap::envelope(&w.finish()))
}

fn authorise(sim: &SimState, c: &Caller) -> Result<(), PptFault> {
    let cfg = &sim.config;
    if c.broker != cfg.broker {
        return Err(PptFault::new(
            "PPT_INTERMEDIARIO_PA_SCONOSCIUTO",
            "Identificativo intermediario PA sconosciuto.",
            format!("intermediario {} sconosciuto", c.broker),
        ));
    }
    if c.station != cfg.station {
        return Err(PptFault::new(
            "PPT_STAZIONE_INT_PA_SCONOSCIUTA",
            "Identificativo stazione intermediario PA sconosciuto.",
            format!("stazione {} sconosciuta", c.station),
        ));
    }
    if !crate::security::ct_eq(&c.password, &cfg.password) {
        return Err(PptFault::new(
            "PPT_AUTENTICAZIONE",
            "Errore di autenticazione.",
            "password errata",
        ));
    }
    Ok(())
}

fn filter(c: &Caller) -> Filter<'_> {
    Filter {
        broker: &c.broker,
        domain: c.domain.as_deref(),
        psp: c.psp.as_deref(),
    }
}

fn list(sim: &SimState, body: &Node) -> Result<String, PptFault> {
    let mut s = Seq::new(body, "nodoChiediElencoFlussiRendicontazione")?;
    let c = caller(&mut s)?;
    s.end()?;
    authorise(sim, &c)?;
    let flows = sim.ledger().list(filter(&c), sim.config.clock.now());
    let mut w = XmlWriter::new();
    w.open("elencoFlussiRendicontazione")
        .leaf("totRestituiti", &flows.len().to_string());
    for (id, stamp) in &flows {
        w.open("idRendicontazione")
            .leaf("identificativoFlusso", id)
            .leaf("dataOraFlusso", stamp)
            .close("idRendicontazione");
    }
    w.close("elencoFlussiRendicontazione");
    Ok(w.finish())
}

fn fetch(sim: &SimState, body: &Node) -> Result<String, PptFault> {
    let mut s = Seq::new(body, "nodoChiediFlussoRendicontazione")?;
    let c = caller(&mut s)?;
    let id = s.text("identificativoFlusso", 1, 256)?;
    s.end()?;
    authorise(sim, &c)?;
    let xml = sim
        .ledger()
        .fetch(filter(&c), &id, sim.config.clock.now())
        .ok_or_else(|| {
            PptFault::new(
                "PPT_ID_FLUSSO_SCONOSCIUTO",
                "Identificativo flusso sconosciuto.",
                format!("flusso {id} sconosciuto per questa stazione"),
            )
        })?;
    let mut w = XmlWriter::new();
    w.leaf(
        "xmlRendicontazione",
        &base64::engine::general_purpose::STANDARD.encode(xml),
    );
    Ok(w.finish())
}

/// Builds the request an EC sends (`flow_id` = `None` for the list), for tests and clients.
pub fn request(
    broker: &str,
    station: &str,
    password: &str,
    domain: Option<&str>,
    flow_id: Option<&str>,
) -> String {
    let root = if flow_id.is_some() {
        "ws:nodoChiediFlussoRendicontazione"
    } else {
        "ws:nodoChiediElencoFlussiRendicontazione"
    };
    let mut w = XmlWriter::new();
    w.open_with(root, &[("xmlns:ws", NS)])
        .leaf("identificativoIntermediarioPA", broker)
        .leaf("identificativoStazioneIntermediarioPA", station)
        .leaf("password", password)
        .leaf_opt("identificativoDominio", domain)
        .leaf_opt("identificativoFlusso", flow_id)
        .close(root);
    soap::envelope(&w.finish())
}
