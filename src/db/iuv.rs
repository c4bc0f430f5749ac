//! IUV progressives: one counter row per entity and generator, advanced atomically with a
//! single `UPDATE … RETURNING`, so concurrent requests and several gateway instances on one
//! PostgreSQL never hand out the same progressive.

use super::{schema, AnyConnection, DbError};
use crate::domain::{iuv::MAX_PROGRESSIVE, Iuv, SegregationCode};
use crate::with_backend;
use diesel::prelude::*;

/// The counter kind for aux-digit-3, 17-digit IUVs.
pub const IUV17: &str = "IUV17";

/// Reserves `n` consecutive progressives for `entity_id` and returns the first one.
pub fn reserve_progressives(conn: &mut AnyConnection, entity: i64, n: i64) -> Result<u64, DbError> {
    use schema::iuv_counters::dsl::*;
    if n < 1 {
        return Err(DbError::Rule("at least one IUV must be reserved".into()));
    }
    for _ in 0..2 {
        let advanced: Option<i64> = with_backend!(conn, c => diesel::update(
                iuv_counters.filter(entity_id.eq(entity)).filter(kind.eq(IUV17)),
            )
            .set(next_value.eq(next_value + n))
            .returning(next_value)
            .get_result(c)
            .optional())?;
        if let Some(after) = advanced {
            let first = after - n;
            let last = u64::try_from(after - 1).unwrap_or(u64::MAX);
            if last > MAX_PROGRESSIVE {
                return Err(DbError::Rule(format!(
                    "IUV progressives exhausted for entity {entity}"
                )));
            }
            return u64::try_from(first)
                .map_err(|_| DbError::Rule("negative IUV progressive".into()));
        }
        with_backend!(conn, c => diesel::insert_into(iuv_counters)
            .values((entity_id.eq(entity), kind.eq(IUV17), next_value.eq(1i64)))
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Err(DbError::Rule("IUV counter row could not be created".into()))
}

/// Allocates `n` new aux-3 IUVs for the entity with its segregation code.
pub fn next_iuvs(
    conn: &mut AnyConnection,
    entity: i64,
    segregation: SegregationCode,
    n: i64,
) -> Result<Vec<Iuv>, DbError> {
    let first = reserve_progressives(conn, entity, n)?;
    (first..first + n.unsigned_abs())
        .map(|p| Iuv::aux3(segregation, p).map_err(|e| DbError::Rule(e.to_string())))
        .collect()
}

/// Allocates one new aux-3 IUV.
pub fn next_iuv(
    conn: &mut AnyConnection,
    entity: i64,
    segregation: SegregationCode,
) -> Result<Iuv, DbError> {
    next_iuvs(conn, entity, segregation, 1)?
        .pop()
        .ok_or_else(|| DbError::Rule("no IUV allocated".into()))
}
