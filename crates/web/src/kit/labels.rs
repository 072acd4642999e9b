//! Words for the core's enums, shared by several areas.

use etterlev_core::{AnswerStatus, Maturity};
use etterlev_store::{DueItem, DueKind};

use crate::kit::i18n::Tr;

pub fn status_name(tr: &Tr, s: AnswerStatus) -> String {
    tr.msg(&format!("answer-status-{}", s.as_str()))
}

pub fn maturity_name(tr: &Tr, m: Maturity) -> String {
    tr.msg(m.level_key())
}

/// What falls due, in words: "Frist: …", "Gjennomgang: …".
pub fn due_label(tr: &Tr, item: &DueItem) -> String {
    tr.msg_with(&format!("due-{}", item.kind.as_str()), &[("title", item.title.clone())])
}

/// The page of a due item, as a path.
pub fn due_path(item: &DueItem) -> String {
    match item.kind {
        DueKind::Action => format!("/actions/{}", item.id),
        DueKind::Measure => format!("/measures/{}", item.id),
        DueKind::Evidence => format!(
            "/assessments/{}/req/{}",
            item.assessment_id.as_deref().unwrap_or(""),
            item.node_id.as_deref().unwrap_or("")
        ),
    }
}
