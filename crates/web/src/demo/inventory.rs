//! Demo inventories: systems, integrations and security measures of
//! Fjordheim helseforetak (linked to Normen and NIS2 requirements) and of
//! Solbakken legekontor (linked to Normen).

use etterlev_core::inventory::Criticality::{Critical, Important, Supporting};
use etterlev_core::inventory::DataCategory::{Health, Personal, Special};
use etterlev_core::inventory::Frequency::{Daily, Hourly, OnDemand, RealTime, Weekly};
use etterlev_core::inventory::MeasureKind::{Organisational, Physical, Technical};
use etterlev_core::inventory::MeasureStatus::{Implemented, InProgress, Planned, Retired};
use etterlev_core::inventory::Protocol::{Api, Fhir, FileTransfer, Hl7v2, Other};
use etterlev_core::inventory::{
    Criticality as C, DataCategory as D, Frequency, Hosting, Level, MdrClass, MeasureKind, MeasureStatus,
    ProtectionNeed, Protocol,
};
use etterlev_core::{OrgNumber, Role};
use etterlev_store::{IntegrationInput, MeasureInput, RequirementRef, Store, StoreError, SystemInput, TenantStore};

use super::{ADMIN_EMAIL, GP_ORG, HOSPITAL_ORG, USERS};

/// Where a system runs; a cloud service with its provider and region.
#[derive(Clone, Copy)]
enum Host {
    At(Hosting),
    Cloud(&'static str, &'static str),
}

const OWN: Host = Host::At(Hosting::OwnPremises);
const REG: Host = Host::At(Hosting::RegionalIt);
const DC: Host = Host::At(Hosting::SupplierDataCentre);
const HOME: Host = Host::At(Hosting::PatientHome);
const M365: Host = Host::Cloud("Microsoft", "EU/EØS (Nord-Europa)");
const AZURE: Host = Host::Cloud("Microsoft Azure", "Norge øst");
const AWS: Host = Host::Cloud("Amazon Web Services", "eu-north-1 (Stockholm)");

/// (name, purpose), then (supplier, data, need as K-I-T, criticality,
/// hosting, flags). Flags: `reg` health register, `iia`/`iib` medical device
/// of that MDR class, `ai`, `internet`, `remote` (supplier access), `patient`
/// (used by patients).
type Sys = (
    (&'static str, &'static str),
    (&'static str, D, (u8, u8, u8), C, Host, &'static str),
);

/// (from, to, data, protocol, frequency, authoritative source): when the
/// source is not the receiver, the receiver holds a copy (fact sheet 59).
type Flow = (usize, usize, &'static str, Protocol, Frequency, Option<usize>);

/// Title, (kind, status, owner, review by), (systems, requirements: NIS2's
/// are `art…`, the others Normen's), and an effectiveness check as
/// ((method, interval), (last checked, last result)).
type Measure = (
    &'static str,
    (MeasureKind, MeasureStatus, &'static str, &'static str),
    (&'static [usize], &'static [&'static str]),
    Option<((&'static str, &'static str), (&'static str, &'static str))>,
);

const NORMEN: &str = "normen@6.0-r2";
const CLOUD_GUIDE: &str = "veileder-sky@snapshot-2026-12-07";
const DEVICE_GUIDE: &str = "veileder-medisinsk-utstyr@snapshot-2026-12-07";
const NIS2: &str = "nis2@2022-2555";

/// The catalogue and node a demo measure serves: `art…` is NIS2, a
/// `guide#node` one of Normen's guides, anything else Normen.
fn requirement(n: &str) -> (&'static str, &str) {
    match n.split_once('#') {
        Some(("veileder-sky", id)) => (CLOUD_GUIDE, id),
        Some(("veileder-medisinsk-utstyr", id)) => (DEVICE_GUIDE, id),
        Some((_, id)) => (NORMEN, id),
        None if n.starts_with("art") => (NIS2, n),
        None => (NORMEN, n),
    }
}

/// One enterprise's inventory, and who owns and runs its systems.
struct Plan {
    systems: &'static [Sys],
    flows: &'static [Flow],
    both_ways: &'static [Flow],
    measures: &'static [Measure],
    /// Owner of systems with health data, owner of the others, administrator.
    owners: [&'static str; 3],
}

// ------------------------------------------------------ Fjordheim helseforetak

const EPJ: usize = 0;
const PACS: usize = 1;
const RIS: usize = 2;
const LAB: usize = 3;
const BLOOD: usize = 4;
const PATO: usize = 5;
const CURVE: usize = 6;
const ICU: usize = 7;
const OPR: usize = 8;
const AMK: usize = 9;
const AMB: usize = 10;
const DICT: usize = 11;
const HOMEMON: usize = 12;
const MSG: usize = 13;
const KJ: usize = 14;
const ERES: usize = 15;
const HR: usize = 16;
const ERP: usize = 17;
const ARCH: usize = 18;
const QUAL: usize = 19;
const OFFICE: usize = 20;
const VIDEO: usize = 21;
const BADGE: usize = 22;
const BMS: usize = 23;
const PORTAL: usize = 24;
const IAM: usize = 25;

const HOSPITAL_SYSTEMS: &[Sys] = &[
    (
        ("DIPS Arena", "Elektronisk pasientjournal"),
        ("DIPS AS", Health, (4, 4, 4), Critical, REG, "reg remote"),
    ),
    (
        ("Sectra PACS", "Lagring og visning av røntgenbilder"),
        ("Sectra AB", Health, (4, 4, 3), Critical, REG, "reg iia remote"),
    ),
    (
        ("Radiologisystem (RIS)", "Timebok og bestillinger i radiologien"),
        ("RIS-leverandør AS", Health, (3, 3, 3), Important, REG, "reg"),
    ),
    (
        ("Laboratoriesystem", "Rekvisisjoner og prøvesvar"),
        ("Labsoft AS", Health, (4, 4, 4), Critical, OWN, "reg"),
    ),
    (
        ("Blodbanksystem", "Blodgivere, blodprodukter og forlikelighet"),
        ("Blodbankleverandør AS", Health, (4, 4, 4), Critical, OWN, "reg"),
    ),
    (
        ("Patologisystem", "Prøvemottak, snitt og beskrivelser"),
        ("Patologileverandør AS", Health, (4, 4, 3), Important, REG, "reg"),
    ),
    (
        ("Kurve og legemidler", "Elektronisk kurve og legemiddelhåndtering"),
        ("Kurveleverandør AS", Health, (4, 4, 4), Critical, REG, "reg"),
    ),
    (
        ("Intensivkurve", "Overvåkning og kurve i intensiv og oppvåkning"),
        ("Intensivdata AS", Health, (4, 4, 4), Critical, OWN, "reg iib remote"),
    ),
    (
        ("Operasjonsplanlegging", "Planlegging av operasjoner og stuer"),
        ("DIPS AS", Health, (3, 3, 3), Important, REG, "reg"),
    ),
    (
        ("AMK-koordinering", "Mottak av 113-samtaler og styring av ambulanser"),
        ("Nødmeldeleverandør AS", Health, (4, 4, 4), Critical, OWN, "remote"),
    ),
    (
        ("Ambulansejournal", "Journal og målinger under ambulanseoppdrag"),
        ("Ambulansesystemer AS", Health, (4, 4, 4), Critical, DC, "reg remote"),
    ),
    (
        ("Diktering og talegjenkjenning", "Diktat som blir til journaltekst"),
        ("Talegjenkjenning AS", Health, (3, 3, 2), Supporting, AZURE, "ai"),
    ),
    (
        ("Hjemmeoppfølging", "Målinger fra utstyr hjemme hos pasienten"),
        ("Velferd AS", Health, (3, 4, 3), Important, HOME, "iia remote internet"),
    ),
    (
        ("Meldingstjener (Helsenett)", "Meldinger over Norsk helsenett"),
        ("Norsk helsenett SF", Health, (4, 4, 3), Important, REG, ""),
    ),
    (
        ("Kjernejournal-integrasjon", "Oppslag i kjernejournal fra journalen"),
        ("Norsk helsenett SF", Health, (4, 3, 3), Important, REG, ""),
    ),
    (
        ("E-resept", "Resepter til og fra Reseptformidleren"),
        ("Norsk helsenett SF", Health, (4, 4, 3), Important, REG, ""),
    ),
    (
        ("Personal- og lønnssystem", "Ansatte, turnus, fravær og lønn"),
        ("HR-leverandør AS", Special, (3, 3, 2), C::None, DC, ""),
    ),
    (
        ("Økonomisystem (ERP)", "Regnskap, innkjøp og fakturaer"),
        ("ERP-leverandør AS", Personal, (2, 3, 2), C::None, DC, ""),
    ),
    (
        ("Dokumentarkiv", "Saksbehandling og arkiv etter Noark 5"),
        ("Arkivleverandør AS", Special, (3, 3, 2), Supporting, REG, ""),
    ),
    (
        ("Kvalitets- og avvikssystem", "Avvik, prosedyrer og forbedringsarbeid"),
        ("Kvalitetsleverandør AS", Health, (3, 3, 2), Supporting, DC, ""),
    ),
    (
        ("Kontorstøtte i skyen", "E-post, dokumenter og møter"),
        ("Microsoft", Personal, (3, 2, 2), Supporting, M365, "internet"),
    ),
    (
        ("Videokonsultasjon", "Videotimer mellom behandler og pasient"),
        ("Videolink AS", Health, (3, 3, 3), Important, AWS, "internet patient"),
    ),
    (
        ("Adgangskontroll", "Adgangskort, dører og besøkende"),
        ("Sikringsleverandør AS", Personal, (2, 2, 3), Important, OWN, "remote"),
    ),
    (
        ("Byggautomasjon (SD-anlegg)", "Styring av ventilasjon, varme og strøm"),
        ("Byggautomasjon AS", D::None, (1, 3, 4), Important, OWN, "remote"),
    ),
    (
        ("Pasientportal", "Timer, brev og meldinger til pasientene"),
        ("Helseportal AS", Health, (4, 3, 2), Supporting, DC, "internet patient"),
    ),
    (
        ("Identitetsstyring (AD)", "Brukerkontoer, grupper og pålogging"),
        ("Regional IKT", Personal, (3, 4, 4), Critical, REG, ""),
    ),
];

const HOSPITAL_FLOWS: &[Flow] = &[
    (EPJ, LAB, "Rekvisisjoner", Hl7v2, RealTime, Some(EPJ)),
    (LAB, EPJ, "Prøvesvar", Hl7v2, RealTime, Some(LAB)),
    (EPJ, RIS, "Bestillinger til radiologien", Hl7v2, RealTime, Some(EPJ)),
    (RIS, PACS, "Arbeidslister for modalitetene", Other, RealTime, Some(RIS)),
    (RIS, EPJ, "Radiologiske beskrivelser", Hl7v2, RealTime, Some(RIS)),
    (PACS, EPJ, "Lenker til bilder", Hl7v2, RealTime, Some(PACS)),
    (EPJ, CURVE, "Pasientdata og diagnoser", Fhir, RealTime, Some(EPJ)),
    (CURVE, EPJ, "Legemiddelliste ved utreise", Fhir, RealTime, Some(CURVE)),
    (KJ, CURVE, "Legemidler fra kjernejournal", Fhir, OnDemand, Some(ERES)),
    (KJ, EPJ, "Kritisk informasjon", Fhir, OnDemand, Some(KJ)),
    (CURVE, ERES, "Resepter", Api, OnDemand, Some(CURVE)),
    (EPJ, ICU, "Pasientdata ved innleggelse", Hl7v2, RealTime, Some(EPJ)),
    (ICU, EPJ, "Intensivnotat og kurvedata", Hl7v2, Hourly, Some(ICU)),
    (LAB, ICU, "Blodgasser og prøvesvar", Hl7v2, RealTime, Some(LAB)),
    (BLOOD, EPJ, "Transfusjoner", Hl7v2, RealTime, Some(BLOOD)),
    (EPJ, PATO, "Rekvisisjoner til patologi", Hl7v2, RealTime, Some(EPJ)),
    (PATO, EPJ, "Patologisvar", Hl7v2, RealTime, Some(PATO)),
    (AMK, AMB, "Oppdrag og hastegrad", Api, RealTime, Some(AMK)),
    (AMB, EPJ, "Ambulansejournal ved overlevering", Fhir, RealTime, Some(AMB)),
    (DICT, EPJ, "Journaltekst fra diktat", Api, RealTime, Some(EPJ)),
    (HOMEMON, EPJ, "Målinger fra hjemmet", Fhir, Hourly, Some(HOMEMON)),
    (EPJ, PORTAL, "Timer og brev", Api, RealTime, Some(EPJ)),
    (PORTAL, VIDEO, "Videotimer", Api, OnDemand, Some(EPJ)),
    (HR, IAM, "Ansatte og stillinger", FileTransfer, Daily, Some(HR)),
    (IAM, OFFICE, "Brukerkontoer og grupper", Api, Hourly, Some(HR)),
    (IAM, BADGE, "Ansatte med adgangskort", FileTransfer, Daily, Some(HR)),
    (HR, ERP, "Lønnsbilag", FileTransfer, Weekly, Some(HR)),
    (ERP, ARCH, "Fakturaer til arkivet", FileTransfer, Daily, Some(ERP)),
    (QUAL, ARCH, "Avvikssaker til arkivet", FileTransfer, Weekly, Some(QUAL)),
];

const HOSPITAL_BOTH_WAYS: &[Flow] = &[
    (EPJ, MSG, "Epikriser, henvisninger og dialog", Other, RealTime, None),
    (LAB, BLOOD, "Blodtyping og forlikelighet", Hl7v2, RealTime, Some(BLOOD)),
    (OPR, EPJ, "Operasjonsplan og forløp", Api, RealTime, Some(OPR)),
    (RIS, PACS, "Status for undersøkelser", Hl7v2, RealTime, None),
    (BMS, BADGE, "Alarmer og dørstyring", Other, RealTime, None),
];

const HOSPITAL_MEASURES: &[Measure] = &[
    (
        "MFA på all fjerntilgang",
        (Technical, Implemented, "Informasjonssikkerhetsleder", "2027-01-15"),
        (&[EPJ, PACS, HOMEMON, ICU, AMK, BMS], &["6.2-b", "9.3-a", "art21.2.j"]),
        Some((
            ("Månedlig rapport over pålogginger utenfra uten MFA", "Månedlig"),
            ("2026-11-30", "Ingen pålogginger uten MFA i november."),
        )),
    ),
    (
        "Engangskoder på SMS ved fjerntilgang",
        (Technical, Retired, "IKT-sjef", "2027-01-29"),
        (&[EPJ], &["6.2-b"]),
        None,
    ),
    (
        "Nattlig sikkerhetskopi med kopi utenfor huset",
        (Technical, Implemented, "IKT-sjef", "2027-03-31"),
        (&[EPJ, LAB, BLOOD, CURVE, PACS], &["13.1-a", "art21.2.c"]),
        Some((
            ("Prøvegjenoppretting av en database i testmiljøet", "Kvartalsvis"),
            ("2026-10-15", "Gjenopprettet på tre timer, innenfor målet på fire."),
        )),
    ),
    (
        "Månedlig kontroll av journallogg",
        (Organisational, InProgress, "Personvernombud", "2027-02-26"),
        (&[EPJ, CURVE, ICU], &["7.1-a", "7.1-b", "7.2-a", "5.1-b", "art21.2.f"]),
        Some((
            ("Stikkprøver av oppslag på ansatte og kjente personer", "Månedlig"),
            ("2026-11-02", "To oppslag uten tjenstlig behov er fulgt opp."),
        )),
    ),
    (
        "Tilgang etter rollemaler for hver klinikk",
        (Technical, Implemented, "IKT-sjef", "2027-05-31"),
        (&[EPJ, CURVE, IAM], &["6.1-a", "6.1-d", "art21.2.i"]),
        None,
    ),
    (
        "Halvårlig gjennomgang av tilganger",
        (Organisational, Implemented, "Fagdirektør", "2027-06-30"),
        (&[EPJ, IAM, HR], &["6.1-e", "6.1-d", "art21.2.i"]),
        Some((
            ("Lederne bekrefter tilgangene til sine ansatte", "Halvårlig"),
            ("2026-09-30", "94 % bekreftet; resten er purret."),
        )),
    ),
    (
        "Ukentlig kontroll av nødtilgang",
        (Organisational, Implemented, "Personvernombud", "2027-04-30"),
        (&[EPJ], &["6.1-f", "7.2-a"]),
        Some((
            ("Gjennomgang av all bruk av nødtilgang", "Ukentlig"),
            ("2026-11-30", "Alle tilfeller var begrunnet."),
        )),
    ),
    (
        "Leverandørtilgang bare via tilgangsportal med logg",
        (Technical, Implemented, "IKT-sjef", "2027-02-26"),
        (&[PACS, ICU, AMK, BMS], &["9.3-b", "9.3-c", "art21.2.d", "art21.3"]),
        None,
    ),
    (
        "Egne administratorkontoer i et skjermet driftsmiljø",
        (Technical, InProgress, "IKT-sjef", "2027-08-31"),
        (&[IAM, EPJ], &["6.1-h", "6.2-f", "art21.2.h", "art21.2.i"]),
        None,
    ),
    (
        "Databehandleravtaler og avtaler om tilgang",
        (Organisational, Implemented, "Personvernombud", "2027-03-15"),
        (
            &[OFFICE, VIDEO, DICT, AMB],
            &["veileder-sky#10.1-d", "6.3-d", "art21.2.d"],
        ),
        None,
    ),
    (
        "Kort og kode til datarom og medisinteknisk verksted",
        (Physical, Implemented, "Eiendomssjef", "2027-05-14"),
        (&[BADGE, LAB, BMS], &["8.1-a", "art21.2.i"]),
        Some((
            ("Gjennomgang av adgangsloggen for datarommene", "Kvartalsvis"),
            ("2026-09-15", "Tre kort for sluttede ansatte var aktive; sperret."),
        )),
    ),
    (
        "Oversikt over medisinsk utstyr og systemer",
        (Organisational, InProgress, "Medisinsk-teknisk sjef", "2027-09-30"),
        (
            &[PACS, ICU, HOMEMON],
            &["veileder-medisinsk-utstyr#ansvar.oversikt", "2.2-e", "art21.2.i"],
        ),
        None,
    ),
    (
        "Eget nett for byggautomasjon og medisinsk utstyr",
        (Technical, Planned, "IKT-sjef", "2027-11-30"),
        (&[BMS, ICU, PACS, HOMEMON], &["3-a", "art21.2.a", "art21.2.e"]),
        None,
    ),
    (
        "Opplæring i informasjonssikkerhet før tilgang",
        (Organisational, Implemented, "HR-sjef", "2027-01-22"),
        (&[EPJ, OFFICE, IAM], &["2.3-a", "art21.2.g"]),
        Some((
            ("Andel nyansatte med fullført e-læring før tilgang", "Månedlig"),
            ("2026-11-30", "97 % fullført; to fikk tilgang for tidlig."),
        )),
    ),
    (
        "Risikovurdering før systemer tas i bruk eller endres",
        (Organisational, Implemented, "Informasjonssikkerhetsleder", "2027-12-15"),
        (&[DICT, VIDEO, HOMEMON, PORTAL], &["3-a", "art21.1", "art21.2.e"]),
        None,
    ),
    (
        "Rutine for håndtering og varsling av hendelser",
        (Organisational, InProgress, "Informasjonssikkerhetsleder", "2027-07-30"),
        (&[EPJ, AMK, IAM, PORTAL], &["art21.2.b", "art21.4"]),
        None,
    ),
];

const HOSPITAL: Plan = Plan {
    systems: HOSPITAL_SYSTEMS,
    flows: HOSPITAL_FLOWS,
    both_ways: HOSPITAL_BOTH_WAYS,
    measures: HOSPITAL_MEASURES,
    owners: ["Klinikkdirektør", "Administrerende direktør", "IKT-forvaltning"],
};

// ------------------------------------------------------- Solbakken legekontor

const GP_EPJ: usize = 0;
const GP_NHN: usize = 1;
const GP_ERES: usize = 2;
const GP_WEB: usize = 3;
const GP_OFFICE: usize = 4;
const GP_LAB: usize = 5;

const GP_SYSTEMS: &[Sys] = &[
    (
        ("Journalsystem", "Pasientjournal, timebok og oppgjør"),
        ("Legejournal AS", Health, (4, 4, 4), Critical, AZURE, "reg remote"),
    ),
    (
        ("Helsenett og meldingstjener", "Meldinger over Norsk helsenett"),
        ("Norsk helsenett SF", Health, (4, 4, 3), Important, DC, ""),
    ),
    (
        ("E-resept", "Resepter til Reseptformidleren"),
        ("Norsk helsenett SF", Health, (4, 4, 3), Important, DC, ""),
    ),
    (
        ("Pasientweb og SMS", "Timebestilling på nett og påminnelser på SMS"),
        ("Pasientweb AS", Health, (3, 2, 2), Supporting, DC, "internet patient"),
    ),
    (
        ("Kontor-PC og e-post", "Kontorstøtte og e-post for de ansatte"),
        ("Microsoft", Personal, (2, 2, 2), Supporting, M365, "internet"),
    ),
    (
        ("Laboratorie- og EKG-utstyr", "Hurtiganalyser og EKG på kontoret"),
        ("Medisinsk utstyr AS", Health, (3, 4, 3), Important, OWN, "iia"),
    ),
];

const GP_FLOWS: &[Flow] = &[
    (GP_LAB, GP_EPJ, "Analyser og EKG", FileTransfer, OnDemand, Some(GP_LAB)),
    (GP_EPJ, GP_ERES, "Resepter", Api, OnDemand, Some(GP_EPJ)),
    (GP_WEB, GP_EPJ, "Timeønsker fra pasienter", Api, RealTime, Some(GP_WEB)),
];

const GP_BOTH_WAYS: &[Flow] = &[
    (GP_EPJ, GP_NHN, "Epikriser, henvisninger og svar", Other, RealTime, None),
    (GP_EPJ, GP_WEB, "Ledige timer og påminnelser", Api, Hourly, Some(GP_EPJ)),
];

const GP_MEASURES: &[Measure] = &[
    (
        "Tofaktorinnlogging i journalsystemet",
        (Technical, Implemented, "Daglig leder", "2027-02-15"),
        (&[GP_EPJ, GP_WEB, GP_OFFICE], &["6.2-b", "9.3-a"]),
        None,
    ),
    (
        "Kvartalsvis kontroll av journallogg",
        (Organisational, InProgress, "Daglig leder", "2027-03-31"),
        (&[GP_EPJ], &["7.1-a", "7.2-a"]),
        Some((
            ("Stikkprøver av oppslag i journalen", "Kvartalsvis"),
            ("2026-10-01", "Ingen oppslag uten tjenstlig behov."),
        )),
    ),
    (
        "Databehandleravtaler med leverandørene",
        (Organisational, Implemented, "Daglig leder", "2027-06-30"),
        (&[GP_EPJ, GP_WEB, GP_OFFICE], &["veileder-sky#10.1-d"]),
        None,
    ),
    (
        "Låst laboratorium og skjermlås på alle PC-er",
        (Physical, Implemented, "Kontorleder", "2027-04-30"),
        (&[GP_EPJ, GP_LAB], &["8.1-a"]),
        None,
    ),
    (
        "Avtalt kontroll av sikkerhetskopi med leverandøren",
        (Organisational, Planned, "Daglig leder", "2027-09-30"),
        (&[GP_EPJ], &["13.1-a"]),
        Some((
            ("Gjenoppretting av en testjournal hos leverandøren", "Årlig"),
            ("2026-03-12", "Ikke vist ennå; leverandøren er purret."),
        )),
    ),
];

const GP: Plan = Plan {
    systems: GP_SYSTEMS,
    flows: GP_FLOWS,
    both_ways: GP_BOTH_WAYS,
    measures: GP_MEASURES,
    owners: ["Daglig lege", "Daglig leder", "Kontorleder"],
};

// ------------------------------------------------------------------ seeding

/// Seeds the hospital's inventory for the demo administrator and the GP
/// office's for its administrator among the demo users, each once (an
/// enterprise with systems, or whose people are missing, is left alone).
/// True when something was created. Requirement links are left out when
/// the catalogues did not import.
pub async fn seed(store: &Store) -> Result<bool, StoreError> {
    let hospital = seed_tenant(store, HOSPITAL_ORG, ADMIN_EMAIL, &HOSPITAL).await?;
    let gp = match USERS.iter().find(|u| u.role == Role::Admin) {
        Some(admin) => seed_tenant(store, GP_ORG, admin.email, &GP).await?,
        None => false,
    };
    Ok(hospital || gp)
}

async fn seed_tenant(store: &Store, org: &str, email: &str, plan: &Plan) -> Result<bool, StoreError> {
    let org = OrgNumber::parse(org).map_err(|e| StoreError::Internal(e.to_string()))?;
    let (Some(tenant), Some(user)) = (store.tenant_by_org(&org).await?, store.user_by_email(email).await?) else {
        return Ok(false);
    };
    let scope = match store.scope(&user, &tenant.id).await {
        Ok(scope) => scope,
        Err(StoreError::NotFound) => return Ok(false),
        Err(e) => return Err(e),
    };
    let ts = store.tenant(&scope);
    if !ts.systems().await?.is_empty() {
        return Ok(false);
    }
    let mut ids = Vec::new();
    for s in plan.systems {
        ids.push(ts.create_system(system_input(s, plan)).await?.id);
    }
    let id = |i: usize| {
        ids.get(i)
            .cloned()
            .ok_or_else(|| StoreError::Internal(format!("demo system {i} is missing")))
    };
    let flows = plan.flows.iter().map(|f| (f, false));
    for (&(from, to, data, protocol, frequency, source), both_ways) in
        flows.chain(plan.both_ways.iter().map(|f| (f, true)))
    {
        ts.create_integration(IntegrationInput {
            from_system: id(from)?,
            to_system: id(to)?,
            both_ways,
            data: data.into(),
            protocol,
            frequency,
            source_system: source.map(id).transpose()?,
        })
        .await?;
    }
    for m in plan.measures {
        let systems = m.2.0.iter().map(|i| id(*i)).collect::<Result<Vec<_>, _>>()?;
        seed_measure(&ts, systems, m).await?;
    }
    Ok(true)
}

fn system_input(s: &Sys, plan: &Plan) -> SystemInput {
    let ((name, purpose), (supplier, data, (c, i, a), criticality, host, flags)) = *s;
    let has = |f: &str| flags.split(' ').any(|x| x == f);
    let level = |n| Level::new(n).unwrap_or(Level::ALL[3]);
    let mdr_class = [("iia", MdrClass::IIa), ("iib", MdrClass::IIb)]
        .into_iter()
        .find(|(f, _)| has(f));
    let (hosting, cloud) = match host {
        Host::At(h) => (h, None),
        Host::Cloud(provider, region) => (Hosting::Cloud, Some((provider, region))),
    };
    SystemInput {
        name: name.into(),
        purpose: Some(purpose.into()),
        owner: Some(plan.owners[usize::from(data != Health)].into()),
        administrator: Some(plan.owners[2].into()),
        users: None,
        staff_users: true,
        patient_users: has("patient") || hosting == Hosting::PatientHome,
        data_category: data,
        health_register: has("reg"),
        need: ProtectionNeed {
            confidentiality: level(c),
            integrity: level(i),
            availability: level(a),
        },
        criticality,
        hosting,
        cloud_provider: cloud.map(|(p, _)| p.to_string()),
        cloud_region: cloud.map(|(_, r)| r.to_string()),
        supplier: Some(supplier.into()),
        medical_device: mdr_class.is_some(),
        mdr_class: mdr_class.map(|(_, class)| class),
        ai_component: has("ai"),
        internet_exposed: has("internet"),
        remote_access: has("remote"),
    }
}

async fn seed_measure(ts: &TenantStore<'_>, systems: Vec<String>, m: &Measure) -> Result<(), StoreError> {
    let (title, (kind, status, owner, review_by), (_, reqs), check) = *m;
    let input = |with_requirements: bool| MeasureInput {
        title: title.into(),
        description: None,
        kind,
        status,
        owner: Some(owner.into()),
        review_by: Some(review_by.into()),
        check_method: check.map(|((method, _), _)| method.into()),
        check_interval: check.map(|((_, interval), _)| interval.into()),
        last_checked: check.map(|(_, (date, _))| date.into()),
        last_result: check.map(|(_, (_, result))| result.into()),
        systems: systems.clone(),
        requirements: reqs
            .iter()
            .filter(|_| with_requirements)
            .map(|n| {
                let (catalog_key, node_id) = requirement(n);
                RequirementRef {
                    catalog_key: catalog_key.into(),
                    node_id: node_id.into(),
                }
            })
            .collect(),
    };
    match ts.create_measure(input(true)).await {
        Ok(_) => Ok(()),
        // The catalogues are not there (a demo without them).
        Err(StoreError::Invalid(_)) => ts.create_measure(input(false)).await.map(|_| ()),
        Err(e) => Err(e),
    }
}
