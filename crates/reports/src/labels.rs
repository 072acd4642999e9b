//! Every user-visible word the documents use, in bokmål and English.
//!
//! One table per language; `labels(lang)` picks it. Names of enterprise
//! kinds and size classes match the web app's (`crates/web/locales`).

use etterlev_catalog::{CatalogStatus, NodeKind};
use etterlev_core::{Condition, SizeClass, TenantKind};

use crate::Lang;

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
    pub sheet_nodes: &'static str,
    pub sheet_about: &'static str,
    pub catalog: &'static str,
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
    toc_note: "Sidetallene vises når feltet oppdateres (høyreklikk og velg «Oppdater felt»).",
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
    sheet_nodes: "Krav",
    sheet_about: "Om",
    catalog: "Katalog",
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
    toc_note: "Page numbers appear when the field is updated (right-click and choose “Update Field”).",
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
    sheet_nodes: "Requirements",
    sheet_about: "About",
    catalog: "Catalogue",
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

fn pick(lang: Lang, nb: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Nb => nb,
        Lang::En => en,
    }
}
