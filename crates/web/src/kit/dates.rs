//! The one clock of the web layer: today's date in Norway. Times are stored
//! in UTC; a "today" that decides what is overdue or what a report is dated
//! must be the Norwegian day, whatever zone the server runs in.

pub use etterlev_core::date::{Day, is_date};

/// Today in Europe/Oslo.
pub fn today() -> Day {
    Day::of(jiff::Timestamp::now())
}
