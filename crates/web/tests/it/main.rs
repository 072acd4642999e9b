//! End-to-end tests of the web layer over real HTTP against real databases
//! (SQLite always; PostgreSQL when reachable, required under CI=true).

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod action_list;
mod actions;
mod api;
mod assess_ui;
mod assessments;
mod bad_input;
mod catalog;
mod catalog_export;
mod catalog_profile;
mod inventory;
mod isolation;
mod language;
mod login_throttle;
mod reminders;
mod secretariat;
mod secretariat_story;
mod security;
mod smoke;
mod test_projects;
mod wizard;
