//! Flussi: CSV files of dovuti in MyPay's tracciati, imported in bulk.

pub mod archive;
pub mod chunk;
pub mod command;
pub mod import;
pub mod tracciato;
