//! Payment notices ("avvisi di pagamento") and payment receipts as PDF: the codes printed on
//! them, the layouts, what they are printed from, and bulk generation into zip files.

pub mod batch;
pub mod bulk;
pub mod canvas;
pub mod file;
pub mod instalments;
pub mod lang;
pub mod pdf;
pub mod render;
pub mod ricevuta;
pub mod source;
pub mod svg;
pub mod symbols;
