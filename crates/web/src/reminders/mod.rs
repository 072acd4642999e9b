//! Reminders people see: what falls due on the dashboard, a daily digest by
//! e-mail (SMTP, off unless configured; one mail per user per day, never one
//! per item), a personal calendar feed to subscribe to, and the server's job
//! that marks what has passed.

mod calendar;
mod digest;

use axum::Router;

use crate::AppState;

pub use digest::{Mailer, MailerError, run_once, spawn};

pub(crate) fn router() -> Router<AppState> {
    calendar::router()
}

/// How far ahead the dashboard and the digest look.
pub(crate) const HORIZON_DAYS: i32 = 30;
