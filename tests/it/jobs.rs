//! The durable job queue: exclusive claims under concurrency, leases, retries, poison jobs.

use crate::support::migrated_db;
use chrono::Duration;
use mypay::db::models::job::count;
use mypay::jobs::{claim, complete, enqueue, fail, JobState};
use std::collections::HashSet;

const Q: &str = "test-queue";

fn t0() -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 28)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
}

#[test]
fn concurrent_workers_claim_each_job_exactly_once() {
    let (_t, db) = migrated_db(4);
    {
        let mut c = db.get().unwrap();
        for i in 0..200 {
            enqueue(&mut c, Q, &format!("{{\"n\":{i}}}"), t0(), 3, t0()).unwrap();
        }
        enqueue(&mut c, "other-queue", "{}", t0(), 3, t0()).unwrap();
    }
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let db = db.clone();
            std::thread::spawn(move || {
                let mut c = db.get().unwrap();
                let name = format!("w{w}");
                let mut done = Vec::new();
                while let Some(job) = claim(&mut c, Q, &name, t0(), Duration::minutes(5)).unwrap() {
                    assert_eq!(job.attempts, 1);
                    assert!(complete(&mut c, job.id, &name, t0()).unwrap());
                    done.push(job.id);
                }
                done
            })
        })
        .collect();
    let mut seen = HashSet::new();
    for w in workers {
        for id in w.join().unwrap() {
            assert!(seen.insert(id), "job {id} ran twice");
        }
    }
    assert_eq!(seen.len(), 200);
    let mut c = db.get().unwrap();
    assert_eq!(count(&mut c, Q, JobState::Done).unwrap(), 200);
    assert_eq!(count(&mut c, "other-queue", JobState::Queued).unwrap(), 1);
}

#[test]
fn an_expired_lease_is_taken_over() {
    let (_t, db) = migrated_db(1);
    let mut c = db.get().unwrap();
    let id = enqueue(&mut c, Q, "{}", t0(), 3, t0()).unwrap();
    let a = claim(&mut c, Q, "a", t0(), Duration::minutes(1))
        .unwrap()
        .unwrap();
    assert_eq!(a.id, id);
    assert!(claim(
        &mut c,
        Q,
        "b",
        t0() + Duration::seconds(30),
        Duration::minutes(1)
    )
    .unwrap()
    .is_none());
    let b = claim(
        &mut c,
        Q,
        "b",
        t0() + Duration::minutes(2),
        Duration::minutes(1),
    )
    .unwrap()
    .unwrap();
    assert_eq!((b.id, b.attempts), (id, 2));
    assert!(
        !complete(&mut c, id, "a", t0()).unwrap(),
        "the old worker no longer holds it"
    );
    assert!(complete(&mut c, id, "b", t0()).unwrap());
}

#[test]
fn failures_are_retried_with_backoff_then_given_up() {
    let (_t, db) = migrated_db(1);
    let mut c = db.get().unwrap();
    enqueue(&mut c, Q, "{}", t0(), 2, t0()).unwrap();
    let j = claim(&mut c, Q, "w", t0(), Duration::minutes(1))
        .unwrap()
        .unwrap();
    assert_eq!(
        fail(&mut c, &j, "w", "boom", t0(), Duration::seconds(10)).unwrap(),
        JobState::Queued
    );
    assert!(claim(
        &mut c,
        Q,
        "w",
        t0() + Duration::seconds(5),
        Duration::minutes(1)
    )
    .unwrap()
    .is_none());
    let j = claim(
        &mut c,
        Q,
        "w",
        t0() + Duration::seconds(10),
        Duration::minutes(1),
    )
    .unwrap()
    .unwrap();
    assert_eq!(j.attempts, 2);
    assert_eq!(
        fail(&mut c, &j, "w", "boom again", t0(), Duration::seconds(10)).unwrap(),
        JobState::Failed
    );
    assert!(claim(
        &mut c,
        Q,
        "w",
        t0() + Duration::days(1),
        Duration::minutes(1)
    )
    .unwrap()
    .is_none());
    assert_eq!(count(&mut c, Q, JobState::Failed).unwrap(), 1);
}

#[test]
fn a_job_that_keeps_killing_its_worker_ends_failed() {
    let (_t, db) = migrated_db(1);
    let mut c = db.get().unwrap();
    enqueue(&mut c, Q, "{}", t0(), 1, t0()).unwrap();
    claim(&mut c, Q, "dies", t0(), Duration::minutes(1))
        .unwrap()
        .unwrap();
    assert!(claim(
        &mut c,
        Q,
        "next",
        t0() + Duration::minutes(5),
        Duration::minutes(1)
    )
    .unwrap()
    .is_none());
    assert_eq!(count(&mut c, Q, JobState::Failed).unwrap(), 1);
}
