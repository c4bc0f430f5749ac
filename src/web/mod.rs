//! Back office (and later front office): server-rendered pages.
//!
//! Pages are askama templates under `src/web/templates`; every page handler lives in a
//! module by area (`auth`, `admin`) and returns `Result<_, WebError>`.

pub mod account;
pub mod admin;
pub mod audit;
pub mod audit_page;
pub mod auth;
pub mod batches;
pub mod bilancio_default;
pub mod documents;
pub mod dovuti;
pub mod dovuto;
pub mod dovuto_form;
pub mod due_types;
pub mod entities;
pub mod entity;
pub mod error;
pub mod exports;
pub mod flussi;
pub mod flusso_check;
pub mod form_designer;
pub mod headers;
pub mod intermediaries;
pub mod invitation;
pub mod journal;
pub mod logo;
pub mod numbers;
pub mod operator;
pub mod operators;
pub mod pagamento;
pub mod payload_view;
pub mod selection;
pub mod session;
pub mod test_payment;
pub mod view;

pub use error::WebError;
