//! "Make a test payment": an entity in PRE-ESERCIZIO pays itself a test notice end to end.
//! The position is loaded with the rules of `paaSILImportaDovuto`, then the node
//! simulator's flow pays it — verify, activation, receipt — against the gateway's own
//! paForNode dispatch, in process: the same code, checks and journal as the node's calls,
//! whatever TLS or allow-list the node listener has. The receipt ticks the checklist.

use crate::app::AppState;
use crate::db::models::onboarding::{self, TestRoute};
use crate::db::DbError;
use crate::domain::{AmountCents, Azione, CollectionData, EntityState};
use crate::ente::importa_dovuto::{self, Done};
use crate::ente::payload::{Subject, Versamento};
use crate::pagopa::PaForNode;
use crate::sim::flow::{self, Link, PayOptions, Step};
use crate::sim::messages::Station;

/// Amount of a test payment when the due type has no fixed one: one euro.
pub const TEST_AMOUNT_CENTS: i64 = 100;

/// What a test payment did.
#[derive(Debug, Clone)]
pub struct TestPayment {
    /// The position created for it.
    pub dovuto_id: i64,
    /// Its notice number.
    pub notice: String,
    /// Every call the simulated node made, in order.
    pub steps: Vec<Step>,
    /// Whether the receipt was accepted (the checklist item is now done).
    pub paid: bool,
}

/// Why no test payment was made; the text is for the administrator.
#[derive(Debug, thiserror::Error)]
pub enum TestPaymentError {
    /// No such entity.
    #[error("ente inesistente")]
    Unknown,
    /// Test payments belong to pre-production.
    #[error("il pagamento di prova si fa in pre-esercizio (l'ente è {})", .0.label())]
    NotPreProduction(EntityState),
    /// The entity has no station (or the station no broker).
    #[error("l'ente non ha una stazione: il nodo non saprebbe come raggiungerlo")]
    NoStation,
    /// Nothing to pay into.
    #[error("serve prima un tipo dovuto attivo con IBAN")]
    NoDueType,
    /// The position was refused by the load rules.
    #[error("il dovuto di prova è stato rifiutato: {0}")]
    Refused(String),
    /// The simulated node could not complete a call.
    #[error("il nodo simulato non ha potuto completare il pagamento: {0}")]
    Node(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Loads and pays a test position of entity `id` (which must be in PRE-ESERCIZIO).
pub async fn make(app: &AppState, id: i64) -> Result<TestPayment, TestPaymentError> {
    let found = app
        .db
        .read(move |c| {
            let Some(e) = onboarding::entity(c, id)? else {
                return Ok(None);
            };
            let route = onboarding::test_route(c, &e)?;
            Ok(Some((e, route)))
        })
        .await?;
    let (entity, route) = found.ok_or(TestPaymentError::Unknown)?;
    if entity.state != EntityState::PreProduction {
        return Err(TestPaymentError::NotPreProduction(entity.state));
    }
    let route = route.ok_or(TestPaymentError::NoStation)?;
    let (dovuto_id, notice) = load(app, &entity, &route).await?;
    let station = Station {
        id_pa: entity.fiscal_code.clone(),
        id_broker: route.broker,
        id_station: route.station,
    };
    let opts = PayOptions {
        v2: route.v2,
        clock: app.clock,
        receipt_id: Some(format!("prova-{}", app.random.token_hex(8))),
        ..PayOptions::default()
    };
    let router = crate::soap::service::routes::<PaForNode>().with_state(app.clone());
    let payment = flow::pay_recorded(Link::Local(&router), &station, &notice, &opts)
        .await
        .map_err(|e| TestPaymentError::Node(e.to_string()))?;
    tracing::info!(
        entity = id,
        dovuto = dovuto_id,
        paid = payment.paid(),
        "test payment"
    );
    Ok(TestPayment {
        dovuto_id,
        notice,
        paid: payment.paid(),
        steps: payment.steps,
    })
}

/// Loads the test position with the rules of `paaSILImportaDovuto`; returns its id and
/// notice number.
async fn load(
    app: &AppState,
    entity: &crate::db::models::registry::Entity,
    route: &TestRoute,
) -> Result<(i64, String), TestPaymentError> {
    let v = versamento(app, entity, route)?;
    let seg = entity.segregation_code.clone();
    match importa_dovuto::save(app, (entity.id, seg), v, Some(true)).await? {
        Done::Saved(id, Some(iuv)) => Ok((id, notice_of(&iuv)?)),
        Done::Saved(_, None) => Err(TestPaymentError::Refused("nessun IUV".into())),
        Done::Refused(f) => Err(TestPaymentError::Refused(f.description)),
    }
}

/// The test position: the entity pays itself on its first due type with an account.
fn versamento(
    app: &AppState,
    entity: &crate::db::models::registry::Entity,
    route: &TestRoute,
) -> Result<Versamento, TestPaymentError> {
    let due_type = route.due_type.clone().ok_or(TestPaymentError::NoDueType)?;
    let cents = route.fixed_amount_cents.unwrap_or(TEST_AMOUNT_CENTS);
    let amount =
        AmountCents::from_cents(cents).map_err(|e| TestPaymentError::Refused(e.to_string()))?;
    let collection_data = CollectionData::parse(&route.collection_data)
        .map_err(|e| TestPaymentError::Refused(e.to_string()))?;
    Ok(Versamento {
        subject: Some(Subject {
            kind: "G".into(),
            id: entity.fiscal_code.clone(),
            full_name: entity.name.clone(),
            ..Subject::default()
        }),
        due_date: None,
        iuv: None,
        iud: format!("PROVA-{}", app.random.token_hex(12)),
        amount,
        pa_fee: None,
        due_type,
        causale: "Pagamento di prova dell'attivazione su pagoPA".into(),
        collection_data,
        bilancio: None,
        action: Azione::Insert,
        secondary: None,
        stamp: None,
    })
}

/// The aux-3 notice number of a generated IUV.
fn notice_of(iuv: &str) -> Result<String, TestPaymentError> {
    let bad = |e: crate::domain::InvalidIdentifier| TestPaymentError::Refused(e.to_string());
    let iuv = crate::domain::Iuv::parse(iuv).map_err(bad)?;
    let n = crate::domain::NoticeNumber::from_iuv(crate::domain::AuxDigit::Three, None, &iuv)
        .map_err(bad)?;
    Ok(n.as_str().to_owned())
}
