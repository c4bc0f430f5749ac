//! What a notice is printed from: a dovuto with its entity and due type, the other options
//! of its instalment plan, the entity logo, and the rules that say when a notice may not be
//! produced (cancelled, paid, no IUV, printing disabled).

use super::canvas::Logo;
use super::lang::Texts;
use super::pdf::{Notice, Payment, PostalAccount};
use crate::db::models::Scope;
use crate::db::models::{notice, registry};
use crate::db::{AnyConnection, DbError};
use crate::domain::{AmountCents, DovutoState, Iban, NoticeNumber, PartitaIva};
use chrono::NaiveDate;

pub use crate::db::models::notice::NoticeSource;

/// Loads dovuto `id` if `scope` may see it (`None` otherwise: not revealed).
pub fn load(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: i64,
) -> Result<Option<NoticeSource>, DbError> {
    Ok(notice::source(conn, id)?.filter(|r| scope.sees_due_type(r.entity_id, r.due_type_id)))
}

/// The entity's logo, when it has a usable one (an unreadable image prints no logo).
pub fn entity_logo(conn: &mut AnyConnection, entity_id: i64) -> Result<Option<Logo>, DbError> {
    let bytes = registry::logo(conn, entity_id)?.and_then(|(bytes, _)| bytes);
    Ok(bytes.and_then(|b| Logo::decode(&b).ok()))
}

/// One option of an instalment plan.
#[derive(Debug, Clone)]
pub struct PlanOption {
    notice: NoticeNumber,
    amount: AmountCents,
    due_date: Option<NaiveDate>,
    instalment: Option<i32>,
}

/// A plan's payable options and how many instalments it has in all.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    options: Vec<PlanOption>,
    size: u32,
}

/// The payable options of `plan_code`: paid and cancelled options and those without a
/// notice number are left out, and the single solution too once any instalment is paid.
pub fn plan_options(
    conn: &mut AnyConnection,
    entity_id: i64,
    plan_code: &str,
) -> Result<Plan, DbError> {
    let rows = notice::plan_rows(conn, entity_id, plan_code)?;
    let closed = |state: &DovutoState| matches!(state, DovutoState::Paid | DovutoState::Cancelled);
    let instalment_paid = rows
        .iter()
        .any(|r| r.4.is_some() && r.1 == DovutoState::Paid);
    let size = rows.iter().filter(|r| r.4.is_some()).count() as u32;
    let options = rows
        .into_iter()
        .filter(|r| {
            let superseded = instalment_paid && r.4.is_none();
            !(closed(&r.1) || superseded)
        })
        .filter_map(|(number, _, cents, due_date, instalment)| {
            Some(PlanOption {
                notice: NoticeNumber::parse(&number?).ok()?,
                amount: AmountCents::from_cents(cents).ok()?,
                due_date,
                instalment,
            })
        })
        .collect();
    Ok(Plan { options, size })
}

/// Owned values a [`Notice`] borrows from.
#[derive(Debug, Clone)]
pub struct Printable {
    src: NoticeSource,
    notice: NoticeNumber,
    entity_cf: PartitaIva,
    address: Option<String>,
    postal: Option<PostalAccount>,
    logo: Option<Logo>,
    plan: Plan,
}

fn joined(parts: &[&Option<String>], sep: &str) -> String {
    parts
        .iter()
        .filter_map(|s| s.as_deref())
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(sep)
}

/// Why a dovuto's notice may not be printed, for the person asking.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotPrintable(String);

impl NoticeSource {
    /// Checks the notice may be produced; the error is the reason, for the person asking.
    pub fn printable(self) -> Result<Printable, NotPrintable> {
        let no = |why: &str| Err(NotPrintable(why.to_owned()));
        match self.state {
            DovutoState::Paid => return no("il dovuto è già pagato"),
            DovutoState::Cancelled => return no("il dovuto è annullato"),
            _ => {}
        }
        if !self.printing {
            return no("la stampa dell'avviso è disabilitata per questo tipo dovuto");
        }
        let (Some(_), Some(number)) = (&self.iuv, &self.notice_number) else {
            return no("il dovuto non ha ancora uno IUV");
        };
        let invalid = |e: crate::domain::InvalidIdentifier| NotPrintable(e.to_string());
        let notice = NoticeNumber::parse(number).map_err(invalid)?;
        let entity_cf = PartitaIva::parse(&self.entity_cf).map_err(invalid)?;
        let street = joined(&[&self.debtor_address, &self.debtor_civic_number], " ");
        let city = joined(&[&self.debtor_postal_code, &self.debtor_city], " ");
        let province = self.debtor_province.as_deref().map(|p| format!(" ({p})"));
        let address = [street, city + province.as_deref().unwrap_or("")]
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        let postal = self
            .postal_iban
            .as_deref()
            .and_then(|i| Iban::parse(i).ok())
            .and_then(|i| {
                i.postal_account_number()
                    .map(|n| n.trim_start_matches('0').to_owned())
            })
            .map(|number| PostalAccount {
                number,
                holder: self
                    .postal_holder
                    .clone()
                    .unwrap_or_else(|| self.entity_name.clone()),
                authorisation: self.postal_authorisation.clone(),
            });
        Ok(Printable {
            notice,
            entity_cf,
            address: (!address.is_empty()).then_some(address),
            postal,
            logo: None,
            plan: Plan::default(),
            src: self,
        })
    }
}

impl Printable {
    /// Prints the entity logo in the header.
    pub fn with_logo(mut self, logo: Option<Logo>) -> Self {
        self.logo = logo;
        self
    }

    /// Prints the options of the dovuto's instalment plan (from [`plan_options`]) instead of
    /// the dovuto alone.
    pub fn with_plan(mut self, plan: Plan) -> Self {
        self.plan = plan;
        self
    }

    /// The notice to render.
    pub fn notice(&self) -> Notice<'_> {
        let s = &self.src;
        let due = |d: Option<NaiveDate>| d.filter(|_| s.print_due_date);
        fn option(o: &PlanOption, print_due_date: bool) -> Payment<'_> {
            Payment {
                notice: &o.notice,
                amount: o.amount,
                due_date: o.due_date.filter(|_| print_due_date),
                number: o
                    .instalment
                    .and_then(|n| u32::try_from(n).ok())
                    .unwrap_or(0),
            }
        }
        let own = Payment {
            notice: &self.notice,
            amount: s.amount_cents,
            due_date: due(s.due_date),
            number: 0,
        };
        let (single, instalments) = if self.plan.options.is_empty() {
            (Some(own), Vec::new())
        } else {
            let single = self.plan.options.iter().find(|o| o.instalment.is_none());
            let instalments = self.plan.options.iter().filter(|o| o.instalment.is_some());
            (
                single.map(|o| option(o, s.print_due_date)),
                instalments.map(|o| option(o, s.print_due_date)).collect(),
            )
        };
        Notice {
            entity_name: &s.entity_name,
            entity_sector: s.entity_sector.as_deref(),
            entity_cf: &self.entity_cf,
            logo: self.logo.as_ref(),
            debtor_name: &s.debtor_name,
            debtor_id: &s.debtor_id,
            debtor_address: self.address.as_deref(),
            subject: &s.causale,
            single,
            instalments,
            plan_size: self.plan.size,
            postal: self.postal.clone(),
            texts: Texts::of(s.notice_language),
        }
    }

    /// The entity and instalment plan the notice prints, when it is an option of one.
    pub fn plan_key(&self) -> Option<(i64, &str)> {
        self.src
            .plan_code
            .as_deref()
            .map(|c| (self.src.entity_id, c))
    }

    /// `MYPAY_AVVISO_<cod IPA>_<IUV>.pdf`, as MyPay names it.
    pub fn file_name(&self) -> String {
        format!(
            "MYPAY_AVVISO_{}_{}.pdf",
            self.src.cod_ipa,
            self.notice.iuv().as_str()
        )
    }
}

/// Loads, checks and completes (plan, logo) the notice of dovuto `id`: `Ok(None)` when not
/// visible in `scope`, `Ok(Some(Err(reason)))` when it may not be printed.
pub fn printable(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: i64,
) -> Result<Option<Result<Printable, NotPrintable>>, DbError> {
    let Some(src) = load(conn, scope, id)? else {
        return Ok(None);
    };
    let (entity_id, plan) = (src.entity_id, src.plan_code.clone());
    let printable = match src.printable() {
        Ok(p) => p,
        Err(reason) => return Ok(Some(Err(reason))),
    };
    let options = match plan {
        Some(plan) => plan_options(conn, entity_id, &plan)?,
        None => Plan::default(),
    };
    let logo = entity_logo(conn, entity_id)?;
    Ok(Some(Ok(printable.with_plan(options).with_logo(logo))))
}
