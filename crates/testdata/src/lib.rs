//! Test data without real people (module M9, issue 6).
//!
//! The sector's guideline for health data in testing and development says
//! fictitious data first. This crate makes that practical:
//! - [`ids`]: Norwegian identifiers — fødselsnummer (current and 2032 control
//!   digits), D-, H- and FH-numbers, the synthetic conventions (Tenor +80,
//!   NHN +65, Dolly +40), organisation and account numbers; validate,
//!   classify, generate.
//! - [`generate`]: synthetic persons and patients, deterministic by seed.
//! - [`pseudonymise`]: rule-driven, streaming pseudonymisation of CSV and JSON Lines.
//! - [`scan`]: find identifiers and other personal data in files.
//! - [`risk`]: k-anonymity, l-diversity and re-identification risk.
//! - [`io`]: what every command shares: input decoding, output written to a
//!   temporary file and renamed.
//!
//! Invariant: nothing here produces a production-range national id unless the
//! caller explicitly asks for one.

pub mod generate;
pub mod ids;
pub mod io;
pub mod pseudonymise;
pub mod risk;
pub mod scan;
