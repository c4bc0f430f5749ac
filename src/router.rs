//! Every route in one place.

use crate::app::AppState;
use crate::db;
use crate::ente::PaPerEnte;
use crate::net::allow::IpAllowList;
use crate::pagopa::PaForNode;
use crate::soap;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::sync::Arc;
use std::time::Duration;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Largest request body accepted by default (SOAP and upload routes set their own).
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
/// Largest flusso upload request: the zip's own limit and room for the form around it.
const UPLOAD_BODY_LIMIT: usize = crate::flussi::upload::MAX_UPLOAD + 64 * 1024;

/// A fixed paVerifyPaymentNotice answer of realistic size: the benchmark baseline (what
/// the same server does with no parsing and no database).
const STATIC_SOAP: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">",
    "<soapenv:Body><pafn:paVerifyPaymentNoticeRes xmlns:pafn=\"http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd\"><outcome>OK</outcome>",
    "<paymentList><paymentOptionDescription><amount>125.50</amount><options>EQ</options><dueDate>2027-12-31</dueDate>",
    "<detailDescription>Tassa rifiuti</detailDescription><allCCP>false</allCCP></paymentOptionDescription></paymentList>",
    "<paymentDescription>/RFB/01000000000000144/125.50/TXT/TARI rata unica</paymentDescription><fiscalCodePA>80000000010</fiscalCodePA>",
    "<companyName>Comune di Borgo Demo</companyName><officeName>Servizi al cittadino</officeName></pafn:paVerifyPaymentNoticeRes>",
    "</soapenv:Body></soapenv:Envelope>"
);

/// The whole HTTP surface of the gateway (without paForNode when the node has its own
/// listener, see [`node_router`]).
pub fn router(state: AppState) -> Router {
    let bench = state.config.bench_routes;
    let node_apart = state.config.node.listen.is_some();
    let mut router = Router::new();
    if bench {
        router = router.route(
            "/bench/static-soap",
            axum::routing::post(|_body: axum::body::Bytes| async {
                crate::soap::xml_response(StatusCode::OK, STATIC_SOAP.to_owned())
            }),
        );
    }
    router = router
        .route("/", get(|| async { Redirect::to("/admin") }))
        .route("/health", get(health))
        .merge(pages().route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::web::headers::secure,
        )))
        .merge(entity_services());
    if !node_apart {
        router = router.merge(node_services(&state.config.node.allow_ips));
    }
    finish(router, state)
}

/// The dedicated node listener: paForNode and `/health`.
pub fn node_router(state: AppState) -> Router {
    let router = Router::new()
        .route("/health", get(health))
        .merge(node_services(&state.config.node.allow_ips));
    finish(router, state)
}

/// paForNode, behind the configured IP allow-list (an invalid list — already refused by
/// `Config::validate` — lets nobody in).
fn node_services(allow_ips: &[String]) -> Router<AppState> {
    let allow = IpAllowList::parse(allow_ips).unwrap_or_else(|e| {
        tracing::error!(error = %e, "node.allow_ips invalid: refusing every caller");
        IpAllowList::parse(&["255.255.255.255/32".to_owned()]).unwrap_or_default()
    });
    soap::service::routes::<PaForNode>().route_layer(axum::middleware::from_fn_with_state(
        Arc::new(allow),
        crate::net::allow::enforce,
    ))
}

/// The entity web services (pa-per-ente.wsdl) and their flussi uploads and downloads.
fn entity_services() -> Router<AppState> {
    use crate::ente::{export_ops, flussi_ops};
    soap::service::routes::<PaPerEnte>()
        .route(
            "/ente/flussi/upload",
            post(flussi_ops::upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/ente/flussi/export/{token}", get(export_ops::download))
        .route("/ente/flussi/{token}/{kind}", get(flussi_ops::download))
}

/// The back office's pages and the payment pages entity portals send citizens to.
fn pages() -> Router<AppState> {
    use crate::web::{
        account, admin, auth, batches, bilancio_default, documents, dovuti, dovuto, due_types,
        flussi, form_designer, intermediaries, invitation, logo,
    };
    use crate::web::{entities, entity, operator, operators, pagamento, selection};
    Router::new()
        .route(
            "/admin/login",
            get(auth::login_page).post(auth::login_submit),
        )
        .route(
            "/admin/invito/{token}",
            get(invitation::show).post(invitation::choose),
        )
        .route("/admin/operators/{id}/invito", post(invitation::resend))
        .route(
            "/admin/setup/{token}",
            get(account::setup_page).post(account::setup_submit),
        )
        .route(
            "/admin/password",
            get(account::password_page).post(account::password_submit),
        )
        .route("/admin/logout", post(auth::logout))
        .route("/admin", get(admin::dashboard))
        .route(
            "/admin/entities",
            get(entities::page).post(entities::create),
        )
        .route("/admin/entities/{id}", get(entity::page))
        .route("/admin/entities/{id}/state", post(entity::change_state))
        .route(
            "/admin/entities/{id}/ws-password",
            post(entity::new_ws_password),
        )
        .route("/admin/entities/{id}/details", post(entity::update_details))
        .route(
            "/admin/entities/{id}/test-payment",
            post(crate::web::test_payment::make),
        )
        .route(
            "/admin/entities/{id}/logo",
            get(logo::show).post(logo::upload),
        )
        .route(
            "/admin/due-types",
            get(due_types::page).post(due_types::create),
        )
        .route(
            "/admin/due-types/{id}",
            get(due_types::detail).post(due_types::update),
        )
        .route("/admin/due-types/{id}/active", post(due_types::set_active))
        .route("/admin/due-types/{id}/form", post(form_designer::post))
        .route(
            "/admin/due-types/{id}/bilancio",
            post(bilancio_default::post),
        )
        .route("/admin/dovuti", get(dovuti::page).post(dovuto::create))
        .route("/admin/dovuti/nuovo", get(dovuto::new))
        .route("/admin/dovuti/selezione", post(selection::act))
        .route(
            "/admin/dovuti/{id}",
            get(dovuto::detail).post(dovuto::update),
        )
        .route("/admin/dovuti/{id}/annulla", post(dovuto::annul))
        .route("/admin/dovuti/{id}/avviso.pdf", get(documents::avviso))
        .route("/admin/dovuti/{id}/ricevuta.pdf", get(documents::ricevuta))
        .route(
            "/admin/flussi",
            get(flussi::page)
                .post(flussi::upload)
                .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/admin/flussi/{id}/{kind}", get(flussi::download))
        .route("/admin/avvisi", get(batches::page).post(batches::request))
        .route(
            "/admin/esportazioni",
            get(crate::web::exports::page).post(crate::web::exports::request),
        )
        .route(
            "/admin/esportazioni/{id}/file",
            get(crate::web::exports::download),
        )
        .route("/admin/avvisi/{id}/zip", get(batches::download))
        .route("/admin/events", get(crate::web::journal::page))
        .route("/admin/events/{id}", get(crate::web::journal::detail))
        .route("/admin/audit", get(crate::web::audit_page::page))
        .route("/admin/numeri", get(crate::web::numbers::page))
        .route("/admin/numeri.csv", get(crate::web::numbers::csv))
        .route("/admin/audit.csv", get(crate::web::audit_page::csv))
        .route(
            "/admin/operators",
            get(operators::page).post(operators::create),
        )
        .route(
            "/admin/operators/{id}",
            get(operator::page).post(operator::update),
        )
        .route(
            "/admin/operators/{id}/password",
            post(operators::reset_password),
        )
        .route(
            "/admin/operators/{id}/{action}",
            post(operators::set_active),
        )
        .route(
            "/admin/intermediari",
            get(intermediaries::page).post(intermediaries::create_broker),
        )
        .route(
            "/admin/intermediari/stazioni",
            post(intermediaries::create_station),
        )
        .route(
            "/admin/intermediari/stazioni/{id}",
            post(intermediaries::update_station),
        )
        .route(
            "/pagamento/{session}",
            get(pagamento::page).post(pagamento::pay),
        )
        .route("/pagamento/{session}/annulla", post(pagamento::cancel))
        .route("/pagamento/{session}/esito", get(pagamento::outcome))
        .route("/static/admin.css", get(crate::assets::stylesheet))
        .route("/static/live.js", get(crate::assets::live_script))
        .route(
            "/static/form-designer.js",
            get(crate::assets::form_designer_script),
        )
}

fn finish(router: Router<AppState>, state: AppState) -> Router {
    router
        .fallback(|| async { crate::web::WebError::NotFound })
        .layer(DefaultBodyLimit::max(DEFAULT_BODY_LIMIT))
        .layer(
            TraceLayer::new_for_http()
                // Path only: query strings carry fiscal codes and IUVs, which stay out of logs.
                .make_span_with(|req: &Request<_>| {
                    tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// `GET /health`: 200 when the database answers within two seconds, 503 otherwise.
async fn health(State(state): State<AppState>) -> impl IntoResponse {
    let backend = if state.db.url().is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    let check = tokio::time::timeout(Duration::from_secs(2), state.db.run(db::ping)).await;
    let (status, database) = match check {
        Ok(Ok(())) => (StatusCode::OK, "ok"),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "health check: database error");
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "timeout"),
    };
    let body = serde_json::json!({
        "status": if status == StatusCode::OK { "ok" } else { "error" },
        "database": database,
        "backend": backend,
        "version": env!("CARGO_PKG_VERSION"),
    });
    (status, Json(body))
}
