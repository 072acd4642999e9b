//! The detector: finds candidate personal data in a byte slice of (UTF-8)
//! text and classifies it. No allocation per candidate; the caller owns the
//! output vector.
//!
//! Passes over the slice:
//! 1. digit runs (a byte loop, no regex): person numbers, organisation and
//!    account numbers, phone numbers, street numbers and postcodes;
//! 2. `@` (memchr) for e-mail addresses, expanded by hand;
//! 3. Aho-Corasick over the names list for "Given Surname" sequences.
//!
//! Hits of the three passes are merged and overlaps resolved (leftmost, then
//! longest wins).

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use memchr::memchr_iter;

use super::{Confidence, Kind};
use crate::ids::{self, ChecksumRule, IdKind, PersonId, Policy};

/// What a context word or a column name points at (bit set).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Hints(pub u8);

impl Hints {
    pub const PERSON: u8 = 1;
    pub const ORG: u8 = 2;
    pub const ACCOUNT: u8 = 4;
    pub const PHONE: u8 = 8;
    pub const EMAIL: u8 = 16;
    pub const NAME: u8 = 32;
    pub const ADDRESS: u8 = 64;
    /// A word that says the number is something other than a phone number
    /// (invoice, customer, order, case number, an amount …).
    pub const NOT_PHONE: u8 = 128;

    pub fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }
}

/// Flags on a raw hit.
pub(crate) mod flag {
    /// An organisation or account number that counts only with context.
    pub const NEEDS_CONTEXT: u8 = 1;
    /// A context word was found near the hit.
    pub const CONTEXT: u8 = 2;
    /// An 11-digit person number that is also a valid account number.
    pub const ALSO_ACCOUNT: u8 = 4;
    /// A ten-digit numeric spreadsheet cell padded with its lost leading zero.
    pub const PADDED: u8 = 8;
    /// A single known name (no given name + surname pair): counts only in a
    /// column whose name says it holds names.
    pub const SINGLE_NAME: u8 = 16;
}

/// One candidate, positions relative to the scanned slice.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawHit {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    pub confidence: Confidence,
    pub flags: u8,
    pub person: Option<PersonId>,
}

impl RawHit {
    fn new(start: usize, end: usize, kind: Kind, confidence: Confidence) -> RawHit {
        RawHit {
            start,
            end,
            kind,
            confidence,
            flags: 0,
            person: None,
        }
    }

    /// Applies what the column (CSV header, JSON key, spreadsheet header)
    /// says; returns false when the hit must be dropped (an organisation or
    /// account number without any context).
    pub fn apply_column(&mut self, column: Hints) -> bool {
        match self.kind {
            Kind::PersonId => {
                if self.flags & flag::ALSO_ACCOUNT != 0 && column.has(Hints::ACCOUNT) && !column.has(Hints::PERSON) {
                    self.kind = Kind::AccountNumber;
                    self.person = None;
                    self.confidence = Confidence::High;
                } else if column.has(Hints::PERSON) {
                    self.confidence = Confidence::High;
                }
                true
            }
            Kind::OrgNumber | Kind::AccountNumber => {
                let bit = if self.kind == Kind::OrgNumber {
                    Hints::ORG
                } else {
                    Hints::ACCOUNT
                };
                if self.flags & flag::NEEDS_CONTEXT != 0 {
                    if column.has(bit) {
                        self.flags &= !flag::NEEDS_CONTEXT;
                        self.confidence = Confidence::High;
                        true
                    } else {
                        false
                    }
                } else {
                    true
                }
            }
            Kind::Phone => {
                if column.has(Hints::PHONE) {
                    self.confidence = Confidence::High;
                    true
                } else {
                    // A customer-number or invoice column: only +47 numbers
                    // and numbers with a phone word in the cell count.
                    !column.has(Hints::NOT_PHONE) || self.confidence == Confidence::High
                }
            }
            Kind::Name => {
                if column.has(Hints::NAME) {
                    self.confidence = Confidence::High;
                    true
                } else {
                    self.flags & flag::SINGLE_NAME == 0
                }
            }
            Kind::Address => {
                if column.has(Hints::ADDRESS) {
                    self.confidence = Confidence::High;
                }
                true
            }
            Kind::Email => true,
        }
    }
}

const GIVEN: u8 = 1;
const SURNAME: u8 = 2;

/// Context words: (pattern, hints). Matched ASCII-case-insensitively.
const CONTEXT_WORDS: &[(&str, u8)] = &[
    ("fnr", Hints::PERSON),
    ("f.nr", Hints::PERSON),
    ("f-nr", Hints::PERSON),
    ("fødselsnummer", Hints::PERSON),
    ("fØdselsnummer", Hints::PERSON),
    ("fødselsnr", Hints::PERSON),
    ("fØdselsnr", Hints::PERSON),
    ("fodselsnummer", Hints::PERSON),
    ("fodselsnr", Hints::PERSON),
    ("foedselsnummer", Hints::PERSON),
    ("personnummer", Hints::PERSON),
    ("personnr", Hints::PERSON),
    ("pnr", Hints::PERSON),
    ("p.nr", Hints::PERSON),
    ("d-nummer", Hints::PERSON),
    ("dnummer", Hints::PERSON),
    ("d-nr", Hints::PERSON),
    ("dnr", Hints::PERSON),
    ("h-nummer", Hints::PERSON),
    ("hnummer", Hints::PERSON),
    ("h-nr", Hints::PERSON),
    ("hnr", Hints::PERSON),
    ("hjelpenummer", Hints::PERSON),
    ("fh-nummer", Hints::PERSON),
    ("fhnr", Hints::PERSON),
    ("fh-nr", Hints::PERSON),
    ("identitetsnummer", Hints::PERSON),
    ("ssn", Hints::PERSON),
    ("national id", Hints::PERSON),
    ("national_id", Hints::PERSON),
    ("nationalid", Hints::PERSON),
    ("personal number", Hints::PERSON),
    ("person id", Hints::PERSON),
    ("person_id", Hints::PERSON),
    ("personid", Hints::PERSON),
    ("orgnr", Hints::ORG),
    ("org.nr", Hints::ORG),
    ("org nr", Hints::ORG),
    ("org. nr", Hints::ORG),
    ("org-nr", Hints::ORG),
    ("org_nr", Hints::ORG),
    ("orgno", Hints::ORG),
    ("organisasjonsnummer", Hints::ORG),
    ("organisasjonsnr", Hints::ORG),
    ("organization number", Hints::ORG),
    ("organisation number", Hints::ORG),
    ("foretaksnummer", Hints::ORG),
    ("foretaksregisteret", Hints::ORG),
    ("enhetsregisteret", Hints::ORG),
    ("brreg", Hints::ORG),
    ("mva", Hints::ORG),
    ("kontonummer", Hints::ACCOUNT | Hints::NOT_PHONE),
    ("kontonr", Hints::ACCOUNT | Hints::NOT_PHONE),
    ("konto", Hints::ACCOUNT | Hints::NOT_PHONE),
    ("kto", Hints::ACCOUNT),
    ("account", Hints::ACCOUNT),
    ("acct", Hints::ACCOUNT),
    ("iban", Hints::ACCOUNT),
    ("bban", Hints::ACCOUNT),
    ("tlf", Hints::PHONE),
    ("telefon", Hints::PHONE),
    ("telefonnr", Hints::PHONE),
    ("telefonnummer", Hints::PHONE),
    ("vakttelefon", Hints::PHONE),
    ("sentralbord", Hints::PHONE),
    ("sentralbordet", Hints::PHONE),
    ("switchboard", Hints::PHONE),
    ("mobil", Hints::PHONE),
    ("mobilnr", Hints::PHONE),
    ("mobilnummer", Hints::PHONE),
    ("ring oss", Hints::PHONE),
    ("kundeservice", Hints::PHONE),
    ("kundesenter", Hints::PHONE),
    ("mob", Hints::PHONE),
    ("phone", Hints::PHONE),
    ("tel", Hints::PHONE),
    ("sms", Hints::PHONE),
    ("ring", Hints::PHONE),
    ("faks", Hints::PHONE),
    ("fax", Hints::PHONE),
    ("faktura", Hints::NOT_PHONE),
    ("fakturanr", Hints::NOT_PHONE),
    ("fakturanummer", Hints::NOT_PHONE),
    ("invoice", Hints::NOT_PHONE),
    ("kunde", Hints::NOT_PHONE),
    ("kundenr", Hints::NOT_PHONE),
    ("kundenummer", Hints::NOT_PHONE),
    ("kunde-id", Hints::NOT_PHONE),
    ("customer", Hints::NOT_PHONE),
    ("ordre", Hints::NOT_PHONE),
    ("ordrenr", Hints::NOT_PHONE),
    ("ordrenummer", Hints::NOT_PHONE),
    ("order", Hints::NOT_PHONE),
    ("bestilling", Hints::NOT_PHONE),
    ("bestillingsnr", Hints::NOT_PHONE),
    ("referanse", Hints::NOT_PHONE),
    ("reference", Hints::NOT_PHONE),
    ("ref", Hints::NOT_PHONE),
    ("ref.", Hints::NOT_PHONE),
    ("refnr", Hints::NOT_PHONE),
    ("saksnr", Hints::NOT_PHONE),
    ("saksnummer", Hints::NOT_PHONE),
    ("sak", Hints::NOT_PHONE),
    ("avtalenr", Hints::NOT_PHONE),
    ("avtalenummer", Hints::NOT_PHONE),
    ("polisenr", Hints::NOT_PHONE),
    ("polisenummer", Hints::NOT_PHONE),
    ("medlemsnr", Hints::NOT_PHONE),
    ("medlemsnummer", Hints::NOT_PHONE),
    ("ansattnr", Hints::NOT_PHONE),
    ("ansattnummer", Hints::NOT_PHONE),
    ("journalnr", Hints::NOT_PHONE),
    ("journalnummer", Hints::NOT_PHONE),
    ("arkivnr", Hints::NOT_PHONE),
    ("dokumentnr", Hints::NOT_PHONE),
    ("serienr", Hints::NOT_PHONE),
    ("serienummer", Hints::NOT_PHONE),
    ("løpenr", Hints::NOT_PHONE),
    ("lØpenr", Hints::NOT_PHONE),
    ("lopenr", Hints::NOT_PHONE),
    ("kid", Hints::NOT_PHONE),
    ("kid-nr", Hints::NOT_PHONE),
    ("beløp", Hints::NOT_PHONE),
    ("belØp", Hints::NOT_PHONE),
    ("belop", Hints::NOT_PHONE),
    ("sum", Hints::NOT_PHONE),
    ("kr", Hints::NOT_PHONE),
    ("kr.", Hints::NOT_PHONE),
    ("nok", Hints::NOT_PHONE),
    ("id", Hints::NOT_PHONE),
    ("e-post", Hints::EMAIL),
    ("epost", Hints::EMAIL),
    ("email", Hints::EMAIL),
    ("e-mail", Hints::EMAIL),
    ("mail", Hints::EMAIL),
    ("navn", Hints::NAME),
    ("fornavn", Hints::NAME),
    ("etternavn", Hints::NAME),
    ("mellomnavn", Hints::NAME),
    ("pasientnavn", Hints::NAME),
    ("name", Hints::NAME),
    ("adresse", Hints::ADDRESS),
    ("address", Hints::ADDRESS),
    ("addr", Hints::ADDRESS),
    ("postnr", Hints::ADDRESS | Hints::NOT_PHONE),
    ("postnummer", Hints::ADDRESS | Hints::NOT_PHONE),
    ("poststed", Hints::ADDRESS),
    ("bosted", Hints::ADDRESS),
    ("bor i", Hints::ADDRESS),
];

/// Street-name endings (lower case) that, followed by a house number, make an address.
const STREET_SUFFIXES: &[&str] = &[
    "gata", "gate", "gaten", "veien", "vegen", "vei", "veg", "plass", "plassen", "allé", "alle", "alléen", "stien",
    "torget", "bakken", "brygge", "bryggen", "ringen", "svingen",
];

/// How far back (bytes, same line) context words are looked for.
const WINDOW: usize = 40;

pub(crate) struct Detector {
    names: AhoCorasick,
    name_flags: Vec<u8>,
    context: AhoCorasick,
    context_hints: Vec<u8>,
    policy: Policy,
    /// Bit per [`Kind`] (by `Kind::index`) that is looked for.
    enabled: u8,
}

/// The built-in names list.
const NAMES: &str = include_str!("names.txt");

impl Detector {
    pub fn new(policy: Policy, enabled: u8) -> Detector {
        let mut map: std::collections::BTreeMap<String, u8> = Default::default();
        let listed = NAMES.lines().filter_map(|line| match line.trim().split_once(' ') {
            Some(("g", n)) => Some((GIVEN, n.trim())),
            Some(("s", n)) => Some((SURNAME, n.trim())),
            _ => None,
        });
        // The generator's names (every origin and birth cohort), so the
        // scanner finds every name `generate` writes.
        let (given, surnames) = crate::generate::name_words();
        let generated = given
            .into_iter()
            .map(|n| (GIVEN, n))
            .chain(surnames.into_iter().map(|n| (SURNAME, n)));
        for (bit, name) in listed.chain(generated) {
            if name.is_empty() {
                continue;
            }
            *map.entry(name.to_string()).or_default() |= bit;
            // Upper-case forms ("KARI HANSEN") only for names of three letters
            // or more: "LE", "DO", "HO" are words in capitals too.
            if name.chars().count() >= 3 {
                *map.entry(name.to_uppercase()).or_default() |= bit;
            }
        }
        let (patterns, name_flags): (Vec<String>, Vec<u8>) = map.into_iter().unzip();
        let names = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .or_else(|_| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&patterns)
            })
            .expect("the built-in names list is a valid automaton");
        let context = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(CONTEXT_WORDS.iter().map(|(w, _)| w))
            .expect("the built-in context words are a valid automaton");
        let context_hints = CONTEXT_WORDS.iter().map(|(_, h)| *h).collect();
        Detector {
            names,
            name_flags,
            context,
            context_hints,
            policy,
            enabled,
        }
    }

    fn on(&self, kind: Kind) -> bool {
        self.enabled & (1 << kind.index()) != 0
    }

    /// What a column name (CSV header, JSON key, spreadsheet header) suggests.
    /// Matched anywhere in the name ("pasient_fnr", "fornavn").
    pub fn header_hints(&self, name: &str) -> Hints {
        let mut h = 0;
        for m in self.context.find_iter(name) {
            h |= self.context_hints[m.pattern().as_usize()];
        }
        Hints(h)
    }

    /// Context words in the window before `start` (same line) and, for "MVA",
    /// just after `end`. Words must start at a word boundary.
    fn context_near(&self, text: &[u8], start: usize, end: usize) -> Hints {
        let mut from = start.saturating_sub(WINDOW);
        if let Some(nl) = memchr::memrchr(b'\n', &text[from..start]) {
            from += nl + 1;
        }
        let mut h = 0;
        // Phone or not: the word nearest the number decides.
        let mut phone_side = 0;
        for m in self.context.find_iter(&text[from..start]) {
            let s = from + m.start();
            let e = from + m.end();
            if s > 0 && is_word_byte(text[s - 1]) {
                continue;
            }
            let hints = self.context_hints[m.pattern().as_usize()];
            // Short words ("kr", "id", "ref", "sak", "sum") must be whole words.
            if hints & Hints::NOT_PHONE != 0 && m.len() <= 3 && e < text.len() && is_word_byte(text[e]) {
                continue;
            }
            h |= hints;
            if hints & (Hints::PHONE | Hints::NOT_PHONE) != 0 {
                phone_side = hints & (Hints::PHONE | Hints::NOT_PHONE);
            }
        }
        h = (h & !(Hints::PHONE | Hints::NOT_PHONE)) | phone_side;
        let after = &text[end..text.len().min(end + 5)];
        if after.windows(3).any(|w| w.eq_ignore_ascii_case(b"mva")) {
            h |= Hints::ORG;
        }
        Hints(h)
    }

    /// Finds every candidate in `text`, appends to `out` sorted by start,
    /// without overlaps. `out` is cleared first.
    pub fn detect(&self, text: &[u8], out: &mut Vec<RawHit>) {
        out.clear();
        self.digits(text, out);
        let digits_end = out.len();
        if self.on(Kind::Email) {
            self.emails(text, out);
        }
        if self.on(Kind::Name) {
            self.names(text, out);
        }
        if out.len() > digits_end {
            resolve_overlaps(out);
        }
    }

    // ---- digits -------------------------------------------------------

    fn digits(&self, text: &[u8], out: &mut Vec<RawHit>) {
        let n = text.len();
        let mut i = 0;
        let mut chain = Chain::default();
        while i < n {
            let Some(off) = text[i..].iter().position(u8::is_ascii_digit) else {
                break;
            };
            let s = i + off;
            chain.build(text, s);
            i = self.chain(text, &chain, out);
        }
    }

    /// Classifies one chain of digit groups; returns where scanning resumes.
    fn chain(&self, text: &[u8], c: &Chain, out: &mut Vec<RawHit>) -> usize {
        let whole_end = c.atoms[c.len - 1].1;
        let mut ctx: Option<Hints> = None;
        let mut ctx_at = |s: usize, e: usize| *ctx.get_or_insert_with(|| self.context_near(text, s, e));

        // Multi-group patterns must cover the whole chain.
        if c.len > 1 && c.same_sep() {
            let lens = c.lens();
            let sep = c.seps[1];
            let (s, e) = (c.atoms[0].0, whole_end);
            let adj = letter_adjacent(text, s, e);
            match (&lens[..c.len], sep) {
                ([6, 5], b' ' | b'-') | ([6, 3, 2], b' ') if self.on(Kind::PersonId) => {
                    let mut d = [0u8; 11];
                    c.collect_digits(text, &mut d);
                    if let Some(h) = self.person(&d, s, e, adj, ctx_at(s, e)) {
                        out.push(h);
                        return e;
                    }
                }
                ([4, 2, 5], b'.' | b' ') if self.on(Kind::AccountNumber) => {
                    let mut d = [0u8; 11];
                    c.collect_digits(text, &mut d);
                    if let Some(h) = self.account(&d, s, e, ctx_at(s, e)) {
                        out.push(h);
                        return e;
                    }
                }
                ([3, 3, 3], b' ' | b'.') if self.on(Kind::OrgNumber) => {
                    let mut d = [0u8; 9];
                    c.collect_digits(text, &mut d);
                    if let Some(h) = self.org(&d, s, e, ctx_at(s, e)) {
                        out.push(h);
                        return e;
                    }
                }
                ([2, 2, 2, 2], b' ' | b'-') | ([3, 2, 3], b' ' | b'-') | ([4, 4], b' ') if self.on(Kind::Phone) => {
                    let mut d = [0u8; 8];
                    c.collect_digits(text, &mut d);
                    if let Some(h) = self.phone(&d, s, e, false, true, adj, ctx_at(s, e)) {
                        out.push(h);
                        return e;
                    }
                }
                _ => {}
            }
            // "+47 912 34 567", "0047 91234567".
            if self.on(Kind::Phone) && sep == b' ' {
                let first = &text[c.atoms[0].0..c.atoms[0].1];
                let plus = s > 0 && text[s - 1] == b'+';
                if (first == b"47" && plus) || first == b"0047" {
                    let rest = &lens[1..c.len];
                    if matches!(rest, [8] | [2, 2, 2, 2] | [3, 2, 3] | [4, 4]) {
                        let plen = first.len();
                        let mut d = [0u8; 12];
                        c.collect_digits(text, &mut d[..plen + 8]);
                        let mut national = [0u8; 8];
                        national.copy_from_slice(&d[plen..plen + 8]);
                        let start = if plus { s - 1 } else { s };
                        let adj = letter_adjacent(text, start, e);
                        if let Some(h) = self.phone(&national, start, e, true, true, adj, Hints(0)) {
                            out.push(h);
                            return e;
                        }
                    }
                }
            }
        }

        // Single digit runs, each bounded by non-digits.
        for k in 0..c.len {
            let (s, e) = c.atoms[k];
            let run = &text[s..e];
            // A run inside a '.'-joined chain looks like part of a decimal number.
            let dotted = (k > 0 && c.seps[k] == b'.') || (k + 1 < c.len && c.seps[k + 1] == b'.');
            let adj = dotted || letter_adjacent(text, s, e);
            match run.len() {
                11 => {
                    let mut d = [0u8; 11];
                    d.copy_from_slice(run);
                    if self.on(Kind::PersonId)
                        && let Some(h) = self.person(&d, s, e, adj, ctx_at(s, e))
                    {
                        out.push(h);
                        continue;
                    }
                    if self.on(Kind::AccountNumber)
                        && let Some(h) = self.account(&d, s, e, ctx_at(s, e))
                    {
                        out.push(h);
                    }
                }
                10 | 12 if self.on(Kind::Phone) => {
                    // "+4791234567" or "004791234567".
                    let (prefix_ok, national) = if run.len() == 10 {
                        (run.starts_with(b"47") && s > 0 && text[s - 1] == b'+', &run[2..])
                    } else {
                        (run.starts_with(b"0047"), &run[4..])
                    };
                    if prefix_ok {
                        let mut d = [0u8; 8];
                        d.copy_from_slice(national);
                        let start = if run.len() == 10 { s - 1 } else { s };
                        if let Some(h) = self.phone(&d, start, e, true, false, adj, Hints(0)) {
                            out.push(h);
                        }
                    }
                }
                9 if self.on(Kind::OrgNumber) => {
                    let mut d = [0u8; 9];
                    d.copy_from_slice(run);
                    if let Some(h) = self.org(&d, s, e, ctx_at(s, e)) {
                        out.push(h);
                    }
                }
                8 if self.on(Kind::Phone) => {
                    let mut d = [0u8; 8];
                    d.copy_from_slice(run);
                    if let Some(h) = self.phone(&d, s, e, false, false, adj, ctx_at(s, e)) {
                        out.push(h);
                    }
                }
                1..=4 if self.on(Kind::Address) => {
                    if let Some(h) = self.address(text, s, e) {
                        let end = h.end;
                        out.push(h);
                        if end > whole_end {
                            return end;
                        }
                    }
                }
                _ => {}
            }
        }
        whole_end
    }

    fn person(&self, d: &[u8; 11], s: usize, e: usize, adj: bool, ctx: Hints) -> Option<RawHit> {
        let id = ids::validate_person(d, self.policy).ok()?;
        let also_account = ids::is_valid_account(std::str::from_utf8(d).unwrap_or(""));
        if also_account && ctx.has(Hints::ACCOUNT) && !ctx.has(Hints::PERSON) && self.on(Kind::AccountNumber) {
            let mut h = RawHit::new(s, e, Kind::AccountNumber, Confidence::High);
            h.flags |= flag::CONTEXT;
            return Some(h);
        }
        let mut conf = match (id.rule, id.kind) {
            (ChecksumRule::Classic, IdKind::FhNumber) => Confidence::Low,
            (ChecksumRule::Classic, _) => Confidence::Medium,
            (ChecksumRule::From2032, _) => Confidence::Low,
        };
        if adj {
            conf = conf.lower();
        }
        let mut h = RawHit::new(s, e, Kind::PersonId, conf);
        if ctx.has(Hints::PERSON) {
            h.confidence = Confidence::High;
            h.flags |= flag::CONTEXT;
        }
        if also_account {
            h.flags |= flag::ALSO_ACCOUNT;
        }
        h.person = Some(id);
        Some(h)
    }

    fn account(&self, d: &[u8; 11], s: usize, e: usize, ctx: Hints) -> Option<RawHit> {
        if !ids::is_valid_account(std::str::from_utf8(d).ok()?) {
            return None;
        }
        let mut h = RawHit::new(s, e, Kind::AccountNumber, Confidence::High);
        if ctx.has(Hints::ACCOUNT) {
            h.flags |= flag::CONTEXT;
        } else {
            h.flags |= flag::NEEDS_CONTEXT;
        }
        Some(h)
    }

    fn org(&self, d: &[u8; 9], s: usize, e: usize, ctx: Hints) -> Option<RawHit> {
        if !ids::is_valid_orgnr(std::str::from_utf8(d).ok()?) {
            return None;
        }
        let mut h = RawHit::new(s, e, Kind::OrgNumber, Confidence::High);
        if ctx.has(Hints::ORG) {
            h.flags |= flag::CONTEXT;
        } else {
            h.flags |= flag::NEEDS_CONTEXT;
        }
        Some(h)
    }

    /// An eight-digit national number in a mobile or fixed-line range.
    #[allow(clippy::too_many_arguments)]
    fn phone(
        &self,
        d: &[u8; 8],
        s: usize,
        e: usize,
        prefixed: bool,
        grouped: bool,
        adj: bool,
        ctx: Hints,
    ) -> Option<RawHit> {
        let mobile = matches!(d[0], b'4' | b'9');
        let fixed = matches!(d[0], b'2' | b'3' | b'6' | b'7') || (d[0] == b'5' && d[1] <= b'7');
        if !mobile && !fixed {
            return None;
        }
        if ctx.has(Hints::NOT_PHONE) && !prefixed {
            // "Faktura nr 48449802", "Kundenummer 91989036".
            return None;
        }
        let mut conf = if prefixed {
            Confidence::High
        } else if grouped || mobile {
            Confidence::Medium
        } else {
            Confidence::Low
        };
        if adj && !prefixed {
            conf = conf.lower();
        }
        let mut h = RawHit::new(s, e, Kind::Phone, conf);
        if ctx.has(Hints::PHONE) {
            h.confidence = Confidence::High;
            h.flags |= flag::CONTEXT;
        }
        Some(h)
    }

    // ---- addresses ----------------------------------------------------

    /// A house number after a street name ("Storgata 5B", "Karl Johans gate
    /// 1"), optionally followed by ", 0150 Oslo"; or a postcode followed by a
    /// capitalised place name ("0150 Oslo").
    fn address(&self, text: &[u8], s: usize, e: usize) -> Option<RawHit> {
        if let Some(street_start) = street_before(text, s) {
            if text[s] == b'0' {
                return None;
            }
            let mut end = e;
            if end < text.len() && text[end].is_ascii_alphabetic() {
                if end + 1 == text.len() || !is_word_byte(text[end + 1]) {
                    end += 1;
                } else {
                    return None;
                }
            } else if end < text.len() && is_word_byte(text[end]) {
                return None;
            }
            let mut h = RawHit::new(street_start, end, Kind::Address, Confidence::Medium);
            // ", 0150 Oslo" or " 0150 Oslo" right after.
            let mut p = end;
            if text.get(p) == Some(&b',') {
                p += 1;
            }
            if text.get(p) == Some(&b' ') {
                p += 1;
                if let Some(town_end) = postcode_town(text, p) {
                    h.end = town_end;
                    h.confidence = Confidence::High;
                }
            }
            return Some(h);
        }
        if e - s == 4 && (s == 0 || !is_word_byte(text[s - 1])) {
            let end = postcode_town(text, s)?;
            let mut h = RawHit::new(s, end, Kind::Address, Confidence::Low);
            let ctx = self.context_near(text, s, e);
            if ctx.has(Hints::ADDRESS) {
                h.confidence = Confidence::Medium;
                h.flags |= flag::CONTEXT;
            }
            return Some(h);
        }
        None
    }

    // ---- e-mail -------------------------------------------------------

    fn emails(&self, text: &[u8], out: &mut Vec<RawHit>) {
        let mut last_end = 0;
        for at in memchr_iter(b'@', text) {
            if at < last_end {
                continue;
            }
            let mut s = at;
            while s > last_end && is_local_byte(text[s - 1]) {
                s -= 1;
            }
            while s < at && text[s] == b'.' {
                s += 1;
            }
            if s == at {
                continue;
            }
            // Domain: labels of letters, digits, '-' and non-ASCII, joined by '.'.
            let mut e = at + 1;
            let mut last_dot = None;
            while e < text.len() {
                let b = text[e];
                if b.is_ascii_alphanumeric() || b == b'-' || b >= 0x80 {
                    e += 1;
                } else if b == b'.' && e + 1 < text.len() && is_domain_byte(text[e + 1]) && text[e - 1] != b'.' {
                    last_dot = Some(e);
                    e += 1;
                } else {
                    break;
                }
            }
            let Some(dot) = last_dot else { continue };
            let tld = &text[dot + 1..e];
            if dot <= at + 1 || tld.len() < 2 || !tld.iter().all(u8::is_ascii_alphabetic) {
                continue;
            }
            out.push(RawHit::new(s, e, Kind::Email, Confidence::High));
            last_end = e;
        }
    }

    // ---- names --------------------------------------------------------

    fn names(&self, text: &[u8], out: &mut Vec<RawHit>) {
        let mut run = NameRun::default();
        for m in self.names.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            if (s > 0 && is_word_byte(text[s - 1])) || (e < text.len() && is_word_byte(text[e])) {
                continue;
            }
            let flags = self.name_flags[m.pattern().as_usize()];
            if run.len > 0 {
                let prev_end = run.words[run.len - 1].1;
                let joined = s == prev_end + 1 && matches!(text[prev_end], b' ' | b'-');
                let comma = s == prev_end + 2 && &text[prev_end..s] == b", " && run.comma.is_none();
                if (joined || comma) && run.len < run.words.len() {
                    if comma {
                        run.comma = Some(run.len);
                    }
                    run.words[run.len] = (s, e, flags);
                    run.len += 1;
                    continue;
                }
                run.flush(out);
            }
            run.words[0] = (s, e, flags);
            run.len = 1;
            run.comma = None;
        }
        run.flush(out);
    }
}

#[cfg(test)]
mod tests;

mod words;
#[allow(unused_imports)]
pub use words::*;
