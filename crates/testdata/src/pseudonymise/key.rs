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

use aes::Aes128;
use aes::cipher::{BlockEncrypt, KeyInit};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// HKDF salt: names the scheme and its version. A new version of the scheme
/// must change it (and so every pseudonym). v2: AES-128 replaced SipHash-2-4
/// as the PRF of the id and date permutations.
const HKDF_SALT: &[u8] = b"etterlev-testdata/pseudonymise/v2";

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
            id_prf: Prf::from_key(&id[..16]),
            date_prf: Prf::from_key(&date[16..]),
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
    pub id_prf: Prf,
    /// PRF for the birth-date permutation.
    pub date_prf: Prf,
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

/// The keyed PRF behind the synthetic ids and the date permutation:
/// AES-128 (with the CPU's AES instructions where it has them) on one block
/// that packs the input word and a domain byte. A block cipher is a PRF on
/// distinct inputs far below 2^64 queries. Four blocks encrypted together
/// give the eight 64-bit words a small Feistel network needs for all its
/// rounds (`words8`) in about the time of one dependent hash call.
#[derive(Clone)]
pub(crate) struct Prf {
    aes: Aes128,
}

/// Domain bytes (the last byte of the block), so `word` and `words8` never
/// encrypt the same block.
const DOMAIN_WORD: u8 = 0x01;
const DOMAIN_WORDS8: u8 = 0x02;
const DOMAIN_BYTES: u8 = 0x03;

impl Prf {
    /// `key` holds at least 16 bytes; the first 16 are used.
    pub fn from_key(key: &[u8]) -> Prf {
        let mut k = Zeroizing::new([0u8; 16]);
        let n = key.len().min(16);
        k[..n].copy_from_slice(&key[..n]);
        Prf {
            aes: Aes128::new(&aes::Block::from(*k)),
        }
    }

    #[inline]
    fn block(m: u64, index: u8, domain: u8) -> aes::Block {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&m.to_le_bytes());
        b[8] = index;
        b[15] = domain;
        aes::Block::from(b)
    }

    #[inline]
    fn low_word(block: &aes::Block) -> u64 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&block[..8]);
        u64::from_le_bytes(w)
    }

    /// One 64-bit output for the input word `m`.
    #[inline]
    pub fn word(&self, m: u64) -> u64 {
        let mut b = Self::block(m, 0, DOMAIN_WORD);
        self.aes.encrypt_block(&mut b);
        Self::low_word(&b)
    }

    /// Eight independent 64-bit outputs for the input word `m`.
    #[inline]
    pub fn words8(&self, m: u64) -> [u64; 8] {
        let mut blocks = [0u8, 1, 2, 3].map(|i| Self::block(m, i, DOMAIN_WORDS8));
        self.aes.encrypt_blocks(&mut blocks);
        let mut out = [0u64; 8];
        for (pair, b) in out.chunks_exact_mut(2).zip(&blocks) {
            pair[0] = Self::low_word(b);
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[8..]);
            pair[1] = u64::from_le_bytes(w);
        }
        out
    }

    /// One 64-bit output for a tag byte and up to 14 bytes of input (longer
    /// inputs give `None`; the caller falls back to HMAC).
    #[inline]
    pub fn short_bytes(&self, tag: u8, bytes: &[u8]) -> Option<u64> {
        if bytes.len() > 14 {
            return None;
        }
        let mut b = [0u8; 16];
        b[..bytes.len()].copy_from_slice(bytes);
        b[14] = tag;
        // The length goes in too: inputs that differ only by trailing zero
        // bytes must not share a block.
        b[15] = DOMAIN_BYTES | ((bytes.len() as u8) << 4);
        let mut block = aes::Block::from(b);
        self.aes.encrypt_block(&mut block);
        Some(Self::low_word(&block))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aes_known_answer_and_domains() {
        // FIPS-197 appendix C.1: AES-128, key 00..0f.
        let key: Vec<u8> = (0u8..16).collect();
        let prf = Prf::from_key(&key);
        let mut block = aes::Block::from([
            0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
        ]);
        prf.aes.encrypt_block(&mut block);
        assert_eq!(
            block.as_slice(),
            [
                0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30, 0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a
            ]
        );
        // The eight words are distinct, and none equals the single word.
        let w = prf.words8(42);
        let mut sorted = w.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 8);
        assert!(!w.contains(&prf.word(42)));
        assert_ne!(prf.word(42), prf.word(43));
        // Short inputs: tag and length both matter; long ones are refused.
        assert_ne!(prf.short_bytes(1, b"ab"), prf.short_bytes(2, b"ab"));
        assert_ne!(prf.short_bytes(1, b"ab"), prf.short_bytes(1, b"ab\0"));
        assert!(prf.short_bytes(1, &[7; 14]).is_some());
        assert!(prf.short_bytes(1, &[7; 15]).is_none());
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
        assert_eq!(a.sub_keys().id_prf.word(1), key.sub_keys().id_prf.word(1));
    }

    #[test]
    fn sub_keys_differ_by_purpose_and_key() {
        let k1 = Key::from_bytes(&[1u8; 32]).unwrap().sub_keys();
        let k2 = Key::from_bytes(&[2u8; 32]).unwrap().sub_keys();
        assert_ne!(hmac_tagged(&k1.token, b"t", b"x"), hmac_tagged(&k2.token, b"t", b"x"));
        assert_ne!(hmac_tagged(&k1.token, b"t", b"x"), hmac_tagged(&k1.date, b"t", b"x"));
        assert_ne!(hmac_tagged(&k1.token, b"t", b"x"), hmac_tagged(&k1.token, b"u", b"x"));
        assert_ne!(k1.id_prf.word(0), k1.date_prf.word(0));
        assert_ne!(*k1.mapping, *k2.mapping);
    }
}
