//! Self-assessment: answer statuses, maturity levels, scores, wizard answers
//! and action priorities. Pure rules; storage and pages live elsewhere.
//!
//! Every score here is etterlev's own construct (Normen defines no score):
//! - *compliance* = share of applicable requirements that are implemented or
//!   verified, 0–100;
//! - *maturity* = mean maturity level of applicable requirements, as a share
//!   of the top level (5), 0–100; an unrated requirement counts as level 0.
//!
//! A requirement marked not applicable is left out of both, and a chapter's
//! score depends only on that chapter's answers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::tenant::string_enum;

string_enum! {
    /// Where an enterprise stands on one requirement.
    AnswerStatus {
        /// Does not apply; a reason is required.
        NotApplicable = "not_applicable",
        NotStarted = "not_started",
        Partly = "partly",
        Implemented = "implemented",
        /// Implemented and checked (by audit, test or review).
        Verified = "verified",
    }
}

impl AnswerStatus {
    /// Counts towards the compliance share.
    pub fn is_met(self) -> bool {
        matches!(self, AnswerStatus::Implemented | AnswerStatus::Verified)
    }

    /// Still needs work: a gap for the action plan.
    pub fn is_gap(self) -> bool {
        matches!(self, AnswerStatus::NotStarted | AnswerStatus::Partly)
    }
}

/// Maturity 0–5, CMMI-style levels defined by us (see `level_key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Maturity(u8);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("maturity must be a whole number from 0 to 5, not {0}")]
pub struct MaturityError(pub i64);

impl Maturity {
    pub const MAX: u8 = 5;

    pub fn new(level: i64) -> Result<Self, MaturityError> {
        u8::try_from(level)
            .ok()
            .filter(|l| *l <= Self::MAX)
            .map(Maturity)
            .ok_or(MaturityError(level))
    }

    pub fn level(self) -> u8 {
        self.0
    }

    /// Translation key of the level's description: 0 none, 1 initial (ad
    /// hoc), 2 repeatable (routines exist for parts), 3 defined (documented
    /// and known), 4 managed (measured and followed up), 5 optimising
    /// (improved from experience).
    pub fn level_key(self) -> &'static str {
        [
            "maturity-0",
            "maturity-1",
            "maturity-2",
            "maturity-3",
            "maturity-4",
            "maturity-5",
        ][usize::from(self.0)]
    }

    pub fn all() -> impl Iterator<Item = Maturity> {
        (0..=Self::MAX).map(Maturity)
    }
}

impl TryFrom<u8> for Maturity {
    type Error = MaturityError;
    fn try_from(v: u8) -> Result<Self, Self::Error> {
        Maturity::new(i64::from(v))
    }
}

impl From<Maturity> for u8 {
    fn from(m: Maturity) -> u8 {
        m.0
    }
}

/// The part of an answer that scoring needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoredAnswer {
    /// The chapter (top-level node) the requirement belongs to.
    pub chapter: String,
    pub status: AnswerStatus,
    pub maturity: Option<Maturity>,
}

/// Scores of a set of answers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Score {
    /// Requirements that apply (all but not applicable).
    pub applicable: u32,
    /// Of those, implemented or verified.
    pub met: u32,
    pub partly: u32,
    pub not_applicable: u32,
    /// `met / applicable`, 0–100; 0 when nothing applies.
    pub compliance: f64,
    /// Mean maturity of applicable requirements over 5, 0–100.
    pub maturity: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Scores {
    pub overall: Score,
    /// Per chapter id, in chapter-id order.
    pub chapters: BTreeMap<String, Score>,
}

#[derive(Default)]
struct Tally {
    applicable: u32,
    met: u32,
    partly: u32,
    not_applicable: u32,
    maturity_sum: u32,
}

impl Tally {
    fn add(&mut self, a: &ScoredAnswer) {
        if a.status == AnswerStatus::NotApplicable {
            self.not_applicable += 1;
            return;
        }
        self.applicable += 1;
        self.met += u32::from(a.status.is_met());
        self.partly += u32::from(a.status == AnswerStatus::Partly);
        self.maturity_sum += u32::from(a.maturity.map_or(0, Maturity::level));
    }

    fn score(&self) -> Score {
        let share = |num: f64, den: f64| {
            if den > 0.0 {
                (num / den * 100.0).clamp(0.0, 100.0)
            } else {
                0.0
            }
        };
        Score {
            applicable: self.applicable,
            met: self.met,
            partly: self.partly,
            not_applicable: self.not_applicable,
            compliance: share(f64::from(self.met), f64::from(self.applicable)),
            maturity: share(
                f64::from(self.maturity_sum),
                f64::from(self.applicable) * f64::from(Maturity::MAX),
            ),
        }
    }
}

/// Scores per chapter and overall.
pub fn score(answers: &[ScoredAnswer]) -> Scores {
    let mut overall = Tally::default();
    let mut chapters: BTreeMap<String, Tally> = BTreeMap::new();
    for a in answers {
        overall.add(a);
        chapters.entry(a.chapter.clone()).or_default().add(a);
    }
    Scores {
        overall: overall.score(),
        chapters: chapters.into_iter().map(|(k, t)| (k, t.score())).collect(),
    }
}

string_enum! {
    /// An answer in the small-enterprise wizard.
    WizardAnswer {
        Yes = "yes",
        Partly = "partly",
        No = "no",
        DontKnow = "dont_know",
    }
}

string_enum! {
    /// Which answer to a wizard question means the requirement is met. Most
    /// questions ask "do you do X?" (yes is good); some ask about a risk
    /// ("can patients see other people's screens?"), where no is good.
    GoodAnswer {
        Yes = "yes",
        No = "no",
    }
}

impl WizardAnswer {
    /// The assessment status a wizard answer stands for, given which answer
    /// is the good one. "Partly" is partly either way; "don't know" counts
    /// as not started: nobody can show it is in place.
    pub fn status(self, good: GoodAnswer) -> AnswerStatus {
        match (self, good) {
            (WizardAnswer::Yes, GoodAnswer::Yes) | (WizardAnswer::No, GoodAnswer::No) => AnswerStatus::Implemented,
            (WizardAnswer::Partly, _) => AnswerStatus::Partly,
            (WizardAnswer::Yes, GoodAnswer::No) | (WizardAnswer::No, GoodAnswer::Yes) | (WizardAnswer::DontKnow, _) => {
                AnswerStatus::NotStarted
            }
        }
    }

    /// Whether this is the answer that means the requirement is met.
    pub fn is_good(self, good: GoodAnswer) -> bool {
        self.status(good) == AnswerStatus::Implemented
    }

    /// The wizard answer an assessment status stands for (for answers set in
    /// the full assessment, which carry no wizard answer): met is the good
    /// answer, partly is partly, and the rest is not known.
    pub fn from_status(status: AnswerStatus, good: GoodAnswer) -> Option<WizardAnswer> {
        match status {
            AnswerStatus::Implemented | AnswerStatus::Verified => Some(match good {
                GoodAnswer::Yes => WizardAnswer::Yes,
                GoodAnswer::No => WizardAnswer::No,
            }),
            AnswerStatus::Partly => Some(WizardAnswer::Partly),
            AnswerStatus::NotStarted | AnswerStatus::NotApplicable => None,
        }
    }
}

string_enum! {
    /// Priority of an action. Patient safety comes first.
    Priority {
        /// Affects patient safety: wrong, missing or late health information.
        PatientSafety = "patient_safety",
        High = "high",
        Medium = "medium",
        Low = "low",
    }
}

impl Priority {
    /// Sort key: lower comes first.
    pub fn rank(self) -> u8 {
        match self {
            Priority::PatientSafety => 0,
            Priority::High => 1,
            Priority::Medium => 2,
            Priority::Low => 3,
        }
    }

    /// The default priority of an action for a gap, from the requirement's
    /// tags and kind: anything tagged patient safety or integrity of health
    /// information first; a duty ("skal") not met is high; a partly met duty
    /// or a recommendation is medium; the rest low.
    pub fn for_gap(tags: &[String], is_duty: bool, status: AnswerStatus) -> Priority {
        let tagged = |t: &str| tags.iter().any(|x| x == t);
        if tagged("patient_safety") || (tagged("integrity") && tagged("availability")) {
            Priority::PatientSafety
        } else if is_duty && status == AnswerStatus::NotStarted {
            Priority::High
        } else if is_duty {
            Priority::Medium
        } else {
            Priority::Low
        }
    }
}

string_enum! {
    /// Where an action stands.
    ActionStatus {
        Open = "open",
        InProgress = "in_progress",
        Done = "done",
        Cancelled = "cancelled",
    }
}

impl ActionStatus {
    pub fn is_closed(self) -> bool {
        matches!(self, ActionStatus::Done | ActionStatus::Cancelled)
    }
}

/// An action is overdue when it is not closed and its deadline (a date,
/// `YYYY-MM-DD`) is before `today` (same format). Dates compare as text.
pub fn is_overdue(status: ActionStatus, deadline: Option<&str>, today: &str) -> bool {
    !status.is_closed() && deadline.is_some_and(|d| d < today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn answer(chapter: &str, status: AnswerStatus, maturity: Option<u8>) -> ScoredAnswer {
        ScoredAnswer {
            chapter: chapter.into(),
            status,
            maturity: maturity.map(|m| Maturity::new(i64::from(m)).expect("0..=5")),
        }
    }

    #[test]
    fn scores_by_hand() {
        use AnswerStatus::*;
        let answers = [
            answer("2", Implemented, Some(3)),
            answer("2", Verified, Some(5)),
            answer("2", Partly, Some(2)),
            answer("2", NotApplicable, None),
            answer("3", NotStarted, None),
        ];
        let s = score(&answers);
        let two = s.chapters["2"];
        assert_eq!((two.applicable, two.met, two.partly, two.not_applicable), (3, 2, 1, 1));
        assert!((two.compliance - 200.0 / 3.0).abs() < 1e-9);
        assert!((two.maturity - 10.0 / 15.0 * 100.0).abs() < 1e-9);
        assert_eq!(s.chapters["3"].compliance, 0.0);
        assert_eq!(s.overall.applicable, 4);
        assert!((s.overall.compliance - 50.0).abs() < 1e-9);
        assert_eq!(score(&[]).overall.compliance, 0.0);
    }

    #[test]
    fn maturity_bounds() {
        assert!(Maturity::new(5).is_ok());
        assert!(Maturity::new(6).is_err());
        assert!(Maturity::new(-1).is_err());
        assert_eq!(Maturity::all().count(), 6);
        assert_eq!(
            serde_json::to_string(&Maturity::new(4).expect("ok")).expect("json"),
            "4"
        );
        assert!(serde_json::from_str::<Maturity>("9").is_err());
    }

    #[test]
    fn overdue_and_priority() {
        assert!(is_overdue(ActionStatus::Open, Some("2026-01-01"), "2026-01-02"));
        assert!(!is_overdue(ActionStatus::Done, Some("2026-01-01"), "2026-01-02"));
        assert!(!is_overdue(ActionStatus::Open, Some("2026-01-02"), "2026-01-02"));
        assert!(!is_overdue(ActionStatus::Open, None, "2026-01-02"));
        let tags = vec!["patient_safety".to_string()];
        assert_eq!(
            Priority::for_gap(&tags, false, AnswerStatus::Partly),
            Priority::PatientSafety
        );
        assert_eq!(Priority::for_gap(&[], true, AnswerStatus::NotStarted), Priority::High);
        assert_eq!(Priority::for_gap(&[], true, AnswerStatus::Partly), Priority::Medium);
        assert_eq!(Priority::for_gap(&[], false, AnswerStatus::NotStarted), Priority::Low);
        assert_eq!(WizardAnswer::DontKnow.status(GoodAnswer::Yes), AnswerStatus::NotStarted);
        assert_eq!(WizardAnswer::DontKnow.status(GoodAnswer::No), AnswerStatus::NotStarted);
    }

    /// Every answer is scored by the question's polarity: the good answer is
    /// met, the opposite is a gap, whichever way the question is asked.
    #[test]
    fn wizard_answers_follow_the_good_answer() {
        use AnswerStatus::*;
        assert_eq!(WizardAnswer::Yes.status(GoodAnswer::Yes), Implemented);
        assert_eq!(WizardAnswer::No.status(GoodAnswer::Yes), NotStarted);
        assert_eq!(WizardAnswer::No.status(GoodAnswer::No), Implemented);
        assert_eq!(WizardAnswer::Yes.status(GoodAnswer::No), NotStarted);
        assert_eq!(WizardAnswer::Partly.status(GoodAnswer::No), Partly);
        for &good in GoodAnswer::ALL {
            let goods: Vec<_> = WizardAnswer::ALL.iter().filter(|a| a.is_good(good)).collect();
            assert_eq!(goods.len(), 1, "exactly one good answer for {good}");
            for &a in WizardAnswer::ALL {
                // Reading a status back gives the same answer, except that
                // "no" to a yes-question and "don't know" are both unknown.
                if let Some(back) = WizardAnswer::from_status(a.status(good), good) {
                    assert_eq!(back, a, "{a} with good answer {good}");
                }
            }
        }
    }

    fn arb_answer() -> impl Strategy<Value = ScoredAnswer> {
        (0usize..4, 0usize..5, proptest::option::of(0u8..=5))
            .prop_map(|(c, s, m)| answer(["1", "2", "3", "4"][c], AnswerStatus::ALL[s], m))
    }

    proptest! {
        #[test]
        fn scores_stay_within_0_and_100(answers in proptest::collection::vec(arb_answer(), 0..60)) {
            let s = score(&answers);
            for sc in std::iter::once(&s.overall).chain(s.chapters.values()) {
                prop_assert!((0.0..=100.0).contains(&sc.compliance));
                prop_assert!((0.0..=100.0).contains(&sc.maturity));
                prop_assert!(sc.met <= sc.applicable);
            }
        }

        /// Marking one requirement not applicable never lowers another
        /// chapter's score (it leaves them exactly as they were).
        #[test]
        fn not_applicable_never_lowers_another_chapter(
            answers in proptest::collection::vec(arb_answer(), 1..60), pick in any::<usize>(),
        ) {
            let i = pick % answers.len();
            let before = score(&answers);
            let mut changed = answers.clone();
            changed[i].status = AnswerStatus::NotApplicable;
            let after = score(&changed);
            for (chapter, sc) in &before.chapters {
                if *chapter != answers[i].chapter {
                    prop_assert_eq!(after.chapters[chapter], *sc);
                }
            }
        }

        /// Improving a status never lowers any score.
        #[test]
        fn improving_an_answer_never_lowers_the_score(
            answers in proptest::collection::vec(arb_answer(), 1..60), pick in any::<usize>(),
        ) {
            let i = pick % answers.len();
            let mut answers = answers;
            answers[i].status = AnswerStatus::NotStarted;
            let before = score(&answers);
            let mut better = answers.clone();
            better[i].status = AnswerStatus::Implemented;
            let after = score(&better);
            prop_assert!(after.overall.compliance >= before.overall.compliance);
            prop_assert!(after.chapters[&answers[i].chapter].compliance >= before.chapters[&answers[i].chapter].compliance);
        }
    }
}
