use crate::support::migrated_db;
use diesel::prelude::*;
use mypay::db::iuv::next_iuv;
use mypay::db::models::registry::NewEntity;
use mypay::db::schema::{entities, iuv_counters};
use mypay::domain::{AuxDigit, NoticeNumber, SegregationCode};
use std::collections::HashSet;

/// Inserts an entity with the given segregation code; returns its id.
fn insert_entity(c: &mut mypay::db::AnyConnection, segregation_code: &str) -> i64 {
    let now = crate::support::test_clock().now_naive();
    let cod_ipa = format!("c_test_{segregation_code}");
    diesel::insert_into(entities::table)
        .values(&NewEntity {
            cod_ipa: &cod_ipa,
            fiscal_code: "80000000010",
            name: "Comune Test",
            sector: None,
            email: None,
            state: "ESERCIZIO",
            station_id: None,
            segregation_code,
            ws_password_hash: None,
            return_url: None,
            created_at: now,
            updated_at: now,
        })
        .execute(c)
        .unwrap();
    entities::table
        .filter(entities::cod_ipa.eq(cod_ipa))
        .select(entities::id)
        .first(c)
        .unwrap()
}

/// 8 threads × 10,000 IUVs for the same entity → 80,000 distinct, valid IUVs, and the
/// counter ends exactly after the last one handed out (none lost, none doubled).
#[test]
fn concurrent_iuv_generation_never_repeats() {
    const THREADS: usize = 8;
    const PER_THREAD: usize = 10_000;
    let (_t, db) = migrated_db(THREADS as u32);
    let entity_id = insert_entity(&mut db.get().unwrap(), "07");
    let seg = SegregationCode::parse("07").unwrap();
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let db = db.clone();
            std::thread::spawn(move || {
                let mut c = db.get().unwrap();
                (0..PER_THREAD)
                    .map(|_| next_iuv(&mut c, entity_id, seg).unwrap())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut all = HashSet::new();
    for h in handles {
        for iuv in h.join().unwrap() {
            assert!(iuv.is_valid_aux3(), "{iuv}");
            assert_eq!(iuv.segregation_code(), Some(seg));
            NoticeNumber::from_iuv(AuxDigit::Three, None, &iuv).unwrap();
            assert!(all.insert(iuv.clone()), "duplicate IUV {iuv}");
        }
    }
    assert_eq!(all.len(), THREADS * PER_THREAD);
    let mut c = db.get().unwrap();
    let next: i64 = iuv_counters::table
        .select(iuv_counters::next_value)
        .first(&mut *c)
        .unwrap();
    assert_eq!(next, (THREADS * PER_THREAD) as i64 + 1);
}

#[test]
fn reserving_a_block_is_contiguous() {
    let (_t, db) = migrated_db(1);
    let mut c = db.get().unwrap();
    let id = insert_entity(&mut c, "01");
    let seg = SegregationCode::parse("01").unwrap();
    let block = mypay::db::iuv::next_iuvs(&mut c, id, seg, 100).unwrap();
    assert_eq!(block.first().unwrap().as_str(), "01000000000000144");
    let after = next_iuv(&mut c, id, seg).unwrap();
    assert_eq!(&after.as_str()[2..15], "0000000000101");
    assert!(mypay::db::iuv::reserve_progressives(&mut c, id, 0).is_err());
}
