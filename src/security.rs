//! Password hashing (argon2id), token hashing and constant-time comparison.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// A password that could not be hashed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot hash password: {0}")]
pub struct HashError(argon2::password_hash::Error);

/// Hashes a password into an argon2id PHC string.
pub fn hash_password(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(HashError)
}

/// Checks a password against a PHC string; a malformed hash never matches.
pub fn verify_password(phc: &str, password: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the same time as a real verification, for unknown users (no user enumeration
/// by timing).
pub fn verify_against_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash_password("mypay-dummy-password").unwrap_or_default());
    let _ = verify_password(phc, password);
}

/// The shortest password an operator may choose.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest (the strength estimate is quadratic in the length).
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Why a chosen password is refused; the text is for the person choosing it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    /// Fewer than [`MIN_PASSWORD_CHARS`] characters.
    #[error("la password deve avere almeno {MIN_PASSWORD_CHARS} caratteri")]
    TooShort,
    /// More than [`MAX_PASSWORD_CHARS`] characters.
    #[error("la password può avere al massimo {MAX_PASSWORD_CHARS} caratteri")]
    TooLong,
    /// Long enough but easy to guess (a common word, a sequence, the person's own name…).
    #[error(
        "la password è troppo facile da indovinare: evita parole comuni, sequenze e il tuo \
         nome; una frase di tre o quattro parole non collegate va bene"
    )]
    Guessable,
}

/// Checks a password someone chose: long enough, and estimated by zxcvbn (Dropbox's
/// estimator, the field's reference) to need at least 10^10 guesses, with the person's
/// own `personal` data (username, name, e-mail) counted as known to an attacker.
pub fn check_strength(password: &str, personal: &[&str]) -> Result<(), WeakPassword> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(WeakPassword::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(WeakPassword::TooLong);
    }
    if zxcvbn::zxcvbn(password, personal).score() < zxcvbn::Score::Four {
        return Err(WeakPassword::Guessable);
    }
    Ok(())
}

/// SHA-256 as lowercase hex (session tokens are stored hashed).
pub fn sha256_hex(data: &str) -> String {
    hex::encode(Sha256::digest(data.as_bytes()))
}

/// Constant-time string equality (CSRF tokens).
pub fn ct_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "correct horse"));
        assert!(!verify_password(&h, "wrong"));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn strength() {
        assert_eq!(check_strength("short", &[]), Err(WeakPassword::TooShort));
        assert_eq!(
            check_strength("password1234", &[]),
            Err(WeakPassword::Guessable)
        );
        assert_eq!(
            check_strength("mario.rossi.2026", &["mario.rossi", "Mario Rossi"]),
            Err(WeakPassword::Guessable)
        );
        assert_eq!(check_strength("cavallo batteria graffetta", &[]), Ok(()));
        assert_eq!(
            check_strength(&"x".repeat(129), &[]),
            Err(WeakPassword::TooLong)
        );
        // The temporary passwords handed out are strong by this measure too.
        assert_eq!(check_strength("k7Qm3xPz9RtV2wHn", &[]), Ok(()));
    }

    #[test]
    fn equality() {
        assert!(ct_eq("abc", "abc"));
        assert!(!ct_eq("abc", "abd"));
        assert!(!ct_eq("abc", "ab"));
        assert_eq!(sha256_hex("abc").len(), 64);
    }
}
