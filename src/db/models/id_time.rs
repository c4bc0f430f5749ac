//! A time range as a range of ids, for tables whose ids are handed out in time order
//! (dovuti by creation, journal entries by occurrence): the ends are found by bisecting
//! the primary key, so no index on the time is needed.

use crate::db::DbError;
use chrono::NaiveDateTime;

/// Reads the time of the first row whose id is at least the one given (`None`: none).
pub type Probe<'a> = dyn FnMut(i64) -> Result<Option<NaiveDateTime>, DbError> + 'a;

/// The first id at or after which rows are at `at` or later, among ids up to `max`
/// (`None`: none are).
fn first_id_from(max: i64, at: NaiveDateTime, probe: &mut Probe) -> Result<Option<i64>, DbError> {
    let (mut lo, mut hi) = (0i64, max + 1);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match probe(mid)? {
            Some(t) if t < at => lo = mid + 1,
            _ => hi = mid,
        }
    }
    Ok((lo <= max).then_some(lo))
}

/// The ids (both ends included) that can hold rows of `[from, to)`, in a table whose
/// highest id is `max` (`None`: empty).
pub fn id_range(
    max: Option<i64>,
    (from, to): (Option<NaiveDateTime>, Option<NaiveDateTime>),
    probe: &mut Probe,
) -> Result<(i64, i64), DbError> {
    if (from, to) == (None, None) {
        return Ok((0, i64::MAX));
    }
    let Some(max) = max else {
        return Ok((i64::MAX, i64::MAX));
    };
    let lo = match from {
        Some(f) => first_id_from(max, f, probe)?.unwrap_or(i64::MAX),
        None => 0,
    };
    let hi = match to {
        Some(t) => first_id_from(max, t, probe)?.map_or(i64::MAX, |id| id - 1),
        None => i64::MAX,
    };
    Ok((lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(minute: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(minute * 60, 0)
            .unwrap()
            .naive_utc()
    }

    proptest! {
        /// The range found holds exactly the rows of the time range, whatever the gaps.
        #[test]
        fn the_range_holds_the_rows_of_the_time_range(
            steps in proptest::collection::vec((1i64..4, 0i64..3), 0..60),
            from in proptest::option::of(0i64..200),
            len in proptest::option::of(0i64..200),
        ) {
            // Rows (id, minute), ids with gaps, minutes not decreasing.
            let (mut rows, mut id, mut minute) = (Vec::new(), 0i64, 0i64);
            for (gap, dt) in steps {
                id += gap;
                minute += dt;
                rows.push((id, minute));
            }
            let to = from.zip(len).map(|(f, l)| f + l);
            let range = (from.map(at), to.map(at));
            let max = rows.last().map(|r| r.0);
            let mut probe = |mid: i64| -> Result<Option<NaiveDateTime>, DbError> {
                Ok(rows.iter().find(|r| r.0 >= mid).map(|r| at(r.1)))
            };
            let (lo, hi) = id_range(max, range, &mut probe).unwrap();
            for &(id, m) in &rows {
                let wanted = from.is_none_or(|f| m >= f) && to.is_none_or(|t| m < t);
                prop_assert_eq!(wanted, lo <= id && id <= hi, "row {} at {}", id, m);
            }
        }
    }
}
