//! Writing new dovuti rows: PostgreSQL takes a chunk's rows in one binary COPY, SQLite in
//! multi-row INSERTs of a fixed size whose statement is prepared once. The rows borrow
//! their text from the parsed flusso rows: nothing is copied per row on the way.

use crate::db::schema::dovuti;
use crate::db::stamp::{Day, Stamp};
use crate::db::{AnyConnection, DbError};
use diesel::insertable::InsertValues;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sqlite::Sqlite;

/// One dovuto to insert, borrowing its text from the parsed row (no copies per row).
#[derive(Insertable)]
#[diesel(table_name = dovuti)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewRow<'a> {
    pub entity_id: i64,
    pub due_type_id: i64,
    pub iud: &'a str,
    pub iuv: Option<String>,
    pub notice_number: Option<String>,
    pub state: &'static str,
    pub debtor_kind: &'a str,
    pub debtor_id: &'a str,
    pub debtor_name: &'a str,
    pub debtor_address: Option<&'a str>,
    pub debtor_civic_number: Option<&'a str>,
    pub debtor_postal_code: Option<&'a str>,
    pub debtor_city: Option<&'a str>,
    pub debtor_province: Option<&'a str>,
    pub debtor_country: Option<&'a str>,
    pub debtor_email: Option<&'a str>,
    pub amount_cents: i64,
    pub pa_fee_cents: Option<i64>,
    pub due_date: Option<Day>,
    pub causale: &'a str,
    pub collection_data: &'a str,
    pub bilancio: Option<&'a str>,
    pub generate_iuv: bool,
    pub flusso_id: Option<i64>,
    pub flusso_row: Option<i64>,
    pub version: i32,
    pub created_at: &'a Stamp,
    pub updated_at: &'a Stamp,
    pub iuv_assigned_at: Option<&'a Stamp>,
}

/// Rows per SQLite INSERT: a fixed-size batch is one statement prepared once and reused.
const SQLITE_BATCH: usize = 200;

/// Inserts `values` (inside the caller's transaction).
pub fn write(c: &mut AnyConnection, values: &[NewRow]) -> Result<(), DbError> {
    match &mut *c {
        // PostgreSQL takes the chunk in one binary COPY (no statement to parse and plan).
        AnyConnection::Postgresql(pg) => {
            diesel::copy_from(dovuti::table)
                .from_insertable(values)
                .execute(pg)?;
        }
        // SQLite: statements of a fixed number of rows, each prepared once and reused (a
        // statement of another size would be parsed again).
        AnyConnection::Sqlite(lite) => {
            let mut blocks = values.chunks_exact(SQLITE_BATCH);
            for block in &mut blocks {
                let block = block
                    .try_into()
                    .map_err(|_| DbError::Rule("batch size".into()))?;
                SqliteRows::<SQLITE_BATCH>::new(block).execute(lite)?;
            }
            for row in blocks.remainder() {
                SqliteRows::new(std::array::from_ref(row)).execute(lite)?;
            }
        }
    }
    Ok(())
}

/// `N` rows in one SQLite INSERT whose statement is prepared once per `N`: diesel caches a
/// statement only for a query type without lifetimes, and the rows borrow their text.
struct SqliteRows<'r, 'a, const N: usize>(
    Vec<<&'r NewRow<'a> as Insertable<dovuti::table>>::Values>,
);

impl<'r, 'a, const N: usize> SqliteRows<'r, 'a, N> {
    fn new(rows: &'r [NewRow<'a>; N]) -> Self {
        Self(rows.iter().map(Insertable::values).collect())
    }
}

/// The cache key of [`SqliteRows`]: its SQL depends only on `N`.
struct SqliteRowsId<const N: usize>;

impl<const N: usize> QueryId for SqliteRows<'_, '_, N> {
    type QueryId = SqliteRowsId<N>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<const N: usize> QueryFragment<Sqlite> for SqliteRows<'_, '_, N> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        let Some(first) = self.0.first() else {
            return Err(diesel::result::Error::QueryBuilderError("no rows".into()));
        };
        out.push_sql("INSERT INTO dovuti (");
        first.values.column_names(out.reborrow())?;
        out.push_sql(") VALUES ");
        for (i, row) in self.0.iter().enumerate() {
            out.push_sql(if i == 0 { "(" } else { ", (" });
            row.values.walk_ast(out.reborrow())?;
            out.push_sql(")");
        }
        Ok(())
    }
}

impl<const N: usize> RunQueryDsl<diesel::SqliteConnection> for SqliteRows<'_, '_, N> {}
