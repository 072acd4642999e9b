//! Opaque random tokens. Only the SHA-256 of a token is stored; the token has
//! 256 bits of entropy, so a fast hash is enough (no need for a password hash).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A freshly made token: show `plaintext` once, store `hash`.
pub struct NewToken {
    pub plaintext: String,
    pub hash: String,
}

impl std::fmt::Debug for NewToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewToken")
            .field("hash", &self.hash)
            .finish_non_exhaustive()
    }
}

/// A new token such as `etl_pat_Zm9v…`. The prefix tells a reader (or a secret
/// scanner) what kind of credential it is.
pub fn new_token(prefix: &str) -> NewToken {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let plaintext = format!("{prefix}_{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash_token(&plaintext);
    NewToken { plaintext, hash }
}

pub fn hash_token(plaintext: &str) -> String {
    hex::encode(Sha256::digest(plaintext.trim().as_bytes()))
}

const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// Ten one-time recovery codes like `k7m2-q9xa-3hpt` (60 bits each), for a user
/// who has lost their authenticator. Ambiguous characters are left out.
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::rngs::OsRng;
    (0..10)
        .map(|_| {
            let chars: Vec<char> = (0..12)
                .map(|_| {
                    let i = (rng.next_u32() as usize) % RECOVERY_ALPHABET.len();
                    char::from(RECOVERY_ALPHABET[i])
                })
                .collect();
            chars
                .chunks(4)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// Normalises what a user typed for a recovery code before hashing it, so
/// spaces, dashes and capitals do not matter.
pub fn hash_recovery_code(typed: &str) -> String {
    let norm: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    hash_token(&norm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_hash_stably() {
        let a = new_token("etl_pat");
        let b = new_token("etl_pat");
        assert_ne!(a.plaintext, b.plaintext);
        assert!(a.plaintext.starts_with("etl_pat_"));
        assert_eq!(hash_token(&a.plaintext), a.hash);
        assert_eq!(a.hash.len(), 64);
        assert!(!format!("{a:?}").contains(&a.plaintext));
    }

    #[test]
    fn recovery_codes() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        for c in &codes {
            assert_eq!(c.len(), 14);
            assert_eq!(
                hash_recovery_code(c),
                hash_recovery_code(&c.to_uppercase().replace('-', " "))
            );
        }
    }
}
