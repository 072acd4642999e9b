//! The fixture every report test renders.

#![allow(dead_code)]

pub mod layout;
pub mod libreoffice;

use etterlev_catalog::{Catalog, NodeKind};

pub const FIXTURE: &str = include_str!("../fixtures/sample.yaml");

pub fn sample() -> Catalog {
    match etterlev_catalog::parse_catalog("sample.yaml", FIXTURE.as_bytes()) {
        Ok(c) => c,
        Err(diagnostics) => {
            let text: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            panic!("fixture does not load:\n{}", text.join("\n"));
        }
    }
}

pub fn count(catalog: &Catalog, kind: NodeKind) -> usize {
    catalog.nodes.iter().filter(|n| n.kind == kind).count()
}

/// A fixed "generated" date so output is reproducible.
pub fn generated() -> jiff::civil::Date {
    jiff::civil::date(2025, 3, 1)
}

use etterlev_core::{ActionStatus, AnswerStatus, Priority, Score};
use etterlev_reports::{ActionRow, ChapterRow, EvidenceRow, GapRow, ManagementReport, TrendPoint};

fn score(applicable: u32, met: u32, partly: u32, not_applicable: u32, maturity_sum: u32) -> Score {
    let share = |n: f64, d: f64| if d > 0.0 { n / d * 100.0 } else { 0.0 };
    Score {
        applicable,
        met,
        partly,
        not_applicable,
        compliance: share(f64::from(met), f64::from(applicable)),
        maturity: share(f64::from(maturity_sum), f64::from(applicable) * 5.0),
    }
}

fn text(s: &str) -> Option<String> {
    Some(s.to_owned())
}

/// A management report for a small GP office: four chapters (one where
/// nothing applies, one with markup and one with a long title), gaps of
/// every priority, an overdue and a closed action, files and a link, and a
/// three-point trend.
pub fn report() -> ManagementReport {
    let chapters = vec![
        ChapterRow {
            label: "1".into(),
            title: "Ledelse og styring".into(),
            score: score(6, 4, 1, 1, 16),
        },
        ChapterRow {
            label: "2".into(),
            title: "Risikostyring & <kontroll>".into(),
            score: score(4, 1, 2, 0, 8),
        },
        ChapterRow {
            label: "3".into(),
            title: "Hendelseshåndtering og varsling til myndighetene ved alvorlige hendelser".into(),
            score: score(3, 3, 0, 0, 12),
        },
        ChapterRow {
            label: "4".into(),
            title: "Leverandører".into(),
            score: score(0, 0, 0, 2, 0),
        },
    ];
    let overall = score(13, 8, 3, 3, 36);
    let gap = |label: &str, title: &str, status, owner: Option<String>, due: Option<String>, priority| GapRow {
        label: label.into(),
        title: title.into(),
        status,
        owner,
        due,
        priority,
    };
    let gaps = vec![
        gap(
            "1.2 a",
            "Risikovurdering før endringer",
            AnswerStatus::Partly,
            text("Kari Nordmann"),
            text("2025-06-30"),
            Priority::Medium,
        ),
        gap(
            "2.1 a",
            "Tilgangsstyring i journalsystemet",
            AnswerStatus::NotStarted,
            None,
            None,
            Priority::PatientSafety,
        ),
        gap(
            "2.1 b",
            "Logg over <tilganger> & oppslag",
            AnswerStatus::Partly,
            text("IT-ansvarlig"),
            None,
            Priority::High,
        ),
        gap(
            "2.2 a",
            "Avtale med skyleverandør",
            AnswerStatus::NotStarted,
            None,
            text("2025-09-01"),
            Priority::Low,
        ),
        gap(
            "1.1 b",
            "Årlig gjennomgang i ledelsen",
            AnswerStatus::Partly,
            text("Daglig leder"),
            None,
            Priority::PatientSafety,
        ),
    ];
    let action = |title: &str,
                  requirement: Option<String>,
                  owner: Option<String>,
                  deadline: Option<String>,
                  priority,
                  status,
                  overdue| ActionRow {
        title: title.into(),
        requirement,
        owner,
        deadline,
        priority,
        status,
        overdue,
    };
    let actions = vec![
        action(
            "Skriv rutine for tildeling av tilgang",
            text("2.1 a"),
            text("Daglig leder"),
            text("2025-02-01"),
            Priority::PatientSafety,
            ActionStatus::Open,
            true,
        ),
        action(
            "Gå gjennom loggen hver måned",
            text("2.1 b"),
            text("IT-ansvarlig"),
            text("2025-04-30"),
            Priority::High,
            ActionStatus::InProgress,
            false,
        ),
        action(
            "Inngå databehandleravtale",
            text("2.2 a"),
            None,
            None,
            Priority::Low,
            ActionStatus::Open,
            false,
        ),
        action(
            "Oppdater risikovurderingen",
            text("1.2 a"),
            text("Kari Nordmann"),
            text("2025-01-15"),
            Priority::Medium,
            ActionStatus::Done,
            false,
        ),
    ];
    let evidence = vec![
        EvidenceRow {
            requirement: "1.1 a".into(),
            name: "Styringsdokument 2025.pdf".into(),
            sha256: text("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
            url: None,
        },
        EvidenceRow {
            requirement: "2.1 b".into(),
            name: "Loggrapport <mars>.xlsx".into(),
            sha256: text("60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"),
            url: None,
        },
        EvidenceRow {
            requirement: "3.1 a".into(),
            name: "Avvikssystemet".into(),
            sha256: None,
            url: text("https://intranett.example.no/avvik?vis=alle&sort=dato"),
        },
    ];
    let trend = vec![
        TrendPoint {
            label: "Vurdering 2023".into(),
            compliance: 30.0,
            maturity: 20.0,
        },
        TrendPoint {
            label: "Vurdering 2024".into(),
            compliance: 48.0,
            maturity: 35.0,
        },
        TrendPoint {
            label: "Vurdering 2025".into(),
            compliance: overall.compliance,
            maturity: overall.maturity,
        },
    ];
    let maturity_levels = vec![
        ("1 Ledelse og styring".to_owned(), [0, 1, 1, 2, 2, 0]),
        ("2 Risikostyring & <kontroll>".to_owned(), [1, 1, 1, 1, 0, 0]),
        ("3 Hendelseshåndtering".to_owned(), [0, 0, 0, 0, 3, 0]),
        ("4 Leverandører".to_owned(), [0, 0, 0, 0, 0, 0]),
    ];
    ManagementReport {
        tenant: "Fjordlegene AS".into(),
        title: "Egenvurdering 2025".into(),
        catalog: "Eksempelkatalog for rapporter 1.0".into(),
        period: text("2025-01-01 – 2025-12-31"),
        generated: generated(),
        overall,
        chapters,
        gaps,
        actions,
        evidence,
        trend,
        maturity_levels,
    }
}
