//! Randomness from the operating system, and the ids made from it.

use crate::domain::random::RandomSource;

/// Randomness from the operating system.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsRandom;

impl RandomSource for OsRandom {
    fn fill(&self, buf: &mut [u8]) {
        use rand::RngCore;
        rand::rngs::OsRng.fill_bytes(buf);
    }
}

/// A short random id that ties an answer (error page, fault) to its log line and journal entry.
pub fn correlation_id() -> String {
    OsRandom.token_hex(8)
}
