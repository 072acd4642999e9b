//! Limits on what an uploaded Office file (a zip container) may expand to,
//! checked before any parser opens it.
//!
//! A parser such as calamine reads a workbook's shared strings whole when it
//! opens the file, so a few megabytes of compressed, repetitive XML can ask
//! for gigabytes. The check decompresses every entry into nothing while
//! counting the bytes it really produces (declared sizes can lie) and stops
//! at the first limit, so it costs bounded time and constant memory.

use std::io::{Cursor, Read};

/// What a file may expand to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipLimits {
    /// Entries in the container.
    pub max_entries: usize,
    /// Bytes of all entries together, decompressed.
    pub max_total: u64,
    /// Expansion of one entry over its compressed size, for entries of at
    /// least [`ZipLimits::ratio_from`] bytes (small files compress oddly).
    pub max_ratio: u64,
    pub ratio_from: u64,
}

/// For the answers spreadsheet and other workbooks people upload: a real
/// one is far below these (the answers to Normen's 205 requirements come to
/// well under a megabyte of XML).
pub const UPLOADED_WORKBOOK: ZipLimits = ZipLimits {
    max_entries: 2_000,
    max_total: 64 * 1024 * 1024,
    max_ratio: 200,
    ratio_from: 1024 * 1024,
};

/// Why a container was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipLimitError {
    #[error("not a zip container: {0}")]
    NotZip(String),
    #[error("more than {max} entries")]
    TooManyEntries { max: usize },
    #[error("expands to more than {max} bytes")]
    TooLarge { max: u64 },
    #[error("an entry expands more than {max} times")]
    RatioTooHigh { max: u64 },
}

/// Checks `bytes` against `limits` without keeping what it decompresses.
pub fn check(bytes: &[u8], limits: ZipLimits) -> Result<(), ZipLimitError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ZipLimitError::NotZip(e.to_string()))?;
    if archive.len() > limits.max_entries {
        return Err(ZipLimitError::TooManyEntries {
            max: limits.max_entries,
        });
    }
    let mut total: u64 = 0;
    let mut buffer = [0u8; 64 * 1024];
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| ZipLimitError::NotZip(e.to_string()))?;
        let compressed = entry.compressed_size().max(1);
        // A declared size over the limit is refused without reading.
        if total.saturating_add(entry.size()) > limits.max_total {
            return Err(ZipLimitError::TooLarge { max: limits.max_total });
        }
        let mut expanded: u64 = 0;
        loop {
            let read = entry
                .read(&mut buffer)
                .map_err(|e| ZipLimitError::NotZip(e.to_string()))?;
            if read == 0 {
                break;
            }
            expanded += read as u64;
            if total + expanded > limits.max_total {
                return Err(ZipLimitError::TooLarge { max: limits.max_total });
            }
            if expanded >= limits.ratio_from && expanded / compressed > limits.max_ratio {
                return Err(ZipLimitError::RatioTooHigh { max: limits.max_ratio });
            }
        }
        total += expanded;
    }
    Ok(())
}

/// An uploaded workbook that passed [`UPLOADED_WORKBOOK`]. The only way to
/// get one is [`CheckedWorkbook::check`], so every reader of an upload
/// (the answers, the meta sheet, the row numbers in messages) takes this
/// type and the expansion is checked once per upload, before any of them.
#[derive(Debug, Clone)]
pub struct CheckedWorkbook {
    bytes: Vec<u8>,
}

impl CheckedWorkbook {
    /// Checks `bytes` against [`UPLOADED_WORKBOOK`].
    pub fn check(bytes: Vec<u8>) -> Result<Self, ZipLimitError> {
        check(&bytes, UPLOADED_WORKBOOK)?;
        Ok(Self { bytes })
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Opens the workbook with calamine, which reads every shared string
    /// here: safe because the expansion was checked.
    pub fn open(&self) -> Result<calamine::Xlsx<Cursor<&[u8]>>, calamine::XlsxError> {
        use calamine::Reader;
        calamine::Xlsx::new(Cursor::new(self.bytes.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A zip with the given entries, each `size` bytes of one repeated
    /// character (what a bomb is made of).
    fn zip_of(entries: &[(&str, usize)]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let chunk = vec![b'a'; 64 * 1024];
        for (name, size) in entries {
            out.start_file(*name, options).expect("start entry");
            let mut left = *size;
            while left > 0 {
                let n = left.min(chunk.len());
                out.write_all(&chunk[..n]).expect("write entry");
                left -= n;
            }
        }
        out.finish().expect("finish zip").into_inner()
    }

    const SMALL: ZipLimits = ZipLimits {
        max_entries: 10,
        max_total: 4 * 1024 * 1024,
        max_ratio: 200,
        ratio_from: 1024 * 1024,
    };

    #[test]
    fn an_ordinary_container_passes() {
        let bytes = zip_of(&[("a.xml", 10_000), ("b.xml", 20_000)]);
        assert_eq!(check(&bytes, SMALL), Ok(()));
    }

    #[test]
    fn a_bomb_is_refused_by_its_expansion() {
        // 8 MiB of one letter compresses to a few kilobytes.
        let bytes = zip_of(&[("xl/sharedStrings.xml", 8 * 1024 * 1024)]);
        assert!(bytes.len() < 100_000, "{}", bytes.len());
        let err = check(&bytes, SMALL).expect_err("refused");
        assert!(
            matches!(err, ZipLimitError::RatioTooHigh { .. } | ZipLimitError::TooLarge { .. }),
            "{err:?}"
        );
        let lax_ratio = ZipLimits {
            max_ratio: u64::MAX,
            ..SMALL
        };
        assert_eq!(
            check(&bytes, lax_ratio),
            Err(ZipLimitError::TooLarge { max: SMALL.max_total })
        );
    }

    #[test]
    fn many_small_entries_add_up() {
        let entries: Vec<(String, usize)> = (0..8).map(|i| (format!("e{i}.xml"), 700 * 1024)).collect();
        let named: Vec<(&str, usize)> = entries.iter().map(|(n, s)| (n.as_str(), *s)).collect();
        let bytes = zip_of(&named);
        assert_eq!(
            check(&bytes, SMALL),
            Err(ZipLimitError::TooLarge { max: SMALL.max_total })
        );
        let entries: Vec<(String, usize)> = (0..11).map(|i| (format!("e{i}.xml"), 10)).collect();
        let named: Vec<(&str, usize)> = entries.iter().map(|(n, s)| (n.as_str(), *s)).collect();
        assert_eq!(
            check(&zip_of(&named), SMALL),
            Err(ZipLimitError::TooManyEntries { max: 10 })
        );
    }

    #[test]
    fn a_checked_workbook_exists_only_within_the_limits() {
        let ordinary = zip_of(&[("xl/workbook.xml", 1_000)]);
        assert_eq!(
            CheckedWorkbook::check(ordinary.clone()).map(|w| w.bytes().to_vec()),
            Ok(ordinary)
        );
        let bomb = zip_of(&[("xl/sharedStrings.xml", 80 * 1024 * 1024)]);
        assert!(CheckedWorkbook::check(bomb).is_err());
        assert!(matches!(
            CheckedWorkbook::check(b"PK but not".to_vec()),
            Err(ZipLimitError::NotZip(_))
        ));
    }

    #[test]
    fn garbage_is_not_a_zip() {
        assert!(matches!(check(b"not a zip", SMALL), Err(ZipLimitError::NotZip(_))));
    }
}
