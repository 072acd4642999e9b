//! The generated records: persons, GPs with their practices, encounters.
//!
//! Random draws come from three ChaCha8 streams per chunk of persons, so that
//! one option never shifts the draws of another: stream 0 for the person
//! (uuid, names, street, phone, e-mail), stream 1 for where they live
//! (municipality, postcode — the GP-list pass replays only this stream), and
//! stream 2 for encounters. The GP a patient is listed with is a keyed hash of
//! the person index, not a draw.

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::ids::{BirthDate, IdKind, PersonId, Sex};

use super::data::{Icd, Municipality, Name, PostCode, Tables};
use super::perm::{Permutation, derive, rng_seed};
use super::{GenerateError, idspace::IdSpace};

pub(crate) const STREAM_PERSON: u64 = 10;
pub(crate) const STREAM_LOCATION: u64 = 11;
pub(crate) const STREAM_ENCOUNTER: u64 = 12;
const PURPOSE_GP_CHOICE: u64 = 20;
const PURPOSE_GP_ATTRS: u64 = 21;
const PURPOSE_HPR: u64 = 22;
const PURPOSE_ORGNR: u64 = 23;
const PURPOSE_PRACTICE: u64 = 24;

/// Domains reserved for documentation and testing (RFC 2606 / RFC 6761):
/// mail to them can never reach anyone.
pub(crate) const EMAIL_DOMAINS: [&str; 5] = [
    "example.com",
    "example.net",
    "example.org",
    "eksempel.example",
    "pasient.test",
];

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

#[derive(Debug)]
pub(crate) struct Contact {
    /// The six digits after +47 59.
    pub phone: u32,
    pub email_number: Option<u8>,
    pub email_domain: &'static str,
}

impl Contact {
    fn draw<R: Rng>(rng: &mut R) -> Contact {
        let phone = rng.gen_range(0..1_000_000);
        let email_number = (rng.gen_range(0..3u8) == 0).then(|| rng.gen_range(1..100u8));
        let email_domain = EMAIL_DOMAINS[rng.gen_range(0..EMAIL_DOMAINS.len())];
        Contact {
            phone,
            email_number,
            email_domain,
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
        if let Some(n) = self.email_number {
            push_u64(out, u64::from(n), 0);
        }
        out.push('@');
        out.push_str(self.email_domain);
    }
}

#[derive(Debug)]
pub(crate) struct Person {
    pub uuid: [u8; 16],
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

impl Person {
    pub(crate) fn generate(
        t: &'static Tables,
        ids: &IdSpace,
        gps: Option<&GpPlan>,
        index: u64,
        rng: &mut ChaCha8Rng,
        loc_rng: &mut ChaCha8Rng,
    ) -> Result<Person, GenerateError> {
        let generated = ids.id(index)?;
        let sex = generated
            .id
            .sex
            .ok_or_else(|| GenerateError::Internal("generated id without sex".into()))?;
        let uuid = uuid(rng);
        let names = if sex == Sex::Female { &t.female } else { &t.male };
        let first = names.pick(rng);
        let mut given = [first, first];
        let mut given_count = 1;
        if rng.gen_range(0..4u8) == 0 {
            let second = names.pick(rng);
            if !std::ptr::eq(second, first) {
                given[1] = second;
                given_count = 2;
            }
        }
        let middle = (rng.gen_range(0..8u8) == 0).then(|| t.surnames.pick(rng));
        let mut family = t.surnames.pick(rng);
        if middle.is_some_and(|m| std::ptr::eq(m, family)) {
            family = t.surnames.pick(rng);
        }
        let loc = Location::draw(t, loc_rng);
        let address = Address::draw(t, rng, &loc);
        let contact = Contact::draw(rng);
        let gp = gps.map(|g| g.gp_for(index, loc.municipality));
        Ok(Person {
            uuid,
            id: generated.id,
            kind: generated.kind,
            birth: generated.birth,
            sex,
            given,
            given_count,
            middle,
            family,
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

/// GPs (fastleger) per municipality, sized from how many generated persons
/// live there: ⌈patients / list size⌉ GPs, four to a practice.
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
}

pub(crate) const GPS_PER_PRACTICE: u32 = 4;

impl GpPlan {
    pub(crate) fn new(seed: u64, patients_per_municipality: &[u64], list_size: u32) -> GpPlan {
        let mut first_gp = Vec::with_capacity(patients_per_municipality.len());
        let mut gp_count = Vec::with_capacity(patients_per_municipality.len());
        let mut first_practice = Vec::with_capacity(patients_per_municipality.len());
        let (mut gps, mut practices) = (0u32, 0u32);
        for &n in patients_per_municipality {
            let count = n.div_ceil(u64::from(list_size.max(1))) as u32;
            first_gp.push(gps);
            gp_count.push(count);
            first_practice.push(practices);
            gps += count;
            practices += count.div_ceil(GPS_PER_PRACTICE);
        }
        let hpr = Permutation::new(100_000_000, derive(seed, PURPOSE_HPR, 0));
        GpPlan {
            first_gp,
            gp_count,
            first_practice,
            total_gps: gps,
            total_practices: practices,
            seed,
            hpr,
        }
    }

    #[inline]
    pub(crate) fn gp_for(&self, person: u64, municipality: u16) -> u32 {
        let m = usize::from(municipality);
        let n = self.gp_count[m].max(1);
        self.first_gp[m] + (derive(self.seed, PURPOSE_GP_CHOICE, person) % u64::from(n)) as u32
    }

    /// The GP's HPR number: a keyed permutation of the GP index into the synthetic range.
    pub(crate) fn hpr_of(&self, gp: u32) -> u32 {
        HPR_BASE + self.hpr.apply(u64::from(gp)) as u32
    }

    /// The GP's resource id (the first draw of their attribute stream).
    pub(crate) fn uuid_of(&self, gp: u32) -> [u8; 16] {
        uuid(&mut ChaCha8Rng::from_seed(rng_seed(
            self.seed,
            PURPOSE_GP_ATTRS,
            u64::from(gp),
        )))
    }

    pub(crate) fn municipality_of_gp(&self, gp: u32) -> usize {
        self.first_gp.partition_point(|&f| f <= gp) - 1
    }

    pub(crate) fn practice_of(&self, gp: u32) -> u32 {
        let m = self.municipality_of_gp(gp);
        self.first_practice[m] + (gp - self.first_gp[m]) / GPS_PER_PRACTICE
    }

    /// Global GP indexes of one practice.
    pub(crate) fn gps_of_practice(&self, practice: u32) -> std::ops::Range<u32> {
        let m = self.first_practice.partition_point(|&f| f <= practice) - 1;
        let local = practice - self.first_practice[m];
        let start = self.first_gp[m] + local * GPS_PER_PRACTICE;
        let end = (start + GPS_PER_PRACTICE).min(self.first_gp[m] + self.gp_count[m]);
        start..end
    }

    pub(crate) fn practitioner(&self, t: &'static Tables, gp: u32) -> Practitioner {
        let mut rng = ChaCha8Rng::from_seed(rng_seed(self.seed, PURPOSE_GP_ATTRS, u64::from(gp)));
        let uuid = uuid(&mut rng);
        let sex = if rng.gen_bool(0.5) { Sex::Female } else { Sex::Male };
        let given = (if sex == Sex::Female { &t.female } else { &t.male }).pick(&mut rng);
        let family = t.surnames.pick(&mut rng);
        let contact = Contact::draw(&mut rng);
        let hpr = self.hpr_of(gp);
        Practitioner {
            index: gp,
            uuid,
            hpr,
            sex,
            given,
            family,
            contact,
            practice: self.practice_of(gp),
            municipality: self.municipality_of_gp(gp),
        }
    }

    pub(crate) fn practice(&self, t: &'static Tables, practice: u32) -> Result<Practice, GenerateError> {
        let mut rng = ChaCha8Rng::from_seed(rng_seed(self.seed, PURPOSE_PRACTICE, u64::from(practice)));
        let uuid = uuid(&mut rng);
        let m = self.first_practice.partition_point(|&f| f <= practice) - 1;
        let municipality = &t.municipalities[m];
        let loc = Location {
            municipality: m as u16,
            postcode: rng.gen_range(0..municipality.postcodes.len()) as u16,
        };
        let address = Address::draw(t, &mut rng, &loc);
        let orgnr = orgnr(self.seed, practice)?;
        Ok(Practice {
            index: practice,
            uuid,
            orgnr,
            address,
        })
    }
}

/// A unique synthetic organisation number for practice `index`: blocks of
/// eleven consecutive numbers, one block per practice in a keyed order, the
/// first number in the block with a valid check digit.
fn orgnr(seed: u64, index: u32) -> Result<String, GenerateError> {
    const BLOCKS: u64 = 10_000_000 / 11;
    let block = Permutation::new(BLOCKS, derive(seed, PURPOSE_ORGNR, 0)).apply(u64::from(index) % BLOCKS);
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
            let o = orgnr(9, i).unwrap();
            assert!(crate::ids::is_valid_orgnr(&o), "{o}");
            assert!(o.starts_with('3'), "{o}");
            assert!(seen.insert(o));
        }
    }

    #[test]
    fn gp_plan_sizes_and_lookups() {
        let plan = GpPlan::new(1, &[2500, 0, 1, 4000], 1000);
        assert_eq!(plan.gp_count, vec![3, 0, 1, 4]);
        assert_eq!(plan.total_gps, 8);
        assert_eq!(plan.total_practices, 3);
        assert_eq!(plan.municipality_of_gp(3), 2);
        assert_eq!(plan.gps_of_practice(2), 4..8);
        for p in 0..1000 {
            let gp = plan.gp_for(p, 3);
            assert!((4..8).contains(&gp));
        }
    }
}
