//! Test data without real people (module M9, issue 6).
//!
//! The sector's guideline for health data in testing and development says
//! fictitious data first. This crate is where the toolkit for that lives.
//! Built so far: [`ids`] — Norwegian identifiers: fødselsnummer (current and
//! 2032 control digits), D-, H- and FH-numbers, the synthetic conventions
//! (Tenor +80, NHN +65, Dolly +40), organisation and account numbers;
//! validate, classify, generate.
//!
//! Not built yet (see the README): synthetic persons, pseudonymisation, the
//! scanner and re-identification risk.
//!
//! Invariant: nothing here produces a production-range national id unless the
//! caller explicitly asks for one.

pub mod ids;
