//! Who is calling: the entity named by its IPA code, with its web-service password checked
//! against the stored argon2 hash (MyPay compares passwords in clear; we never store them).
//! A successful check is remembered for a few minutes as a SHA-256 digest of IPA code,
//! password and stored hash, so accounting software sending thousands of calls does not pay
//! the deliberately slow hash on each; changing the password invalidates it.

use super::fault::{EnteCode, EnteFault};
use crate::app::AppState;
use crate::db::models::registry::{entity_by_cod_ipa, Entity};
use crate::security::{sha256_hex, verify_against_dummy, verify_password};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long a verified password is remembered.
const REMEMBER: Duration = Duration::from_secs(300);
/// Most remembered checks (the map is emptied beyond it).
const REMEMBER_MAX: usize = 10_000;

fn remembered() -> &'static Mutex<HashMap<String, Instant>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Instant>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Which of the entity's passwords a password is.
enum Opened {
    /// The current one.
    Current,
    /// The previous one, within its grace period (never remembered, so that the period
    /// ends on time).
    Previous,
    /// Neither.
    Not,
}

/// Checks `password` against the entity's current hash, then against the previous one if
/// its grace period is running (on a blocking thread: argon2 is deliberately slow).
async fn check(app: &AppState, entity: &Entity, hash: String, password: String) -> Opened {
    let now = app.now();
    let previous = entity
        .ws_password_previous_hash
        .clone()
        .filter(|_| entity.ws_password_previous_until.is_some_and(|u| u > now));
    tokio::task::spawn_blocking(move || {
        if verify_password(&hash, &password) {
            Opened::Current
        } else if previous.is_some_and(|h| verify_password(&h, &password)) {
            Opened::Previous
        } else {
            Opened::Not
        }
    })
    .await
    .unwrap_or(Opened::Not)
}

fn remember(key: String) {
    if let Ok(mut m) = remembered().lock() {
        if m.len() >= REMEMBER_MAX {
            m.clear();
        }
        m.insert(key, Instant::now());
    }
}

fn refused(cod_ipa: &str) -> EnteFault {
    EnteFault::new(
        EnteCode::EnteNonValido,
        format!("Codice IPA Ente [{cod_ipa}] non valido o password errata"),
    )
}

/// The entity `cod_ipa` if `password` is its web-service password and its state allows
/// calls (not `INSERITO`).
pub async fn authenticate(
    app: &AppState,
    cod_ipa: &str,
    password: Option<&str>,
) -> Result<Entity, EnteFault> {
    let cod = cod_ipa.to_owned();
    let entity = app.db.read(move |c| entity_by_cod_ipa(c, &cod)).await?;
    let password = password.unwrap_or("").to_owned();
    let hash = entity.as_ref().and_then(|e| e.ws_password_hash.clone());
    let (Some(entity), Some(hash)) = (entity, hash) else {
        // Same time as a real check: whether the code exists is not revealed.
        let _ = tokio::task::spawn_blocking(move || verify_against_dummy(&password)).await;
        return Err(refused(cod_ipa));
    };
    let key = sha256_hex(&format!("{cod_ipa}\u{0}{password}\u{0}{hash}"));
    let known = remembered()
        .lock()
        .ok()
        .and_then(|m| m.get(&key).copied())
        .is_some_and(|at| at.elapsed() < REMEMBER);
    if !known {
        match check(app, &entity, hash, password).await {
            Opened::Current => remember(key),
            Opened::Previous => {}
            Opened::Not => return Err(refused(cod_ipa)),
        }
    }
    if !entity.state.is_operational() {
        return Err(EnteFault::new(
            EnteCode::StatoEnteNonValido,
            format!(
                "L'ente [{cod_ipa}] non è abilitato ai servizi (stato {})",
                entity.state.code()
            ),
        ));
    }
    Ok(entity)
}
