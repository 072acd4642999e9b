//! Demo inventory of Fjordheim helseforetak: systems, integrations and
//! security measures linked to Normen and NIS2 requirements.

use etterlev_core::OrgNumber;
use etterlev_core::inventory::{
    Criticality, DataCategory, Frequency, Hosting, Level, MdrClass, MeasureKind, MeasureStatus, ProtectionNeed,
    Protocol,
};
use etterlev_store::{IntegrationInput, MeasureInput, RequirementRef, Store, StoreError, SystemInput, TenantStore};

use super::{ADMIN_EMAIL, HOSPITAL_ORG};

fn need(c: u8, i: u8, a: u8) -> ProtectionNeed {
    let l = |n| Level::new(n).unwrap_or(Level::ALL[3]);
    ProtectionNeed {
        confidentiality: l(c),
        integrity: l(i),
        availability: l(a),
    }
}

struct Sys {
    name: &'static str,
    purpose: &'static str,
    data: DataCategory,
    need: (u8, u8, u8),
    criticality: Criticality,
    hosting: Hosting,
    supplier: &'static str,
    flags: &'static str,
}

const SYSTEMS: &[Sys] = &[
    Sys {
        name: "DIPS Arena",
        purpose: "Elektronisk pasientjournal",
        data: DataCategory::Health,
        need: (4, 4, 4),
        criticality: Criticality::Critical,
        hosting: Hosting::RegionalIt,
        supplier: "DIPS AS",
        flags: "register remote",
    },
    Sys {
        name: "Sectra PACS",
        purpose: "Lagring og visning av røntgenbilder",
        data: DataCategory::Health,
        need: (4, 4, 3),
        criticality: Criticality::Critical,
        hosting: Hosting::RegionalIt,
        supplier: "Sectra",
        flags: "register medical remote",
    },
    Sys {
        name: "Laboratoriesystem",
        purpose: "Rekvisisjoner og svar fra laboratoriet",
        data: DataCategory::Health,
        need: (4, 4, 4),
        criticality: Criticality::Critical,
        hosting: Hosting::OwnPremises,
        supplier: "Labsoft AS",
        flags: "register",
    },
    Sys {
        name: "Kurve og legemidler",
        purpose: "Elektronisk kurve og legemiddelhåndtering",
        data: DataCategory::Health,
        need: (4, 4, 4),
        criticality: Criticality::Critical,
        hosting: Hosting::RegionalIt,
        supplier: "Kurveleverandør AS",
        flags: "register",
    },
    Sys {
        name: "Hjemmeoppfølging",
        purpose: "Målinger fra utstyr hjemme hos pasienten",
        data: DataCategory::Health,
        need: (3, 4, 3),
        criticality: Criticality::Important,
        hosting: Hosting::PatientHome,
        supplier: "Velferdsteknologi AS",
        flags: "medical remote internet",
    },
    Sys {
        name: "Meldingstjener (Helsenett)",
        purpose: "Elektroniske meldinger over Norsk helsenett",
        data: DataCategory::Health,
        need: (4, 4, 3),
        criticality: Criticality::Important,
        hosting: Hosting::RegionalIt,
        supplier: "Norsk helsenett SF",
        flags: "",
    },
    Sys {
        name: "Kontorstøtte i skyen",
        purpose: "E-post, dokumenter og møter",
        data: DataCategory::Personal,
        need: (3, 2, 2),
        criticality: Criticality::Supporting,
        hosting: Hosting::Cloud,
        supplier: "Microsoft",
        flags: "internet",
    },
    Sys {
        name: "Personalsystem",
        purpose: "Ansatte, turnus og lønn",
        data: DataCategory::Special,
        need: (3, 3, 2),
        criticality: Criticality::None,
        hosting: Hosting::SupplierDataCentre,
        supplier: "HR-leverandør AS",
        flags: "",
    },
];

fn system_input(s: &Sys) -> SystemInput {
    let has = |f: &str| s.flags.split(' ').any(|x| x == f);
    let cloud = s.hosting == Hosting::Cloud;
    SystemInput {
        name: s.name.into(),
        purpose: Some(s.purpose.into()),
        owner: Some("Klinikkdirektør".into()),
        administrator: Some("IKT-forvaltning".into()),
        users: None,
        staff_users: true,
        patient_users: s.hosting == Hosting::PatientHome,
        data_category: s.data,
        health_register: has("register"),
        need: need(s.need.0, s.need.1, s.need.2),
        criticality: s.criticality,
        hosting: s.hosting,
        cloud_provider: cloud.then(|| s.supplier.to_string()),
        cloud_region: cloud.then(|| "EU/EØS (Nord-Europa)".to_string()),
        supplier: Some(s.supplier.into()),
        medical_device: has("medical"),
        mdr_class: has("medical").then_some(MdrClass::IIa),
        ai_component: false,
        internet_exposed: has("internet"),
        remote_access: has("remote"),
    }
}

/// (from, to, data, protocol, frequency, authoritative source)
const FLOWS: &[(usize, usize, &str, Protocol, Frequency, Option<usize>)] = &[
    (2, 0, "Laboratoriesvar", Protocol::Hl7v2, Frequency::RealTime, Some(2)),
    (0, 2, "Rekvisisjoner", Protocol::Hl7v2, Frequency::RealTime, Some(0)),
    (
        0,
        1,
        "Bestillinger av bildediagnostikk",
        Protocol::Hl7v2,
        Frequency::RealTime,
        Some(0),
    ),
    (
        1,
        0,
        "Beskrivelser av bilder",
        Protocol::Hl7v2,
        Frequency::RealTime,
        Some(1),
    ),
    (
        0,
        3,
        "Pasientdata og legemiddelliste",
        Protocol::Fhir,
        Frequency::RealTime,
        Some(0),
    ),
    (4, 0, "Målinger fra hjemmet", Protocol::Fhir, Frequency::Hourly, Some(4)),
    (
        0,
        5,
        "Epikriser og henvisninger",
        Protocol::Api,
        Frequency::RealTime,
        Some(0),
    ),
    (
        7,
        6,
        "Ansattliste for tilgang",
        Protocol::FileTransfer,
        Frequency::Daily,
        Some(7),
    ),
];

/// (title, kind, status, systems, requirements)
type Measure = (
    &'static str,
    MeasureKind,
    MeasureStatus,
    &'static [usize],
    &'static [(&'static str, &'static str)],
);

const MEASURES: &[Measure] = &[
    (
        "MFA på all fjerntilgang",
        MeasureKind::Technical,
        MeasureStatus::Implemented,
        &[0, 1, 4],
        &[
            ("normen@6.0", "6.2-b"),
            ("normen@6.0", "9.3-a"),
            ("nis2@2022-2555", "art21.2.j"),
        ],
    ),
    (
        "Nattlig sikkerhetskopi av journalen med kopi utenfor huset",
        MeasureKind::Technical,
        MeasureStatus::Implemented,
        &[0, 2, 3],
        &[("normen@6.0", "13.1-a"), ("nis2@2022-2555", "art21.2.c")],
    ),
    (
        "Månedlig gjennomgang av tilgangslogg",
        MeasureKind::Organisational,
        MeasureStatus::InProgress,
        &[0, 3],
        &[("normen@6.0", "7.2-a"), ("normen@6.0", "7.1-a")],
    ),
    (
        "Oversikt over medisinsk utstyr",
        MeasureKind::Organisational,
        MeasureStatus::Planned,
        &[1, 4],
        &[("normen@6.0", "15.1-a"), ("nis2@2022-2555", "art21.2.i")],
    ),
];

/// Seeds the hospital's inventory once (false when it has systems already or
/// the demo people are missing). Requirement links are left out when the
/// catalogues did not import.
pub async fn seed(store: &Store) -> Result<bool, StoreError> {
    let org = OrgNumber::parse(HOSPITAL_ORG).map_err(|e| StoreError::Internal(e.to_string()))?;
    let (Some(hospital), Some(admin)) = (
        store.tenant_by_org(&org).await?,
        store.user_by_email(ADMIN_EMAIL).await?,
    ) else {
        return Ok(false);
    };
    let scope = store.scope(&admin, &hospital.id).await?;
    let ts = store.tenant(&scope);
    if !ts.systems().await?.is_empty() {
        return Ok(false);
    }
    let mut ids = Vec::new();
    for s in SYSTEMS {
        ids.push(ts.create_system(system_input(s)).await?.id);
    }
    for (from, to, data, protocol, frequency, source) in FLOWS {
        ts.create_integration(IntegrationInput {
            from_system: ids[*from].clone(),
            to_system: ids[*to].clone(),
            both_ways: false,
            data: (*data).into(),
            protocol: *protocol,
            frequency: *frequency,
            source_system: source.map(|s| ids[s].clone()),
        })
        .await?;
    }
    for m in MEASURES {
        seed_measure(&ts, &ids, m).await?;
    }
    Ok(true)
}

async fn seed_measure(ts: &TenantStore<'_>, ids: &[String], m: &Measure) -> Result<(), StoreError> {
    let (title, kind, status, systems, reqs) = *m;
    let input = |with_requirements: bool| MeasureInput {
        title: title.into(),
        description: None,
        kind,
        status,
        owner: Some("Sikkerhetsleder".into()),
        review_by: Some("2027-06-30".into()),
        check_method: None,
        check_interval: None,
        last_checked: None,
        last_result: None,
        systems: systems.iter().map(|i| ids[*i].clone()).collect(),
        requirements: if with_requirements {
            reqs.iter()
                .map(|(c, n)| RequirementRef {
                    catalog_key: (*c).into(),
                    node_id: (*n).into(),
                })
                .collect()
        } else {
            Vec::new()
        },
    };
    match ts.create_measure(input(true)).await {
        Ok(_) => Ok(()),
        // The catalogues are not there (a demo without them).
        Err(StoreError::Invalid(_)) => ts.create_measure(input(false)).await.map(|_| ()),
        Err(e) => Err(e),
    }
}
