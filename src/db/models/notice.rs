//! The rows payment notices are printed from: a dovuto with its entity and due type, the
//! options of its instalment plan, and the dovuti a bulk run prints.

use crate::db::schema::{dovuti, due_types, entities};
use crate::db::{AnyConnection, DbError};
use crate::domain::{AmountCents, DovutoState, NoticeLanguage};
use chrono::NaiveDate;
use diesel::prelude::*;

/// The row a notice is printed from: the dovuto, its entity and its due type.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = dovuti)]
pub struct NoticeSource {
    /// Dovuto id.
    pub id: i64,
    /// Owning entity.
    pub entity_id: i64,
    pub due_type_id: i64,
    pub iuv: Option<String>,
    pub notice_number: Option<String>,
    pub state: DovutoState,
    pub debtor_name: String,
    pub debtor_id: String,
    pub debtor_address: Option<String>,
    pub debtor_civic_number: Option<String>,
    pub debtor_postal_code: Option<String>,
    pub debtor_city: Option<String>,
    pub debtor_province: Option<String>,
    pub amount_cents: AmountCents,
    pub due_date: Option<NaiveDate>,
    pub causale: String,
    /// Instalment plan, if the dovuto is one option of a plan.
    pub plan_code: Option<String>,
    #[diesel(select_expression = entities::cod_ipa)]
    pub cod_ipa: String,
    #[diesel(select_expression = entities::name)]
    pub entity_name: String,
    #[diesel(select_expression = entities::sector)]
    pub entity_sector: Option<String>,
    #[diesel(select_expression = entities::fiscal_code)]
    pub entity_cf: String,
    /// The language the entity's notices are printed in.
    #[diesel(select_expression = entities::notice_language)]
    pub notice_language: NoticeLanguage,
    #[diesel(select_expression = due_types::postal_iban)]
    pub postal_iban: Option<String>,
    #[diesel(select_expression = due_types::postal_account_holder)]
    pub postal_holder: Option<String>,
    #[diesel(select_expression = due_types::postal_authorisation)]
    pub postal_authorisation: Option<String>,
    #[diesel(select_expression = due_types::print_due_date)]
    pub print_due_date: bool,
    #[diesel(select_expression = due_types::notice_printing)]
    pub printing: bool,
}

/// Dovuto `id` with its entity and due type.
pub fn source(conn: &mut AnyConnection, id: i64) -> Result<Option<NoticeSource>, DbError> {
    let rows: Vec<NoticeSource> = dovuti::table
        .inner_join(entities::table)
        .inner_join(due_types::table)
        .filter(dovuti::id.eq(id))
        .select(NoticeSource::as_select())
        .load(conn)?;
    Ok(rows.into_iter().next())
}

/// One option of an instalment plan as stored: (notice number, state, cents, due date,
/// instalment — none for the single solution).
pub type PlanRow = (
    Option<String>,
    DovutoState,
    i64,
    Option<NaiveDate>,
    Option<i32>,
);

/// Every option of the entity's plan `plan_code`, instalments in order.
pub fn plan_rows(
    conn: &mut AnyConnection,
    entity_id: i64,
    plan_code: &str,
) -> Result<Vec<PlanRow>, DbError> {
    type Row = (
        i64,
        Option<String>,
        DovutoState,
        i64,
        Option<NaiveDate>,
        Option<i32>,
    );
    let rows: Vec<Row> = dovuti::table
        .filter(dovuti::entity_id.eq(entity_id))
        .filter(dovuti::plan_code.eq(plan_code))
        .select((
            dovuti::id,
            dovuti::notice_number,
            dovuti::state,
            dovuti::amount_cents,
            dovuti::due_date,
            dovuti::instalment,
        ))
        .order((dovuti::instalment.asc(), dovuti::id.asc()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(_, n, state, cents, due, inst)| (n, state, cents, due, inst))
        .collect())
}

/// Which dovuti to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    /// The entity.
    pub entity_id: i64,
    /// Only the dovuti loaded by this flusso.
    pub flusso_id: Option<i64>,
}

/// Open (not paid, not cancelled) dovuti with a notice number, of printable due types.
macro_rules! candidates {
    ($sel:expr) => {{
        let sel: Selection = $sel;
        let mut q = dovuti::table
            .inner_join(entities::table)
            .inner_join(due_types::table)
            .filter(dovuti::entity_id.eq(sel.entity_id))
            .filter(dovuti::notice_number.is_not_null())
            .filter(dovuti::state.ne_all([DovutoState::Paid.code(), DovutoState::Cancelled.code()]))
            .filter(due_types::notice_printing.eq(true))
            .into_boxed();
        if let Some(f) = sel.flusso_id {
            q = q.filter(dovuti::flusso_id.eq(f));
        }
        q
    }};
}

/// How many dovuti a run will look at (the progress total; plans count once per option).
pub fn count(conn: &mut AnyConnection, sel: Selection) -> Result<i64, DbError> {
    Ok(crate::with_backend!(conn, c => candidates!(sel).count().get_result(c))?)
}

/// The next `limit` dovuti of `sel` after id `after`, by id.
pub fn candidates_after(
    conn: &mut AnyConnection,
    sel: Selection,
    after: i64,
    limit: i64,
) -> Result<Vec<NoticeSource>, DbError> {
    Ok(crate::with_backend!(conn, c => candidates!(sel)
        .filter(dovuti::id.gt(after))
        .order(dovuti::id.asc())
        .limit(limit)
        .select(NoticeSource::as_select())
        .load(c))?)
}
