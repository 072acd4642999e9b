//! Words for the core's enums, shared by several areas.

use etterlev_core::{AnswerStatus, Maturity};

use crate::kit::i18n::Tr;

pub fn status_name(tr: &Tr, s: AnswerStatus) -> String {
    tr.msg(&format!("answer-status-{}", s.as_str()))
}

pub fn maturity_name(tr: &Tr, m: Maturity) -> String {
    tr.msg(m.level_key())
}
