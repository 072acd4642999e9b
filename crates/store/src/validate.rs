//! The one set of input rules every store area uses: text cleaning, dates
//! and the length limits. Areas check their own fields with these, so the
//! same kind of field has the same limit everywhere.

pub use etterlev_core::date::is_date;

/// Longest one-line field (name, system, owner, place…).
pub const LINE_MAX: usize = 300;
/// Longest text field (purpose, notes, reasons, background…).
pub const TEXT_MAX: usize = 8000;

/// Trims; blank becomes `None`.
pub(crate) fn clean(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}
