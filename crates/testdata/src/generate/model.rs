//! The generated records: persons, GPs with their practices, encounters.
//!
//! Everything about a person is drawn from three ChaCha8 streams keyed by the
//! seed and the person's own national id — never by their position in the
//! output — so the same seed gives the same person (uuid, names, address,
//! encounters) for that id whatever `count` is, and two runs never give one
//! uuid to two different people. One option never shifts the draws of another:
//! stream 10 for the person (uuid, origin, names, street, phone), stream 11 for
//! where they live (municipality, postcode — the GP-list pass replays only
//! this stream), stream 12 for encounters. GPs and practices are keyed by their
//! municipality and their number within it.

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::ids::{BirthDate, IdKind, PersonId, Sex};

use super::GenerateError;
use super::data::{
    Icd, MAJORITY, Municipality, Name, PERIOD_1950_1979, PERIOD_BEFORE_1950, PERIOD_D_NUMBER, PERIOD_FROM_1980,
    PostCode, Tables,
};
use super::idspace::GeneratedId;
use super::perm::{Permutation, derive, rng_seed};

pub(crate) const STREAM_PERSON: u64 = 10;
pub(crate) const STREAM_LOCATION: u64 = 11;
pub(crate) const STREAM_ENCOUNTER: u64 = 12;
const PURPOSE_GP_ATTRS: u64 = 21;
const PURPOSE_HPR: u64 = 22;
const PURPOSE_ORGNR: u64 = 23;
const PURPOSE_PRACTICE: u64 = 24;
const PURPOSE_EMAIL: u64 = 25;

/// Domains reserved for documentation and testing (RFC 2606 / RFC 6761):
/// mail to them can never reach anyone.
pub(crate) const EMAIL_DOMAINS: [&str; 5] = [
    "example.com",
    "example.net",
    "example.org",
    "eksempel.example",
    "pasient.test",
];

/// The GPs' domain (RFC 6761 `.test`): never one of the persons' domains, so a
/// GP's address cannot equal a person's.
pub(crate) const GP_EMAIL_DOMAIN: &str = "legekontor.test";

/// First digits of generated phone numbers: the 8-digit series 59 that
/// Nkom's numbering plan gives to machine-to-machine communication — never a
/// person's mobile or landline. See data/README.md.
pub(crate) const PHONE_PREFIX: &str = "+4759";

/// First digit of generated organisation numbers. Enhetsregisteret hands out
/// numbers starting with 8 or 9; no range is reserved for test data, so we
/// stay outside the series in use.
const ORGNR_FIRST_DIGIT: u32 = 3;

/// Generated HPR numbers are nine digits starting with 9 — far above the
/// sequentially issued real numbers. HPR has no published check digit.
pub(crate) const HPR_BASE: u32 = 900_000_000;

pub(crate) fn chunk_rng(seed: u64, stream: u64, chunk: u64) -> ChaCha8Rng {
    ChaCha8Rng::from_seed(rng_seed(seed, stream, chunk))
}

/// A person's key: their 11-digit national id as a number (unique in a run).
pub(crate) fn person_key(id: &PersonId) -> u64 {
    id.digits
        .iter()
        .fold(0u64, |k, d| k * 10 + u64::from(d.wrapping_sub(b'0') % 10))
}

/// The RNG of one stream of one person.
pub(crate) fn person_rng(seed: u64, stream: u64, key: u64) -> ChaCha8Rng {
    ChaCha8Rng::from_seed(rng_seed(seed, stream, key))
}

/// A random (version 4 shaped) UUID from the run's RNG — deterministic per seed.
pub(crate) fn uuid<R: RngCore>(rng: &mut R) -> [u8; 16] {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    b
}

#[derive(Debug)]
pub(crate) struct Location {
    pub municipality: u16,
    pub postcode: u16,
}

impl Location {
    /// Where the person with this key lives (their own location stream).
    pub(crate) fn of_person(t: &Tables, seed: u64, key: u64) -> Location {
        Location::draw(t, &mut person_rng(seed, STREAM_LOCATION, key))
    }

    #[inline]
    pub(crate) fn draw<R: Rng>(t: &Tables, rng: &mut R) -> Location {
        let municipality = *t.address_municipalities.pick(rng);
        let n = t.municipalities[usize::from(municipality)].postcodes.len();
        Location {
            municipality,
            postcode: rng.gen_range(0..n) as u16,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Address {
    pub street_first: &'static str,
    pub street_ending: &'static str,
    pub house: u16,
    pub letter: Option<u8>,
    pub municipality: &'static Municipality,
    /// Index of `municipality` in the tables.
    pub municipality_index: u16,
    pub postcode: &'static PostCode,
}

impl Address {
    fn draw<R: Rng>(t: &'static Tables, rng: &mut R, loc: &Location) -> Address {
        let street_first = t.street_first[rng.gen_range(0..t.street_first.len())];
        let street_ending = *t.street_endings.pick(rng);
        // Low house numbers are more common: the smaller of two draws.
        let house = rng.gen_range(1..=150u16).min(rng.gen_range(1..=150u16));
        let letter = (rng.gen_range(0..10u8) == 0).then(|| b'A' + rng.gen_range(0..4u8));
        let municipality = &t.municipalities[usize::from(loc.municipality)];
        Address {
            street_first,
            street_ending,
            house,
            letter,
            municipality,
            municipality_index: loc.municipality,
            postcode: &municipality.postcodes[usize::from(loc.postcode)],
        }
    }

    pub(crate) fn write_street(&self, out: &mut String) {
        out.push_str(self.street_first);
        out.push_str(self.street_ending);
        out.push(' ');
        push_u64(out, u64::from(self.house), 0);
        if let Some(l) = self.letter {
            out.push(char::from(l));
        }
    }
}

/// Phone and e-mail. The e-mail address is `given.family` plus a tag that
/// is unique to the person in the run (see [`Contact::for_person`]), so no two
/// persons share an address even when they share a name.
#[derive(Debug)]
pub(crate) struct Contact {
    /// The six digits after +47 59.
    pub phone: u32,
    /// Appended to `given.family` in the e-mail address (ASCII).
    pub tag: [u8; 8],
    pub tag_len: u8,
    pub email_domain: &'static str,
}

const BASE36: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

impl Contact {
    /// A person's contact: the e-mail tag is the two-digit birth year, a dot
    /// and four base-36 characters from a keyed permutation of (kind, month,
    /// day, individual number) within that year — unique, because a
    /// national id is unique and the individual-number series of birth years
    /// 100 years apart never overlap.
    fn for_person<R: Rng>(rng: &mut R, seed: u64, generated: &GeneratedId) -> Contact {
        let phone = rng.gen_range(0..1_000_000);
        let email_domain = EMAIL_DOMAINS[rng.gen_range(0..EMAIL_DOMAINS.len())];
        let d = &generated.id.digits;
        let individual = d[6..9]
            .iter()
            .fold(0u64, |a, b| a * 10 + u64::from(b.wrapping_sub(b'0') % 10));
        let b = generated.birth;
        let slot = (u64::from(b.month.saturating_sub(1)) * 31 + u64::from(b.day.saturating_sub(1))) * 1000 + individual;
        let slot = slot
            + if generated.kind == IdKind::DNumber {
                EMAIL_SLOTS / 2
            } else {
                0
            };
        let yy = b.year.rem_euclid(100) as u64;
        let code = Permutation::new(EMAIL_SLOTS, derive(seed, PURPOSE_EMAIL, yy)).apply(slot % EMAIL_SLOTS);
        let mut tag = [0u8; 8];
        tag[0] = b'0' + (yy / 10) as u8;
        tag[1] = b'0' + (yy % 10) as u8;
        tag[2] = b'.';
        let mut c = code;
        for i in (3..7).rev() {
            tag[i] = BASE36[(c % 36) as usize];
            c /= 36;
        }
        Contact {
            phone,
            tag,
            tag_len: 7,
            email_domain,
        }
    }

    /// A GP's contact: the tag is the HPR number's offset in base 36 (unique
    /// among GPs), at the GPs' own domain.
    fn for_gp<R: Rng>(rng: &mut R, hpr: u32) -> Contact {
        let phone = rng.gen_range(0..1_000_000);
        let mut tag = [0u8; 8];
        tag[0] = b'.';
        let mut c = hpr.saturating_sub(HPR_BASE);
        for i in (1..7).rev() {
            tag[i] = BASE36[(c % 36) as usize];
            c /= 36;
        }
        Contact {
            phone,
            tag,
            tag_len: 7,
            email_domain: GP_EMAIL_DOMAIN,
        }
    }

    pub(crate) fn write_phone(&self, out: &mut String) {
        out.push_str(PHONE_PREFIX);
        push_u64(out, u64::from(self.phone), 6);
    }

    pub(crate) fn write_email(&self, given: &Name, family: &Name, out: &mut String) {
        out.push_str(&given.ascii);
        out.push('.');
        out.push_str(&family.ascii);
        for &b in &self.tag[..usize::from(self.tag_len)] {
            out.push(char::from(b));
        }
        out.push('@');
        out.push_str(self.email_domain);
    }
}

/// (kind, month, day, individual number) slots per birth year: 2 × 12 × 31 × 1000.
const EMAIL_SLOTS: u64 = 2 * 12 * 31 * 1000;

#[derive(Debug)]
pub(crate) struct Person {
    pub uuid: [u8; 16],
    /// The national id as a number: keys the person's random streams.
    pub key: u64,
    pub id: PersonId,
    /// Fnr or DNumber — what the id was generated as.
    pub kind: IdKind,
    pub birth: BirthDate,
    pub sex: Sex,
    pub given: [&'static Name; 2],
    pub given_count: usize,
    pub middle: Option<&'static Name>,
    pub family: &'static Name,
    pub address: Address,
    pub contact: Contact,
    /// Global index of the patient's GP, when GP lists are generated.
    pub gp: Option<u32>,
}

/// Draws an origin group, given names and surname for a person born in
/// `year` (`period` picks the origin weights; see `data::PERIOD_*`).
fn draw_names<R: Rng>(t: &'static Tables, rng: &mut R, sex: Sex, year: i16, period: usize) -> Names {
    let origin = &t.origins[usize::from(*t.origin_weights[period].pick(rng))];
    let s = usize::from(sex == Sex::Male);
    // Parents pick names a little before or after the decade boundary too:
    // jitter the year so neighbouring decades blend.
    let year = year.saturating_add(rng.gen_range(-4..=4i16));
    let names = origin.given[s].for_year(year);
    let first = names.pick(rng);
    let mut given = [first, first];
    let mut given_count = 1;
    let majority = std::ptr::eq(origin, &t.origins[MAJORITY]);
    if rng.gen_range(0..if majority { 4u8 } else { 8 }) == 0 {
        let second = names.pick(rng);
        if !std::ptr::eq(second, first) {
            given[1] = second;
            given_count = 2;
        }
    }
    // Some people of immigrant origin carry a Norwegian surname (marriage,
    // one Norwegian parent); middle names are a Norwegian custom.
    let surnames = if !majority && rng.gen_range(0..8u8) == 0 {
        &t.origins[MAJORITY].surnames[s]
    } else {
        &origin.surnames[s]
    };
    let middle = (majority && rng.gen_range(0..8u8) == 0).then(|| surnames.pick(rng));
    let mut family = surnames.pick(rng);
    if middle.is_some_and(|m| std::ptr::eq(m, family)) {
        family = surnames.pick(rng);
    }
    Names {
        given,
        given_count,
        middle,
        family,
    }
}

struct Names {
    given: [&'static Name; 2],
    given_count: usize,
    middle: Option<&'static Name>,
    family: &'static Name,
}

impl Person {
    /// The person with national id `generated`: every field is drawn from
    /// streams keyed by (seed, id), so it depends on who the person is, not
    /// on where they come in the output.
    pub(crate) fn generate(
        t: &'static Tables,
        seed: u64,
        generated: GeneratedId,
        gp: Option<u32>,
    ) -> Result<Person, GenerateError> {
        let sex = generated
            .id
            .sex
            .ok_or_else(|| GenerateError::Internal("generated id without sex".into()))?;
        let key = person_key(&generated.id);
        let mut rng = person_rng(seed, STREAM_PERSON, key);
        let uuid = uuid(&mut rng);
        let period = if generated.kind == IdKind::DNumber {
            PERIOD_D_NUMBER
        } else if generated.birth.year < 1950 {
            PERIOD_BEFORE_1950
        } else if generated.birth.year < 1980 {
            PERIOD_1950_1979
        } else {
            PERIOD_FROM_1980
        };
        let names = draw_names(t, &mut rng, sex, generated.birth.year, period);
        let loc = Location::of_person(t, seed, key);
        let address = Address::draw(t, &mut rng, &loc);
        let contact = Contact::for_person(&mut rng, seed, &generated);
        Ok(Person {
            uuid,
            key,
            id: generated.id,
            kind: generated.kind,
            birth: generated.birth,
            sex,
            given: names.given,
            given_count: names.given_count,
            middle: names.middle,
            family: names.family,
            address,
            contact,
            gp,
        })
    }

    pub(crate) fn given_names(&self) -> &[&'static Name] {
        &self.given[..self.given_count]
    }

    pub(crate) fn write_given(&self, out: &mut String) {
        for (i, n) in self.given_names().iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(n.text);
        }
    }

    pub(crate) fn write_full_name(&self, out: &mut String) {
        self.write_given(out);
        if let Some(m) = self.middle {
            out.push(' ');
            out.push_str(m.text);
        }
        out.push(' ');
        out.push_str(self.family.text);
    }
}

#[derive(Debug)]
pub(crate) struct Encounter {
    pub uuid: [u8; 16],
    pub condition_uuid: [u8; 16],
    pub date: BirthDate,
    pub icd: &'static Icd,
}

/// Up to `max` encounters in the three years before `as_of` (never before birth), oldest first.
pub(crate) fn encounters_for(
    t: &'static Tables,
    person: &Person,
    max: u32,
    as_of: BirthDate,
    rng: &mut ChaCha8Rng,
    out: &mut Vec<Encounter>,
) {
    out.clear();
    let n = rng.gen_range(0..=max);
    let end = days_from_civil(as_of);
    let start = days_from_civil(person.birth).max(end - 3 * 365);
    for _ in 0..n {
        let date = civil_from_days(rng.gen_range(start..=end));
        let age = age_at(person.birth, date);
        let fits = |i: &Icd| i.sex.is_none_or(|s| s == person.sex) && (i.min_age..=i.max_age).contains(&age);
        let mut icd = t.icd10.pick(rng);
        for _ in 0..16 {
            if fits(icd) {
                break;
            }
            icd = t.icd10.pick(rng);
        }
        if !fits(icd) {
            // The data check guarantees a code for any sex and age.
            icd = t
                .icd10
                .items
                .iter()
                .find(|i| i.sex.is_none() && i.min_age == 0 && i.max_age >= 120)
                .unwrap_or(icd);
        }
        out.push(Encounter {
            uuid: uuid(rng),
            condition_uuid: uuid(rng),
            date,
            icd,
        });
    }
    out.sort_by_key(|e| e.date);
}

fn age_at(birth: BirthDate, date: BirthDate) -> u8 {
    let mut age = i32::from(date.year) - i32::from(birth.year);
    if (date.month, date.day) < (birth.month, birth.day) {
        age -= 1;
    }
    age.clamp(0, 255) as u8
}

/// Days since 1970-01-01 (proleptic Gregorian; Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(d: BirthDate) -> i64 {
    let (y, m, day) = (i64::from(d.year), i64::from(d.month), i64::from(d.day));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn civil_from_days(z: i64) -> BirthDate {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i16;
    BirthDate { year, month, day }
}

/// GPs (fastleger) and their lists: ⌈persons / list size⌉ GPs in all.
/// Patients are put in one national order — by municipality in table order
/// (so a county's municipalities are neighbours), then by position — and GP
/// `j` of `G` gets the `j`-th of `G` equal blocks of it: every list is within
/// one of persons / G. A GP practises in the municipality of the middle
/// patient of their block; patients at the edge of a block may be listed
/// with a GP in a neighbouring municipality, as people in small
/// municipalities without a GP of their own are.
#[derive(Debug)]
pub(crate) struct GpPlan {
    /// Per municipality (index into the tables): first global GP index and count.
    pub first_gp: Vec<u32>,
    pub gp_count: Vec<u32>,
    /// Per municipality: first global practice index.
    pub first_practice: Vec<u32>,
    pub total_gps: u32,
    pub total_practices: u32,
    seed: u64,
    hpr: Permutation,
    orgnr: Permutation,
    patients: u64,
    /// Per municipality: rank of its first patient in the national order.
    muni_start: Vec<u64>,
    /// Per chunk and municipality (flattened): its patients in earlier chunks.
    chunk_before: Vec<u64>,
    municipalities: usize,
}

pub(crate) const GPS_PER_PRACTICE: u32 = 4;
/// GPs per municipality that get distinct HPR numbers (the keyed HPR space is
/// municipality × this).
const MAX_GPS_PER_MUNICIPALITY: u32 = 100_000;
/// Blocks of eleven organisation numbers in the synthetic series.
const ORG_BLOCKS: u64 = 10_000_000 / 11;

impl GpPlan {
    /// `per_chunk` holds, for every chunk of persons in order, the number of
    /// its persons per municipality (`municipalities` values per chunk).
    pub(crate) fn new(
        seed: u64,
        per_chunk: &[u64],
        municipalities: usize,
        list_size: u32,
    ) -> Result<GpPlan, GenerateError> {
        let m_n = municipalities.max(1);
        let mut totals = vec![0u64; m_n];
        let mut chunk_before = vec![0u64; per_chunk.len()];
        for (c, counts) in per_chunk.chunks(m_n).enumerate() {
            for (m, &n) in counts.iter().enumerate() {
                chunk_before[c * m_n + m] = totals[m];
                totals[m] += n;
            }
        }
        let mut muni_start = Vec::with_capacity(m_n);
        let mut patients = 0u64;
        for &n in &totals {
            muni_start.push(patients);
            patients += n;
        }
        let total = patients.div_ceil(u64::from(list_size.max(1)));
        let total_gps = u32::try_from(total).map_err(|_| GenerateError::InvalidOption {
            option: "gp_list_size",
            reason: format!("{total} GPs are too many; use a larger list size"),
        })?;
        let mut gp_count = vec![0u32; m_n];
        for j in 0..u64::from(total_gps) {
            let mid = ((2 * u128::from(j) + 1) * u128::from(patients) / (2 * u128::from(total_gps.max(1)))) as u64;
            let m = muni_start.partition_point(|&st| st <= mid).max(1) - 1;
            gp_count[m] += 1;
        }
        let max_practices = (ORG_BLOCKS / m_n as u64) as u32;
        if let Some(&most) = gp_count.iter().max()
            && (most > MAX_GPS_PER_MUNICIPALITY || most.div_ceil(GPS_PER_PRACTICE) > max_practices)
        {
            return Err(GenerateError::InvalidOption {
                option: "gp_list_size",
                reason: format!("{most} GPs in one municipality are too many; use a larger list size"),
            });
        }
        let mut first_gp = Vec::with_capacity(m_n);
        let mut first_practice = Vec::with_capacity(m_n);
        let (mut gps, mut practices) = (0u32, 0u32);
        for &count in &gp_count {
            first_gp.push(gps);
            first_practice.push(practices);
            gps += count;
            practices += count.div_ceil(GPS_PER_PRACTICE);
        }
        Ok(GpPlan {
            first_gp,
            gp_count,
            first_practice,
            total_gps: gps,
            total_practices: practices,
            seed,
            hpr: Permutation::new(100_000_000, derive(seed, PURPOSE_HPR, 0)),
            orgnr: Permutation::new(ORG_BLOCKS, derive(seed, PURPOSE_ORGNR, 0)),
            patients,
            muni_start,
            chunk_before,
            municipalities: m_n,
        })
    }

    /// For chunk `c`: per municipality, the rank in the national order of the
    /// chunk's first patient there.
    pub(crate) fn chunk_ranks(&self, c: u64) -> Vec<u64> {
        let from = c as usize * self.municipalities;
        self.chunk_before.get(from..from + self.municipalities).map_or_else(
            || self.muni_start.clone(),
            |before| before.iter().zip(&self.muni_start).map(|(b, s)| b + s).collect(),
        )
    }

    /// The GP of the patient at `rank` in the national order.
    #[inline]
    pub(crate) fn gp_for_rank(&self, rank: u64) -> u32 {
        (u128::from(rank) * u128::from(self.total_gps) / u128::from(self.patients.max(1))) as u32
    }

    /// Patients on GP `gp`'s list.
    pub(crate) fn list_size(&self, gp: u32) -> u64 {
        let g = u128::from(self.total_gps.max(1));
        let p = u128::from(self.patients);
        let at = |j: u32| (u128::from(j) * p).div_ceil(g);
        (at(gp + 1) - at(gp)) as u64
    }

    /// (municipality, number within it) of a GP, and the key of their streams.
    fn gp_local(&self, gp: u32) -> (usize, u32, u64) {
        let m = self.municipality_of_gp(gp);
        let local = gp - self.first_gp[m];
        (m, local, ((m as u64) << 32) | u64::from(local))
    }

    /// The GP's HPR number: a keyed permutation of (municipality, number
    /// within it) into the synthetic range.
    pub(crate) fn hpr_of(&self, gp: u32) -> u32 {
        let (m, local, _) = self.gp_local(gp);
        HPR_BASE
            + self
                .hpr
                .apply(m as u64 * u64::from(MAX_GPS_PER_MUNICIPALITY) + u64::from(local)) as u32
    }

    /// The GP's resource id (the first draw of their attribute stream).
    pub(crate) fn uuid_of(&self, gp: u32) -> [u8; 16] {
        uuid(&mut ChaCha8Rng::from_seed(rng_seed(
            self.seed,
            PURPOSE_GP_ATTRS,
            self.gp_local(gp).2,
        )))
    }

    pub(crate) fn municipality_of_gp(&self, gp: u32) -> usize {
        self.first_gp.partition_point(|&f| f <= gp).max(1) - 1
    }

    pub(crate) fn practice_of(&self, gp: u32) -> u32 {
        let m = self.municipality_of_gp(gp);
        self.first_practice[m] + (gp - self.first_gp[m]) / GPS_PER_PRACTICE
    }

    fn municipality_of_practice(&self, practice: u32) -> usize {
        self.first_practice.partition_point(|&f| f <= practice).max(1) - 1
    }

    /// Global GP indexes of one practice.
    pub(crate) fn gps_of_practice(&self, practice: u32) -> std::ops::Range<u32> {
        let m = self.municipality_of_practice(practice);
        let local = practice - self.first_practice[m];
        let start = self.first_gp[m] + local * GPS_PER_PRACTICE;
        let end = (start + GPS_PER_PRACTICE).min(self.first_gp[m] + self.gp_count[m]);
        start..end
    }

    pub(crate) fn practitioner(&self, t: &'static Tables, gp: u32) -> Practitioner {
        let (_, _, key) = self.gp_local(gp);
        let mut rng = ChaCha8Rng::from_seed(rng_seed(self.seed, PURPOSE_GP_ATTRS, key));
        let uuid = uuid(&mut rng);
        let sex = if rng.gen_bool(0.5) { Sex::Female } else { Sex::Male };
        let year = rng.gen_range(1955..=1995);
        let names = draw_names(t, &mut rng, sex, year, PERIOD_1950_1979);
        let hpr = self.hpr_of(gp);
        let contact = Contact::for_gp(&mut rng, hpr);
        Practitioner {
            index: gp,
            uuid,
            hpr,
            sex,
            given: names.given[0],
            family: names.family,
            contact,
            practice: self.practice_of(gp),
            municipality: self.municipality_of_gp(gp),
        }
    }

    pub(crate) fn practice(&self, t: &'static Tables, practice: u32) -> Result<Practice, GenerateError> {
        let m = self.municipality_of_practice(practice);
        let local = practice - self.first_practice[m];
        let mut rng = ChaCha8Rng::from_seed(rng_seed(
            self.seed,
            PURPOSE_PRACTICE,
            ((m as u64) << 32) | u64::from(local),
        ));
        let uuid = uuid(&mut rng);
        let municipality = &t.municipalities[m];
        let loc = Location {
            municipality: m as u16,
            postcode: rng.gen_range(0..municipality.postcodes.len().max(1)) as u16,
        };
        let address = Address::draw(t, &mut rng, &loc);
        let per = ORG_BLOCKS / self.municipalities as u64;
        let block = self.orgnr.apply((m as u64 * per + u64::from(local)) % ORG_BLOCKS);
        let orgnr = orgnr(block)?;
        Ok(Practice {
            index: practice,
            uuid,
            orgnr,
            address,
        })
    }
}

/// The synthetic organisation number of block `block`: blocks of eleven
/// consecutive numbers, the first number in the block with a valid check digit.
fn orgnr(block: u64) -> Result<String, GenerateError> {
    let base = u64::from(ORGNR_FIRST_DIGIT) * 10_000_000 + block * 11;
    (0..11)
        .find_map(|t| crate::ids::build_orgnr((base + t) as u32))
        .ok_or_else(|| GenerateError::Internal(format!("no valid organisation number near {base}")))
}

#[derive(Debug)]
pub(crate) struct Practitioner {
    #[allow(dead_code)] // kept for debugging output of a GP
    pub index: u32,
    pub uuid: [u8; 16],
    pub hpr: u32,
    pub sex: Sex,
    pub given: &'static Name,
    pub family: &'static Name,
    pub contact: Contact,
    pub practice: u32,
    pub municipality: usize,
}

#[derive(Debug)]
pub(crate) struct Practice {
    pub index: u32,
    pub uuid: [u8; 16],
    pub orgnr: String,
    pub address: Address,
}

impl Practice {
    pub(crate) fn write_name(&self, out: &mut String) {
        out.push_str(self.address.street_first);
        out.push_str(self.address.street_ending);
        out.push_str(" legesenter");
    }
}

/// Appends `n` in decimal, zero-padded to `width`.
pub(crate) fn push_u64(out: &mut String, n: u64, width: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for _ in (buf.len() - i)..width {
        out.push('0');
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

pub(crate) fn push_date(out: &mut String, d: BirthDate) {
    push_u64(out, d.year.max(0) as u64, 4);
    out.push('-');
    push_u64(out, u64::from(d.month), 2);
    out.push('-');
    push_u64(out, u64::from(d.day), 2);
}

pub(crate) fn push_uuid(out: &mut String, u: &[u8; 16]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in u.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_round_trip() {
        for z in (-80_000..40_000).step_by(7) {
            assert_eq!(days_from_civil(civil_from_days(z)), z);
        }
        assert_eq!(
            days_from_civil(BirthDate {
                year: 1970,
                month: 1,
                day: 1
            }),
            0
        );
        assert_eq!(
            civil_from_days(19_723),
            BirthDate {
                year: 2024,
                month: 1,
                day: 1
            }
        );
        assert_eq!(
            age_at(
                BirthDate {
                    year: 2000,
                    month: 5,
                    day: 10
                },
                BirthDate {
                    year: 2024,
                    month: 5,
                    day: 9
                }
            ),
            23
        );
    }

    #[test]
    fn formatting_helpers() {
        let mut s = String::new();
        push_u64(&mut s, 42, 6);
        s.push(' ');
        push_u64(&mut s, 0, 0);
        s.push(' ');
        push_uuid(&mut s, &[0xab; 16]);
        assert_eq!(s, "000042 0 abababab-abab-abab-abab-abababababab");
    }

    #[test]
    fn orgnrs_are_valid_unique_and_outside_the_real_series() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..5_000 {
            let o = orgnr(Permutation::new(ORG_BLOCKS, 9).apply(i)).unwrap();
            assert!(crate::ids::is_valid_orgnr(&o), "{o}");
            assert!(o.starts_with('3'), "{o}");
            assert!(seen.insert(o));
        }
    }

    #[test]
    fn gp_plan_sizes_and_lookups() {
        // Two chunks over four municipalities: 2500, 0, 1, 4000 patients.
        let per_chunk = [1500, 0, 1, 2000, 1000, 0, 0, 2000];
        let plan = GpPlan::new(1, &per_chunk, 4, 1000).unwrap();
        // ⌈6501 / 1000⌉ = 7 GPs, each with 928 or 929 patients.
        assert_eq!(plan.total_gps, 7);
        assert_eq!(plan.gp_count.iter().sum::<u32>(), 7);
        assert_eq!(plan.gp_count[1], 0);
        let sizes: Vec<u64> = (0..7).map(|g| plan.list_size(g)).collect();
        assert_eq!(sizes.iter().sum::<u64>(), 6501);
        assert!(sizes.iter().all(|&s| s == 928 || s == 929), "{sizes:?}");
        assert_eq!(plan.chunk_ranks(1), vec![1500, 2500, 2501, 4501]);
        for r in 0..6501 {
            assert!(plan.gp_for_rank(r) < 7);
        }
        assert_eq!(plan.gps_of_practice(0), 0..plan.gp_count[0].min(4));
        let hprs: std::collections::HashSet<u32> = (0..7).map(|g| plan.hpr_of(g)).collect();
        assert_eq!(hprs.len(), 7);
    }
}
