//! The architecture rules of `etterlev-tidy`, applied to this workspace.
//! Each test prints every finding with its file and line.

use etterlev_tidy::*;

fn assert_clean(what: &str, findings: Vec<Finding>) {
    let list: Vec<String> = findings.iter().map(ToString::to_string).collect();
    assert!(
        list.is_empty(),
        "{what}: {} finding(s)\n{}",
        list.len(),
        list.join("\n")
    );
}

#[test]
fn web_areas_use_each_other_only_through_their_roots_and_without_cycles() {
    let root = workspace();
    assert_clean("web areas", check_areas(&root, &root.join("crates/web/src"), &[]));
}

#[test]
fn store_areas_use_each_other_only_through_their_roots_and_without_cycles() {
    let root = workspace();
    assert_clean(
        "store areas",
        check_areas(&root, &root.join("crates/store/src"), &["error.rs"]),
    );
}

#[test]
fn sql_lives_in_the_store_only() {
    assert_clean("SQL", check_sql(&workspace()));
}

#[test]
fn http_lives_in_the_web_crate_only() {
    assert_clean("HTTP", check_http(&workspace()));
}

#[test]
fn no_rust_file_is_longer_than_the_limit() {
    assert_clean("file length", check_lengths(&workspace()));
}

#[test]
fn every_route_that_takes_an_id_has_an_isolation_case() {
    let root = workspace();
    let routes = id_routes(&root.join("crates/web/src"));
    // The scan itself must see the routes, or the rule checks nothing.
    assert!(routes.len() >= 40, "route scan found too little: {routes:?}");
    assert_clean("isolation", check_isolation(&root));
}

#[test]
fn the_checks_see_the_sources() {
    let root = workspace();
    assert!(rust_files(&root.join("crates/web/src")).len() > 50);
    assert!(rust_files(&root.join("crates/store/src")).len() > 15);
}
