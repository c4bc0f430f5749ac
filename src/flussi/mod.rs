//! Flussi: CSV files of dovuti in MyPay's tracciati, imported in bulk.

pub mod tracciato;
