//! Architecture checks of the etterlev source tree, run by `cargo test
//! --workspace` (see `tests/tidy.rs`), in the style of rust-analyzer's tidy
//! tests: they read the sources as text and fail with the file and line
//! that breaks a rule.
//!
//! The rules, and why:
//! - **Areas stay apart.** In `crates/web/src` and `crates/store/src` each
//!   area (accounts, catalog, assessment, actions, wizard, test_projects,
//!   secretariat) is one folder. An area may use another area only through
//!   what that area's root (`mod.rs`) exports, never a file inside it, and
//!   the areas' use of each other has no cycle. The shared kit (`web/src/kit`,
//!   the store's root files) uses no area, except the store's `error.rs`,
//!   which names the objects a conflict returns.
//! - **Only `store` knows SQL; only `web` knows HTTP.** No SQL statement in
//!   the source of another crate, no `sqlx` outside `store` (and the tools
//!   that need a raw database), no `axum`/`http`/`tower` outside `web`.
//! - **Files stay readable.** No Rust file over [`MAX_LINES`] lines.
//! - **Every route that takes an id has its isolation case** in
//!   `crates/web/tests/it/isolation.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The longest Rust file allowed.
pub const MAX_LINES: usize = 900;

/// The areas of the web and store crates.
pub const AREAS: &[&str] = &[
    "accounts",
    "catalog",
    "assessment",
    "actions",
    "wizard",
    "test_projects",
    "secretariat",
    "inventory",
    "reminders",
];

/// The workspace root (two levels above this crate).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Every `.rs` file under `dir`, sorted, skipping build output.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if p.is_dir() {
                if name != "target" && !name.starts_with('.') && name != "node_modules" {
                    pending.push(p);
                }
            } else if name.ends_with(".rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A broken rule: where and what.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

/// The code of a line without its `//` comment (good enough for our sources:
/// no `//` inside the strings this checks for).
fn code(line: &str) -> &str {
    let t = line.trim_start();
    if t.starts_with("//") {
        return "";
    }
    match line.find(" //") {
        Some(i) => &line[..i],
        None => line,
    }
}

/// The area a file belongs to inside `src`, if any.
pub fn area_of(src: &Path, file: &Path) -> Option<&'static str> {
    let first = file.strip_prefix(src).ok()?.components().next()?;
    let first = first.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    AREAS.iter().copied().find(|a| *a == name)
}

/// Names inside an area that other areas must not reach: its files and
/// folders (the area's internals).
fn internals(src: &Path, area: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Ok(entries) = std::fs::read_dir(src.join(area)) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let name = name.strip_suffix(".rs").unwrap_or(&name).to_string();
            if name != "mod" {
                out.insert(name);
            }
        }
    }
    out
}

/// Every `crate::<area>` path in `text` with the segment after it (which may
/// be empty for `crate::area::{…}` or a bare `crate::area`).
fn area_paths(text: &str) -> Vec<(usize, &'static str, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = code(line);
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if let Some(area) = AREAS.iter().copied().find(|a| **a == name) {
                let tail = &after[name.len()..];
                let next = tail
                    .strip_prefix("::")
                    .map(|t| t.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect())
                    .unwrap_or_default();
                out.push((n + 1, area, next));
            }
            rest = &after[name.len()..];
        }
    }
    out
}

/// The area rules for one crate's `src` (see the crate docs). `shared_may_name`
/// lists shared files allowed to name areas' root items.
pub fn check_areas(root: &Path, src: &Path, shared_may_name: &[&str]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let internal: BTreeMap<&str, BTreeSet<String>> = AREAS.iter().map(|a| (*a, internals(src, a))).collect();
    for file in rust_files(src) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let from = area_of(src, &file);
        let top = file
            .strip_prefix(src)
            .ok()
            .and_then(|p| p.components().next())
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("");
        // The composition roots put areas together: lib.rs, the API
        // document and the demo seeding.
        let composition = matches!(top, "lib.rs" | "api.rs" | "demo");
        for (line, to, next) in area_paths(&text) {
            if Some(to) == from {
                continue;
            }
            match from {
                Some(from) => {
                    edges.entry(from).or_default().insert(to);
                }
                None if composition || shared_may_name.contains(&top) => {}
                None => findings.push(Finding {
                    file: rel(root, &file),
                    line,
                    message: format!("the shared kit uses the area `{to}`; move what it needs into the kit"),
                }),
            }
            if internal[to].contains(&next) {
                findings.push(Finding {
                    file: rel(root, &file),
                    line,
                    message: format!(
                        "`crate::{to}::{next}` reaches inside the area `{to}`; export what you need from its mod.rs"
                    ),
                });
            }
        }
    }
    if let Some(cycle) = find_cycle(&edges) {
        findings.push(Finding {
            file: rel(root, src),
            line: 0,
            message: format!("the areas use each other in a cycle: {}", cycle.join(" → ")),
        });
    }
    findings
}

/// A cycle in the graph, as the path that closes it.
fn find_cycle<'a>(edges: &BTreeMap<&'a str, BTreeSet<&'a str>>) -> Option<Vec<&'a str>> {
    fn visit<'a>(
        n: &'a str,
        edges: &BTreeMap<&'a str, BTreeSet<&'a str>>,
        stack: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<&'a str>> {
        if let Some(i) = stack.iter().position(|s| *s == n) {
            let mut cycle = stack[i..].to_vec();
            cycle.push(n);
            return Some(cycle);
        }
        if done.contains(n) {
            return None;
        }
        stack.push(n);
        for m in edges.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, edges, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(n);
        None
    }
    let mut done = BTreeSet::new();
    for n in edges.keys() {
        if let Some(c) = visit(n, edges, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

/// What SQL looks like in our sources.
const SQL_MARKERS: &[&str] = &[
    "SELECT ",
    "INSERT INTO",
    "DELETE FROM",
    "CREATE TABLE",
    "ALTER TABLE",
    "UPDATE audit",
    "sqlx::query",
];

/// Lines with SQL in the `src` of crates other than `store` (and `fuzz`,
/// which has none either). Tests may reach past the application on purpose
/// (tampering with the audit log), so only `src` is checked.
pub fn check_sql(root: &Path) -> Vec<Finding> {
    scan_crates(
        root,
        &["store"],
        SQL_MARKERS,
        "SQL outside the store crate; add a store function",
    )
}

/// Lines naming HTTP types in the `src` of crates other than `web`.
pub fn check_http(root: &Path) -> Vec<Finding> {
    scan_crates(
        root,
        &["web"],
        &["axum::", "tower_http::", "hyper::", "http::StatusCode", "http::header"],
        "HTTP types outside the web crate",
    )
}

fn scan_crates(root: &Path, allowed: &[&str], markers: &[&str], message: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    let crates = root.join("crates");
    let Ok(entries) = std::fs::read_dir(&crates) else {
        return findings;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if allowed.contains(&name.as_str()) || name == "tidy" {
            continue;
        }
        for file in rust_files(&e.path().join("src")) {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            for (n, line) in text.lines().enumerate() {
                let c = code(line);
                if let Some(m) = markers.iter().find(|m| c.contains(**m)) {
                    findings.push(Finding {
                        file: rel(root, &file),
                        line: n + 1,
                        message: format!("{message} (`{}`)", m.trim()),
                    });
                }
            }
        }
    }
    findings
}

/// Rust files longer than [`MAX_LINES`], anywhere under `crates/`.
pub fn check_lengths(root: &Path) -> Vec<Finding> {
    rust_files(&root.join("crates"))
        .into_iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(&f).ok()?.lines().count();
            (lines > MAX_LINES).then(|| Finding {
                file: rel(root, &f),
                line: lines,
                message: format!("{lines} lines, more than {MAX_LINES}: split it by sub-area"),
            })
        })
        .collect()
}

/// Route patterns with a path parameter in the web crate's sources.
pub fn id_routes(web_src: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for file in rust_files(web_src) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for part in text.split(".route(").skip(1) {
            let part = part.trim_start();
            let Some(part) = part.strip_prefix('"') else { continue };
            let route = part.split('"').next().unwrap_or("");
            if route.contains('{') {
                found.insert(route.to_string());
            }
        }
    }
    found
}

/// The quoted strings of the `COVERED` list in the isolation test.
pub fn covered_routes(isolation_rs: &str) -> BTreeSet<String> {
    let Some(start) = isolation_rs.find("const COVERED") else {
        return BTreeSet::new();
    };
    let body = &isolation_rs[start..];
    let body = &body[..body.find("];").unwrap_or(body.len())];
    body.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

/// Id-taking routes without an isolation case.
pub fn check_isolation(root: &Path) -> Vec<Finding> {
    let path = root.join("crates/web/tests/it/isolation.rs");
    let covered = covered_routes(&std::fs::read_to_string(&path).unwrap_or_default());
    id_routes(&root.join("crates/web/src"))
        .into_iter()
        .filter(|r| !covered.contains(r))
        .map(|r| Finding {
            file: rel(root, &path),
            line: 0,
            message: format!("route {r} takes an id but has no case in COVERED (and no test that uses it)"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_cycle_and_only_a_cycle() {
        let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        edges.entry("wizard").or_default().insert("assessment");
        edges.entry("assessment").or_default().insert("actions");
        assert_eq!(find_cycle(&edges), None);
        edges.entry("actions").or_default().insert("wizard");
        let cycle = find_cycle(&edges).expect("a cycle");
        assert_eq!(cycle.first(), cycle.last());
        assert_eq!(cycle.len(), 4);
    }

    #[test]
    fn reads_area_paths_but_not_comments() {
        let text = "use crate::actions::{gap_priority};\n// crate::wizard::x\nlet x = crate::catalog::pages::y; // crate::secretariat\n";
        let paths = area_paths(text);
        assert_eq!(
            paths,
            vec![(1, "actions", String::new()), (3, "catalog", "pages".to_string())]
        );
    }

    #[test]
    fn reads_the_covered_list() {
        let text = "const COVERED: &[&str] = &[\n    \"/a/{id}\",\n    \"/b/{id}/c\",\n];\nfn f() { \"/x/{id}\" }";
        let covered = covered_routes(text);
        assert_eq!(covered.len(), 2);
        assert!(covered.contains("/b/{id}/c"));
    }
}
