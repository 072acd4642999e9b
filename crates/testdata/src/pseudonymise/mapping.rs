//! The encrypted re-identification mapping (original → pseudonym).
//!
//! Written only when asked for. The plaintext is JSON Lines,
//! `{"column": …, "original": …, "pseudonym": …}` per line (a value may
//! appear more than once; [`reveal`] removes repeats).
//!
//! File layout (version 1):
//!
//! ```text
//! magic    "ETLV-PSEUDO-MAP" (15 bytes)
//! version  1 (1 byte)
//! salt     16 random bytes
//! nonce    7 random bytes (prefix)
//! chunks   repeated: length of the sealed chunk (u32, big-endian) ‖ sealed chunk
//! ```
//!
//! Each chunk holds at most 64 KiB of plaintext, sealed with
//! ChaCha20-Poly1305 under `HKDF-SHA256(mapping sub-key, salt,
//! "etterlev-testdata/mapping/v1")`; the nonce is `prefix ‖ counter (u32,
//! big-endian) ‖ last-chunk flag`, and the header is the associated data.
//! The last chunk (possibly empty) carries the flag, so a truncated file, a
//! reordered chunk or a changed header fails to decrypt.

use std::collections::HashSet;
use std::io::{Read, Write};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use hkdf::Hkdf;
use rand::RngCore;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::Key;
use super::key::SubKeys;

const MAGIC: &[u8; 15] = b"ETLV-PSEUDO-MAP";
const VERSION: u8 = 1;
const HEADER_LEN: usize = 15 + 1 + 16 + 7;
const CHUNK: usize = 64 * 1024;
const TAG_LEN: usize = 16;

#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    #[error("not a pseudonymisation mapping file")]
    NotAMapping,
    #[error("mapping file version {0} is not supported (this build reads version {VERSION})")]
    Version(u8),
    #[error("the mapping cannot be decrypted: wrong key, or the file was changed")]
    Decrypt,
    #[error("the mapping file is cut short (the last part is missing)")]
    Truncated,
    #[error("mapping file I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("mapping entry is not valid: {0}")]
    Entry(String),
}

fn file_key(ikm: &[u8], salt: &[u8]) -> ChaCha20Poly1305 {
    let hk = Hkdf::<Sha256>::new(Some(salt), ikm);
    let mut okm = Zeroizing::new([0u8; 32]);
    // 32 bytes is within HKDF's output limit.
    hk.expand(b"etterlev-testdata/mapping/v1", okm.as_mut())
        .unwrap_or_default();
    ChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(okm.as_ref()))
}

fn nonce(prefix: &[u8], counter: u32, last: bool) -> Nonce {
    let mut n = [0u8; 12];
    n[..7].copy_from_slice(prefix);
    n[7..11].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    *Nonce::from_slice(&n)
}

/// Encrypts mapping entries as they come.
pub struct MappingWriter<'a> {
    out: &'a mut dyn Write,
    cipher: ChaCha20Poly1305,
    header: [u8; HEADER_LEN],
    buf: Zeroizing<Vec<u8>>,
    counter: u32,
}

impl<'a> MappingWriter<'a> {
    pub(crate) fn new(out: &'a mut dyn Write, keys: &SubKeys) -> Result<MappingWriter<'a>, MappingError> {
        let mut header = [0u8; HEADER_LEN];
        header[..15].copy_from_slice(MAGIC);
        header[15] = VERSION;
        rand::rngs::OsRng.fill_bytes(&mut header[16..]);
        out.write_all(&header)?;
        let cipher = file_key(keys.mapping.as_ref(), &header[16..32]);
        Ok(MappingWriter {
            out,
            cipher,
            header,
            buf: Zeroizing::new(Vec::with_capacity(CHUNK)),
            counter: 0,
        })
    }

    pub fn write_all(&mut self, mut data: &[u8]) -> Result<(), MappingError> {
        while !data.is_empty() {
            let room = CHUNK - self.buf.len();
            let n = room.min(data.len());
            self.buf.extend_from_slice(&data[..n]);
            data = &data[n..];
            if self.buf.len() == CHUNK {
                self.seal(false)?;
            }
        }
        Ok(())
    }

    fn seal(&mut self, last: bool) -> Result<(), MappingError> {
        let n = nonce(&self.header[32..], self.counter, last);
        let sealed = self
            .cipher
            .encrypt(
                &n,
                Payload {
                    msg: &self.buf,
                    aad: &self.header,
                },
            )
            .map_err(|_| MappingError::Entry("encryption failed".into()))?;
        self.out.write_all(&(sealed.len() as u32).to_be_bytes())?;
        self.out.write_all(&sealed)?;
        self.buf.clear();
        self.counter = self
            .counter
            .checked_add(1)
            .ok_or_else(|| MappingError::Entry("mapping too large".into()))?;
        Ok(())
    }

    /// Seals the last chunk and flushes.
    pub fn finish(mut self) -> Result<(), MappingError> {
        self.seal(true)?;
        self.out.flush()?;
        Ok(())
    }
}

/// One line of the mapping.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MappingEntry {
    pub column: String,
    pub original: String,
    pub pseudonym: String,
}

/// Decrypts a mapping file into JSON Lines, dropping repeated entries.
/// Returns the number of entries written.
pub fn reveal(key: &Key, input: &mut dyn Read, out: &mut dyn Write) -> Result<u64, MappingError> {
    let mut seen = HashSet::new();
    let mut count = 0u64;
    decrypt(key, input, |line| {
        if seen.insert(line.to_vec()) {
            out.write_all(line)?;
            out.write_all(b"\n")?;
            count += 1;
        }
        Ok(())
    })?;
    out.flush()?;
    Ok(count)
}

/// Decrypts a mapping file into its entries (without repeats, in order).
pub fn read_entries(key: &Key, input: &mut dyn Read) -> Result<Vec<MappingEntry>, MappingError> {
    let mut entries = Vec::new();
    let mut seen = HashSet::new();
    decrypt(key, input, |line| {
        if seen.insert(line.to_vec()) {
            let e: MappingEntry = serde_json::from_slice(line).map_err(|e| MappingError::Entry(e.to_string()))?;
            entries.push(e);
        }
        Ok(())
    })?;
    Ok(entries)
}

fn decrypt(
    key: &Key,
    input: &mut dyn Read,
    mut line: impl FnMut(&[u8]) -> Result<(), MappingError>,
) -> Result<(), MappingError> {
    let mut header = [0u8; HEADER_LEN];
    read_exact_or(input, &mut header, MappingError::NotAMapping)?;
    if &header[..15] != MAGIC {
        return Err(MappingError::NotAMapping);
    }
    if header[15] != VERSION {
        return Err(MappingError::Version(header[15]));
    }
    let keys = key.sub_keys();
    let cipher = file_key(keys.mapping.as_ref(), &header[16..32]);
    let mut counter = 0u32;
    let mut pending: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::new());
    loop {
        let mut len = [0u8; 4];
        read_exact_or(input, &mut len, MappingError::Truncated)?;
        let len = u32::from_be_bytes(len) as usize;
        if !(TAG_LEN..=CHUNK + TAG_LEN).contains(&len) {
            return Err(MappingError::Decrypt);
        }
        let mut sealed = vec![0u8; len];
        read_exact_or(input, &mut sealed, MappingError::Truncated)?;
        // The last chunk is the one whose flag authenticates.
        let (plain, last) = match cipher.decrypt(
            &nonce(&header[32..], counter, false),
            Payload {
                msg: &sealed,
                aad: &header,
            },
        ) {
            Ok(p) => (p, false),
            Err(_) => match cipher.decrypt(
                &nonce(&header[32..], counter, true),
                Payload {
                    msg: &sealed,
                    aad: &header,
                },
            ) {
                Ok(p) => (p, true),
                Err(_) => return Err(MappingError::Decrypt),
            },
        };
        pending.extend_from_slice(&plain);
        drop(Zeroizing::new(plain));
        let mut start = 0;
        while let Some(nl) = memchr::memchr(b'\n', &pending[start..]) {
            line(&pending[start..start + nl])?;
            start += nl + 1;
        }
        pending.drain(..start);
        if last {
            let mut probe = [0u8; 1];
            if input.read(&mut probe)? != 0 {
                return Err(MappingError::Decrypt);
            }
            if !pending.is_empty() {
                line(&pending)?;
            }
            return Ok(());
        }
        counter = counter.checked_add(1).ok_or(MappingError::Decrypt)?;
    }
}

fn read_exact_or(input: &mut dyn Read, buf: &mut [u8], short: MappingError) -> Result<(), MappingError> {
    match input.read_exact(buf) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(short),
        Err(e) => Err(MappingError::Io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(key: &Key, data: &[u8]) -> Vec<u8> {
        let mut file = Vec::new();
        let keys = key.sub_keys();
        let mut w = MappingWriter::new(&mut file, &keys).unwrap();
        w.write_all(data).unwrap();
        w.finish().unwrap();
        file
    }

    #[test]
    fn round_trip_and_tampering() {
        let key = Key::from_bytes(&[3u8; 32]).unwrap();
        let mut data = Vec::new();
        for i in 0..5000 {
            data.extend_from_slice(
                format!(
                    "{{\"column\":\"fnr\",\"original\":\"{:011}\",\"pseudonym\":\"x{i}\"}}\n",
                    15108695088u64 + i
                )
                .as_bytes(),
            );
        }
        data.extend_from_slice(&data.clone()[..100]); // a repeat of the first entry … cut mid-line
        let file = write(&key, &data);
        assert!(file.len() > 2 * CHUNK, "several chunks");
        assert!(
            memchr::memmem::find(&file, b"15108695088").is_none(),
            "no original in clear"
        );
        let entries = read_entries(&key, &mut &file[..]);
        assert!(
            matches!(entries, Err(MappingError::Entry(_))),
            "the cut line is reported"
        );

        data.truncate(data.len() - 100);
        let file = write(&key, &data);
        let entries = read_entries(&key, &mut &file[..]).unwrap();
        assert_eq!(entries.len(), 5000);
        assert_eq!(entries[0].original, "15108695088");

        // Wrong key.
        let other = Key::from_bytes(&[4u8; 32]).unwrap();
        assert!(matches!(
            read_entries(&other, &mut &file[..]),
            Err(MappingError::Decrypt)
        ));
        // Truncated: drop the last chunk.
        let cut = &file[..file.len() - 40];
        assert!(matches!(
            read_entries(&key, &mut &cut[..]),
            Err(MappingError::Truncated | MappingError::Decrypt)
        ));
        let first_chunk_end = HEADER_LEN + 4 + CHUNK + TAG_LEN;
        assert!(matches!(
            read_entries(&key, &mut &file[..first_chunk_end]),
            Err(MappingError::Truncated)
        ));
        // Flipped byte.
        let mut bad = file.clone();
        bad[HEADER_LEN + 10] ^= 1;
        assert!(matches!(read_entries(&key, &mut &bad[..]), Err(MappingError::Decrypt)));
        // Changed header.
        let mut bad = file.clone();
        bad[20] ^= 1;
        assert!(matches!(read_entries(&key, &mut &bad[..]), Err(MappingError::Decrypt)));
        // Not a mapping.
        assert!(matches!(
            read_entries(&key, &mut &b"id,fnr\n1,2\n"[..]),
            Err(MappingError::NotAMapping)
        ));
        // Two files of the same data differ (random salt and nonce).
        assert_ne!(write(&key, &data), file);
    }

    #[test]
    fn empty_mapping() {
        let key = Key::from_bytes(&[3u8; 32]).unwrap();
        let file = write(&key, b"");
        let mut out = Vec::new();
        assert_eq!(reveal(&key, &mut &file[..], &mut out).unwrap(), 0);
    }
}
