//! The test-data guideline as a checklist per test project (module M9).
//!
//! An enterprise that tests a system (a new EPJ version, an integration…)
//! records a *test project*, says which kind of data it wants to test with
//! ([`DataKind`]) and works through a fixed checklist ([`CheckKey`]). The
//! checklist ends in a recorded decision ([`Decision`]). This module holds the
//! checklist as data (groups, sources, links into the catalogue) and the one
//! rule that says what is still missing before a decision may be recorded
//! ([`missing`]). Texts for people live in the web app's Fluent files under
//! `testdata-check-{key}` and `testdata-check-{key}-help`.
//!
//! The rule, in our own words, from the sources below:
//! - synthetic (made-up) test data is the main rule, and needs only a
//!   documented purpose and a test environment kept apart from production;
//! - anonymous data must also say why synthetic data will not do, keep to the
//!   fields the test needs and have its re-identification risk assessed;
//! - pseudonymous data is still personal data, so access control, logging,
//!   deletion and a data processing agreement come on top;
//! - real (directly identifiable) health data only by exception, in a closed
//!   test environment, and only when neither synthetic, anonymous nor
//!   pseudonymous data can serve (pasientjournalloven § 11): every item.
//!
//! Sources: Normen faktaark 43 «Testing og testdata»; the sector guideline on
//! using health data for development and testing (Direktoratet for e-helse,
//! consultation draft) under pasientjournalloven § 11; GDPR art. 5(1)(b),
//! 5(1)(c), 5(1)(e), 28, 32 and 35; pasientjournalloven § 22. The checklist
//! items link to our summaries of these in the catalogues `fa43` and
//! `test-utvikling`.

use crate::tenant::string_enum;

string_enum! {
    /// The kind of data a test project asks to use, from least to most
    /// intrusive. The order matters: a later kind never needs fewer checks.
    DataKind {
        /// Made-up persons and records (the main rule).
        Synthetic = "synthetic",
        /// No person can be identified by anyone with reasonable means.
        Anonymous = "anonymous",
        /// Identifiers replaced; still personal data (GDPR recital 26).
        Pseudonymous = "pseudonymous",
        /// Real, directly identifiable health data: by exception only.
        Real = "real",
    }
}

string_enum! {
    /// One item of the checklist.
    CheckKey {
        /// The purpose of the test is written down and limited.
        Purpose = "purpose",
        /// Why synthetic (made-up) data cannot serve this test.
        WhyNotSynthetic = "why_not_synthetic",
        /// Why neither anonymous nor pseudonymous data can serve.
        WhyNotAnonymousOrPseudonymous = "why_not_anonymous_or_pseudonymous",
        /// The test runs in a closed test environment.
        ClosedEnvironment = "closed_environment",
        /// Test and production are separate environments.
        SeparateEnvironments = "separate_environments",
        /// Only named people who need it have access, with least privilege.
        AccessControl = "access_control",
        /// Access is logged and the logs are followed up.
        Logging = "logging",
        /// Only the fields and persons the test needs (no persons with
        /// protected addresses, kode 6 and 7).
        DataMinimisation = "data_minimisation",
        /// The data is deleted when the test ends, by a set date.
        Deletion = "deletion",
        /// A data processing agreement with a supplier who tests.
        ProcessingAgreement = "processing_agreement",
        /// A risk assessment (and DPIA where required) is done.
        RiskAssessment = "risk_assessment",
    }
}

string_enum! {
    /// How the enterprise answers one item.
    CheckAnswer {
        Yes = "yes",
        Partly = "partly",
        No = "no",
        /// Does not apply to this project; a note must say why.
        NotRelevant = "not_relevant",
    }
}

string_enum! {
    /// What the checklist ends in.
    Decision {
        Approved = "approved",
        /// Approved on written conditions (items answered "partly").
        ApprovedWithConditions = "approved_with_conditions",
        /// Always possible.
        Rejected = "rejected",
    }
}

string_enum! {
    /// Headings the checklist is shown under.
    CheckGroup {
        Basis = "basis",
        Environment = "environment",
        Access = "access",
        Data = "data",
        AgreementsAndRisk = "agreements_and_risk",
    }
}

string_enum! {
    /// How much an item matters for a kind of data.
    Need {
        /// Not asked for this kind of data (may still be answered).
        Optional = "optional",
        /// Good practice; does not block a decision.
        Recommended = "recommended",
        /// Must be in place before approval.
        Required = "required",
    }
}

string_enum! {
    /// Why an item stands in the way of a decision.
    MissingReason {
        Unanswered = "unanswered",
        AnsweredNo = "answered_no",
        /// "Partly" is enough only for approval with conditions.
        AnsweredPartly = "answered_partly",
        /// "Not relevant" must say why, and these items need their
        /// documentation (the note) with a "yes".
        NoteRequired = "note_required",
        /// A legal condition for the data kind: it cannot be waived.
        NotRelevantNotAllowed = "not_relevant_not_allowed",
        /// Deletion needs the date by which the data is deleted.
        DeletionDateMissing = "deletion_date_missing",
    }
}

string_enum! {
    /// A document the checklist rests on. People-facing names are in the
    /// Fluent files (`testdata-doc-{name}`).
    SourceDocument {
        /// Normen faktaark 43 «Testing og testdata».
        NormenFactSheet43 = "normen_fa43",
        /// The guideline on using health data for development and testing
        /// (Direktoratet for e-helse, consultation draft).
        TestGuideline = "test_guideline",
        /// Pasientjournalloven (lov 20. juni 2014 nr. 42).
        PatientRecordsAct = "pasientjournalloven",
        /// Regulation (EU) 2016/679.
        Gdpr = "gdpr",
    }
}

impl SourceDocument {
    /// Where the public text is.
    pub fn url(self) -> &'static str {
        match self {
            SourceDocument::NormenFactSheet43 => {
                "https://helsedirektoratet.no/normen/testing-og-testdata-faktaark-43/om-faktaarket"
            }
            SourceDocument::TestGuideline => {
                "https://www.ehelse.no/horinger/bruk-av-direkte-identifiserbare-helseopplysninger-til-utvikling-og-testing-av-behandlingsrettede-helseregistre"
            }
            SourceDocument::PatientRecordsAct => "https://lovdata.no/dokument/NL/lov/2014-06-20-42",
            SourceDocument::Gdpr => "https://eur-lex.europa.eu/eli/reg/2016/679/oj",
        }
    }
}

/// A place in a source document (`§ 11`, `art. 5(1)(c)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    pub document: SourceDocument,
    /// The section, the same in both languages; `None` for the whole text.
    pub section: Option<&'static str>,
}

/// A place in a source (a struct literal, so slices of them are `'static`).
macro_rules! src {
    ($doc:ident) => {
        Source {
            document: SourceDocument::$doc,
            section: None,
        }
    };
    ($doc:ident, $section:literal) => {
        Source {
            document: SourceDocument::$doc,
            section: Some($section),
        }
    };
}

/// A requirement in one of our catalogues (`catalog/faktaark/`), by
/// catalogue id (any version) and node id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogRef {
    pub catalog: &'static str,
    pub node: &'static str,
}

/// Fact sheet 43 (`fa43`) and the guideline (`test-utvikling`) nodes.
macro_rules! fa43 {
    ($node:literal) => {
        CatalogRef {
            catalog: "fa43",
            node: $node,
        }
    };
}
macro_rules! tu {
    ($node:literal) => {
        CatalogRef {
            catalog: "test-utvikling",
            node: $node,
        }
    };
}

impl CheckKey {
    /// The heading the item is shown under.
    pub fn group(self) -> CheckGroup {
        use CheckKey::*;
        match self {
            Purpose | WhyNotSynthetic | WhyNotAnonymousOrPseudonymous => CheckGroup::Basis,
            ClosedEnvironment | SeparateEnvironments => CheckGroup::Environment,
            AccessControl | Logging => CheckGroup::Access,
            DataMinimisation | Deletion => CheckGroup::Data,
            ProcessingAgreement | RiskAssessment => CheckGroup::AgreementsAndRisk,
        }
    }

    /// How much the item matters for `kind` (see the module docs).
    pub fn need(self, kind: DataKind) -> Need {
        use CheckKey::*;
        use DataKind::*;
        use Need::{Optional as O, Recommended as Rec, Required as R};
        // Columns: synthetic, anonymous, pseudonymous, real.
        let row = match self {
            Purpose | SeparateEnvironments => [R, R, R, R],
            WhyNotSynthetic | DataMinimisation | RiskAssessment => [O, R, R, R],
            WhyNotAnonymousOrPseudonymous => [O, O, Rec, R],
            ClosedEnvironment => [O, Rec, Rec, R],
            AccessControl | Deletion => [O, Rec, R, R],
            Logging | ProcessingAgreement => [O, O, R, R],
        };
        row[match kind {
            Synthetic => 0,
            Anonymous => 1,
            Pseudonymous => 2,
            Real => 3,
        }]
    }

    /// The written justification is the point of these items: a "yes"
    /// without a note documents nothing.
    pub fn note_required_with_yes(self) -> bool {
        matches!(
            self,
            CheckKey::Purpose | CheckKey::WhyNotSynthetic | CheckKey::WhyNotAnonymousOrPseudonymous
        )
    }

    /// Conditions set by law for real data (pasientjournalloven § 11: a
    /// closed environment, a purpose, and only when other data cannot serve):
    /// for real data they can neither be "not relevant" nor met in part.
    pub fn is_legal_condition(self, kind: DataKind) -> bool {
        kind == DataKind::Real
            && matches!(
                self,
                CheckKey::Purpose
                    | CheckKey::ClosedEnvironment
                    | CheckKey::WhyNotSynthetic
                    | CheckKey::WhyNotAnonymousOrPseudonymous
            )
    }

    /// What the item rests on.
    pub fn sources(self) -> &'static [Source] {
        use CheckKey::*;
        match self {
            Purpose => &[
                src!(TestGuideline),
                src!(PatientRecordsAct, "§ 11 (2)"),
                src!(Gdpr, "art. 5(1)(b)"),
            ],
            WhyNotSynthetic => &[
                src!(NormenFactSheet43),
                src!(PatientRecordsAct, "§ 11 (2)"),
                src!(TestGuideline),
            ],
            WhyNotAnonymousOrPseudonymous => &[
                src!(PatientRecordsAct, "§ 11 (2)"),
                src!(TestGuideline),
                src!(NormenFactSheet43),
            ],
            ClosedEnvironment => &[
                src!(PatientRecordsAct, "§ 11 (2)"),
                src!(NormenFactSheet43),
                src!(TestGuideline),
            ],
            SeparateEnvironments => &[src!(TestGuideline)],
            AccessControl => &[src!(NormenFactSheet43), src!(TestGuideline), src!(Gdpr, "art. 32")],
            Logging => &[
                src!(NormenFactSheet43),
                src!(TestGuideline),
                src!(PatientRecordsAct, "§ 22"),
            ],
            DataMinimisation => &[src!(Gdpr, "art. 5(1)(c)"), src!(NormenFactSheet43), src!(TestGuideline)],
            Deletion => &[src!(Gdpr, "art. 5(1)(e)"), src!(NormenFactSheet43), src!(TestGuideline)],
            ProcessingAgreement => &[src!(Gdpr, "art. 28"), src!(NormenFactSheet43), src!(TestGuideline)],
            RiskAssessment => &[
                src!(Gdpr, "art. 32"),
                src!(Gdpr, "art. 35"),
                src!(NormenFactSheet43),
                src!(TestGuideline),
            ],
        }
    }

    /// Our summaries of the requirement in the catalogues.
    pub fn catalog_refs(self) -> &'static [CatalogRef] {
        use CheckKey::*;
        match self {
            Purpose => &[tu!("TU.1-d")],
            WhyNotSynthetic => &[fa43!("43.1-a"), fa43!("43.1-c"), tu!("TU.1-a")],
            WhyNotAnonymousOrPseudonymous => &[fa43!("43.1-c"), tu!("TU.1-a")],
            ClosedEnvironment => &[fa43!("43.2-a"), tu!("TU.1-b")],
            SeparateEnvironments => &[tu!("TU.2-a")],
            AccessControl => &[fa43!("43.3-a"), tu!("TU.3-b")],
            Logging => &[fa43!("43.3-c"), tu!("TU.3-c")],
            DataMinimisation => &[fa43!("43.4-a"), tu!("TU.4-b")],
            Deletion => &[fa43!("43.4-b"), tu!("TU.4-c")],
            ProcessingAgreement => &[fa43!("43.5-b"), tu!("TU.4-d")],
            RiskAssessment => &[fa43!("43.5-c"), tu!("TU.5-a")],
        }
    }
}

impl CheckGroup {
    /// The group's items, in checklist order.
    pub fn items(self) -> impl Iterator<Item = CheckKey> {
        CheckKey::ALL.iter().copied().filter(move |k| k.group() == self)
    }
}

impl Decision {
    /// Approval of either kind.
    pub fn approves(self) -> bool {
        !matches!(self, Decision::Rejected)
    }
}

/// One answered item, as the rule needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answered {
    pub key: CheckKey,
    pub answer: CheckAnswer,
    /// A non-blank note was written.
    pub has_note: bool,
}

/// What the rule needs to know about the project itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectFacts {
    pub data_kind: DataKind,
    /// The date by which the test data is deleted is set.
    pub has_deletion_date: bool,
}

/// An item that stands in the way of a decision, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Missing {
    pub key: CheckKey,
    pub reason: MissingReason,
}

/// Why `key`'s answer does not support `decision` for this project, or
/// `None` when it does (or when the item is not required for the data kind,
/// or the decision is a rejection).
pub fn item_problem(
    key: CheckKey,
    facts: &ProjectFacts,
    answer: Option<&Answered>,
    decision: Decision,
) -> Option<MissingReason> {
    if !decision.approves() || key.need(facts.data_kind) != Need::Required {
        return None;
    }
    let Some(a) = answer else {
        return Some(MissingReason::Unanswered);
    };
    let legal = key.is_legal_condition(facts.data_kind);
    match a.answer {
        CheckAnswer::No => Some(MissingReason::AnsweredNo),
        CheckAnswer::Partly if legal || decision == Decision::Approved => Some(MissingReason::AnsweredPartly),
        CheckAnswer::NotRelevant if legal => Some(MissingReason::NotRelevantNotAllowed),
        // Where deletion is required the data holds personal data (or may), and
        // storage limitation (GDPR art. 5(1)(e)) always applies to it.
        CheckAnswer::NotRelevant if key == CheckKey::Deletion => Some(MissingReason::NotRelevantNotAllowed),
        CheckAnswer::NotRelevant if !a.has_note => Some(MissingReason::NoteRequired),
        CheckAnswer::NotRelevant => None,
        CheckAnswer::Yes | CheckAnswer::Partly => {
            if key.note_required_with_yes() && !a.has_note {
                Some(MissingReason::NoteRequired)
            } else if key == CheckKey::Deletion && !facts.has_deletion_date {
                Some(MissingReason::DeletionDateMissing)
            } else {
                None
            }
        }
    }
}

/// Everything that stands in the way of recording `decision`, in checklist
/// order; empty means it may be recorded. A rejection is always possible.
/// When an item is answered more than once, the last answer counts.
pub fn missing(facts: &ProjectFacts, answers: &[Answered], decision: Decision) -> Vec<Missing> {
    CheckKey::ALL
        .iter()
        .filter_map(|&key| {
            let answer = answers.iter().rev().find(|a| a.key == key);
            item_problem(key, facts, answer, decision).map(|reason| Missing { key, reason })
        })
        .collect()
}

/// How far the checklist has come for the project's data kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Progress {
    /// Items required for the data kind.
    pub required: usize,
    /// Of those, answered so that they support approval.
    pub done: usize,
    /// Items answered at all (required or not).
    pub answered: usize,
}

impl Progress {
    /// `done / required` as a whole percentage (100 when nothing is required).
    pub fn percent(&self) -> usize {
        (self.done * 100).checked_div(self.required).unwrap_or(100)
    }
}

pub fn progress(facts: &ProjectFacts, answers: &[Answered]) -> Progress {
    let open = missing(facts, answers, Decision::Approved).len();
    let required = CheckKey::ALL
        .iter()
        .filter(|k| k.need(facts.data_kind) == Need::Required)
        .count();
    let answered = CheckKey::ALL
        .iter()
        .filter(|k| answers.iter().any(|a| a.key == **k))
        .count();
    Progress {
        required,
        done: required - open,
        answered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn yes(key: CheckKey) -> Answered {
        Answered {
            key,
            answer: CheckAnswer::Yes,
            has_note: true,
        }
    }

    fn all_yes() -> Vec<Answered> {
        CheckKey::ALL.iter().map(|k| yes(*k)).collect()
    }

    fn facts(data_kind: DataKind) -> ProjectFacts {
        ProjectFacts {
            data_kind,
            has_deletion_date: true,
        }
    }

    fn keys(m: &[Missing]) -> Vec<CheckKey> {
        m.iter().map(|m| m.key).collect()
    }

    #[test]
    fn synthetic_needs_only_purpose_and_separate_environments() {
        let f = facts(DataKind::Synthetic);
        assert_eq!(
            keys(&missing(&f, &[], Decision::Approved)),
            [CheckKey::Purpose, CheckKey::SeparateEnvironments]
        );
        let answers = [yes(CheckKey::Purpose), yes(CheckKey::SeparateEnvironments)];
        assert!(missing(&f, &answers, Decision::Approved).is_empty());
        assert_eq!(
            progress(&f, &answers),
            Progress {
                required: 2,
                done: 2,
                answered: 2
            }
        );
    }

    #[test]
    fn real_data_needs_every_item() {
        let f = facts(DataKind::Real);
        let m = missing(&f, &[], Decision::Approved);
        assert_eq!(keys(&m), CheckKey::ALL);
        assert!(m.iter().all(|m| m.reason == MissingReason::Unanswered));
        assert!(missing(&f, &all_yes(), Decision::Approved).is_empty());
        assert_eq!(progress(&f, &all_yes()).percent(), 100);
        assert_eq!(progress(&f, &[]).percent(), 0);
    }

    #[test]
    fn reasons() {
        let f = facts(DataKind::Real);
        let mut answers = all_yes();
        let set = |answers: &mut Vec<Answered>, key, answer, has_note| {
            answers.push(Answered { key, answer, has_note });
        };
        // Not relevant with a note is fine for an ordinary item…
        set(
            &mut answers,
            CheckKey::ProcessingAgreement,
            CheckAnswer::NotRelevant,
            true,
        );
        assert!(missing(&f, &answers, Decision::Approved).is_empty());
        // …but needs the note,
        set(
            &mut answers,
            CheckKey::ProcessingAgreement,
            CheckAnswer::NotRelevant,
            false,
        );
        assert_eq!(
            missing(&f, &answers, Decision::Approved),
            [Missing {
                key: CheckKey::ProcessingAgreement,
                reason: MissingReason::NoteRequired
            }]
        );
        // and a legal condition for real data cannot be waived.
        let mut answers = all_yes();
        set(
            &mut answers,
            CheckKey::ClosedEnvironment,
            CheckAnswer::NotRelevant,
            true,
        );
        assert_eq!(
            missing(&f, &answers, Decision::Approved)[0].reason,
            MissingReason::NotRelevantNotAllowed
        );
        // A justification without its text documents nothing.
        let mut answers = all_yes();
        set(&mut answers, CheckKey::WhyNotSynthetic, CheckAnswer::Yes, false);
        assert_eq!(
            missing(&f, &answers, Decision::Approved)[0].reason,
            MissingReason::NoteRequired
        );
        // Deletion needs the date.
        let no_date = ProjectFacts {
            has_deletion_date: false,
            ..f
        };
        assert_eq!(
            missing(&no_date, &all_yes(), Decision::Approved),
            [Missing {
                key: CheckKey::Deletion,
                reason: MissingReason::DeletionDateMissing
            }]
        );
        // "Partly" is enough for approval with conditions, not for approval,
        // and never for a legal condition; "no" is never enough.
        let mut answers = all_yes();
        set(&mut answers, CheckKey::Logging, CheckAnswer::Partly, false);
        assert_eq!(
            missing(&f, &answers, Decision::Approved)[0].reason,
            MissingReason::AnsweredPartly
        );
        assert!(missing(&f, &answers, Decision::ApprovedWithConditions).is_empty());
        set(&mut answers, CheckKey::ClosedEnvironment, CheckAnswer::Partly, true);
        assert_eq!(
            keys(&missing(&f, &answers, Decision::ApprovedWithConditions)),
            [CheckKey::ClosedEnvironment]
        );
        let mut answers = all_yes();
        set(&mut answers, CheckKey::Logging, CheckAnswer::No, true);
        assert_eq!(
            missing(&f, &answers, Decision::ApprovedWithConditions)[0].reason,
            MissingReason::AnsweredNo
        );
    }

    #[test]
    fn every_item_has_a_group_sources_and_catalogue_links() {
        let grouped: usize = CheckGroup::ALL.iter().map(|g| g.items().count()).sum();
        assert_eq!(grouped, CheckKey::ALL.len());
        for k in CheckKey::ALL {
            assert!(!k.sources().is_empty(), "{k}");
            assert!(!k.catalog_refs().is_empty(), "{k}");
            assert_eq!(k.need(DataKind::Real), Need::Required, "{k}");
        }
        for d in SourceDocument::ALL {
            assert!(d.url().starts_with("https://"), "{d}");
        }
    }

    fn arb_answer() -> impl Strategy<Value = Answered> {
        (0..CheckKey::ALL.len(), 0..CheckAnswer::ALL.len(), any::<bool>()).prop_map(|(k, a, has_note)| Answered {
            key: CheckKey::ALL[k],
            answer: CheckAnswer::ALL[a],
            has_note,
        })
    }

    fn arb_facts() -> impl Strategy<Value = ProjectFacts> {
        (0..DataKind::ALL.len(), any::<bool>()).prop_map(|(k, has_deletion_date)| ProjectFacts {
            data_kind: DataKind::ALL[k],
            has_deletion_date,
        })
    }

    proptest! {
        /// A rejection can always be recorded.
        #[test]
        fn rejection_is_always_allowed(f in arb_facts(), answers in proptest::collection::vec(arb_answer(), 0..30)) {
            prop_assert!(missing(&f, &answers, Decision::Rejected).is_empty());
        }

        /// A more intrusive kind of data never asks for less.
        #[test]
        fn stricter_data_never_needs_less(f in arb_facts(), answers in proptest::collection::vec(arb_answer(), 0..30)) {
            for k in CheckKey::ALL {
                for pair in DataKind::ALL.windows(2) {
                    prop_assert!(k.need(pair[0]) <= k.need(pair[1]));
                }
            }
            let stricter = DataKind::ALL.iter().filter(|d| **d >= f.data_kind);
            let now = keys(&missing(&f, &answers, Decision::Approved));
            for d in stricter {
                let more = keys(&missing(&ProjectFacts { data_kind: *d, ..f }, &answers, Decision::Approved));
                for k in &now {
                    prop_assert!(more.contains(k), "{k} missing for {} but not for {d}", f.data_kind);
                }
            }
        }

        /// Approval with conditions never asks for more than approval.
        #[test]
        fn conditions_never_ask_for_more(f in arb_facts(), answers in proptest::collection::vec(arb_answer(), 0..30)) {
            let plain = keys(&missing(&f, &answers, Decision::Approved));
            for k in keys(&missing(&f, &answers, Decision::ApprovedWithConditions)) {
                prop_assert!(plain.contains(&k));
            }
        }

        /// Answering an item "yes" with a note never adds a missing item,
        /// and removes that item unless only the deletion date is lacking.
        #[test]
        fn answering_yes_never_adds_a_missing_item(
            f in arb_facts(), answers in proptest::collection::vec(arb_answer(), 0..30), pick in 0..CheckKey::ALL.len(),
        ) {
            let key = CheckKey::ALL[pick];
            let before = keys(&missing(&f, &answers, Decision::Approved));
            let mut better = answers.clone();
            better.push(yes(key));
            let after = missing(&f, &better, Decision::Approved);
            for m in &after {
                prop_assert!(before.contains(&m.key));
                if m.key == key {
                    prop_assert_eq!(m.reason, MissingReason::DeletionDateMissing);
                }
            }
            let p = progress(&f, &better);
            prop_assert!(p.done <= p.required && p.percent() <= 100);
            prop_assert!(p.done >= progress(&f, &answers).done);
        }

        /// Everything answered "yes" with notes and a deletion date: any
        /// decision may be recorded, whatever the data kind.
        #[test]
        fn complete_checklist_allows_every_decision(k in 0..DataKind::ALL.len()) {
            let f = facts(DataKind::ALL[k]);
            for d in Decision::ALL {
                prop_assert!(missing(&f, &all_yes(), *d).is_empty());
            }
        }
    }
}
