//! Rendering records as CSV rows, JSON Lines and FHIR R4 bundle entries,
//! straight into byte buffers.

use crate::ids::{IdKind, Sex};

use super::GenerateError;
use super::data::Tables;
use super::model::{Encounter, HPR_BASE, Person, Practice, Practitioner, push_date, push_u64, push_uuid};

/// A field value.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Val<'a> {
    S(&'a str),
    N(u64),
    Null,
}

/// A table row written field by field in column order.
pub(crate) enum Row<'a> {
    Csv(&'a mut csv::Writer<Vec<u8>>),
    Json {
        out: &'a mut Vec<u8>,
        columns: &'a [&'static str],
        next: usize,
    },
}

impl Row<'_> {
    pub(crate) fn field(&mut self, value: Val<'_>) -> Result<(), GenerateError> {
        match self {
            Row::Csv(w) => {
                let mut num = String::new();
                let bytes: &[u8] = match value {
                    Val::S(s) => s.as_bytes(),
                    Val::N(n) => {
                        push_u64(&mut num, n, 0);
                        num.as_bytes()
                    }
                    Val::Null => b"",
                };
                w.write_field(bytes).map_err(csv_err)
            }
            Row::Json { out, columns, next } => {
                let Some(name) = columns.get(*next) else {
                    return Err(GenerateError::Internal("more fields than columns".into()));
                };
                out.push(if *next == 0 { b'{' } else { b',' });
                quoted(out, name);
                out.push(b':');
                match value {
                    Val::S(s) => quoted(out, s),
                    Val::N(n) => {
                        let mut num = String::new();
                        push_u64(&mut num, n, 0);
                        out.extend_from_slice(num.as_bytes());
                    }
                    Val::Null => out.extend_from_slice(b"null"),
                }
                *next += 1;
                Ok(())
            }
        }
    }

    pub(crate) fn end(&mut self) -> Result<(), GenerateError> {
        match self {
            Row::Csv(w) => w.write_record(None::<&[u8]>).map_err(csv_err),
            Row::Json { out, columns, next } => {
                if *next != columns.len() {
                    return Err(GenerateError::Internal(format!(
                        "{next} fields for {} columns",
                        columns.len()
                    )));
                }
                out.extend_from_slice(b"}\n");
                *next = 0;
                Ok(())
            }
        }
    }
}

fn csv_err(e: csv::Error) -> GenerateError {
    GenerateError::Internal(format!("csv: {e}"))
}

pub(crate) fn person_columns(gp_lists: bool) -> Vec<&'static str> {
    let mut c = vec![
        "id",
        "national_id",
        "id_kind",
        "birth_date",
        "sex",
        "given_name",
        "middle_name",
        "family_name",
        "street_address",
        "postal_code",
        "post_town",
        "municipality_number",
        "municipality",
        "county_number",
        "county",
        "phone",
        "email",
    ];
    if gp_lists {
        c.push("gp_hpr");
    }
    c
}

pub(crate) fn encounter_columns(gp_lists: bool) -> Vec<&'static str> {
    let mut c = vec![
        "encounter_id",
        "patient_id",
        "national_id",
        "date",
        "icd10_code",
        "icd10_text",
    ];
    if gp_lists {
        c.push("practitioner_hpr");
    }
    c
}

pub(crate) fn practitioner_columns() -> Vec<&'static str> {
    vec![
        "id",
        "hpr",
        "given_name",
        "family_name",
        "sex",
        "phone",
        "email",
        "organisation_number",
        "organisation_name",
        "street_address",
        "postal_code",
        "post_town",
        "municipality_number",
        "municipality",
        "list_size",
    ]
}

fn kind_str(kind: IdKind) -> &'static str {
    if kind == IdKind::DNumber { "d_number" } else { "fnr" }
}

fn sex_str(sex: Sex) -> &'static str {
    match sex {
        Sex::Female => "female",
        Sex::Male => "male",
    }
}

/// Reused scratch strings, so rendering a row allocates nothing once warm.
#[derive(Default)]
pub(crate) struct Scratch {
    a: String,
    b: String,
    c: String,
    d: String,
    e: String,
    f: String,
}

pub(crate) fn person_row(
    p: &Person,
    row: &mut Row<'_>,
    s: &mut Scratch,
    gp_hpr: Option<u32>,
) -> Result<(), GenerateError> {
    s.a.clear();
    push_uuid(&mut s.a, &p.uuid);
    s.b.clear();
    push_date(&mut s.b, p.birth);
    s.c.clear();
    p.write_given(&mut s.c);
    s.d.clear();
    p.address.write_street(&mut s.d);
    s.e.clear();
    p.contact.write_phone(&mut s.e);
    s.f.clear();
    p.contact.write_email(p.given[0], p.family, &mut s.f);
    let a = &p.address;
    row.field(Val::S(&s.a))?;
    row.field(Val::S(p.id.as_str()))?;
    row.field(Val::S(kind_str(p.kind)))?;
    row.field(Val::S(&s.b))?;
    row.field(Val::S(sex_str(p.sex)))?;
    row.field(Val::S(&s.c))?;
    row.field(p.middle.map_or(Val::Null, |m| Val::S(m.text)))?;
    row.field(Val::S(p.family.text))?;
    row.field(Val::S(&s.d))?;
    row.field(Val::S(a.postcode.code))?;
    row.field(Val::S(a.postcode.town))?;
    row.field(Val::S(a.municipality.number))?;
    row.field(Val::S(a.municipality.name))?;
    row.field(Val::S(a.municipality.county_number))?;
    row.field(Val::S(a.municipality.county))?;
    row.field(Val::S(&s.e))?;
    row.field(Val::S(&s.f))?;
    if let Some(h) = gp_hpr {
        row.field(Val::N(u64::from(h)))?;
    }
    row.end()
}

pub(crate) fn encounter_row(
    p: &Person,
    e: &Encounter,
    row: &mut Row<'_>,
    s: &mut Scratch,
    gp_hpr: Option<Option<u32>>,
) -> Result<(), GenerateError> {
    s.a.clear();
    push_uuid(&mut s.a, &e.uuid);
    s.b.clear();
    push_uuid(&mut s.b, &p.uuid);
    s.c.clear();
    push_date(&mut s.c, e.date);
    row.field(Val::S(&s.a))?;
    row.field(Val::S(&s.b))?;
    row.field(Val::S(p.id.as_str()))?;
    row.field(Val::S(&s.c))?;
    row.field(Val::S(e.icd.code))?;
    row.field(Val::S(e.icd.text))?;
    if let Some(h) = gp_hpr {
        row.field(h.map_or(Val::Null, |h| Val::N(u64::from(h))))?;
    }
    row.end()
}

pub(crate) fn practitioner_row(
    t: &Tables,
    gp: &Practitioner,
    practice: &Practice,
    list_size: u64,
    row: &mut Row<'_>,
    s: &mut Scratch,
) -> Result<(), GenerateError> {
    s.a.clear();
    push_uuid(&mut s.a, &gp.uuid);
    s.b.clear();
    gp.contact.write_phone(&mut s.b);
    s.c.clear();
    gp.contact.write_email(gp.given, gp.family, &mut s.c);
    s.d.clear();
    practice.write_name(&mut s.d);
    s.e.clear();
    practice.address.write_street(&mut s.e);
    let m = &t.municipalities[gp.municipality];
    row.field(Val::S(&s.a))?;
    row.field(Val::N(u64::from(gp.hpr)))?;
    row.field(Val::S(gp.given.text))?;
    row.field(Val::S(gp.family.text))?;
    row.field(Val::S(sex_str(gp.sex)))?;
    row.field(Val::S(&s.b))?;
    row.field(Val::S(&s.c))?;
    row.field(Val::S(&practice.orgnr))?;
    row.field(Val::S(&s.d))?;
    row.field(Val::S(&s.e))?;
    row.field(Val::S(practice.address.postcode.code))?;
    row.field(Val::S(practice.address.postcode.town))?;
    row.field(Val::S(m.number))?;
    row.field(Val::S(m.name))?;
    row.field(Val::N(list_size))?;
    row.end()
}

// ---------------------------------------------------------------- JSON bits

/// Appends `s` as a JSON string literal.
pub(crate) fn quoted(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    escaped(out, s);
    out.push(b'"');
}

fn escaped(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => {
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(format!("\\u{b:04x}").as_bytes());
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(esc);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

// ---------------------------------------------------------------- FHIR

/// Base of the entries' fullUrl; `.example` is reserved (RFC 2606), so the
/// URLs can never resolve to a real server.
pub(crate) const FHIR_BASE: &str = "https://fhir.etterlev.example/";
const OID_FNR: &str = "urn:oid:2.16.578.1.12.4.1.4.1";
const OID_DNR: &str = "urn:oid:2.16.578.1.12.4.1.4.2";
const OID_HPR: &str = "urn:oid:2.16.578.1.12.4.1.4.4";
const OID_ENH: &str = "urn:oid:2.16.578.1.12.4.1.4.101";
const OID_MUNICIPALITY: &str = "urn:oid:2.16.578.1.12.4.1.1.3402";
const OID_ICD10: &str = "urn:oid:2.16.578.1.12.4.1.1.7110";
const EXT_MUNICIPALITY: &str = "http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode";
const EXT_MIDDLENAME: &str = "http://hl7.no/fhir/StructureDefinition/no-basis-middlename";
/// HL7 v3 ActReason HTEST ("test health data") in meta.security marks every
/// resource as test data.
const META_SECURITY: &str = r#""security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"HTEST","display":"test health data"}]"#;

/// How bundle entries are written.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FhirStyle {
    pub transaction: bool,
    /// Between entries: ",\n" in one big bundle, "," when every bundle is one line.
    pub separator: &'static [u8],
}

/// Counts entries while appending them to a group.
pub(crate) struct Entries<'a> {
    pub out: &'a mut Vec<u8>,
    pub style: FhirStyle,
    pub count: u32,
    scratch: String,
}

impl<'a> Entries<'a> {
    pub(crate) fn new(out: &'a mut Vec<u8>, style: FhirStyle) -> Entries<'a> {
        Entries {
            out,
            style,
            count: 0,
            scratch: String::new(),
        }
    }

    fn raw(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
    }

    fn q(&mut self, s: &str) {
        quoted(self.out, s);
    }

    fn uuid(&mut self, u: &[u8; 16]) {
        self.scratch.clear();
        push_uuid(&mut self.scratch, u);
        self.out.extend_from_slice(self.scratch.as_bytes());
    }

    fn date(&mut self, d: crate::ids::BirthDate) {
        self.scratch.clear();
        push_date(&mut self.scratch, d);
        self.out.push(b'"');
        self.out.extend_from_slice(self.scratch.as_bytes());
        self.out.push(b'"');
    }

    fn reference(&mut self, kind: &str, u: &[u8; 16]) {
        self.raw(r#"{"reference":""#);
        self.raw(kind);
        self.raw("/");
        self.uuid(u);
        self.raw(r#""}"#);
    }

    /// `{"fullUrl":…,"resource":{"resourceType":…,"id":…,"meta":{…}`, left open.
    fn begin(&mut self, kind: &str, u: &[u8; 16], profile: Option<&str>) {
        if self.count > 0 {
            let sep = self.style.separator;
            self.out.extend_from_slice(sep);
        }
        self.count += 1;
        self.raw(r#"{"fullUrl":""#);
        self.raw(FHIR_BASE);
        self.raw(kind);
        self.raw("/");
        self.uuid(u);
        self.raw(r#"","resource":{"resourceType":""#);
        self.raw(kind);
        self.raw(r#"","id":""#);
        self.uuid(u);
        self.raw(r#"","meta":{"#);
        if let Some(p) = profile {
            self.raw(r#""profile":[""#);
            self.raw(p);
            self.raw(r#""],"#);
        }
        self.raw(META_SECURITY);
        self.raw("}");
    }

    /// Closes the resource and adds the transaction request.
    fn end(&mut self, kind: &str, u: &[u8; 16]) {
        self.raw("}");
        if self.style.transaction {
            self.raw(r#","request":{"method":"PUT","url":""#);
            self.raw(kind);
            self.raw("/");
            self.uuid(u);
            self.raw(r#""}"#);
        }
        self.raw("}");
    }

    fn address(&mut self, a: &super::model::Address, home: bool) {
        self.raw(r#""address":[{"use":""#);
        self.raw(if home { "home" } else { "work" });
        self.raw(r#"","type":"physical","line":["#);
        self.scratch.clear();
        a.write_street(&mut self.scratch);
        let line = std::mem::take(&mut self.scratch);
        self.q(&line);
        self.scratch = line;
        self.raw(r#"],"city":"#);
        self.q(a.postcode.town);
        self.raw(r#","district":"#);
        self.q(a.municipality.name);
        self.raw(r#","_district":{"extension":[{"url":""#);
        self.raw(EXT_MUNICIPALITY);
        self.raw(r#"","valueCoding":{"system":""#);
        self.raw(OID_MUNICIPALITY);
        self.raw(r#"","code":""#);
        self.raw(a.municipality.number);
        self.raw(r#"","display":"#);
        self.q(a.municipality.name);
        self.raw(r#"}}]},"postalCode":""#);
        self.raw(a.postcode.code);
        self.raw(r#"","country":"NO"}]"#);
    }

    fn telecom(&mut self, c: &super::model::Contact, given: &super::data::Name, family: &super::data::Name) {
        self.raw(r#""telecom":[{"system":"phone","value":""#);
        self.scratch.clear();
        c.write_phone(&mut self.scratch);
        self.out.extend_from_slice(self.scratch.as_bytes());
        self.raw(r#""},{"system":"email","value":"#);
        self.scratch.clear();
        c.write_email(given, family, &mut self.scratch);
        let email = std::mem::take(&mut self.scratch);
        self.q(&email);
        self.scratch = email;
        self.raw("}]");
    }

    pub(crate) fn patient(&mut self, p: &Person, gp: Option<&[u8; 16]>) {
        self.begin(
            "Patient",
            &p.uuid,
            Some("http://hl7.no/fhir/StructureDefinition/no-basis-Patient"),
        );
        self.raw(r#","identifier":[{"system":""#);
        self.raw(if p.kind == IdKind::DNumber { OID_DNR } else { OID_FNR });
        self.raw(r#"","value":""#);
        self.raw(p.id.as_str());
        self.raw(r#""}],"name":[{"#);
        if let Some(m) = p.middle {
            self.raw(r#""extension":[{"url":""#);
            self.raw(EXT_MIDDLENAME);
            self.raw(r#"","valueString":"#);
            self.q(m.text);
            self.raw("}],");
        }
        self.raw(r#""use":"official","text":"#);
        self.scratch.clear();
        p.write_full_name(&mut self.scratch);
        let text = std::mem::take(&mut self.scratch);
        self.q(&text);
        self.scratch = text;
        self.raw(r#","family":"#);
        self.q(p.family.text);
        self.raw(r#","given":["#);
        for (i, g) in p.given_names().iter().enumerate() {
            if i > 0 {
                self.raw(",");
            }
            self.q(g.text);
        }
        self.raw("]}],");
        self.telecom(&p.contact, p.given[0], p.family);
        self.raw(r#","gender":""#);
        self.raw(sex_str(p.sex));
        self.raw(r#"","birthDate":"#);
        self.date(p.birth);
        self.raw(",");
        self.address(&p.address, true);
        if let Some(gp) = gp {
            self.raw(r#","generalPractitioner":["#);
            self.reference("Practitioner", gp);
            self.raw("]");
        }
        self.end("Patient", &p.uuid);
    }

    pub(crate) fn encounter(&mut self, p: &Person, e: &Encounter, gp: Option<&[u8; 16]>) {
        self.begin("Encounter", &e.uuid, None);
        self.raw(r#","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB","display":"ambulatory"},"subject":"#);
        self.reference("Patient", &p.uuid);
        if let Some(gp) = gp {
            self.raw(r#","participant":[{"individual":"#);
            self.reference("Practitioner", gp);
            self.raw("}]");
        }
        self.raw(r#","period":{"start":"#);
        self.date(e.date);
        self.raw(r#","end":"#);
        self.date(e.date);
        self.raw(r#"},"reasonReference":["#);
        self.reference("Condition", &e.condition_uuid);
        self.raw("]");
        self.end("Encounter", &e.uuid);

        self.begin("Condition", &e.condition_uuid, None);
        self.raw(r#","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},"category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-category","code":"encounter-diagnosis"}]}],"code":{"coding":[{"system":""#);
        self.raw(OID_ICD10);
        self.raw(r#"","code":""#);
        self.raw(e.icd.code);
        self.raw(r#"","display":"#);
        self.q(e.icd.text);
        self.raw(r#"}],"text":"#);
        self.q(e.icd.text);
        self.raw(r#"},"subject":"#);
        self.reference("Patient", &p.uuid);
        self.raw(r#","encounter":"#);
        self.reference("Encounter", &e.uuid);
        self.raw(r#","recordedDate":"#);
        self.date(e.date);
        self.end("Condition", &e.condition_uuid);
    }

    pub(crate) fn organization(&mut self, practice: &Practice) {
        self.begin(
            "Organization",
            &practice.uuid,
            Some("http://hl7.no/fhir/StructureDefinition/no-basis-Organization"),
        );
        self.raw(r#","identifier":[{"system":""#);
        self.raw(OID_ENH);
        self.raw(r#"","value":""#);
        self.raw(&practice.orgnr);
        self.raw(r#""}],"active":true,"name":"#);
        self.scratch.clear();
        practice.write_name(&mut self.scratch);
        let name = std::mem::take(&mut self.scratch);
        self.q(&name);
        self.scratch = name;
        self.raw(",");
        self.address(&practice.address, false);
        self.end("Organization", &practice.uuid);
    }

    pub(crate) fn practitioner(&mut self, gp: &Practitioner, practice: &Practice) {
        self.begin(
            "Practitioner",
            &gp.uuid,
            Some("http://hl7.no/fhir/StructureDefinition/no-basis-Practitioner"),
        );
        self.raw(r#","identifier":[{"system":""#);
        self.raw(OID_HPR);
        self.raw(r#"","value":""#);
        self.scratch.clear();
        push_u64(&mut self.scratch, u64::from(gp.hpr), 9);
        debug_assert!(gp.hpr >= HPR_BASE);
        self.out.extend_from_slice(self.scratch.as_bytes());
        self.raw(r#""}],"active":true,"name":[{"use":"official","family":"#);
        self.q(gp.family.text);
        self.raw(r#","given":["#);
        self.q(gp.given.text);
        self.raw("]}],");
        self.telecom(&gp.contact, gp.given, gp.family);
        self.raw(r#","gender":""#);
        self.raw(sex_str(gp.sex));
        self.raw(r#"""#);
        self.end("Practitioner", &gp.uuid);

        // The role ties the GP to the practice; its id is derived from the GP's.
        let mut role = gp.uuid;
        role[0] ^= 0x5a;
        self.begin(
            "PractitionerRole",
            &role,
            Some("http://hl7.no/fhir/StructureDefinition/no-basis-PractitionerRole"),
        );
        self.raw(r#","active":true,"practitioner":"#);
        self.reference("Practitioner", &gp.uuid);
        self.raw(r#","organization":"#);
        self.reference("Organization", &practice.uuid);
        self.raw(r#","code":[{"text":"Fastlege"}]"#);
        self.end("PractitionerRole", &role);
    }
}

/// The opening of a bundle up to and including `"entry":[`.
pub(crate) fn bundle_head(out: &mut Vec<u8>, id: &[u8; 16], transaction: bool, newline: bool) {
    let mut s = String::new();
    push_uuid(&mut s, id);
    out.extend_from_slice(br#"{"resourceType":"Bundle","id":""#);
    out.extend_from_slice(s.as_bytes());
    out.extend_from_slice(br#"","meta":{"#);
    out.extend_from_slice(META_SECURITY.as_bytes());
    out.extend_from_slice(br#"},"type":""#);
    out.extend_from_slice(if transaction { b"transaction" } else { b"collection" });
    out.extend_from_slice(br#"","entry":["#);
    if newline {
        out.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escaping() {
        let mut out = Vec::new();
        quoted(&mut out, "a\"b\\c\nd\u{1}æ");
        assert_eq!(String::from_utf8(out.clone()).unwrap(), r#""a\"b\\c\nd\u0001æ""#);
        let back: String = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, "a\"b\\c\nd\u{1}æ");
    }
}
