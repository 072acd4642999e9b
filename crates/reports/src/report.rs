//! What the assessment reports are made from: plain rows the caller fills
//! in from the store. Nothing here reads a database or a clock.

use etterlev_core::{ActionStatus, AnswerStatus, Priority, Score};

use crate::labels::Labels;

/// One chapter's scores.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChapterRow {
    /// The chapter's number or id ("2").
    pub label: String,
    pub title: String,
    pub score: Score,
}

/// A requirement that still needs work (not started or partly met).
#[derive(Debug, Clone, PartialEq)]
pub struct GapRow {
    /// The requirement's number or id ("2.1 a").
    pub label: String,
    pub title: String,
    pub status: AnswerStatus,
    pub owner: Option<String>,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    pub priority: Priority,
}

/// One action of the action plan.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRow {
    pub title: String,
    /// The requirement the action is for ("2.1 a"), if any.
    pub requirement: Option<String>,
    pub owner: Option<String>,
    /// `YYYY-MM-DD`.
    pub deadline: Option<String>,
    pub priority: Priority,
    pub status: ActionStatus,
    /// Worked out by the caller (`etterlev_core::assessment::is_overdue`).
    pub overdue: bool,
}

/// One piece of evidence: an uploaded file (with its SHA-256) or a link.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EvidenceRow {
    /// The requirement it documents ("2.1 a").
    pub requirement: String,
    /// File name, or the link's title.
    pub name: String,
    pub sha256: Option<String>,
    pub url: Option<String>,
}

/// One assessment in a trend: its scores, oldest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TrendPoint {
    /// The assessment's title or date.
    pub label: String,
    /// 0–100.
    pub compliance: f64,
    /// 0–100.
    pub maturity: f64,
}

/// Everything the management report and the one-page action list show.
#[derive(Debug, Clone, PartialEq)]
pub struct ManagementReport {
    /// The enterprise's name.
    pub tenant: String,
    /// The assessment's title.
    pub title: String,
    /// The catalogue's title and version.
    pub catalog: String,
    pub period: Option<String>,
    pub generated: jiff::civil::Date,
    pub overall: Score,
    pub chapters: Vec<ChapterRow>,
    /// In any order; the reports sort by priority (patient safety first).
    pub gaps: Vec<GapRow>,
    /// In any order; the reports sort by priority, then deadline.
    pub actions: Vec<ActionRow>,
    pub evidence: Vec<EvidenceRow>,
    /// Earlier assessments and this one, oldest first. The trend chart is
    /// shown from two points.
    pub trend: Vec<TrendPoint>,
    /// Number of applicable requirements at each maturity level 0–5 per
    /// chapter (chapter label and title, counts), as for
    /// [`crate::charts::maturity_heatmap`]. Empty: no heat map.
    pub maturity_levels: Vec<(String, [u32; 6])>,
}

impl ManagementReport {
    /// Gaps by priority, patient safety first; equal priorities keep the
    /// caller's order (reading order).
    pub(crate) fn sorted_gaps(&self) -> Vec<&GapRow> {
        let mut gaps: Vec<&GapRow> = self.gaps.iter().collect();
        gaps.sort_by_key(|g| g.priority.rank());
        gaps
    }

    /// Actions by priority, then deadline (none last); closed ones after
    /// the open ones.
    pub(crate) fn sorted_actions(&self) -> Vec<&ActionRow> {
        let mut actions: Vec<&ActionRow> = self.actions.iter().collect();
        actions.sort_by(|a, b| {
            (
                a.status.is_closed(),
                a.priority.rank(),
                a.deadline.is_none(),
                &a.deadline,
            )
                .cmp(&(
                    b.status.is_closed(),
                    b.priority.rank(),
                    b.deadline.is_none(),
                    &b.deadline,
                ))
        });
        actions
    }

    pub(crate) fn open_actions(&self) -> usize {
        self.actions.iter().filter(|a| !a.status.is_closed()).count()
    }

    pub(crate) fn overdue_actions(&self) -> usize {
        self.actions
            .iter()
            .filter(|a| a.overdue && !a.status.is_closed())
            .count()
    }

    /// "Ledelsesrapport · Tenant · Title": the running title.
    pub(crate) fn running_title(&self, heading: &str) -> String {
        format!("{heading} · {} · {}", self.tenant, self.title)
    }

    /// The one-page action list's items: open actions, and gaps no open
    /// action covers yet (worded as what to do), by priority (patient
    /// safety first), then deadline; actions before gaps of equal
    /// priority.
    pub(crate) fn todo_items(&self, l: &Labels) -> Vec<TodoItem> {
        let mut items: Vec<TodoItem> = self
            .sorted_actions()
            .into_iter()
            .filter(|a| !a.status.is_closed())
            .map(|a| TodoItem {
                title: a.title.clone(),
                priority: a.priority,
                requirement: a.requirement.clone(),
                owner: a.owner.clone(),
                due: a.deadline.clone(),
                overdue: a.overdue,
            })
            .collect();
        let covered: Vec<&str> = items.iter().filter_map(|i| i.requirement.as_deref()).collect();
        let gaps: Vec<TodoItem> = self
            .sorted_gaps()
            .into_iter()
            .filter(|g| !covered.contains(&g.label.as_str()))
            .map(|g| TodoItem {
                title: format!(
                    "{}: {}",
                    if g.status == AnswerStatus::Partly {
                        l.finish
                    } else {
                        l.put_in_place
                    },
                    g.title
                ),
                priority: g.priority,
                requirement: Some(g.label.clone()),
                owner: g.owner.clone(),
                due: g.due.clone(),
                overdue: false,
            })
            .collect();
        items.extend(gaps);
        // Stable: keeps actions before gaps, and each list's own order.
        items.sort_by_key(|i| i.priority.rank());
        items
    }
}

/// One line of the one-page action list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TodoItem {
    pub title: String,
    pub priority: Priority,
    pub requirement: Option<String>,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub overdue: bool,
}

/// At most this many items on the one-page action list.
pub(crate) const TOP_ACTIONS: usize = 10;
