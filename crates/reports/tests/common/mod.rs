//! The fixture every report test renders.

#![allow(dead_code)]

use etterlev_catalog::{Catalog, NodeKind};

pub const FIXTURE: &str = include_str!("../fixtures/sample.yaml");

pub fn sample() -> Catalog {
    match etterlev_catalog::parse_catalog("sample.yaml", FIXTURE.as_bytes()) {
        Ok(c) => c,
        Err(diagnostics) => {
            let text: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            panic!("fixture does not load:\n{}", text.join("\n"));
        }
    }
}

pub fn count(catalog: &Catalog, kind: NodeKind) -> usize {
    catalog.nodes.iter().filter(|n| n.kind == kind).count()
}

/// A fixed "generated" date so output is reproducible.
pub fn generated() -> jiff::civil::Date {
    jiff::civil::date(2025, 3, 1)
}
