//! Passwords hashed with argon2id using OWASP's recommended minimum
//! (m = 19 MiB, t = 2, p = 1), stored as PHC strings so parameters can be
//! raised later without breaking existing hashes.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, Version};

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("could not hash the password: {0}")]
    Hash(String),
}

/// OWASP Password Storage Cheat Sheet, argon2id option 2.
pub const MEMORY_KIB: u32 = 19 * 1024;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

fn hasher() -> Argon2<'static> {
    // The constants are valid; should that ever change, fall back to the
    // crate default (also argon2id) rather than panic.
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string. Slow by design (tens of ms):
/// call it from a blocking thread in async code.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Checks a password against a stored PHC string. A malformed stored hash
/// never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => hasher().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A valid hash of a random password, verified against when the user does not
/// exist so that a failed login takes the same time either way.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&crate::token::new_token("dummy").plaintext).unwrap_or_default())
}

/// Working memory for argon2 (19 MiB of blocks), kept by one thread and reused
/// for every hash it computes. Allocating and freeing 19 MiB per sign-in makes
/// the allocator keep growing memory (measured in BENCHMARKS.md); reusing one
/// buffer per worker keeps it flat.
#[derive(Default)]
pub struct Workspace {
    blocks: Vec<argon2::Block>,
}

/// Stored hashes that ask for more memory than this are refused rather than
/// computed.
const MAX_BLOCKS: usize = 256 * 1024;

impl Workspace {
    fn blocks(&mut self, count: usize) -> &mut [argon2::Block] {
        if self.blocks.len() < count {
            self.blocks.resize(count, argon2::Block::default());
        }
        &mut self.blocks[..count]
    }
}

/// [`hash_password`], using `ws` as the working memory. Produces the same PHC
/// string format.
pub fn hash_password_in(ws: &mut Workspace, password: &str) -> Result<String, PasswordError> {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD_NO_PAD;
    use rand::RngCore;
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let mut out = [0u8; 32];
    let h = hasher();
    let params = h.params().clone();
    h.hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, ws.blocks(params.block_count()))
        .map_err(|e| PasswordError::Hash(e.to_string()))?;
    Ok(format!(
        "$argon2id$v=19$m={},t={},p={}${}${}",
        params.m_cost(),
        params.t_cost(),
        params.p_cost(),
        STANDARD_NO_PAD.encode(salt),
        STANDARD_NO_PAD.encode(out)
    ))
}

/// [`verify_password`], using `ws` as the working memory for argon2id hashes
/// (other algorithms fall back to the allocating path).
pub fn verify_password_in(ws: &mut Workspace, password: &str, phc: &str) -> bool {
    use subtle::ConstantTimeEq;
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    if parsed.algorithm != argon2::ARGON2ID_IDENT {
        return verify_password(password, phc);
    }
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    if params.block_count() > MAX_BLOCKS {
        return false;
    }
    let version = match parsed.version {
        Some(v) => match Version::try_from(v) {
            Ok(v) => v,
            Err(_) => return false,
        },
        None => Version::V0x13,
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let expected = expected.as_bytes();
    let mut out = vec![0u8; expected.len()];
    let count = params.block_count();
    let h = Argon2::new(Algorithm::Argon2id, version, params);
    if h.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, ws.blocks(count))
        .is_err()
    {
        return false;
    }
    out.ct_eq(expected).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let h = hash_password("korrekt hest batteri stift").expect("hash");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("korrekt hest batteri stift", &h));
        assert!(!verify_password("korrekt hest batteri stifT", &h));
        assert!(!verify_password("x", "not a phc string"));
        assert!(!verify_password("x", ""));
        assert!(!dummy_hash().is_empty());
    }

    #[test]
    fn workspace_path_is_compatible_both_ways() {
        let mut ws = Workspace::default();
        let a = hash_password_in(&mut ws, "korrekt hest batteri stift").expect("hash");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert!(
            verify_password("korrekt hest batteri stift", &a),
            "standard verifier accepts ours"
        );
        let b = hash_password("korrekt hest batteri stift").expect("hash");
        assert!(
            verify_password_in(&mut ws, "korrekt hest batteri stift", &b),
            "ours accepts standard"
        );
        assert!(verify_password_in(&mut ws, "korrekt hest batteri stift", &a));
        assert!(!verify_password_in(&mut ws, "korrekt hest batteri stiFt", &a));
        assert!(!verify_password_in(&mut ws, "x", "garbage"));
        assert!(!verify_password_in(
            &mut ws,
            "x",
            "$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHQ$aGFzaA"
        ));
    }
}
