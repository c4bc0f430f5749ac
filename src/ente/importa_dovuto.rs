//! `paaSILImportaDovuto`: one position inserted (`azione` I, with the IUV generated or the
//! entity's own), modified (M: same IUV, new data) or annulled (A), in one transaction; the
//! answer carries the IUV and, for a printable position, its payment notice zipped in
//! `base64ZipAvviso`.

use super::fault::{EnteCode, EnteFault};
use super::payload::{self, Versamento};
use crate::app::AppState;
use crate::bilancio;
use crate::db::models::dovuto::{self, NewDovuto};
use crate::db::models::registry::{self, Entity};
use crate::db::models::transfer;
use crate::db::models::Scope;
use crate::db::{iuv::next_iuv, write_tx, AnyConnection, DbError};
use crate::domain::load::{decide, Change, Refusal};
use crate::domain::{AuxDigit, DovutoState, Iuv, NoticeNumber, SegregationCode};
use crate::soap::seq::Seq;
use crate::soap::writer::XmlWriter;
use crate::soap::xml::Node;
use base64::Engine;
use chrono::NaiveDateTime;

/// What the transaction decided.
pub enum Done {
    /// The position (id, IUV) now stands.
    Saved(i64, Option<String>),
    /// A rule refused it.
    Refused(EnteFault),
}

/// Handles the call for the authenticated `entity`; returns the response's inner XML.
pub async fn handle(app: &AppState, entity: &Entity, body: &Node) -> Result<String, EnteFault> {
    let mut s = Seq::root(body)?;
    s.text_opt("password", 1, 64)?;
    let b64 = s.req("dovuto")?.value().to_owned();
    let generate = s.bool_opt("flagGeneraIuv")?;
    let secondary = super::secondari::read_list(s.opt("listaDovutiEntiSecondari"))?;
    s.end()?;
    let mut v = payload::versamento(&payload::decode("dovuto", &b64, "Versamento")?)?;
    v.secondary = secondary;
    let seg = entity.segregation_code.clone();
    let (id, iuv) = match save(app, (entity.id, seg), v, generate).await? {
        Done::Saved(id, iuv) => (id, iuv),
        Done::Refused(f) => return Err(f),
    };
    let zip = notice_zip(app, id).await?;
    let mut w = XmlWriter::new();
    w.leaf("esito", "OK")
        .leaf_opt("identificativoUnivocoVersamento", iuv.as_deref())
        .leaf_opt("base64ZipAvviso", zip.as_deref());
    Ok(w.finish())
}

/// Applies `v` for the entity `(id, segregation code)` in a transaction of its own, as every
/// way in loads a single position (this service, the back office, the test payment): an IUD
/// or IUV taken meanwhile by a concurrent load is the rule's refusal, not a failure.
pub async fn save(
    app: &AppState,
    (entity_id, seg): (i64, String),
    v: Versamento,
    generate: Option<bool>,
) -> Result<Done, DbError> {
    let now = app.now();
    let done = app
        .db
        .write(move |c| write_tx(c, |c| apply(c, entity_id, &seg, &v, generate, now)))
        .await;
    match done {
        Err(e) if e.is_unique_violation() => Ok(Done::Refused(EnteFault::new(
            EnteCode::IudDuplicato,
            "esiste già un dovuto con questo IUD o IUV",
        ))),
        other => other,
    }
}

/// The position's notice as a base64 zip, when it can be printed (annulled, IUV-less or
/// print-disabled positions have none).
async fn notice_zip(app: &AppState, id: i64) -> Result<Option<String>, EnteFault> {
    let printable = app
        .db
        .read(move |c| {
            let logo_plan = crate::avviso::source::printable(c, &Scope::All, id)?;
            Ok(logo_plan.and_then(Result::ok))
        })
        .await?;
    let Some(p) = printable else { return Ok(None) };
    let now = app.now();
    let zip = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, String> {
        let pdf = crate::avviso::render::render(&p.notice()).map_err(|e| e.to_string())?;
        crate::avviso::bulk::zip_one(&p.file_name(), &pdf, now).map_err(|e| e.to_string())
    })
    .await
    .map_err(EnteFault::system)?
    .map_err(EnteFault::system)?;
    Ok(Some(base64::engine::general_purpose::STANDARD.encode(zip)))
}

fn refused(code: EnteCode, description: impl Into<String>) -> Result<Done, DbError> {
    Ok(Done::Refused(EnteFault::new(code, description)))
}

/// Applies one `Versamento` of `entity_id` (inside the caller's transaction).
pub fn apply(
    c: &mut AnyConnection,
    entity_id: i64,
    segregation: &str,
    v: &Versamento,
    generate: Option<bool>,
    now: NaiveDateTime,
) -> Result<Done, DbError> {
    let due_type = registry::due_type_by_code(c, entity_id, &v.due_type)?;
    if let (Some(sec), Some(d)) = (&v.secondary, &due_type) {
        if let Some(f) = super::secondari::refusal(sec, v.amount.cents(), d.has_account) {
            return Ok(Done::Refused(f));
        }
    }
    let due_type = match due_type.map(|d| (d.active, d)) {
        None => {
            return refused(
                EnteCode::TipoDovutoNonValido,
                format!("tipo dovuto [{}] sconosciuto per l'ente", v.due_type),
            )
        }
        Some((false, _)) => {
            return refused(
                EnteCode::TipoDovutoNonAbilitato,
                format!("tipo dovuto [{}] non attivo", v.due_type),
            )
        }
        Some((true, d)) => d,
    };
    // A position sent without a bilancio gets its due type's default.
    let from_type = v
        .bilancio
        .is_none()
        .then(|| bilancio::from_default(due_type.default_bilancio.as_deref(), v.amount));
    let defaulted;
    let v = match from_type.flatten() {
        Some(b) => {
            defaulted = Versamento {
                bilancio: Some(b),
                ..v.clone()
            };
            &defaulted
        }
        None => v,
    };
    let due_type_id = due_type.id;
    let held = dovuto::held_by_iud(c, entity_id, &v.iud)?;
    let own_iuv_taken = match (&v.iuv, &held) {
        (Some(own), None) => dovuto::iuv_used(c, entity_id, own)?,
        _ => false,
    };
    let change = decide(v.action, held.as_ref().map(|h| h.1), own_iuv_taken);
    match (change, held) {
        (Err(why), _) => Ok(Done::Refused(refusal(why, v))),
        (Ok(Change::Insert), _) => insert(c, entity_id, due_type_id, segregation, v, generate, now),
        (Ok(Change::Annul), Some((id, _, iuv))) => {
            dovuto::annul(c, id, now, None)?;
            Ok(Done::Saved(id, iuv))
        }
        (Ok(Change::Modify), Some((id, _, iuv))) => {
            details(c, (entity_id, id), due_type_id, v, now, 1)?;
            Ok(Done::Saved(id, iuv))
        }
        (Ok(_), None) => Err(DbError::Rule(format!("IUD [{}]: nothing to change", v.iud))),
    }
}

/// The fault of a refused load.
fn refusal(why: Refusal, v: &Versamento) -> EnteFault {
    let iud = &v.iud;
    match why {
        Refusal::IudHeld => {
            EnteFault::new(EnteCode::IudDuplicato, format!("IUD [{iud}] già presente"))
        }
        Refusal::IuvTaken => EnteFault::new(
            EnteCode::IuvDuplicato,
            format!("IUV [{}] già usato", v.iuv.as_deref().unwrap_or_default()),
        ),
        Refusal::IudUnknown => EnteFault::new(
            EnteCode::IudNonValido,
            format!("nessun dovuto con IUD [{iud}]"),
        ),
        Refusal::NotModifiable(state) => EnteFault::new(
            EnteCode::DovutoNonPagabile,
            format!(
                "il dovuto con IUD [{iud}] non si può più cambiare: {}",
                state.label().to_lowercase()
            ),
        ),
    }
}

fn insert(
    c: &mut AnyConnection,
    entity_id: i64,
    due_type_id: i64,
    segregation: &str,
    v: &Versamento,
    generate: Option<bool>,
    now: NaiveDateTime,
) -> Result<Done, DbError> {
    let Some(subject) = &v.subject else {
        return refused(
            EnteCode::XmlNonValido,
            "soggettoPagatore obbligatorio per l'inserimento",
        );
    };
    let (iuv, notice) = match numbers(c, entity_id, segregation, v, generate)? {
        Ok(numbers) => numbers,
        Err(fault) => return Ok(Done::Refused(fault)),
    };
    dovuto::insert_many(
        c,
        &[NewDovuto {
            entity_id,
            due_type_id,
            iud: v.iud.clone(),
            iuv: iuv.as_ref().map(|i| i.as_str().to_owned()),
            notice_number: notice.map(|n| n.as_str().to_owned()),
            state: DovutoState::Payable,
            debtor_kind: subject.kind.clone(),
            debtor_id: subject.id.clone(),
            debtor_name: subject.full_name.clone(),
            debtor_email: subject.email.clone(),
            amount_cents: v.amount.cents(),
            due_date: v.due_date,
            causale: v.causale.clone(),
            collection_data: v.collection_data.to_string(),
            generate_iuv: v.iuv.is_none(),
            created_at: now,
            updated_at: now,
            iuv_assigned_at: iuv.as_ref().map(|_| now),
            paid_at: None,
            flusso_id: None,
            plan_code: None,
            instalment: None,
            bilancio: v.bilancio.clone(),
        }],
    )?;
    let id = dovuto::id_of_iud(c, entity_id, &v.iud)?;
    details(c, (entity_id, id), due_type_id, v, now, 0)?;
    Ok(Done::Saved(id, iuv.map(|i| i.as_str().to_owned())))
}

/// A new dovuto's IUV and notice number (none when the entity asked for none).
type Numbers = (Option<Iuv>, Option<NoticeNumber>);

/// The IUV and notice number a new dovuto gets: the entity's own IUV (checked against its
/// segregation code), one generated here (checked against those the entity chose), or
/// none when the entity asked for none.
fn numbers(
    c: &mut AnyConnection,
    entity_id: i64,
    segregation: &str,
    v: &Versamento,
    generate: Option<bool>,
) -> Result<Result<Numbers, EnteFault>, DbError> {
    let refuse = |code, text: String| Ok(Err(EnteFault::new(code, text)));
    let iuv = match (&v.iuv, generate.unwrap_or(v.iuv.is_none())) {
        (Some(own), _) => match Iuv::parse(own) {
            // An aux-3 IUV of this entity starts with its segregation code.
            Ok(i) if own.len() == 17 && !own.starts_with(segregation) => {
                let text = format!(
                    "IUV [{}] non inizia con il codice di segregazione {segregation}",
                    i.as_str()
                );
                return refuse(EnteCode::IuvNonValido, text);
            }
            Ok(i) => Some(i),
            Err(e) => return refuse(EnteCode::IuvNonValido, e.to_string()),
        },
        (None, true) => {
            let seg =
                SegregationCode::parse(segregation).map_err(|e| DbError::Rule(e.to_string()))?;
            Some(next_iuv(c, entity_id, seg)?)
        }
        (None, false) => None,
    };
    // A generated IUV can still meet one an entity chose itself earlier.
    if let Some(iuv) = iuv.as_ref().filter(|_| v.iuv.is_none()) {
        if dovuto::iuv_used(c, entity_id, iuv.as_str())? {
            return refuse(
                EnteCode::IuvDuplicato,
                format!("IUV [{}] già usato", iuv.as_str()),
            );
        }
    }
    let notice = match &iuv {
        Some(i) => match NoticeNumber::from_iuv(AuxDigit::Three, None, i) {
            Ok(n) => Some(n),
            Err(e) => return refuse(EnteCode::IuvNonValido, e.to_string()),
        },
        None => None,
    };
    Ok(Ok((iuv, notice)))
}

/// Writes everything a `Versamento` carries onto the entity's dovuto `(entity_id, id)`,
/// its version going up by `step` (0 as it is inserted, 1 when it is modified).
fn details(
    c: &mut AnyConnection,
    (entity_id, id): (i64, i64),
    due_type_id: i64,
    v: &Versamento,
    now: NaiveDateTime,
    step: i32,
) -> Result<(), DbError> {
    let collection = v.collection_data.to_string();
    let d = dovuto::Details {
        due_type_id,
        amount_cents: v.amount.cents(),
        pa_fee_cents: v.pa_fee.map(|a| a.cents()),
        due_date: v.due_date,
        causale: &v.causale,
        collection_data: &collection,
        bilancio: v.bilancio.as_deref(),
    };
    dovuto::set_details(c, id, &d, now, step)?;
    store_transfers(c, id, entity_id, due_type_id, v)?;
    // A modification without soggettoPagatore keeps the debtor as it was.
    if let Some(s) = &v.subject {
        let contact = [
            &s.street,
            &s.civic,
            &s.postal_code,
            &s.city,
            &s.province,
            &s.country,
            &s.email,
        ];
        let debtor = dovuto::Debtor::new(
            (&s.kind, &s.id, &s.full_name),
            contact.map(|c| c.as_deref()),
        );
        dovuto::set_debtor(c, id, &debtor)?;
    }
    Ok(())
}

/// Replaces the transfers of dovuto `id` (of `entity_id`, due type `due_type_id`, `total`
/// cents, taxonomy `collection`): none for a plain position, the entity's share and the
/// secondary one (already checked with `secondari::refusal`), or the stamp.
fn store_transfers(
    c: &mut AnyConnection,
    id: i64,
    entity_id: i64,
    due_type_id: i64,
    v: &Versamento,
) -> Result<(), DbError> {
    transfer::clear(c, id)?;
    if v.secondary.is_none() && v.stamp.is_none() {
        return Ok(());
    }
    let (total, collection) = (v.amount.cents(), v.collection_data.to_string());
    let (cf, name) = registry::entity_names(c, entity_id)?;
    let sec = match (&v.secondary, &v.stamp) {
        (Some(sec), _) => sec,
        (None, Some(st)) => {
            let stamp = transfer::Stamp {
                hash: &st.hash,
                kind: &st.kind,
                province: &st.province,
            };
            return transfer::write_stamp(c, id, &cf, total, &collection, stamp);
        }
        (None, None) => return Ok(()),
    };
    let own_iban = registry::due_type_account(c, due_type_id)?
        .ok_or_else(|| DbError::Rule("due type without an account".into()))?;
    let sec_collection = sec.collection_data.to_string();
    transfer::write_split(
        c,
        &transfer::Split {
            dovuto_id: id,
            total,
            entity_cf: &cf,
            entity_name: Some(&name),
            own_iban: &own_iban,
            collection: &collection,
            fiscal_code: &sec.fiscal_code,
            name: &sec.name,
            iban: sec.iban.as_str(),
            amount: sec.amount.cents(),
            causale: sec.causale.as_deref(),
            sec_collection: &sec_collection,
            address: &sec.address,
        },
    )
}
