//! Randomness enters the domain only through this trait, so tests can make it deterministic.

/// A source of random bytes.
pub trait RandomSource: Send + Sync {
    /// Fills `buf` with random bytes.
    fn fill(&self, buf: &mut [u8]);

    /// A random token of `n` bytes, hex encoded.
    fn token_hex(&self, n: usize) -> String {
        let mut buf = vec![0u8; n];
        self.fill(&mut buf);
        buf.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A random password of `len` characters from an unambiguous alphabet.
    fn password(&self, len: usize) -> String {
        const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut buf = vec![0u8; len];
        self.fill(&mut buf);
        buf.iter()
            .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
            .collect()
    }
}
