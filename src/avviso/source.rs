//! What a notice is printed from: a dovuto with its entity and due type, and the rules that
//! say when a notice may not be produced (cancelled, paid, no IUV, printing disabled).

use super::pdf::{Notice, PostalAccount};
use crate::db::models::Scope;
use crate::db::schema::{dovuti, due_types, entities};
use crate::db::{AnyConnection, DbError};
use crate::domain::{AmountCents, DovutoState, Iban, NoticeNumber, PartitaIva};
use chrono::NaiveDate;
use diesel::prelude::*;

/// The row a notice is printed from.
#[derive(Debug, Clone, Queryable)]
pub struct NoticeSource {
    entity_id: i64,
    due_type_id: i64,
    iuv: Option<String>,
    notice_number: Option<String>,
    state: String,
    debtor_name: String,
    debtor_id: String,
    debtor_address: Option<String>,
    debtor_civic: Option<String>,
    debtor_postal_code: Option<String>,
    debtor_city: Option<String>,
    debtor_province: Option<String>,
    amount_cents: i64,
    due_date: Option<NaiveDate>,
    causale: String,
    cod_ipa: String,
    entity_name: String,
    entity_sector: Option<String>,
    entity_cf: String,
    postal_iban: Option<String>,
    postal_holder: Option<String>,
    print_due_date: bool,
    printing: bool,
}

/// Loads dovuto `id` if `scope` may see it (`None` otherwise: not revealed).
pub fn load(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: i64,
) -> Result<Option<NoticeSource>, DbError> {
    let rows: Vec<NoticeSource> = dovuti::table
        .inner_join(entities::table)
        .inner_join(due_types::table)
        .filter(dovuti::id.eq(id))
        .select((
            dovuti::entity_id,
            dovuti::due_type_id,
            dovuti::iuv,
            dovuti::notice_number,
            dovuti::state,
            dovuti::debtor_name,
            dovuti::debtor_id,
            dovuti::debtor_address,
            dovuti::debtor_civic_number,
            dovuti::debtor_postal_code,
            dovuti::debtor_city,
            dovuti::debtor_province,
            dovuti::amount_cents,
            dovuti::due_date,
            dovuti::causale,
            entities::cod_ipa,
            entities::name,
            entities::sector,
            entities::fiscal_code,
            due_types::postal_iban,
            due_types::postal_account_holder,
            due_types::print_due_date,
            due_types::notice_printing,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .next()
        .filter(|r| scope.sees_due_type(r.entity_id, r.due_type_id)))
}

/// Owned values a [`Notice`] borrows from.
#[derive(Debug, Clone)]
pub struct Printable {
    src: NoticeSource,
    notice: NoticeNumber,
    entity_cf: PartitaIva,
    address: Option<String>,
    postal: Option<PostalAccount>,
}

impl NoticeSource {
    /// Checks the notice may be produced; the error is the reason, for the person asking.
    pub fn printable(self) -> Result<Printable, String> {
        match DovutoState::from_code(&self.state) {
            Some(DovutoState::Paid) => return Err("il dovuto è già pagato".into()),
            Some(DovutoState::Cancelled) => return Err("il dovuto è annullato".into()),
            _ => {}
        }
        if !self.printing {
            return Err("la stampa dell'avviso è disabilitata per questo tipo dovuto".into());
        }
        let (Some(_), Some(number)) = (&self.iuv, &self.notice_number) else {
            return Err("il dovuto non ha ancora uno IUV".into());
        };
        let notice = NoticeNumber::parse(number).map_err(|e| e.to_string())?;
        let entity_cf = PartitaIva::parse(&self.entity_cf).map_err(|e| e.to_string())?;
        let street = [&self.debtor_address, &self.debtor_civic]
            .iter()
            .filter_map(|s| s.as_deref())
            .collect::<Vec<_>>()
            .join(" ");
        let city = [&self.debtor_postal_code, &self.debtor_city]
            .iter()
            .filter_map(|s| s.as_deref())
            .collect::<Vec<_>>()
            .join(" ");
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
                authorisation: None,
            });
        Ok(Printable {
            notice,
            entity_cf,
            address: (!address.is_empty()).then_some(address),
            postal,
            src: self,
        })
    }
}

impl Printable {
    /// The notice to render.
    pub fn notice(&self) -> Notice<'_> {
        let s = &self.src;
        Notice {
            entity_name: &s.entity_name,
            entity_sector: s.entity_sector.as_deref(),
            entity_cf: &self.entity_cf,
            debtor_name: &s.debtor_name,
            debtor_id: &s.debtor_id,
            debtor_address: self.address.as_deref(),
            subject: &s.causale,
            amount: AmountCents::from_cents(s.amount_cents).unwrap_or_default(),
            due_date: s.due_date.filter(|_| s.print_due_date),
            notice: &self.notice,
            postal: self.postal.clone(),
        }
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
