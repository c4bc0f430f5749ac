//! A base64 payload of the entity services: decoded within a size bound and parsed with
//! the same limits as SOAP envelopes (no DTDs, bounded depth and size); its root must be
//! the expected element of the payload namespace.

use super::fault::{EnteCode, EnteFault};
use crate::soap::pa_per_ente::PAYLOAD_NS;
use crate::soap::xml::{self, Limits, Node};
use base64::Engine;

/// Largest decoded payload accepted.
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;

pub(super) fn invalid(description: impl Into<String>) -> EnteFault {
    EnteFault::new(EnteCode::XmlNonValido, description)
}

/// Decodes a base64 field and parses it; the root must be `{PAYLOAD_NS}root`.
pub fn decode(field: &str, b64: &str, root: &str) -> Result<Node, EnteFault> {
    let compact: String = b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.len() > MAX_PAYLOAD_BYTES * 4 / 3 + 4 {
        return Err(invalid(format!("{field}: più di {MAX_PAYLOAD_BYTES} byte")));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| invalid(format!("{field}: base64 non valido")))?;
    let node = xml::parse_bytes(&bytes, Limits::default())
        .map_err(|e| invalid(format!("{field}: {e}")))?;
    if node.ns.as_deref() != Some(PAYLOAD_NS) || node.name != root {
        return Err(invalid(format!(
            "{field}: atteso l'elemento {root} nel namespace {PAYLOAD_NS}, trovato {}",
            node.name
        )));
    }
    Ok(node)
}
