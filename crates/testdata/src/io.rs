//! Input and output shared by every `etterlev testdata` command.
//!
//! - [`OutputFile`]: output goes to a temporary file in the target's directory
//!   and is renamed into place by [`OutputFile::commit`] (after flush and
//!   fsync), so a failed run never leaves a half-written file that looks
//!   complete. An existing target is refused unless `force` is set. Dropping
//!   an `OutputFile` without committing deletes the temporary file. The path
//!   `-` means standard output. The file is created with the temporary file's
//!   mode (0600 on Unix): outputs of this crate may hold personal data.
//! - [`open_input`]: a buffered reader that checks UTF-8 as it reads
//!   (skipping a byte-order mark) and reports the line of the first invalid
//!   byte, with a hint when the input looks like a Windows-1252/Latin-1
//!   export (the usual case for files saved by Excel on Norwegian Windows);
//!   or transcodes Windows-1252 to UTF-8 with `encoding_rs`. The path `-`
//!   means standard input.
//!
//! Readers return [`std::io::Error`] (that is what `BufRead` allows); an
//! encoding error travels inside it and [`IoError::from_io`] gets it back.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How input bytes are decoded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputEncoding {
    /// UTF-8; invalid bytes stop reading with [`IoError::NotUtf8`]. A
    /// byte-order mark at the start is skipped.
    #[default]
    Utf8,
    /// Windows-1252 (a superset of the printable Latin-1 range), transcoded
    /// to UTF-8.
    Windows1252,
}

impl InputEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            InputEncoding::Utf8 => "utf-8",
            InputEncoding::Windows1252 => "windows-1252",
        }
    }
}

impl std::str::FromStr for InputEncoding {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Ok(InputEncoding::Utf8),
            "windows-1252" | "windows1252" | "cp1252" | "latin-1" | "latin1" | "iso-8859-1" => {
                Ok(InputEncoding::Windows1252)
            }
            other => Err(format!("unknown input encoding {other:?} (use utf-8 or windows-1252)")),
        }
    }
}

/// What [`sniff_encoding`] concluded from a sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sniffed {
    /// Only bytes below 0x80.
    Ascii,
    /// Valid UTF-8 with at least one multi-byte character (a sequence cut
    /// off at the end of the sample is tolerated).
    Utf8,
    /// Not UTF-8; the bytes above 0x7F stand alone between ASCII characters
    /// and include the Latin-1 codes of æ, ø, å, Æ, Ø or Å.
    Windows1252,
    /// Not UTF-8 and no recognisable single-byte Norwegian text.
    Unknown,
}

/// Latin-1 / Windows-1252 codes for æ ø å Æ Ø Å.
const NORWEGIAN_LATIN1: [u8; 6] = [0xE6, 0xF8, 0xE5, 0xC6, 0xD8, 0xC5];

/// `bytes` as text: UTF-8 when valid, else read as Windows-1252 (the other
/// encoding Norwegian exports come in); the flag says which.
pub fn utf8_or_windows1252(bytes: &[u8]) -> (std::borrow::Cow<'_, str>, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (std::borrow::Cow::Borrowed(s), false),
        Err(_) => (encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0, true),
    }
}

/// The CSV delimiter of the first line of `sample`: the most frequent of
/// `,` `;` tab outside quotes (a tie goes to the comma), or `None` when the
/// line has none of them.
pub fn sniff_csv_delimiter(sample: &[u8]) -> Option<u8> {
    let line = sample.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let mut counts = [0usize; 3];
    let mut in_quote = false;
    for &b in line {
        match b {
            b'"' => in_quote = !in_quote,
            b',' if !in_quote => counts[0] += 1,
            b';' if !in_quote => counts[1] += 1,
            b'\t' if !in_quote => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], usize::from(i == 0))).unwrap_or(0);
    (counts[best] > 0).then_some([b',', b';', b'\t'][best])
}

/// Cheap guess at the encoding of a sample (e.g. the first 64 KiB, or the
/// buffer in which invalid UTF-8 was found).
pub fn sniff_encoding(sample: &[u8]) -> Sniffed {
    if sample.is_ascii() {
        return Sniffed::Ascii;
    }
    match std::str::from_utf8(sample) {
        Ok(_) => return Sniffed::Utf8,
        // Cut off in the middle of a character at the end of the sample.
        Err(e) if e.error_len().is_none() && e.valid_up_to() + 4 > sample.len() => return Sniffed::Utf8,
        Err(_) => {}
    }
    let mut high = 0usize;
    let mut isolated = 0usize;
    let mut norwegian = 0usize;
    for (i, &b) in sample.iter().enumerate() {
        if b < 0x80 {
            continue;
        }
        high += 1;
        let before_ascii = i == 0 || sample[i - 1] < 0x80;
        let after_ascii = i + 1 == sample.len() || sample[i + 1] < 0x80;
        if before_ascii && after_ascii {
            isolated += 1;
        }
        if NORWEGIAN_LATIN1.contains(&b) {
            norwegian += 1;
        }
    }
    // Latin-1 text has single high bytes between ASCII letters; UTF-8 has runs
    // of two or more. Allow some noise (e.g. "Æø" next to each other).
    if norwegian > 0 && isolated * 10 >= high * 7 {
        Sniffed::Windows1252
    } else {
        Sniffed::Unknown
    }
}

/// Errors of this module. Messages are meant for the person running the CLI.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    #[error("{}: {source}", path.display())]
    Open { path: PathBuf, source: io::Error },
    #[error("{} already exists (use --force to overwrite it)", path.display())]
    Exists { path: PathBuf },
    #[error("{} is a directory", path.display())]
    IsDirectory { path: PathBuf },
    #[error("cannot create a temporary file next to {}: {source}", path.display())]
    Temp { path: PathBuf, source: io::Error },
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error(
        "line {line}: the input is not valid UTF-8{}; {}",
        if *looks_like_windows1252 { " (this looks like a Windows-1252/Latin-1 export, e.g. from Excel)" } else { "" },
        "if it was saved as Windows-1252 or Latin-1, use --input-encoding windows-1252, or convert it to UTF-8"
    )]
    NotUtf8 { line: u64, looks_like_windows1252: bool },
    #[error("cannot read the input: {0}")]
    Read(io::Error),
}

impl IoError {
    /// Gets an encoding error back out of the `io::Error` a reader returned,
    /// or wraps any other error as [`IoError::Read`].
    pub fn from_io(error: io::Error) -> IoError {
        if error.get_ref().is_some_and(|inner| inner.is::<EncodingError>()) {
            // Checked just above; into_inner cannot fail here.
            if let Some(inner) = error.into_inner()
                && let Ok(enc) = inner.downcast::<EncodingError>()
            {
                return IoError::NotUtf8 {
                    line: enc.line,
                    looks_like_windows1252: enc.looks_like_windows1252,
                };
            }
            return IoError::Read(io::Error::other("encoding error"));
        }
        IoError::Read(error)
    }

    /// The encoding error inside an `io::Error`, without taking it apart.
    pub fn encoding_in(error: &io::Error) -> Option<IoError> {
        let enc = error.get_ref()?.downcast_ref::<EncodingError>()?;
        Some(IoError::NotUtf8 {
            line: enc.line,
            looks_like_windows1252: enc.looks_like_windows1252,
        })
    }
}

/// Carried inside `io::Error` by the UTF-8 reader.
#[derive(Debug, Clone, Copy)]
struct EncodingError {
    line: u64,
    looks_like_windows1252: bool,
}

impl fmt::Display for EncodingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = IoError::NotUtf8 {
            line: self.line,
            looks_like_windows1252: self.looks_like_windows1252,
        };
        write!(f, "{e}")
    }
}

impl std::error::Error for EncodingError {}

const READ_CHUNK: usize = 1 << 20;

/// Opens `path` (`-` = standard input) for reading as UTF-8.
pub fn open_input(path: &Path, encoding: InputEncoding) -> Result<Box<dyn BufRead + Send>, IoError> {
    let raw: Box<dyn Read + Send> = if path == Path::new("-") {
        Box::new(io::stdin())
    } else {
        if path.is_dir() {
            return Err(IoError::IsDirectory {
                path: path.to_path_buf(),
            });
        }
        Box::new(File::open(path).map_err(|source| IoError::Open {
            path: path.to_path_buf(),
            source,
        })?)
    };
    Ok(decode_input(raw, encoding))
}

/// Wraps any byte source (e.g. a test's `&[u8]` or a socket) like [`open_input`].
pub fn decode_input(raw: Box<dyn Read + Send>, encoding: InputEncoding) -> Box<dyn BufRead + Send> {
    match encoding {
        InputEncoding::Utf8 => Box::new(Utf8Reader::new(raw)),
        InputEncoding::Windows1252 => Box::new(Windows1252Reader::new(raw)),
    }
}

/// Passes UTF-8 through in large chunks, checking each chunk. A character
/// split between two reads is carried over to the next one.
struct Utf8Reader {
    inner: Box<dyn Read + Send>,
    buf: Vec<u8>,
    /// Next byte to hand out.
    pos: usize,
    /// End of the checked part of `buf`.
    valid_end: usize,
    /// End of the bytes read into `buf`.
    end: usize,
    /// Newlines in the chunks already handed out (before `buf`).
    lines_before: u64,
    at_start: bool,
    eof: bool,
    /// A pending error (reported once the valid bytes before it are consumed).
    error: Option<EncodingError>,
}

impl Utf8Reader {
    fn new(inner: Box<dyn Read + Send>) -> Utf8Reader {
        Utf8Reader {
            inner,
            buf: vec![0; READ_CHUNK],
            pos: 0,
            valid_end: 0,
            end: 0,
            lines_before: 0,
            at_start: true,
            eof: false,
            error: None,
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        // Count the newlines of the chunk that was handed out.
        self.lines_before += count_newlines(&self.buf[..self.valid_end]) as u64;
        // Keep the (at most three) bytes of a character cut off at the end.
        let tail = self.end - self.valid_end;
        self.buf.copy_within(self.valid_end..self.end, 0);
        self.pos = 0;
        self.valid_end = 0;
        self.end = tail;
        loop {
            // Read until at least one complete character is available.
            while self.end < self.buf.len() && !self.eof {
                match self.inner.read(&mut self.buf[self.end..]) {
                    Ok(0) => self.eof = true,
                    Ok(n) => {
                        self.end += n;
                        break;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            if self.at_start {
                if self.end < 3 && !self.eof && self.buf[..self.end] == b"\xEF\xBB\xBF"[..self.end] {
                    continue; // Too short to tell whether a BOM is there.
                }
                self.at_start = false;
                if self.buf[..self.end].starts_with(b"\xEF\xBB\xBF") {
                    self.pos = 3;
                }
            }
            break;
        }
        let chunk = &self.buf[self.pos..self.end];
        match simdutf8::compat::from_utf8(chunk) {
            Ok(_) => self.valid_end = self.end,
            Err(e) => {
                self.valid_end = self.pos + e.valid_up_to();
                let incomplete_at_end = e.error_len().is_none();
                if !incomplete_at_end || self.eof {
                    let line = self.lines_before + count_newlines(&self.buf[..self.valid_end]) as u64 + 1;
                    let sample_start = self.valid_end.saturating_sub(32 * 1024);
                    let sample_end = (self.valid_end + 32 * 1024).min(self.end);
                    let looks = sniff_encoding(&self.buf[sample_start..sample_end]) == Sniffed::Windows1252;
                    self.error = Some(EncodingError {
                        line,
                        looks_like_windows1252: looks,
                    });
                }
            }
        }
        Ok(())
    }
}

fn count_newlines(bytes: &[u8]) -> usize {
    // Vectorises well; faster than memchr for dense newlines.
    bytes.iter().filter(|&&b| b == b'\n').count()
}

impl Read for Utf8Reader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Utf8Reader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.valid_end {
            if let Some(e) = self.error {
                return Err(io::Error::new(io::ErrorKind::InvalidData, e));
            }
            if self.eof && self.valid_end == self.end {
                return Ok(&[]);
            }
            self.refill()?;
        }
        Ok(&self.buf[self.pos..self.valid_end])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.valid_end);
    }
}

/// Transcodes Windows-1252 to UTF-8 (every byte maps to a character, so it
/// cannot fail). A UTF-8 byte-order mark switches to UTF-8, as browsers do.
struct Windows1252Reader {
    inner: Box<dyn Read + Send>,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    output: Vec<u8>,
    pos: usize,
    end: usize,
    eof: bool,
}

impl Windows1252Reader {
    fn new(inner: Box<dyn Read + Send>) -> Windows1252Reader {
        let decoder = encoding_rs::WINDOWS_1252.new_decoder();
        let input_len = READ_CHUNK / 2;
        // Room for the worst case, so one call always decodes a whole read.
        let output_len = decoder.max_utf8_buffer_length(input_len).unwrap_or(input_len * 3 + 16);
        Windows1252Reader {
            inner,
            decoder,
            input: vec![0; input_len],
            output: vec![0; output_len],
            pos: 0,
            end: 0,
            eof: false,
        }
    }
}

impl Read for Windows1252Reader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Windows1252Reader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.end && !self.eof {
            let n = loop {
                match self.inner.read(&mut self.input) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            let last = n == 0;
            self.eof = last;
            let (_result, read, written, _replaced) =
                self.decoder.decode_to_utf8(&self.input[..n], &mut self.output, last);
            if read != n {
                return Err(io::Error::other("windows-1252 decoder: output buffer too small"));
            }
            self.pos = 0;
            self.end = written;
        }
        Ok(&self.output[self.pos..self.end])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.end);
    }
}

/// An output file written to a temporary file and renamed on [`commit`](Self::commit).
pub struct OutputFile {
    target: Target,
}

enum Target {
    Stdout(BufWriter<io::Stdout>),
    File {
        writer: Option<BufWriter<tempfile::NamedTempFile>>,
        path: PathBuf,
        force: bool,
        writeback: Writeback,
    },
}

/// Bytes written between two requests to start writing the file to disk.
const WRITEBACK_EVERY: u64 = 64 << 20;

/// Writes a large output to disk while it is still being produced. Without
/// it the kernel keeps gigabytes dirty in memory and the sync in `commit`
/// waits for all of them after the work is done; with it, that sync waits
/// for the last part only. A background thread syncs a duplicate handle on
/// request; the writer never waits for it (a request while one is running
/// is simply made again later). Started after the first `WRITEBACK_EVERY`
/// bytes, so small outputs never start a thread.
#[derive(Default)]
struct Writeback {
    requests: Option<std::sync::mpsc::SyncSender<()>>,
    worker: Option<std::thread::JoinHandle<Option<io::Error>>>,
    unsynced: u64,
}

impl Writeback {
    fn wrote(&mut self, n: usize, file: &File) {
        self.unsynced += n as u64;
        if self.unsynced < WRITEBACK_EVERY {
            return;
        }
        if self.worker.is_none() {
            self.start(file);
        }
        if let Some(tx) = &self.requests
            && tx.try_send(()).is_ok()
        {
            self.unsynced = 0;
        }
    }

    fn start(&mut self, file: &File) {
        let Ok(file) = file.try_clone() else { return };
        let (tx, rx) = std::sync::mpsc::sync_channel::<()>(1);
        let worker = std::thread::Builder::new().name("writeback".into()).spawn(move || {
            // The handle shares the file description with the writer's, so
            // an error this sync sees would not be seen again by the final
            // one: it is handed back instead.
            let mut first_error = None;
            while rx.recv().is_ok() {
                if let Err(e) = file.sync_data() {
                    first_error.get_or_insert(e);
                }
            }
            first_error
        });
        if let Ok(worker) = worker {
            self.requests = Some(tx);
            self.worker = Some(worker);
        }
    }

    /// Stops the thread; the first error it met, if any.
    fn finish(&mut self) -> io::Result<()> {
        self.requests = None;
        match self.worker.take().map(|w| w.join()) {
            Some(Ok(Some(e))) => Err(e),
            Some(Err(_)) => Err(io::Error::other("the writeback thread failed")),
            _ => Ok(()),
        }
    }
}

impl fmt::Debug for OutputFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.target {
            Target::Stdout(_) => f.write_str("OutputFile(-)"),
            Target::File { path, .. } => write!(f, "OutputFile({})", path.display()),
        }
    }
}

impl OutputFile {
    /// Prepares to write `path` (`-` = standard output). Refuses an existing
    /// path unless `force`.
    pub fn create(path: &Path, force: bool) -> Result<OutputFile, IoError> {
        if path == Path::new("-") {
            return Ok(OutputFile {
                target: Target::Stdout(BufWriter::with_capacity(OUTPUT_BUFFER, io::stdout())),
            });
        }
        if path.is_dir() {
            return Err(IoError::IsDirectory {
                path: path.to_path_buf(),
            });
        }
        if !force && path.symlink_metadata().is_ok() {
            return Err(IoError::Exists {
                path: path.to_path_buf(),
            });
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".partial")
            .tempfile_in(&dir)
            .map_err(|source| IoError::Temp {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(OutputFile {
            target: Target::File {
                writer: Some(BufWriter::with_capacity(OUTPUT_BUFFER, tmp)),
                path: path.to_path_buf(),
                force,
                writeback: Writeback::default(),
            },
        })
    }

    /// The target path (`-` for standard output).
    pub fn path(&self) -> &Path {
        match &self.target {
            Target::Stdout(_) => Path::new("-"),
            Target::File { path, .. } => path,
        }
    }

    pub fn is_stdout(&self) -> bool {
        matches!(self.target, Target::Stdout(_))
    }

    /// Flushes, syncs to disk and renames the temporary file to the target.
    /// Without `force`, a target that appeared in the meantime is not
    /// overwritten (the rename is refused).
    pub fn commit(mut self) -> Result<(), IoError> {
        match &mut self.target {
            Target::Stdout(w) => w.flush().map_err(|source| IoError::Write {
                path: PathBuf::from("-"),
                source,
            }),
            Target::File {
                writer,
                path,
                force,
                writeback,
            } => {
                let path = path.clone();
                let werr = |source| IoError::Write {
                    path: path.clone(),
                    source,
                };
                let Some(writer) = writer.take() else { return Ok(()) };
                let tmp = writer.into_inner().map_err(|e| werr(e.into_error()))?;
                writeback.finish().map_err(werr)?;
                tmp.as_file().sync_all().map_err(werr)?;
                let persisted = if *force {
                    tmp.persist(&path)
                } else {
                    tmp.persist_noclobber(&path)
                };
                match persisted {
                    Ok(_) => {}
                    Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => {
                        return Err(IoError::Exists { path });
                    }
                    Err(e) => return Err(werr(e.error)),
                }
                // Make the rename itself durable.
                if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty())
                    && let Ok(d) = File::open(dir)
                {
                    let _ = d.sync_all();
                }
                Ok(())
            }
        }
    }
}

/// The output buffer: it gathers small writes; a write at least this large
/// (a batch of `pseudonymise`, about 1 MB) goes straight to the file. A
/// buffer larger than the batches copied every byte once more (a 1 MiB
/// buffer took 3 % of a `pseudonymise` run into a file).
const OUTPUT_BUFFER: usize = 1 << 16;

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.target {
            Target::Stdout(w) => w.write(buf),
            Target::File {
                writer: Some(w),
                writeback,
                ..
            } => {
                let n = w.write(buf)?;
                writeback.wrote(n, w.get_ref().as_file());
                Ok(n)
            }
            Target::File { writer: None, .. } => Err(io::Error::other("output already committed")),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.target {
            Target::Stdout(w) => w.write_all(buf),
            Target::File {
                writer: Some(w),
                writeback,
                ..
            } => {
                w.write_all(buf)?;
                writeback.wrote(buf.len(), w.get_ref().as_file());
                Ok(())
            }
            Target::File { writer: None, .. } => Err(io::Error::other("output already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.target {
            Target::Stdout(w) => w.flush(),
            Target::File { writer: Some(w), .. } => w.flush(),
            Target::File { writer: None, .. } => Ok(()),
        }
    }
}

// Dropping a `Target::File` drops the `NamedTempFile`, which deletes it.

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8], enc: InputEncoding) -> Result<String, IoError> {
        let mut r = decode_input(Box::new(io::Cursor::new(bytes.to_vec())), enc);
        let mut s = String::new();
        r.read_to_string(&mut s).map_err(IoError::from_io)?;
        Ok(s)
    }

    /// A reader that hands out one byte at a time (splits every character).
    struct Trickle(Vec<u8>, usize);
    impl Read for Trickle {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.1 >= self.0.len() || out.is_empty() {
                return Ok(0);
            }
            out[0] = self.0[self.1];
            self.1 += 1;
            Ok(1)
        }
    }

    #[test]
    fn utf8_passes_and_bom_is_skipped() {
        assert_eq!(
            read_all("navn;by\nÆsa;Tromsø\n".as_bytes(), InputEncoding::Utf8).unwrap(),
            "navn;by\nÆsa;Tromsø\n"
        );
        assert_eq!(read_all(b"\xEF\xBB\xBFa,b\n", InputEncoding::Utf8).unwrap(), "a,b\n");
        assert_eq!(read_all(b"", InputEncoding::Utf8).unwrap(), "");
        let cut_bom = read_all(b"\xEF\xBB", InputEncoding::Utf8)
            .map_err(|e| e.to_string())
            .unwrap_err();
        assert!(cut_bom.contains("line 1"), "{cut_bom}");
        let text = "første linje\nandre: æøå ÆØÅ €\n".repeat(1000);
        let mut r = decode_input(Box::new(Trickle(text.clone().into_bytes(), 0)), InputEncoding::Utf8);
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, text);
        let mut r = decode_input(Box::new(Trickle(b"\xEF\xBB\xBFx".to_vec(), 0)), InputEncoding::Utf8);
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, "x");
    }

    #[test]
    fn latin1_is_refused_with_line_and_hint() {
        let bytes = b"navn,by\nOla,Oslo\nK\xE5re,Troms\xF8\n";
        let err = read_all(bytes, InputEncoding::Utf8).unwrap_err();
        match &err {
            IoError::NotUtf8 {
                line,
                looks_like_windows1252,
            } => {
                assert_eq!(*line, 3);
                assert!(looks_like_windows1252);
            }
            other => panic!("{other:?}"),
        }
        let msg = err.to_string();
        assert!(
            msg.contains("line 3")
                && msg.contains("Windows-1252/Latin-1")
                && msg.contains("--input-encoding windows-1252"),
            "{msg}"
        );
        // Accepted when declared.
        assert_eq!(
            read_all(bytes, InputEncoding::Windows1252).unwrap(),
            "navn,by\nOla,Oslo\nKåre,Tromsø\n"
        );
        assert_eq!(
            read_all(b"\x80 \x93x\x94", InputEncoding::Windows1252).unwrap(),
            "€ “x”"
        );
    }

    #[test]
    fn invalid_utf8_far_into_a_large_input() {
        let mut bytes = "a,b\n".repeat(700_000).into_bytes(); // > one read chunk
        bytes.extend_from_slice(b"\xFF\xFE,x\n");
        let err = read_all(&bytes, InputEncoding::Utf8).unwrap_err();
        assert!(
            matches!(
                err,
                IoError::NotUtf8 {
                    line: 700_001,
                    looks_like_windows1252: false
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff_encoding(b"abc"), Sniffed::Ascii);
        assert_eq!(sniff_encoding("blåbær".as_bytes()), Sniffed::Utf8);
        assert_eq!(sniff_encoding(&"blåbær".as_bytes()[..3]), Sniffed::Utf8);
        assert_eq!(sniff_encoding(b"bl\xE5b\xE6r"), Sniffed::Windows1252);
        assert_eq!(sniff_encoding(b"\x00\xFF\xFE\xAB\xCD"), Sniffed::Unknown);
    }

    #[test]
    fn encoding_names() {
        assert_eq!("Windows-1252".parse::<InputEncoding>(), Ok(InputEncoding::Windows1252));
        assert_eq!("utf-8".parse::<InputEncoding>(), Ok(InputEncoding::Utf8));
        assert!("ebcdic".parse::<InputEncoding>().is_err());
    }

    /// An output large enough to start the writeback thread is written
    /// whole; one dropped without commit leaves nothing behind.
    #[test]
    fn large_outputs_are_written_back_while_they_grow() {
        let dir = tempfile::tempdir().unwrap();
        let chunk: Vec<u8> = (0..1 << 20).map(|i| (i % 251) as u8).collect();
        let chunks = (WRITEBACK_EVERY >> 20) as usize * 2 + 3;
        let path = dir.path().join("big.bin");
        let mut out = OutputFile::create(&path, false).unwrap();
        for _ in 0..chunks {
            out.write_all(&chunk).unwrap();
        }
        match &out.target {
            Target::File { writeback, .. } => assert!(writeback.worker.is_some(), "writeback started"),
            Target::Stdout(_) => unreachable!(),
        }
        out.commit().unwrap();
        let written = std::fs::read(&path).unwrap();
        assert_eq!(written.len(), chunks << 20);
        assert!(written.chunks(1 << 20).all(|c| c == &chunk[..]));

        let gone = dir.path().join("gone.bin");
        let mut out = OutputFile::create(&gone, false).unwrap();
        for _ in 0..chunks {
            out.write_all(&chunk).unwrap();
        }
        drop(out);
        assert!(!gone.exists());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn output_is_renamed_on_commit_and_removed_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let mut out = OutputFile::create(&path, false).unwrap();
        out.write_all(b"hello\n").unwrap();
        assert!(!path.exists(), "nothing at the target before commit");
        out.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"hello\n");

        // Existing path refused without force.
        let err = OutputFile::create(&path, false).unwrap_err();
        assert!(matches!(err, IoError::Exists { .. }));
        assert!(err.to_string().contains("--force"));

        // Dropped without commit: no trace left, the old file is intact.
        {
            let mut out = OutputFile::create(&path, true).unwrap();
            out.write_all(b"half").unwrap();
        }
        assert_eq!(std::fs::read(&path).unwrap(), b"hello\n");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "temporary file removed"
        );

        // With force: replaced.
        let mut out = OutputFile::create(&path, true).unwrap();
        out.write_all(b"new\n").unwrap();
        out.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new\n");

        // A target created while writing is not clobbered without force.
        let other = dir.path().join("race.csv");
        let mut out = OutputFile::create(&other, false).unwrap();
        std::fs::write(&other, b"someone else").unwrap();
        out.write_all(b"mine").unwrap();
        assert!(matches!(out.commit(), Err(IoError::Exists { .. })));
        assert_eq!(std::fs::read(&other).unwrap(), b"someone else");

        assert!(matches!(
            OutputFile::create(dir.path(), true),
            Err(IoError::IsDirectory { .. })
        ));
    }

    #[test]
    fn missing_input_is_a_typed_error() {
        let err = open_input(Path::new("/nonexistent/x.csv"), InputEncoding::Utf8)
            .err()
            .unwrap();
        assert!(matches!(err, IoError::Open { .. }));
    }
}
