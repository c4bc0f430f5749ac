//! Payment notices ("avvisi di pagamento"): the codes printed on them and, later, the PDF.

pub mod pdf;
pub mod source;
pub mod symbols;
