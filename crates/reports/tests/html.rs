//! The printable HTML page: a snapshot of the fixture, plus the properties
//! that must hold whatever the styling (escaping, no scripts, headings).

mod common;

use etterlev_catalog::NodeKind;
use etterlev_reports::{Lang, catalog_html, catalog_html_on};

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn snapshot_nb() {
    let catalog = common::sample();
    insta::assert_snapshot!("sample_nb", catalog_html_on(&catalog, Lang::Nb, common::generated()));
}

#[test]
fn snapshot_en() {
    let catalog = common::sample();
    insta::assert_snapshot!("sample_en", catalog_html_on(&catalog, Lang::En, common::generated()));
}

#[test]
fn headings_toc_and_escaping() {
    let catalog = common::sample();
    let html = catalog_html(&catalog, Lang::Nb);
    assert_eq!(count(&html, "<h1 "), common::count(&catalog, NodeKind::Chapter));
    assert_eq!(count(&html, "<h2 "), common::count(&catalog, NodeKind::Section));
    assert_eq!(count(&html, "<h3 "), 0);
    // Every heading is linked from the table of contents.
    for node in catalog.nodes.iter().filter(|n| n.kind.is_structural()) {
        let target = format!("id=\"n-{}\"", node.id);
        let link = format!("href=\"#n-{}\"", node.id);
        assert_eq!(count(&html, &target), 1, "{target}");
        assert_eq!(count(&html, &link), 1, "{link}");
    }
    // Every requirement has an anchored block.
    for node in catalog.assessable() {
        assert_eq!(count(&html, &format!("id=\"n-{}\"", node.id)), 1);
    }
    assert!(!html.contains("<script"));
    assert!(html.contains("@media print"));
    assert!(html.contains("&lt;lav&gt;"));
    assert!(!html.contains("<lav>"));
    assert!(html.contains("endringer &amp; nye systemer"));
    assert!(html.contains("href=\"https://www.helsedirektoratet.no/normen?kapittel=4&amp;del=1\""));
    assert_eq!(count(&html, "Ikke verifisert mot kilden</span>"), 2);
}

#[test]
fn hostile_text_is_escaped() {
    let mut catalog = common::sample();
    let node = catalog.nodes.iter_mut().find(|n| n.id == "1.1-a").expect("node");
    node.title.nb = "<script>alert(1)</script>".into();
    node.references[0].url = Some("javascript:alert(1)".into());
    let html = catalog_html(&catalog, Lang::Nb);
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("href=\"javascript:"));
}
