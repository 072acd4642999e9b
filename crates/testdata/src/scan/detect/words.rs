use super::*;

#[derive(Default)]
pub(super) struct NameRun {
    pub(super) words: [(usize, usize, u8); 8],
    pub(super) len: usize,
    /// Index of the first word after ", ".
    pub(super) comma: Option<usize>,
}

impl NameRun {
    pub(super) fn flush(&mut self, out: &mut Vec<RawHit>) {
        let before = out.len();
        self.emit(out);
        // Words in no name pair ("Anne", "Emma Ella", "Ahmed"): one
        // single-name candidate per stretch of them, kept only in a name column.
        let words = &self.words[..self.len];
        let pairs = out.len();
        let mut stretch: Option<(usize, usize)> = None;
        for w in words {
            if out[before..pairs].iter().any(|h| h.start <= w.0 && w.1 <= h.end) {
                if let Some((s, e)) = stretch.take() {
                    out.push(single_name(s, e));
                }
            } else {
                stretch = Some(stretch.map_or((w.0, w.1), |(s, _)| (s, w.1)));
            }
        }
        if let Some((s, e)) = stretch {
            out.push(single_name(s, e));
        }
        if out.len() > pairs {
            out[before..].sort_by_key(|h| h.start);
        }
        self.len = 0;
        self.comma = None;
    }

    pub(super) fn emit(&self, out: &mut Vec<RawHit>) {
        let words = &self.words[..self.len];
        match self.comma {
            Some(c) => {
                // "Hansen, Kari (Anne)": surnames, comma, given names.
                let left_all_surnames = words[..c].iter().all(|w| w.2 & SURNAME != 0);
                let right_given = words[c..].iter().take_while(|w| w.2 & GIVEN != 0).count();
                if left_all_surnames && right_given > 0 {
                    let end = words[c + right_given - 1].1;
                    out.push(RawHit::new(words[0].0, end, Kind::Name, Confidence::Medium));
                    emit_given_surname(&words[c + right_given..], out);
                } else {
                    emit_given_surname(&words[..c], out);
                    emit_given_surname(&words[c..], out);
                }
            }
            None => emit_given_surname(words, out),
        }
    }
}

pub(super) fn single_name(s: usize, e: usize) -> RawHit {
    let mut h = RawHit::new(s, e, Kind::Name, Confidence::Low);
    h.flags |= flag::SINGLE_NAME;
    h
}

/// "Given (Given|Surname)* Surname" sequences.
pub(super) fn emit_given_surname(mut words: &[(usize, usize, u8)], out: &mut Vec<RawHit>) {
    while let Some(gi) = words.iter().position(|w| w.2 & GIVEN != 0) {
        let rest = &words[gi + 1..];
        match rest.iter().rposition(|w| w.2 & SURNAME != 0) {
            Some(si) => {
                out.push(RawHit::new(words[gi].0, rest[si].1, Kind::Name, Confidence::Medium));
                words = &rest[si + 1..];
            }
            None => return,
        }
    }
}

/// Up to eight digit groups joined by single separators (' ', '-', '.').
#[derive(Default)]
pub(super) struct Chain {
    pub(super) atoms: [(usize, usize); 8],
    /// Separator before atom k (k ≥ 1).
    pub(super) seps: [u8; 8],
    pub(super) len: usize,
}

impl Chain {
    pub(super) fn build(&mut self, text: &[u8], start: usize) {
        let n = text.len();
        self.len = 0;
        let mut s = start;
        loop {
            let mut e = s;
            while e < n && text[e].is_ascii_digit() {
                e += 1;
            }
            self.atoms[self.len] = (s, e);
            self.len += 1;
            if self.len == self.atoms.len()
                || e + 1 >= n
                || !matches!(text[e], b' ' | b'-' | b'.')
                || !text[e + 1].is_ascii_digit()
            {
                return;
            }
            self.seps[self.len] = text[e];
            s = e + 1;
        }
    }

    pub(super) fn same_sep(&self) -> bool {
        self.seps[1..self.len].iter().all(|&x| x == self.seps[1])
    }

    pub(super) fn lens(&self) -> [usize; 8] {
        let mut l = [0; 8];
        for (slot, (s, e)) in l.iter_mut().zip(&self.atoms[..self.len]) {
            *slot = e - s;
        }
        l
    }

    /// Copies the chain's digits into `out` (which must be exactly as long
    /// as the digits wanted; surplus digits are ignored).
    pub(super) fn collect_digits(&self, text: &[u8], out: &mut [u8]) {
        let mut k = 0;
        for &(s, e) in &self.atoms[..self.len] {
            for &b in &text[s..e] {
                if k < out.len() {
                    out[k] = b;
                    k += 1;
                }
            }
        }
    }
}

/// ASCII letter, digit, '_' or any byte of a multi-byte UTF-8 character
/// (treated as a letter: æ, ø, å, é …).
#[inline]
pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

#[inline]
pub(super) fn is_local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

#[inline]
pub(super) fn is_domain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

pub(super) fn letter_adjacent(text: &[u8], s: usize, e: usize) -> bool {
    let before = s > 0 && (text[s - 1].is_ascii_alphabetic() || text[s - 1] == b'_');
    let after = e < text.len() && (text[e].is_ascii_alphabetic() || text[e] == b'_');
    before || after
}

/// An upper-case first letter: A–Z or Æ, Ø, Å (UTF-8).
pub(super) fn starts_upper(word: &[u8]) -> bool {
    match word {
        [b, ..] if b.is_ascii_uppercase() => true,
        [0xC3, 0x86 | 0x98 | 0x85, ..] => true,
        _ => false,
    }
}

/// The start of the word that ends at `end` (exclusive): letters, including
/// non-ASCII and the 'é' of "allé".
pub(super) fn word_start(text: &[u8], end: usize) -> usize {
    let mut s = end;
    while s > 0 && (text[s - 1].is_ascii_alphabetic() || text[s - 1] >= 0x80) {
        s -= 1;
    }
    s
}

/// If the digits at `s` follow "<street> ", the start of the street name.
pub(super) fn street_before(text: &[u8], s: usize) -> Option<usize> {
    if s < 2 || text[s - 1] != b' ' {
        return None;
    }
    let we = s - 1;
    let ws = word_start(text, we);
    let word = &text[ws..we];
    if word.len() < 3 || (ws > 0 && is_word_byte(text[ws - 1]) && text[ws - 1] != b'-') {
        return None;
    }
    let suffix = STREET_SUFFIXES
        .iter()
        .find(|suf| ends_with_ignore_ascii_case(word, suf.as_bytes()))?;
    if word.len() > suffix.len() {
        // A compound street name: "Storgata", "Kirkeveien".
        return starts_upper(word).then_some(ws);
    }
    // The suffix as its own word after a genitive: "Karl Johans gate".
    let mut start = ws;
    let mut words = 0;
    while start >= 2 && text[start - 1] == b' ' && words < 3 {
        let ps = word_start(text, start - 1);
        let prev = &text[ps..start - 1];
        if prev.is_empty() || !starts_upper(prev) {
            break;
        }
        // "Karl Johans gate" takes a genitive; an avenue need not ("Bygdøy allé").
        let avenue = matches!(*suffix, "allé" | "alle");
        if words == 0 && !prev.ends_with(b"s") && !avenue {
            return None;
        }
        start = ps;
        words += 1;
    }
    (words > 0).then_some(start)
}

pub(super) fn ends_with_ignore_ascii_case(word: &[u8], suffix: &[u8]) -> bool {
    word.len() >= suffix.len() && word[word.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// "0150 Oslo" at `p`: four digits, a space, a capitalised word of at least
/// two letters. Returns the end of the place name.
pub(super) fn postcode_town(text: &[u8], p: usize) -> Option<usize> {
    let code = text.get(p..p + 4)?;
    if !code.iter().all(u8::is_ascii_digit) || text.get(p + 4) != Some(&b' ') {
        return None;
    }
    let ts = p + 5;
    let mut te = ts;
    while te < text.len() && (text[te].is_ascii_alphabetic() || text[te] >= 0x80) {
        te += 1;
    }
    let town = &text[ts..te];
    if !starts_upper(town) || town.len() < 2 || (te < text.len() && is_word_byte(text[te])) {
        return None;
    }
    Some(te)
}

/// Sorts by start (longest first on ties) and drops hits overlapping an
/// earlier kept one.
pub(super) fn resolve_overlaps(hits: &mut Vec<RawHit>) {
    // Stable sort: the passes each produce sorted runs, which it merges in linear time.
    hits.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut kept_end = 0;
    let mut first = true;
    hits.retain(|h| {
        if first || h.start >= kept_end {
            first = false;
            kept_end = h.end;
            true
        } else {
            false
        }
    });
}

/// Masks a matched value: digits kept at the start and the end only, words
/// reduced to their first letter, the e-mail local part to one character.
pub(crate) fn mask(kind: Kind, text: &str) -> String {
    match kind {
        Kind::PersonId | Kind::AccountNumber | Kind::OrgNumber | Kind::Phone => {
            let total = text.bytes().filter(u8::is_ascii_digit).count();
            let (keep_from, keep_first) = match kind {
                Kind::PersonId | Kind::AccountNumber => (0, 4),
                Kind::Phone => (total.saturating_sub(8), 2),
                _ => (0, 2),
            };
            let mut k = 0;
            text.chars()
                .map(|ch| {
                    if ch.is_ascii_digit() {
                        let idx = k;
                        k += 1;
                        if idx < keep_from + keep_first || idx + 1 == total {
                            ch
                        } else {
                            '*'
                        }
                    } else {
                        ch
                    }
                })
                .collect()
        }
        Kind::Email => match text.split_once('@') {
            Some((local, domain)) => {
                let first = local.chars().next().unwrap_or('*');
                format!("{first}***@{domain}")
            }
            None => "***".to_string(),
        },
        Kind::Name | Kind::Address => {
            let mut prev_alnum = false;
            text.chars()
                .map(|ch| {
                    let alnum = ch.is_alphanumeric();
                    let out = if alnum && (prev_alnum || ch.is_numeric()) {
                        '*'
                    } else {
                        ch
                    };
                    prev_alnum = alnum;
                    out
                })
                .collect()
        }
    }
}
