//! The secret key and everything derived from it.
//!
//! One master key (at least 32 bytes, from a file or an environment variable —
//! the CLI reads it) is expanded with HKDF-SHA256 into independent sub-keys,
//! one per purpose, so a value tokenised in one role can never be linked to
//! the same value in another: `token`, `id` (the keyed permutations behind
//! synthetic ids), `date` (per-person date offsets and the birth-date
//! permutation) and `mapping` (encryption of the re-identification mapping).
//! The key is never printed: `Debug` is redacted and the bytes are zeroed when
//! dropped.

use std::fmt;

use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// HKDF salt: names the scheme and its version. A new version of the scheme
/// must change it (and so every pseudonym).
const HKDF_SALT: &[u8] = b"etterlev-testdata/pseudonymise/v1";

/// Why a key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("no pseudonymisation key: give a key file or an environment variable holding at least {min} random bytes")]
    Missing { min: usize },
    #[error(
        "the pseudonymisation key is too short: {len} bytes, at least {min} are needed (e.g. `openssl rand -hex 32`)"
    )]
    TooShort { len: usize, min: usize },
}

/// The master key. Cheap to clone? No — deliberately not `Clone`: pass a reference.
pub struct Key {
    bytes: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key([redacted])")
    }
}

impl Key {
    /// The shortest key accepted, in bytes.
    pub const MIN_LEN: usize = 32;

    /// Uses the bytes exactly as given (no trimming).
    pub fn from_bytes(bytes: &[u8]) -> Result<Key, KeyError> {
        if bytes.is_empty() {
            return Err(KeyError::Missing { min: Self::MIN_LEN });
        }
        if bytes.len() < Self::MIN_LEN {
            return Err(KeyError::TooShort {
                len: bytes.len(),
                min: Self::MIN_LEN,
            });
        }
        Ok(Key {
            bytes: Zeroizing::new(bytes.to_vec()),
        })
    }

    /// For the contents of a key file or an environment variable: trailing
    /// whitespace (the newline an editor or `echo` adds) is not part of the
    /// key, so the same key gives the same pseudonyms however it was stored.
    pub fn from_text_bytes(bytes: &[u8]) -> Result<Key, KeyError> {
        let end = bytes
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .map_or(0, |i| i + 1);
        let start = bytes[..end]
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(end);
        Key::from_bytes(&bytes[start..end])
    }

    pub(crate) fn sub_keys(&self) -> SubKeys {
        let hk = Hkdf::<Sha256>::new(Some(HKDF_SALT), &self.bytes);
        let expand = |info: &[u8]| {
            let mut okm = Zeroizing::new([0u8; 32]);
            // 32 bytes is far below HKDF-SHA256's limit of 8160.
            hk.expand(info, okm.as_mut()).unwrap_or_default();
            okm
        };
        let token = expand(b"token");
        let id = expand(b"id");
        let date = expand(b"date");
        let mapping = expand(b"mapping");
        SubKeys {
            token: new_hmac(token.as_ref()),
            date: new_hmac(date.as_ref()),
            id_prf: Sip::from_key(&id[..16]),
            date_prf: Sip::from_key(&date[16..]),
            mapping,
        }
    }
}

fn new_hmac(key: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length.
    <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable_hmac())
}

#[cold]
fn unreachable_hmac() -> Hmac<Sha256> {
    // new_from_slice never fails for HMAC; keep a total function anyway.
    <Hmac<Sha256> as hmac::digest::KeyInit>::new(&Default::default())
}

/// Keys derived from the master key, one per purpose.
#[derive(Clone)]
pub(crate) struct SubKeys {
    /// HMAC-SHA256 for tokens (cloned per use: the key schedule is done once).
    pub token: Hmac<Sha256>,
    /// HMAC-SHA256 for per-person date offsets.
    pub date: Hmac<Sha256>,
    /// PRF for the keyed permutations of synthetic ids.
    pub id_prf: Sip,
    /// PRF for the birth-date permutation.
    pub date_prf: Sip,
    /// Input key material for the mapping file (a per-file HKDF step follows).
    pub mapping: Zeroizing<[u8; 32]>,
}

/// HMAC-SHA256 over `tag ‖ 0x00 ‖ value`, keyed with a prepared instance.
pub(crate) fn hmac_tagged(mac: &Hmac<Sha256>, tag: &[u8], value: &[u8]) -> [u8; 32] {
    let mut m = mac.clone();
    m.update(tag);
    m.update(&[0]);
    m.update(value);
    m.finalize().into_bytes().into()
}

/// SipHash-2-4 (Aumasson & Bernstein), a keyed PRF for short inputs, here on
/// one or two 64-bit words. Used as the round function of the small Feistel
/// networks: about 20 ns per call, where HMAC-SHA256 takes ~150 ns.
#[derive(Clone, Copy)]
pub(crate) struct Sip {
    k0: u64,
    k1: u64,
}

impl Sip {
    pub fn from_key(key: &[u8]) -> Sip {
        let mut a = [0u8; 8];
        let mut b = [0u8; 8];
        a.copy_from_slice(&key[..8]);
        b.copy_from_slice(&key[8..16]);
        Sip {
            k0: u64::from_le_bytes(a),
            k1: u64::from_le_bytes(b),
        }
    }

    /// SipHash-2-4 of the 8-byte message `m.to_le_bytes()`.
    #[inline]
    pub fn hash1(&self, m: u64) -> u64 {
        self.hash(&[m], 8)
    }

    /// SipHash-2-4 of the 16-byte message `a.to_le_bytes() ‖ b.to_le_bytes()`.
    #[cfg(test)]
    pub fn hash2(&self, a: u64, b: u64) -> u64 {
        self.hash(&[a, b], 16)
    }

    #[inline(always)]
    fn hash(&self, words: &[u64], len: u64) -> u64 {
        let mut v0 = self.k0 ^ 0x736f_6d65_7073_6575;
        let mut v1 = self.k1 ^ 0x646f_7261_6e64_6f6d;
        let mut v2 = self.k0 ^ 0x6c79_6765_6e65_7261;
        let mut v3 = self.k1 ^ 0x7465_6462_7974_6573;
        macro_rules! round {
            () => {
                v0 = v0.wrapping_add(v1);
                v1 = v1.rotate_left(13);
                v1 ^= v0;
                v0 = v0.rotate_left(32);
                v2 = v2.wrapping_add(v3);
                v3 = v3.rotate_left(16);
                v3 ^= v2;
                v0 = v0.wrapping_add(v3);
                v3 = v3.rotate_left(21);
                v3 ^= v0;
                v2 = v2.wrapping_add(v1);
                v1 = v1.rotate_left(17);
                v1 ^= v2;
                v2 = v2.rotate_left(32);
            };
        }
        for &m in words.iter().chain(std::iter::once(&(len << 56))) {
            v3 ^= m;
            round!();
            round!();
            v0 ^= m;
        }
        v2 ^= 0xff;
        round!();
        round!();
        round!();
        round!();
        v0 ^ v1 ^ v2 ^ v3
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siphash_reference_vector() {
        // Reference implementation, key 00..0f, message 00..0f (16 bytes).
        let key: Vec<u8> = (0u8..16).collect();
        let sip = Sip::from_key(&key);
        let a = u64::from_le_bytes([0, 1, 2, 3, 4, 5, 6, 7]);
        let b = u64::from_le_bytes([8, 9, 10, 11, 12, 13, 14, 15]);
        assert_eq!(
            sip.hash2(a, b),
            u64::from_le_bytes([0xdb, 0x9b, 0xc2, 0x57, 0x7f, 0xcc, 0x2a, 0x3f])
        );
        assert_eq!(
            sip.hash1(a),
            u64::from_le_bytes([0x62, 0x24, 0x93, 0x9a, 0x79, 0xf5, 0xf5, 0x93])
        );
    }

    #[test]
    fn short_and_missing_keys_are_refused_and_never_shown() {
        assert!(matches!(Key::from_bytes(b""), Err(KeyError::Missing { .. })));
        let err = Key::from_bytes(&[7u8; 31]).unwrap_err();
        assert_eq!(err, KeyError::TooShort { len: 31, min: 32 });
        assert!(err.to_string().contains("31 bytes"));
        let key = Key::from_bytes(b"0123456789abcdef0123456789abcdef").unwrap();
        assert_eq!(format!("{key:?}"), "Key([redacted])");
        // Whitespace around a key read from text does not count.
        assert!(matches!(
            Key::from_text_bytes(b"  0123456789abcdef0123456789abcde\n"),
            Err(KeyError::TooShort { len: 31, .. })
        ));
        let a = Key::from_text_bytes(b"0123456789abcdef0123456789abcdef\r\n").unwrap();
        assert_eq!(a.sub_keys().id_prf.hash1(1), key.sub_keys().id_prf.hash1(1));
    }

    #[test]
    fn sub_keys_differ_by_purpose_and_key() {
        let k1 = Key::from_bytes(&[1u8; 32]).unwrap().sub_keys();
        let k2 = Key::from_bytes(&[2u8; 32]).unwrap().sub_keys();
        assert_ne!(hmac_tagged(&k1.token, b"t", b"x"), hmac_tagged(&k2.token, b"t", b"x"));
        assert_ne!(hmac_tagged(&k1.token, b"t", b"x"), hmac_tagged(&k1.date, b"t", b"x"));
        assert_ne!(hmac_tagged(&k1.token, b"t", b"x"), hmac_tagged(&k1.token, b"u", b"x"));
        assert_ne!(k1.id_prf.hash1(0), k1.date_prf.hash1(0));
        assert_ne!(*k1.mapping, *k2.mapping);
    }
}
