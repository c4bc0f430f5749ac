//! Flussi: CSV files of dovuti in MyPay's tracciati, imported in bulk.

pub mod accept;
pub mod archive;
pub mod check;
pub mod checks;
pub mod chunk;
pub mod context;
pub mod export;
pub mod import;
pub mod prepare;
pub mod results;
pub mod tracciato;
pub mod upload;
