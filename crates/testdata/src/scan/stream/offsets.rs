use super::*;

/// Maps offsets in Windows-1252-decoded text back to the original bytes
/// (each original byte became one character). Queries must not go backwards.
pub(super) struct OffsetMap {
    pub(super) decoded: bool,
    pub(super) pos: usize,
    pub(super) cont: usize,
}

impl OffsetMap {
    pub(super) fn orig(&mut self, text: &[u8], p: usize) -> u64 {
        if !self.decoded {
            return p as u64;
        }
        if p >= self.pos {
            self.cont += text[self.pos..p].iter().filter(|&&b| (0x80..0xC0).contains(&b)).count();
            self.pos = p;
        }
        (p - self.cont) as u64
    }
}

/// Plain text and JSON Lines: line numbers by counting newlines between hits.
#[allow(clippy::too_many_arguments)]
pub(super) fn map_text(
    ctx: &Ctx,
    file: &str,
    text: &[u8],
    base: u64,
    hits: &mut [RawHit],
    offsets: &mut OffsetMap,
    acc: &mut Acc,
    json_lines: bool,
) {
    let mut line = 0u64; // newlines before `pos`
    let mut pos = 0usize;
    let mut line_start = 0usize;
    let mut spans: Option<(usize, Vec<json::Span>)> = None;
    for hit in hits.iter_mut() {
        if hit.start > pos {
            for nl in memchr_iter(b'\n', &text[pos..hit.start]) {
                line += 1;
                line_start = pos + nl + 1;
            }
            pos = hit.start;
        }
        let mut path = None;
        if json_lines {
            let line_end = memchr(b'\n', &text[line_start..]).map_or(text.len(), |e| line_start + e);
            if spans.as_ref().is_none_or(|(s, _)| *s != line_start) {
                spans = Some((line_start, json::spans(&text[line_start..line_end])));
            }
            let rel = hit.start - line_start;
            let span = spans
                .as_ref()
                .and_then(|(_, v)| v.iter().find(|s| s.start <= rel && rel < s.end));
            let column = span.map_or(Hints(0), |s| {
                s.key.as_deref().map_or(Hints(0), |k| ctx.det.header_hints(k))
            });
            if !hit.apply_column(column) {
                continue;
            }
            path = span.map(|s| s.path.clone());
        } else if !hit.apply_column(Hints(0)) {
            continue;
        }
        let byte = base + offsets.orig(text, hit.start);
        let l = line + 1;
        acc.add(ctx, file, hit, &text[hit.start..hit.end], || Location {
            line: Some(l),
            json_path: path,
            byte_offset: Some(byte),
            ..Location::default()
        });
    }
}

/// CSV: walks the records of the block, assigning hits to (record, field).
/// Returns the number of records in the block.
#[allow(clippy::too_many_arguments)]
pub(super) fn map_csv(
    ctx: &Ctx,
    file: &str,
    csv: &CsvLayout,
    text: &[u8],
    base: u64,
    hits: &mut [RawHit],
    offsets: &mut OffsetMap,
    acc: &mut Acc,
) -> u64 {
    let mut pos = 0;
    let mut record = 0u64;
    let mut line = 0u64;
    let mut hi = 0;
    while pos < text.len() {
        let (end, inner, _) = record_end(text, pos, csv.delim);
        if hi < hits.len() && hits[hi].start < end {
            let mut cursor = FieldCursor {
                pos,
                field: 0,
                in_quote: false,
                at_start: true,
            };
            while hi < hits.len() && hits[hi].start < end {
                let hit = &mut hits[hi];
                hi += 1;
                cursor.advance(text, hit.start, csv.delim);
                if !cursor.in_quote && memchr(csv.delim, &text[hit.start..hit.end.min(end)]).is_some() {
                    continue; // spans two fields
                }
                let field = cursor.field;
                let hint = csv.hints.get(field).copied().unwrap_or_default();
                if !hit.apply_column(hint) {
                    continue;
                }
                let l = line
                    + 1
                    + if inner > 0 {
                        memchr_iter(b'\n', &text[pos..hit.start]).count() as u64
                    } else {
                        0
                    };
                let byte = base + offsets.orig(text, hit.start);
                let r = record + 1;
                acc.add(ctx, file, hit, &text[hit.start..hit.end], || Location {
                    line: Some(l),
                    row: Some(r),
                    column: Some(csv.name(field)),
                    byte_offset: Some(byte),
                    ..Location::default()
                });
            }
        }
        record += 1;
        line += 1 + inner;
        pos = end + 1;
    }
    record
}

/// Walks a CSV record field by field (quote-aware).
pub(super) struct FieldCursor {
    pub(super) pos: usize,
    pub(super) field: usize,
    pub(super) in_quote: bool,
    pub(super) at_start: bool,
}

impl FieldCursor {
    pub(super) fn advance(&mut self, text: &[u8], target: usize, delim: u8) {
        while self.pos < target {
            let b = text[self.pos];
            if self.in_quote {
                match memchr(b'"', &text[self.pos..target]) {
                    None => self.pos = target,
                    Some(o) => {
                        let q = self.pos + o;
                        if text.get(q + 1) == Some(&b'"') {
                            self.pos = q + 2;
                        } else {
                            self.in_quote = false;
                            self.pos = q + 1;
                        }
                    }
                }
            } else if b == delim {
                self.field += 1;
                self.at_start = true;
                self.pos += 1;
            } else {
                if b == b'"' && self.at_start {
                    self.in_quote = true;
                }
                self.at_start = false;
                // Jump to the next delimiter or quote.
                let next = memchr2(delim, b'"', &text[self.pos + 1..target]).map_or(target, |o| self.pos + 1 + o);
                self.pos = next;
            }
        }
    }
}

/// The end of the CSV record starting at `start`: the index of its
/// terminating '\n' (or `buf.len()`), newlines inside quoted fields, and
/// whether the terminator was found. A quote opens a quoted field only at
/// the start of a field; `""` inside quotes is an escaped quote.
pub(crate) fn record_end(buf: &[u8], start: usize, delim: u8) -> (usize, u64, bool) {
    let mut p = start;
    let mut inner = 0u64;
    loop {
        let Some(o) = memchr2(b'"', b'\n', &buf[p..]) else {
            return (buf.len(), inner, false);
        };
        let q = p + o;
        if buf[q] == b'\n' {
            return (q, inner, true);
        }
        let field_start = q == start || buf[q - 1] == delim;
        if !field_start {
            p = q + 1;
            continue;
        }
        // Quoted field: find the closing quote.
        let mut r = q + 1;
        loop {
            let Some(o2) = memchr(b'"', &buf[r..]) else {
                inner += memchr_iter(b'\n', &buf[r..]).count() as u64;
                return (buf.len(), inner, false);
            };
            let c = r + o2;
            inner += memchr_iter(b'\n', &buf[r..c]).count() as u64;
            if c + 1 == buf.len() {
                return (buf.len(), inner, false);
            }
            if buf[c + 1] == b'"' {
                r = c + 2;
                continue;
            }
            p = c + 1;
            break;
        }
    }
}

/// The delimiter of the first line (see [`sniff_csv_delimiter`]); a line
/// without one is a one-column file: tab for `.tsv`, else comma.
pub(super) fn sniff_delimiter(body: &[u8], path: &str) -> u8 {
    sniff_csv_delimiter(body).unwrap_or(if path.to_ascii_lowercase().ends_with(".tsv") {
        b'\t'
    } else {
        b','
    })
}

/// Header names (quotes removed, trimmed); true when decoded as Windows-1252.
pub(super) fn parse_header(header: &[u8], delim: u8) -> (Vec<String>, bool) {
    let header = header.strip_suffix(b"\r").unwrap_or(header);
    let (text, was_1252) = utf8_or_windows1252(header);
    let mut names = Vec::new();
    let mut cur = String::new();
    let mut in_quote = false;
    let mut at_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quote {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    in_quote = false;
                }
            } else {
                cur.push(c);
            }
        } else if c as u32 == u32::from(delim) {
            names.push(cur.trim().to_string());
            cur.clear();
            at_start = true;
            continue;
        } else if c == '"' && at_start {
            in_quote = true;
        } else {
            cur.push(c);
        }
        at_start = false;
    }
    names.push(cur.trim().to_string());
    (names, was_1252)
}
