//! Requirement catalogues as data.
//!
//! A catalogue version (Normen 6.0, NIS2, a fact sheet …) is a YAML file
//! under `catalog/`, validated by `catalog/schema/catalog.schema.json` and
//! then by semantic checks; mappings relate the nodes of two catalogues.
//! This crate loads and checks them, decides what applies to an enterprise,
//! diffs versions and converts to and from OSCAL and CISO Assistant.
//!
//! Architecture invariant: no database, no HTTP. The only I/O is reading the
//! files a caller names ([`load_path`]).

pub mod applies;
pub mod ciso;
pub mod diff;
pub mod fidelity;
pub mod ids;
pub mod load;
pub mod model;
pub mod oscal;
pub mod threats;
pub mod wizard;

pub use applies::{Exclusion, Filtered, Profile, exclusions, filter};
pub use ciso::from_ciso_assistant;
pub use diff::{CatalogDiff, ChangeKind, DiffEntry, FieldChange, diff};
pub use load::{CatalogSet, Diagnostic, Document, load_path, load_paths, parse_catalog, parse_document};
pub use model::{
    Applicability, Catalog, CatalogRef, CatalogStatus, GapArea, LocalText, Mapping, MappingEntry, Node, NodeKind,
    Numbering, OrigText, Question, Reference, ReferenceKind, Relation, SourceCheck, newest,
};
pub use oscal::{from_oscal, to_oscal};
