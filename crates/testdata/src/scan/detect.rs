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

#[derive(Default)]
struct NameRun {
    words: [(usize, usize, u8); 8],
    len: usize,
    /// Index of the first word after ", ".
    comma: Option<usize>,
}

impl NameRun {
    fn flush(&mut self, out: &mut Vec<RawHit>) {
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

    fn emit(&self, out: &mut Vec<RawHit>) {
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

fn single_name(s: usize, e: usize) -> RawHit {
    let mut h = RawHit::new(s, e, Kind::Name, Confidence::Low);
    h.flags |= flag::SINGLE_NAME;
    h
}

/// "Given (Given|Surname)* Surname" sequences.
fn emit_given_surname(mut words: &[(usize, usize, u8)], out: &mut Vec<RawHit>) {
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
struct Chain {
    atoms: [(usize, usize); 8],
    /// Separator before atom k (k ≥ 1).
    seps: [u8; 8],
    len: usize,
}

impl Chain {
    fn build(&mut self, text: &[u8], start: usize) {
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

    fn same_sep(&self) -> bool {
        self.seps[1..self.len].iter().all(|&x| x == self.seps[1])
    }

    fn lens(&self) -> [usize; 8] {
        let mut l = [0; 8];
        for (slot, (s, e)) in l.iter_mut().zip(&self.atoms[..self.len]) {
            *slot = e - s;
        }
        l
    }

    /// Copies the chain's digits into `out` (which must be exactly as long
    /// as the digits wanted; surplus digits are ignored).
    fn collect_digits(&self, text: &[u8], out: &mut [u8]) {
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
fn is_local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

#[inline]
fn is_domain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

fn letter_adjacent(text: &[u8], s: usize, e: usize) -> bool {
    let before = s > 0 && (text[s - 1].is_ascii_alphabetic() || text[s - 1] == b'_');
    let after = e < text.len() && (text[e].is_ascii_alphabetic() || text[e] == b'_');
    before || after
}

/// An upper-case first letter: A–Z or Æ, Ø, Å (UTF-8).
fn starts_upper(word: &[u8]) -> bool {
    match word {
        [b, ..] if b.is_ascii_uppercase() => true,
        [0xC3, 0x86 | 0x98 | 0x85, ..] => true,
        _ => false,
    }
}

/// The start of the word that ends at `end` (exclusive): letters, including
/// non-ASCII and the 'é' of "allé".
fn word_start(text: &[u8], end: usize) -> usize {
    let mut s = end;
    while s > 0 && (text[s - 1].is_ascii_alphabetic() || text[s - 1] >= 0x80) {
        s -= 1;
    }
    s
}

/// If the digits at `s` follow "<street> ", the start of the street name.
fn street_before(text: &[u8], s: usize) -> Option<usize> {
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

fn ends_with_ignore_ascii_case(word: &[u8], suffix: &[u8]) -> bool {
    word.len() >= suffix.len() && word[word.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// "0150 Oslo" at `p`: four digits, a space, a capitalised word of at least
/// two letters. Returns the end of the place name.
fn postcode_town(text: &[u8], p: usize) -> Option<usize> {
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
fn resolve_overlaps(hits: &mut Vec<RawHit>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn det() -> Detector {
        Detector::new(Policy::default(), 0xFF)
    }

    /// What a plain-text scan counts: raw hits, then the column rules with
    /// no column (organisation and account numbers need a context word).
    fn find(text: &str) -> Vec<(Kind, String, Confidence)> {
        let d = det();
        let mut out = Vec::new();
        d.detect(text.as_bytes(), &mut out);
        out.retain_mut(|h| h.apply_column(Hints(0)));
        out.iter()
            .map(|h| (h.kind, text[h.start..h.end].to_string(), h.confidence))
            .collect()
    }

    fn kinds(text: &str) -> Vec<(Kind, String)> {
        find(text).into_iter().map(|(k, s, _)| (k, s)).collect()
    }

    #[test]
    fn person_numbers_and_groupings() {
        for t in ["15108695088", "151086 95088", "151086-95088", "151086 950 88"] {
            let f = find(&format!("x {t} y"));
            assert_eq!(f.len(), 1, "{t}: {f:?}");
            assert_eq!(
                (f[0].0, f[0].1.as_str(), f[0].2),
                (Kind::PersonId, t, Confidence::Medium)
            );
        }
        assert_eq!(find("fnr: 15108695088")[0].2, Confidence::High);
        // Inside a longer digit run: nothing.
        assert!(find("115108695088").is_empty());
        assert!(find("151086950881").is_empty());
        // 2032-only numbers are low confidence without context.
        assert_eq!(find("30108299939")[0].2, Confidence::Low);
        assert_eq!(find("fødselsnummer 30108299939")[0].2, Confidence::High);
        // Space-separated list of ids: each found.
        assert_eq!(find("15108695088 31129956715").len(), 2);
        // A dotted group looks like a decimal: lowered.
        assert_eq!(find("0.15108695088")[0].2, Confidence::Low);
    }

    #[test]
    fn org_and_account_need_context() {
        assert_eq!(kinds("988077917"), vec![]);
        assert_eq!(kinds("orgnr 988077917"), vec![(Kind::OrgNumber, "988077917".into())]);
        assert_eq!(
            kinds("Org.nr. 988 077 917"),
            vec![(Kind::OrgNumber, "988 077 917".into())]
        );
        assert_eq!(kinds("988077917 MVA"), vec![(Kind::OrgNumber, "988077917".into())]);
        assert!(kinds("8601.11.17947").is_empty());
        assert_eq!(
            kinds("kontonr 8601.11.17947"),
            vec![(Kind::AccountNumber, "8601.11.17947".into())]
        );
        assert_eq!(
            kinds("konto: 86011117947"),
            vec![(Kind::AccountNumber, "86011117947".into())]
        );
    }

    #[test]
    fn phones() {
        assert_eq!(
            find("ring +47 912 34 567 i dag")[0],
            (Kind::Phone, "+47 912 34 567".into(), Confidence::High)
        );
        assert_eq!(
            find("+4791234567")[0],
            (Kind::Phone, "+4791234567".into(), Confidence::High)
        );
        assert_eq!(find("0047 91234567")[0].1, "0047 91234567");
        assert_eq!(
            find("91 23 45 67")[0],
            (Kind::Phone, "91 23 45 67".into(), Confidence::Medium)
        );
        assert_eq!(find("22 33 44 55")[0].2, Confidence::Medium);
        assert_eq!(find("91234567")[0].2, Confidence::Medium);
        assert_eq!(find("22334455")[0].2, Confidence::Low);
        assert_eq!(find("tlf 22334455")[0].2, Confidence::High);
        assert!(find("80012345").is_empty());
        assert!(find("12345678").is_empty());
        assert!(
            find("1 22 33 44 55")
                .iter()
                .all(|h| h.0 != Kind::Phone || h.2 == Confidence::Low)
        );
    }

    #[test]
    fn emails() {
        assert_eq!(
            kinds("skriv til ola.nordmann@example.no."),
            vec![(Kind::Email, "ola.nordmann@example.no".into())]
        );
        assert_eq!(
            kinds("<kari+test@sub.døgn.no>"),
            vec![(Kind::Email, "kari+test@sub.døgn.no".into())]
        );
        assert!(kinds("user@localhost").is_empty());
        assert!(kinds("@@@ a@b.c").is_empty());
        assert!(kinds("ola@.no").is_empty());
    }

    #[test]
    fn names() {
        assert_eq!(
            kinds("Pasient Ola Nordmann kom inn"),
            vec![(Kind::Name, "Ola Nordmann".into())]
        );
        assert_eq!(kinds("Kari Anne Hansen"), vec![(Kind::Name, "Kari Anne Hansen".into())]);
        assert_eq!(
            kinds("Anne-Marie Hansen"),
            vec![(Kind::Name, "Anne-Marie Hansen".into())]
        );
        assert_eq!(kinds("Hansen, Kari"), vec![(Kind::Name, "Hansen, Kari".into())]);
        assert_eq!(kinds("OLA NORDMANN"), vec![(Kind::Name, "OLA NORDMANN".into())]);
        assert_eq!(kinds("Bjørn Ødegård"), vec![(Kind::Name, "Bjørn Ødegård".into())]);
        // Single names, lower case and names inside words are not reported.
        assert!(kinds("Ola kom").is_empty());
        assert!(kinds("ola nordmann").is_empty());
        assert!(kinds("Olav Nordmannsen").is_empty());
        assert!(kinds("Ola, Nordmann").is_empty());
    }

    #[test]
    fn addresses() {
        assert_eq!(
            find("bor i Storgata 5B, 0150 Oslo nå")[0],
            (Kind::Address, "Storgata 5B, 0150 Oslo".into(), Confidence::High)
        );
        assert_eq!(kinds("Kirkeveien 12"), vec![(Kind::Address, "Kirkeveien 12".into())]);
        assert_eq!(
            kinds("Karl Johans gate 1"),
            vec![(Kind::Address, "Karl Johans gate 1".into())]
        );
        assert_eq!(kinds("Bygdøy allé 23"), vec![(Kind::Address, "Bygdøy allé 23".into())]);
        assert_eq!(find("0150 Oslo")[0].2, Confidence::Low);
        assert_eq!(find("Adresse: 0150 Oslo")[0].2, Confidence::Medium);
        assert!(kinds("arbeidsplass 3").is_empty());
        assert!(kinds("Storgata 5kg").is_empty());
    }

    #[test]
    fn masking() {
        assert_eq!(mask(Kind::PersonId, "15108695088"), "1510******8");
        assert_eq!(mask(Kind::PersonId, "151086 95088"), "1510** ****8");
        assert_eq!(mask(Kind::Phone, "+47 912 34 567"), "+47 91* ** **7");
        assert_eq!(mask(Kind::Phone, "91234567"), "91*****7");
        assert_eq!(mask(Kind::Email, "ola.nordmann@example.no"), "o***@example.no");
        assert_eq!(mask(Kind::Name, "Ola Nordmann"), "O** N*******");
        assert_eq!(mask(Kind::Address, "Storgata 5B, 0150 Oslo"), "S******* **, **** O***");
    }
}
