//! Every user-visible word the documents use, in bokmål and English.
//!
//! One table per language; `labels(lang)` picks it. Names of enterprise
//! kinds and size classes match the web app's (`crates/web/locales`).

use etterlev_catalog::{CatalogStatus, NodeKind};
use etterlev_core::{ActionStatus, AnswerStatus, Condition, Maturity, Priority, SizeClass, TenantKind};

use crate::Lang;
use crate::answers_xlsx::ImportProblem;

pub(crate) struct Labels {
    pub chapter: &'static str,
    pub section: &'static str,
    pub requirement: &'static str,
    pub recommendation: &'static str,
    pub guidance: &'static str,

    pub version: &'static str,
    pub publisher: &'static str,
    pub source_date: &'static str,
    pub last_source_check: &'static str,
    pub generated: &'static str,
    pub sources: &'static str,
    pub status_summary: &'static str,
    pub status_official: &'static str,
    pub status_draft: &'static str,
    pub status_fixture: &'static str,
    pub contents: &'static str,
    pub toc_note: &'static str,
    pub page: &'static str,
    pub page_of: &'static str,

    pub applies_to: &'static str,
    pub everyone: &'static str,
    pub nobody: &'static str,
    pub all: &'static str,
    pub kinds: &'static str,
    pub sizes: &'static str,
    pub conditions: &'static str,
    pub note: &'static str,
    pub references: &'static str,
    pub question: &'static str,
    pub see_also: &'static str,
    pub unverified: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub counts_assessable: &'static str,
    pub counts_unverified: &'static str,
    /// Title-page fact: whose numbers the catalogue's numbers are.
    pub numbering: &'static str,
    pub numbering_source: &'static str,
    pub numbering_reconstructed: &'static str,
    /// Beside one node whose number is ours.
    pub number_ours: &'static str,

    pub col_id: &'static str,
    pub col_number: &'static str,
    pub col_chapter: &'static str,
    pub col_section: &'static str,
    pub col_kind: &'static str,
    pub col_title: &'static str,
    pub col_text: &'static str,
    pub col_applies_kinds: &'static str,
    pub col_sizes: &'static str,
    pub col_conditions: &'static str,
    pub col_tags: &'static str,
    pub col_references: &'static str,
    pub col_question: &'static str,
    pub col_verified: &'static str,
    pub col_numbering: &'static str,
    pub sheet_nodes: &'static str,
    pub sheet_about: &'static str,
    pub catalog: &'static str,

    // Assessment reports, charts and the answers spreadsheet.
    pub lang: Lang,
    pub chart_bars_title: &'static str,
    pub chart_bars_desc: &'static str,
    pub chart_heatmap_title: &'static str,
    pub chart_heatmap_desc: &'static str,
    pub chart_trend_title: &'static str,
    pub chart_trend_desc: &'static str,
    pub maturity_level: &'static str,
    pub level: &'static str,
    pub no_data: &'static str,
    pub compliance: &'static str,
    pub maturity: &'static str,

    pub management_report: &'static str,
    pub enterprise: &'static str,
    pub assessment: &'static str,
    pub period: &'static str,
    pub summary: &'static str,
    pub results: &'static str,
    pub maturity_per_chapter: &'static str,
    pub total: &'static str,
    pub col_applicable: &'static str,
    pub col_met: &'static str,
    pub col_partly: &'static str,
    pub col_not_applicable: &'static str,
    pub col_compliance: &'static str,
    pub col_maturity: &'static str,
    pub col_assessment: &'static str,
    pub col_requirement: &'static str,
    pub col_status: &'static str,
    pub col_owner: &'static str,
    pub col_due: &'static str,
    pub col_priority: &'static str,
    pub col_action: &'static str,
    pub col_deadline: &'static str,
    pub col_name: &'static str,
    pub col_link: &'static str,
    pub gaps: &'static str,
    pub gaps_intro: &'static str,
    pub no_gaps: &'static str,
    pub action_plan: &'static str,
    pub action_plan_intro: &'static str,
    pub no_actions: &'static str,
    pub overdue: &'static str,
    pub open_actions: &'static str,
    pub evidence: &'static str,
    pub evidence_intro: &'static str,
    pub no_evidence: &'static str,
    pub about_figures: &'static str,
    pub score_note: &'static str,
    pub score_note_short: &'static str,
    pub none_set: &'static str,

    pub action_list: &'static str,
    pub top_actions: &'static str,
    pub no_open_actions: &'static str,
    pub next_steps: &'static str,
    pub next_steps_items: [&'static str; 4],
    pub finish: &'static str,
    pub put_in_place: &'static str,
    pub why: &'static str,

    pub sheet_answers: &'static str,
    pub answers_help: &'static str,
    pub col_node_id: &'static str,
    pub col_label: &'static str,
    pub col_maturity_level: &'static str,
    pub col_due_date: &'static str,
    pub col_comment: &'static str,
    pub col_na_reason: &'static str,
    pub status_input_title: &'static str,
    pub status_error: &'static str,
    pub maturity_input: &'static str,
    pub date_input: &'static str,
}

static NB: Labels = Labels {
    chapter: "Kapittel",
    section: "Seksjon",
    requirement: "Krav",
    recommendation: "Anbefaling",
    guidance: "Veiledning",

    version: "Versjon",
    publisher: "Utgiver",
    source_date: "Kildens dato",
    last_source_check: "Sist kontrollert mot kilden",
    generated: "Generert",
    sources: "Kilder",
    status_summary: "Dette er et sammendrag med etterlevs egne ord, ikke kildens ordlyd. Hvert punkt viser til \
                     kilden; det er kilden som gjelder.",
    status_official: "Teksten er hentet fra utgiverens offisielle utgave. Det er kilden som gjelder.",
    status_draft: "Utkast: innholdet er ikke ferdig kontrollert. Det er kilden som gjelder.",
    status_fixture: "Testdata: dette dokumentet er laget for testing og er ikke en ekte katalog.",
    contents: "Innhold",
    toc_note: "Sidetallene fylles inn når innholdsfortegnelsen oppdateres. Word gjør det når dokumentet åpnes (svar «Ja»), ellers: klikk i listen og trykk F9. LibreOffice: Verktøy → Oppdater → Oppdater alle.",
    page: "Side",
    page_of: "av",

    applies_to: "Gjelder for",
    everyone: "alle virksomheter",
    nobody: "ingen (reglene utelukker hverandre)",
    all: "Alle",
    kinds: "Virksomhetstyper",
    sizes: "Størrelse",
    conditions: "Vilkår",
    note: "Merknad",
    references: "Referanser",
    question: "Spørsmål",
    see_also: "Se også",
    unverified: "Ikke verifisert mot kilden",
    yes: "Ja",
    no: "Nei",
    counts_assessable: "Krav og anbefalinger",
    counts_unverified: "Ikke verifisert mot kilden",
    numbering: "Nummerering",
    numbering_source: "kildens egne nummer",
    numbering_reconstructed: "våre egne nummer (rekonstruert), ikke kildens, der ikke annet er merket; vis til kravene med tittel og kilde",
    number_ours: "vårt nummer, ikke kildens",

    col_id: "ID",
    col_number: "Nummer",
    col_chapter: "Kapittel",
    col_section: "Seksjon",
    col_kind: "Type",
    col_title: "Tittel",
    col_text: "Tekst",
    col_applies_kinds: "Gjelder for (virksomhetstyper)",
    col_sizes: "Størrelser",
    col_conditions: "Vilkår",
    col_tags: "Stikkord",
    col_references: "Referanser",
    col_question: "Spørsmål",
    col_verified: "Verifisert mot kilden",
    col_numbering: "Nummerering",
    sheet_nodes: "Krav",
    sheet_about: "Om",
    catalog: "Katalog",

    lang: Lang::Nb,
    chart_bars_title: "Etterlevelse per kapittel",
    chart_bars_desc: "Andelen av kravene som gjelder, som er innført eller verifisert.",
    chart_heatmap_title: "Modenhet per kapittel",
    chart_heatmap_desc: "Antall krav på hvert modenhetsnivå (0–5) i hvert kapittel.",
    chart_trend_title: "Utvikling over tid",
    chart_trend_desc: "Etterlevelse og modenhet i hver vurdering, eldste først.",
    maturity_level: "Modenhetsnivå",
    level: "nivå",
    no_data: "Ingen data ennå.",
    compliance: "Etterlevelse",
    maturity: "Modenhet",

    management_report: "Ledelsesrapport",
    enterprise: "Virksomhet",
    assessment: "Vurdering",
    period: "Periode",
    summary: "Sammendrag",
    results: "Resultater",
    maturity_per_chapter: "Modenhet per kapittel",
    total: "Totalt",
    col_applicable: "Gjelder",
    col_met: "Oppfylt",
    col_partly: "Delvis",
    col_not_applicable: "Ikke relevant",
    col_compliance: "Etterlevelse",
    col_maturity: "Modenhet",
    col_assessment: "Vurdering",
    col_requirement: "Krav",
    col_status: "Status",
    col_owner: "Ansvarlig",
    col_due: "Frist",
    col_priority: "Prioritet",
    col_action: "Tiltak",
    col_deadline: "Frist",
    col_name: "Navn",
    col_link: "Lenke",
    gaps: "Mangler",
    gaps_intro: "Krav som ikke er startet eller bare delvis oppfylt, sortert etter prioritet (pasientsikkerhet først).",
    no_gaps: "Ingen mangler er registrert.",
    action_plan: "Tiltaksplan",
    action_plan_intro: "Tiltakene som er planlagt, sortert etter prioritet og frist. Tiltak som har passert fristen, er merket «Forfalt».",
    no_actions: "Ingen tiltak er registrert.",
    overdue: "Forfalt",
    open_actions: "Åpne tiltak",
    evidence: "Dokumentasjon",
    evidence_intro: "Filer og lenker som viser hvordan kravene er oppfylt. SHA-256 er filens fingeravtrykk: den samme \
                     filen gir alltid den samme verdien, så en kopi kan kontrolleres mot listen.",
    no_evidence: "Ingen dokumentasjon er lastet opp.",
    about_figures: "Om tallene",
    score_note: "Tallene er etterlevs eget mål, ikke en offisiell poengsum fra Normen (Normen gir ingen poengsum). \
                 Etterlevelse er andelen av kravene som gjelder, som er innført eller verifisert. Modenhet er \
                 gjennomsnittlig modenhetsnivå (0–5) for kravene som gjelder, som andel av det høyeste nivået; krav \
                 uten vurdert modenhet teller som nivå 0. Krav som er markert som ikke relevante, holdes utenfor begge.",
    score_note_short: "Tallet er etterlevs eget mål, ikke en offisiell poengsum fra Normen.",
    none_set: "–",

    action_list: "Tiltaksliste",
    top_actions: "Det viktigste å gjøre nå",
    no_open_actions: "Dere har ingen åpne tiltak. Fortsett å holde rutinene ved like.",
    next_steps: "Slik går dere videre",
    next_steps_items: [
        "Bestem hvem som har ansvaret for hvert tiltak, og sett en frist.",
        "Begynn med tiltakene som gjelder pasientsikkerhet.",
        "Ta vare på det som viser at tiltaket er gjort (rutiner, avtaler, logger), og last det opp som dokumentasjon.",
        "Gå gjennom vurderingen på nytt minst én gang i året, og når noe endrer seg.",
    ],
    finish: "Gjør ferdig",
    put_in_place: "Få på plass",
    why: "Krav",

    sheet_answers: "Svar",
    answers_help: "Fyll ut status, modenhet, ansvarlig, frist, kommentar og begrunnelse. Ikke endre \
                   kolonnenavnene i rad 1 eller krav-ID-ene i siste kolonne.",
    col_node_id: "Krav-ID",
    col_label: "Krav",
    col_maturity_level: "Modenhet (0–5)",
    col_due_date: "Frist (ÅÅÅÅ-MM-DD)",
    col_comment: "Kommentar",
    col_na_reason: "Begrunnelse for ikke relevant",
    status_input_title: "Velg status",
    status_error: "Velg en status fra listen.",
    maturity_input: "0 ikke på plass · 1 innledende · 2 repeterbar · 3 definert · 4 styrt · 5 optimalisert",
    date_input: "Skriv datoen som ÅÅÅÅ-MM-DD, for eksempel 2026-03-31.",
};

static EN: Labels = Labels {
    chapter: "Chapter",
    section: "Section",
    requirement: "Requirement",
    recommendation: "Recommendation",
    guidance: "Guidance",

    version: "Version",
    publisher: "Publisher",
    source_date: "Date of the source",
    last_source_check: "Last checked against the source",
    generated: "Generated",
    sources: "Sources",
    status_summary: "This is a summary in etterlev's own words, not the source's wording. Every item refers to \
                     the source; the source is what applies.",
    status_official: "The text is taken from the publisher's official edition. The source is what applies.",
    status_draft: "Draft: the content has not been fully checked. The source is what applies.",
    status_fixture: "Test data: this document was made for testing and is not a real catalogue.",
    contents: "Contents",
    toc_note: "Page numbers are filled in when the table of contents is updated. Word does it when the document opens (answer “Yes”); otherwise click in the list and press F9. LibreOffice: Tools → Update → Update All.",
    page: "Page",
    page_of: "of",

    applies_to: "Applies to",
    everyone: "all enterprises",
    nobody: "none (the rules exclude each other)",
    all: "All",
    kinds: "Kinds of enterprise",
    sizes: "Size",
    conditions: "Conditions",
    note: "Note",
    references: "References",
    question: "Question",
    see_also: "See also",
    unverified: "Not verified against the source",
    yes: "Yes",
    no: "No",
    counts_assessable: "Requirements and recommendations",
    counts_unverified: "Not verified against the source",
    numbering: "Numbering",
    numbering_source: "the source's own numbers",
    numbering_reconstructed: "our own numbers (reconstructed), not the source's, unless marked otherwise; cite requirements by title and source",
    number_ours: "our number, not the source's",

    col_id: "ID",
    col_number: "Number",
    col_chapter: "Chapter",
    col_section: "Section",
    col_kind: "Kind",
    col_title: "Title",
    col_text: "Text",
    col_applies_kinds: "Applies to (kinds)",
    col_sizes: "Sizes",
    col_conditions: "Conditions",
    col_tags: "Tags",
    col_references: "References",
    col_question: "Question",
    col_verified: "Verified against the source",
    col_numbering: "Numbering",
    sheet_nodes: "Requirements",
    sheet_about: "About",
    catalog: "Catalogue",

    lang: Lang::En,
    chart_bars_title: "Compliance per chapter",
    chart_bars_desc: "Share of the applicable requirements that are implemented or verified.",
    chart_heatmap_title: "Maturity per chapter",
    chart_heatmap_desc: "Number of requirements at each maturity level (0–5) in each chapter.",
    chart_trend_title: "Trend over time",
    chart_trend_desc: "Compliance and maturity in each assessment, oldest first.",
    maturity_level: "Maturity level",
    level: "level",
    no_data: "No data yet.",
    compliance: "Compliance",
    maturity: "Maturity",

    management_report: "Management report",
    enterprise: "Enterprise",
    assessment: "Assessment",
    period: "Period",
    summary: "Summary",
    results: "Results",
    maturity_per_chapter: "Maturity per chapter",
    total: "Total",
    col_applicable: "Applicable",
    col_met: "Met",
    col_partly: "Partly",
    col_not_applicable: "Not applicable",
    col_compliance: "Compliance",
    col_maturity: "Maturity",
    col_assessment: "Assessment",
    col_requirement: "Requirement",
    col_status: "Status",
    col_owner: "Owner",
    col_due: "Due",
    col_priority: "Priority",
    col_action: "Action",
    col_deadline: "Deadline",
    col_name: "Name",
    col_link: "Link",
    gaps: "Gaps",
    gaps_intro: "Requirements not started or only partly met, by priority (patient safety first).",
    no_gaps: "No gaps are recorded.",
    action_plan: "Action plan",
    action_plan_intro: "The planned actions, by priority and deadline. Overdue actions are marked “Overdue”.",
    no_actions: "No actions are recorded.",
    overdue: "Overdue",
    open_actions: "Open actions",
    evidence: "Evidence",
    evidence_intro: "Files and links that show how the requirements are met. SHA-256 is the file's fingerprint: the \
                     same file always gives the same value, so a copy can be checked against this list.",
    no_evidence: "No evidence has been uploaded.",
    about_figures: "About the figures",
    score_note: "The figures are etterlev's own measure, not an official Normen score (Normen defines no score). \
                 Compliance is the share of the applicable requirements that are implemented or verified. Maturity \
                 is the mean maturity level (0–5) of the applicable requirements as a share of the top level; a \
                 requirement without a maturity rating counts as level 0. Requirements marked not applicable are \
                 left out of both.",
    score_note_short: "The figure is etterlev's own measure, not an official Normen score.",
    none_set: "–",

    action_list: "Action list",
    top_actions: "The most important things to do now",
    no_open_actions: "You have no open actions. Keep your routines up to date.",
    next_steps: "What to do next",
    next_steps_items: [
        "Decide who is responsible for each action, and set a deadline.",
        "Start with the actions that concern patient safety.",
        "Keep what shows an action is done (routines, agreements, logs) and upload it as evidence.",
        "Go through the assessment again at least once a year, and whenever something changes.",
    ],
    finish: "Finish",
    put_in_place: "Put in place",
    why: "Requirement",

    sheet_answers: "Answers",
    answers_help: "Fill in status, maturity, owner, due date, comment and reason. Do not change the column names \
                   in row 1 or the requirement ids in the last column.",
    col_node_id: "Requirement ID",
    col_label: "Requirement",
    col_maturity_level: "Maturity (0–5)",
    col_due_date: "Due date (YYYY-MM-DD)",
    col_comment: "Comment",
    col_na_reason: "Reason if not applicable",
    status_input_title: "Choose a status",
    status_error: "Choose a status from the list.",
    maturity_input: "0 not in place · 1 initial · 2 repeatable · 3 defined · 4 managed · 5 optimising",
    date_input: "Write the date as YYYY-MM-DD, for example 2026-03-31.",
};

pub(crate) fn labels(lang: Lang) -> &'static Labels {
    match lang {
        Lang::Nb => &NB,
        Lang::En => &EN,
    }
}

impl Labels {
    pub fn node_kind(&self, kind: NodeKind) -> &'static str {
        match kind {
            NodeKind::Chapter => self.chapter,
            NodeKind::Section => self.section,
            NodeKind::Requirement => self.requirement,
            NodeKind::Recommendation => self.recommendation,
            NodeKind::Guidance => self.guidance,
        }
    }

    /// What the document is, in one or two sentences. No status: our
    /// catalogues are summaries unless they say otherwise.
    pub fn status_note(&self, status: Option<CatalogStatus>) -> &'static str {
        match status {
            None | Some(CatalogStatus::Summary) => self.status_summary,
            Some(CatalogStatus::Official) => self.status_official,
            Some(CatalogStatus::Draft) => self.status_draft,
            Some(CatalogStatus::Fixture) => self.status_fixture,
        }
    }

    pub fn yes_no(&self, value: bool) -> &'static str {
        if value { self.yes } else { self.no }
    }
}

pub(crate) fn tenant_kind(lang: Lang, kind: TenantKind) -> &'static str {
    let (nb, en) = match kind {
        TenantKind::HospitalTrust => ("Helseforetak", "Hospital trust"),
        TenantKind::Municipality => ("Kommune", "Municipality"),
        TenantKind::GpOffice => ("Legekontor", "GP office"),
        TenantKind::Dentist => ("Tannlege", "Dentist"),
        TenantKind::Pharmacy => ("Apotek", "Pharmacy"),
        TenantKind::Physiotherapist => ("Fysioterapeut", "Physiotherapist"),
        TenantKind::OtherHealthProvider => ("Annen helsetjeneste", "Other health provider"),
        TenantKind::Supplier => ("Leverandør", "Supplier"),
    };
    pick(lang, nb, en)
}

pub(crate) fn size_class(lang: Lang, size: SizeClass) -> &'static str {
    let (nb, en) = match size {
        SizeClass::Micro => ("Under 10 ansatte", "Fewer than 10 staff"),
        SizeClass::Small => ("10–49 ansatte", "10–49 staff"),
        SizeClass::Medium => ("50–249 ansatte", "50–249 staff"),
        SizeClass::Large => ("250 ansatte eller flere", "250 staff or more"),
    };
    pick(lang, nb, en)
}

pub(crate) fn condition(lang: Lang, condition: Condition) -> &'static str {
    let (nb, en) = match condition {
        Condition::UsesCloudServices => ("Bruker skytjenester", "Uses cloud services"),
        Condition::UsesDataProcessors => ("Bruker databehandlere", "Uses data processors"),
        Condition::ProcessesOutsideEea => ("Behandler opplysninger utenfor EØS", "Processes data outside the EEA"),
        Condition::MedicalDevicesInHomes => (
            "Har medisinsk utstyr i pasientens hjem",
            "Has medical devices in patients' homes",
        ),
        Condition::RunsMedicalDevices => ("Drifter medisinsk utstyr", "Operates medical devices"),
        Condition::PublicBody => ("Offentlig virksomhet", "Public body"),
        Condition::EssentialServiceProvider => ("Leverer samfunnsviktige tjenester", "Provides essential services"),
        Condition::Nis2Entity => (
            "Omfattet av NIS2 / digitalsikkerhetsloven",
            "In scope of NIS2 / the Digital Security Act",
        ),
        Condition::SharesRecordsBetweenEnterprises => (
            "Deler journal med andre virksomheter",
            "Shares patient records with other enterprises",
        ),
        Condition::ConnectedToHealthNetwork => ("Tilknyttet Helsenettet", "Connected to the Norwegian Health Network"),
        Condition::DevelopsOrTestsSoftware => ("Utvikler eller tester programvare", "Develops or tests software"),
        Condition::SupplierRemoteAccess => ("Leverandører har fjerntilgang", "Suppliers have remote access"),
        Condition::ResearchOrHealthRegisters => ("Forskning eller helseregistre", "Research or health registers"),
        Condition::VideoConsultations => ("Tilbyr videokonsultasjoner", "Offers video consultations"),
    };
    pick(lang, nb, en)
}

pub(crate) fn answer_status(lang: Lang, status: AnswerStatus) -> &'static str {
    let (nb, en) = answer_status_names(status);
    pick(lang, nb, en)
}

/// The status's name in bokmål and English (the answers spreadsheet
/// accepts both, as well as the machine name). The same words as on
/// screen (`answer-status-*` in the web app's locale files; a test there
/// compares them).
pub(crate) fn answer_status_names(status: AnswerStatus) -> (&'static str, &'static str) {
    match status {
        AnswerStatus::NotApplicable => ("Ikke relevant", "Not applicable"),
        AnswerStatus::NotStarted => ("Ikke startet", "Not started"),
        AnswerStatus::Partly => ("Delvis innført", "Partly implemented"),
        AnswerStatus::Implemented => ("Innført", "Implemented"),
        AnswerStatus::Verified => ("Innført og verifisert", "Implemented and verified"),
    }
}

pub(crate) fn priority(lang: Lang, priority: Priority) -> &'static str {
    let (nb, en) = match priority {
        Priority::PatientSafety => ("Pasientsikkerhet", "Patient safety"),
        Priority::High => ("Høy", "High"),
        Priority::Medium => ("Middels", "Medium"),
        Priority::Low => ("Lav", "Low"),
    };
    pick(lang, nb, en)
}

/// As on screen (`action-status-*`).
pub(crate) fn action_status(lang: Lang, status: ActionStatus) -> &'static str {
    let (nb, en) = match status {
        ActionStatus::Open => ("Ikke startet", "Not started"),
        ActionStatus::InProgress => ("Pågår", "In progress"),
        ActionStatus::Done => ("Ferdig", "Done"),
        ActionStatus::Cancelled => ("Avbrutt", "Cancelled"),
    };
    pick(lang, nb, en)
}

/// The short name of a maturity level (0–5): the name the screen shows
/// before its explanation (`maturity-N` = "N – Name: explanation").
pub(crate) fn maturity_name(lang: Lang, level: Maturity) -> &'static str {
    let (nb, en) = match level.level() {
        0 => ("Ikke på plass", "Not in place"),
        1 => ("Innledende", "Initial"),
        2 => ("Repeterbar", "Repeatable"),
        3 => ("Definert", "Defined"),
        4 => ("Styrt", "Managed"),
        _ => ("Optimalisert", "Optimising"),
    };
    pick(lang, nb, en)
}

/// A share 0–100 rounded to a whole percent: "67 %" in bokmål, "67%" in
/// English. Anything not finite shows as 0.
pub(crate) fn percent(lang: Lang, value: f64) -> String {
    let v = whole_percent(value);
    match lang {
        Lang::Nb => format!("{v}\u{a0}%"),
        Lang::En => format!("{v}%"),
    }
}

/// A share 0–100 as a whole number, clamped; not finite → 0.
pub(crate) fn whole_percent(value: f64) -> u32 {
    if value.is_finite() {
        // In range after the clamp, so the cast is exact.
        value.clamp(0.0, 100.0).round() as u32
    } else {
        0
    }
}

/// The management report's summary paragraph.
pub(crate) fn summary_text(lang: Lang, s: &SummaryFacts<'_>) -> String {
    let compliance = percent(lang, s.compliance);
    let maturity = percent(lang, s.maturity);
    match lang {
        Lang::Nb => {
            let mut out = format!(
                "{} oppfyller {} av {} krav som gjelder ({compliance}), og den gjennomsnittlige modenheten er \
                 {maturity} av høyeste nivå. ",
                s.tenant, s.met, s.applicable
            );
            out.push_str(&format!(
                "{} krav er delvis oppfylt, og {} er markert som ikke relevante. ",
                s.partly, s.not_applicable
            ));
            out.push_str(&format!(
                "Det er registrert {} mangler og {} åpne tiltak, hvorav {} har passert fristen.",
                s.gaps, s.open_actions, s.overdue
            ));
            out
        }
        Lang::En => {
            let mut out = format!(
                "{} meets {} of {} applicable requirements ({compliance}), and the mean maturity is {maturity} of \
                 the top level. ",
                s.tenant, s.met, s.applicable
            );
            out.push_str(&format!(
                "{} {} partly met, and {} {} marked not applicable. ",
                s.partly,
                if s.partly == 1 {
                    "requirement is"
                } else {
                    "requirements are"
                },
                s.not_applicable,
                if s.not_applicable == 1 { "is" } else { "are" },
            ));
            out.push_str(&format!(
                "There {} {} {} and {} open {}, of which {} {} overdue.",
                if s.gaps == 1 { "is" } else { "are" },
                s.gaps,
                if s.gaps == 1 { "gap" } else { "gaps" },
                s.open_actions,
                if s.open_actions == 1 { "action" } else { "actions" },
                s.overdue,
                if s.overdue == 1 { "is" } else { "are" },
            ));
            out
        }
    }
}

/// What the summary paragraph says.
pub(crate) struct SummaryFacts<'a> {
    pub tenant: &'a str,
    pub met: u32,
    pub applicable: u32,
    pub partly: u32,
    pub not_applicable: u32,
    pub compliance: f64,
    pub maturity: f64,
    pub gaps: usize,
    pub open_actions: usize,
    pub overdue: usize,
}

/// The one-page action list's headline: where the enterprise stands.
pub(crate) fn standing_text(lang: Lang, tenant: &str, met: u32, applicable: u32, compliance: f64) -> String {
    let pct = percent(lang, compliance);
    match lang {
        Lang::Nb => format!("{tenant} oppfyller {met} av {applicable} krav som gjelder: {pct}."),
        Lang::En => format!("{tenant} meets {met} of {applicable} applicable requirements: {pct}."),
    }
}

/// "…and 4 more in the full action plan."
pub(crate) fn more_actions(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Nb => format!("… og {n} tiltak til i den fullstendige tiltaksplanen."),
        Lang::En => format!("… and {n} more in the full action plan."),
    }
}

/// A note for an imported catalogue whose texts are in another language
/// (`fr`, `de` …): what the reader sees and why.
pub(crate) fn source_language_note(lang: Lang, code: &str) -> String {
    match lang {
        Lang::Nb => format!(
            "Katalogen er importert, og tekstene er på originalspråket ({code}). Der kilden har en engelsk oversettelse, vises den; ellers vises originalteksten."
        ),
        Lang::En => format!(
            "This catalogue is imported and its texts are in the original language ({code}). Where the source has an English translation, that is shown; otherwise the original text."
        ),
    }
}

/// The mark of a node its source has withdrawn.
pub(crate) fn withdrawn(lang: Lang) -> &'static str {
    pick(lang, "trukket tilbake", "withdrawn")
}

/// An import problem in words.
pub(crate) fn import_problem(lang: Lang, p: &ImportProblem) -> String {
    use ImportProblem as P;
    let list = |names: &[String]| names.join(", ");
    match (lang, p) {
        (Lang::Nb, P::NotXlsx(why)) => format!("Filen kan ikke leses som et Excel-ark (.xlsx): {why}"),
        (Lang::En, P::NotXlsx(why)) => format!("The file cannot be read as an Excel workbook (.xlsx): {why}"),
        (Lang::Nb, P::TooLarge) => "Filen pakker seg ut til langt mer enn et svarark gjør, og leses ikke. \
                                     Last ned svararket på nytt fra vurderingen og fyll ut det."
            .to_owned(),
        (Lang::En, P::TooLarge) => "The file expands to far more than an answers sheet does and is not read. \
                                     Download the answers sheet again from the assessment and fill that in."
            .to_owned(),
        (Lang::Nb, P::NoSheet) => "Filen har ikke noe ark med svar.".to_owned(),
        (Lang::En, P::NoSheet) => "The file has no sheet of answers.".to_owned(),
        (
            lang,
            P::Columns {
                missing,
                unknown,
                duplicated,
            },
        ) => {
            let mut parts = Vec::new();
            let nb = lang == Lang::Nb;
            if !missing.is_empty() {
                parts.push(if nb {
                    format!("kolonner som mangler: {}", list(missing))
                } else {
                    format!("missing columns: {}", list(missing))
                });
            }
            if !unknown.is_empty() {
                parts.push(if nb {
                    format!("ukjente kolonner: {}", list(unknown))
                } else {
                    format!("unknown columns: {}", list(unknown))
                });
            }
            if !duplicated.is_empty() {
                parts.push(if nb {
                    format!("kolonner som står mer enn én gang: {}", list(duplicated))
                } else {
                    format!("columns given more than once: {}", list(duplicated))
                });
            }
            let intro = if nb {
                "Kolonnene stemmer ikke med eksporten fra etterlev"
            } else {
                "The columns do not match the export from etterlev"
            };
            format!("{intro} ({}).", parts.join("; "))
        }
        (Lang::Nb, P::TooManyRows(max)) => format!("Filen har flere enn {max} rader."),
        (Lang::En, P::TooManyRows(max)) => format!("The file has more than {max} rows."),
        (Lang::Nb, P::NodeIdMissing) => "Krav-ID mangler.".to_owned(),
        (Lang::En, P::NodeIdMissing) => "The requirement id is missing.".to_owned(),
        (Lang::Nb, P::DuplicateNode(row)) => format!("Kravet står allerede i rad {row}."),
        (Lang::En, P::DuplicateNode(row)) => format!("The requirement is already in row {row}."),
        (Lang::Nb, P::StatusMissing) => "Status mangler.".to_owned(),
        (Lang::En, P::StatusMissing) => "The status is missing.".to_owned(),
        (lang, P::BadStatus(value)) => {
            let names: Vec<&str> = AnswerStatus::ALL.iter().map(|&s| answer_status(lang, s)).collect();
            match lang {
                Lang::Nb => format!("«{value}» er ikke en status. Bruk en av: {}.", names.join(", ")),
                Lang::En => format!("“{value}” is not a status. Use one of: {}.", names.join(", ")),
            }
        }
        (Lang::Nb, P::BadMaturity(value)) => format!("Modenhet må være et helt tall fra 0 til 5, ikke «{value}»."),
        (Lang::En, P::BadMaturity(value)) => format!("Maturity must be a whole number from 0 to 5, not “{value}”."),
        (Lang::Nb, P::BadDate(value)) => format!("«{value}» er ikke en dato på formen ÅÅÅÅ-MM-DD."),
        (Lang::En, P::BadDate(value)) => format!("“{value}” is not a date in the form YYYY-MM-DD."),
        (Lang::Nb, P::NaWithoutReason) => "«Ikke relevant» krever en begrunnelse.".to_owned(),
        (Lang::En, P::NaWithoutReason) => "“Not applicable” needs a reason.".to_owned(),
        (Lang::Nb, P::CellError(e)) => format!("Cellen inneholder en feil ({e})."),
        (Lang::En, P::CellError(e)) => format!("The cell contains an error ({e})."),
        (Lang::Nb, P::TooManyErrors(n)) => format!("… og {n} feil til."),
        (Lang::En, P::TooManyErrors(n)) => format!("… and {n} more errors."),
    }
}

fn pick(lang: Lang, nb: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Nb => nb,
        Lang::En => en,
    }
}
