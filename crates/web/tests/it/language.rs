//! No system text in the wrong language: signs in to the full demo (all
//! catalogues, assessments, actions, test projects and the secretariat) as
//! each demo role, in each language, follows every same-origin link from
//! `/` and checks every HTML page for
//!
//! (a) a string of the other language's locale files (distinctive ones: at
//!     least two words or 12 characters, and not also in the page's own
//!     language's files, which leaves out names like "Normen"),
//! (b) a raw message key (`wizard-answer-yes`) instead of its text,
//! (c) a raw flag (`verified: false`),
//! (d) a decimal point before a percent sign on a bokmål page ("58.0 %"),
//! (e) an ISO date (`2026-11-24`) where users read dd.mm.yyyy.
//!
//! User-entered data and catalogue texts are content, not system text: text
//! in an element marked with the other language (`lang="en"` on a bokmål
//! page, as catalogue pages mark their English text) and `<code>`/`<pre>`
//! (ids, JSON, raw audit actions for experts) is not checked.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use crate::common::{TestApp, extract_csrf, sqlite_store};

/// Pages visited per role and language at most (the demo has about a
/// hundred kinds of page; the rest are more of the same kind).
const MAX_PAGES: usize = 400;
/// Pages of one shape (same path with the ids left out) visited at most.
const PER_SHAPE: usize = 4;

/// The demo enterprises' organisation numbers (see `demo.rs`).
const HOSPITAL_ORG: &str = "312000008";
const GP_ORG: &str = "311000004";

/// Known leaks in areas other work is rewriting right now, as (language or
/// "*", part of the page's path, part of the problem): not failed. Each entry
/// must be fixed where it is rendered and then removed from here; an empty
/// list is the goal.
const KNOWN_LEAKS: &[(&str, &str, &str)] = &[];

/// The demo's own data, entered in bokmål (titles, owners, document names),
/// and catalogue text without an English version (sources, chapter titles,
/// action texts taken from requirements): content, not system text, even
/// where it matches a bokmål message.
const DEMO_DATA: &[&str] = &[
    "Kom i gang",
    "Egenvurdering 2025",
    "Egenvurdering 2026",
    "Retningslinje for bruk av helsedata til testing og utvikling",
    "Normensekretariatet",
    "Styringsgruppemøte",
    "Representant for",
    "Sektorstatistikk for etterlevelse",
    "Leverandøren mener",
    "Personvernforordningen (GDPR)",
    "Retningslinje for utvikling og testing",
    "Leverandører og databehandlere",
    "Virksomheten skal behandle",
];

/// Menu entries the secretariat user is offered but cannot use (404). The
/// menu shows only what a user can use, so none.
const KNOWN_SECRETARIAT_404: &[&str] = &[];

/// Catalogue versions named by a date (`fa31@2023-06-08`): ids, not dates
/// shown to users.
const VERSION_LABELS: &[&str] = &["2023-06-08", "2022-09-29"];

/// One Fluent message: key and value, continuation lines joined.
fn messages(lang: &str) -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(lang);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("locale folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
        .collect();
    files.sort();
    let mut out: Vec<(String, String)> = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("locale file");
        for line in text.lines() {
            if line.trim_start().starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if line.starts_with(char::is_whitespace) {
                if let Some((_, v)) = out.last_mut() {
                    v.push('\n');
                    v.push_str(line.trim());
                }
                continue;
            }
            if let Some((k, v)) = line.split_once(" =") {
                out.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
    }
    out
}

/// The literal pieces of a message: the text around `{ … }` placeables, and
/// the variants of a select expression (`[one] …`, `*[other] …`).
fn pieces(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in value.chars() {
        match c {
            '{' => {
                depth += 1;
                out.push(std::mem::take(&mut current));
            }
            '}' => {
                depth = depth.saturating_sub(1);
                out.push(std::mem::take(&mut current));
            }
            '\n' if depth > 0 => out.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    out.push(current);
    out.iter()
        .map(|p| {
            let p = p.trim();
            // A select variant: `[one] text`, `*[other] text`.
            let p = match p.trim_start_matches('*').strip_prefix('[') {
                Some(rest) => rest.split_once(']').map_or("", |(_, t)| t),
                None => p,
            };
            p.trim()
                .trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace() || c == '–')
                .to_string()
        })
        .filter(|p| !p.is_empty() && !p.contains("->") && !p.starts_with('$'))
        .collect()
}

struct Rules {
    /// Distinctive strings of the other language, for pages in this one.
    foreign: Vec<String>,
    /// Every message key (of both languages: the same set).
    keys: BTreeSet<String>,
}

fn rules(page_lang: &str) -> Rules {
    let other = if page_lang == "nb" { "en" } else { "nb" };
    let own = messages(page_lang);
    let own_text: String = own.iter().map(|(_, v)| v.to_lowercase()).collect::<Vec<_>>().join("\n");
    let mut foreign: BTreeSet<String> = BTreeSet::new();
    for (_, v) in messages(other) {
        for p in pieces(&v) {
            let words = p.split_whitespace().count();
            if (words >= 2 || p.chars().count() >= 12) && !own_text.contains(&p.to_lowercase()) {
                foreign.insert(p);
            }
        }
    }
    Rules {
        foreign: foreign.into_iter().collect(),
        keys: own.into_iter().map(|(k, _)| k).filter(|k| k.contains('-')).collect(),
    }
}

/// The visible text of a page, one segment per text node or attribute
/// (title, placeholder, aria-label, alt), without scripts, styles,
/// `<code>`/`<pre>` and elements marked with another language.
fn visible_text(html: &str, page_lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    // (tag, depth) of an element whose content is skipped.
    let mut skipping: Option<(String, usize)> = None;
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if skipping.is_none() {
                out.push(decode(rest));
            }
            break;
        };
        if skipping.is_none() {
            out.push(decode(&rest[..lt]));
        }
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if let Some((skip_tag, depth)) = &mut skipping {
            if name == *skip_tag {
                if closing {
                    *depth -= 1;
                    if *depth == 0 {
                        skipping = None;
                    }
                } else if !tag.ends_with('/') {
                    *depth += 1;
                }
            }
            continue;
        }
        if closing {
            continue;
        }
        // Raw text elements: jump to their end.
        if name == "script" || name == "style" {
            let end = format!("</{name}");
            rest = rest.find(&end).map_or("", |e| &rest[e..]);
            continue;
        }
        let lang = attribute(tag, "lang");
        let foreign = lang.as_deref().is_some_and(|l| !l.starts_with(page_lang));
        // The language switch names the other language in that language.
        if foreign || name == "code" || name == "pre" {
            if !tag.ends_with('/') && !is_void(&name) {
                skipping = Some((name, 1));
            }
            continue;
        }
        for a in ["title", "placeholder", "aria-label", "alt"] {
            if let Some(v) = attribute(tag, a) {
                out.push(decode(&v));
            }
        }
    }
    out.into_iter()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .collect()
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

/// The value of a double-quoted attribute (askama quotes them all).
fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')?;
    Some(tag[start..start + end].to_string())
}

fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // `;` is ASCII, so its byte position is a character boundary.
        let Some(semi) = rest.bytes().take(12).position(|b| b == b';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            e if e.starts_with("#x") || e.starts_with("#X") => {
                u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32)
            }
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.replace(['\u{a0}', '\u{202f}'], " ")
}

/// Whether `needle` occurs in `hay` with no letter or digit right before or
/// after it.
fn contains_word(hay: &str, needle: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
    hay.match_indices(needle).any(|(i, m)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + m.len()..].chars().next();
        !word(before) && !word(after)
    })
}

/// "58.0 %", "12.5%": a decimal point before a percent sign.
fn decimal_point_percents(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if c != '%' {
            continue;
        }
        let mut j = i;
        while j > 0 && chars[j - 1] == ' ' {
            j -= 1;
        }
        let end = j;
        while j > 0 && chars[j - 1].is_ascii_digit() {
            j -= 1;
        }
        if j == end || j == 0 || chars[j - 1] != '.' {
            continue;
        }
        let mut k = j - 1;
        while k > 0 && chars[k - 1].is_ascii_digit() {
            k -= 1;
        }
        if k < j - 1 {
            found.push(chars[k..=i].iter().collect());
        }
    }
    found
}

/// "2026-11-24" standing alone (not inside a label like
/// "snapshot-2026-11-24" or an id).
fn iso_dates(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 10 <= b.len() {
        let d = |k: usize| b[i + k].is_ascii_digit();
        let shape =
            d(0) && d(1) && d(2) && d(3) && b[i + 4] == b'-' && d(5) && d(6) && b[i + 7] == b'-' && d(8) && d(9);
        let free_before = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b"-_@.".contains(&b[i - 1]));
        let free_after = i + 10 == b.len() || !(b[i + 10].is_ascii_alphanumeric() || b"-_".contains(&b[i + 10]));
        if shape && free_before && free_after {
            found.push(text[i..i + 10].to_string());
            i += 10;
        } else {
            i += 1;
        }
    }
    found
}

/// What is wrong on one page.
fn problems(html: &str, lang: &str, rules: &Rules) -> BTreeSet<String> {
    let segments = visible_text(html, lang);
    let mut found = BTreeSet::new();
    for s in &segments {
        for f in &rules.foreign {
            let data = DEMO_DATA.iter().any(|d| s.contains(d) && d.contains(f.as_str()));
            if s.contains(f.as_str()) && contains_word(s, f) && !data {
                found.insert(format!("other language: {f:?} in {:?}", shorten(s)));
            }
        }
        for k in &rules.keys {
            if s.contains(k.as_str()) && contains_word(s, k) {
                found.insert(format!("raw key: {k:?}"));
            }
        }
        for flag in ["verified: false", "verified: true", "verified=false", "verified=true"] {
            if s.contains(flag) {
                found.insert(format!("raw flag: {flag:?} in {s:?}"));
            }
        }
        if lang == "nb" {
            for p in decimal_point_percents(s) {
                found.insert(format!("decimal point: {p:?}"));
            }
        }
        for d in iso_dates(s)
            .into_iter()
            .filter(|d| !VERSION_LABELS.contains(&d.as_str()))
        {
            found.insert(format!("ISO date: {d:?} in {:?}", shorten(s)));
        }
    }
    found
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else {
        s.to_string()
    }
}

/// The path with ids left out: segments holding a digit become `*`, query
/// values are dropped.
fn shape(path_and_query: &str) -> String {
    let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
    let segs: Vec<&str> = path
        .split('/')
        .map(|s| if s.chars().any(|c| c.is_ascii_digit()) { "*" } else { s })
        .collect();
    let mut names: Vec<&str> = query
        .split('&')
        .filter_map(|kv| kv.split('=').next())
        .filter(|k| !k.is_empty())
        .collect();
    names.sort();
    names.dedup();
    format!("{}?{}", segs.join("/"), names.join("&"))
}

/// Same-origin links of a page worth following.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in html.split("<a ").skip(1) {
        let Some(tag) = part.split('>').next() else { continue };
        let Some(href) = attribute(&format!(" {tag}"), "href") else {
            continue;
        };
        let href = decode(&href);
        let href = href.split('#').next().unwrap_or("").to_string();
        if !href.starts_with('/') || href.starts_with("//") || tag.contains(" download") {
            continue;
        }
        let skip_prefix = ["/static/", "/api/", "/metrics", "/healthz", "/logout", "/login"];
        let skip_suffix = [".docx", ".xlsx", ".pdf", ".zip", ".csv", ".json", ".yaml", ".xml"];
        let path = href.split('?').next().unwrap_or("");
        if skip_prefix.iter().any(|p| href.starts_with(p)) || skip_suffix.iter().any(|s| path.ends_with(s)) {
            continue;
        }
        out.push(href);
    }
    out
}

struct Crawl {
    pages: usize,
    /// page → problems
    found: BTreeMap<String, BTreeSet<String>>,
    /// Links that led to an error status: page → (link, status).
    broken: Vec<String>,
}

async fn crawl(app: &TestApp, client: &reqwest::Client, lang: &str, rules: &Rules) -> Crawl {
    let mut queue: VecDeque<(String, String)> = VecDeque::from([("/".to_string(), "(start)".to_string())]);
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut shapes: HashMap<String, usize> = HashMap::new();
    let mut result = Crawl {
        pages: 0,
        found: BTreeMap::new(),
        broken: Vec::new(),
    };
    while let Some((path, from)) = queue.pop_front() {
        if result.pages >= MAX_PAGES {
            break;
        }
        if !seen.insert(path.clone()) {
            continue;
        }
        let n = shapes.entry(shape(&path)).or_default();
        if *n >= PER_SHAPE {
            continue;
        }
        *n += 1;
        let resp = client.get(app.url(&path)).send().await.expect("get page");
        let status = resp.status();
        if status.is_redirection() {
            if let Some(loc) = resp.headers().get("location").and_then(|v| v.to_str().ok()) {
                let loc = loc.strip_prefix(&app.base).unwrap_or(loc);
                if loc.starts_with('/') && !loc.starts_with("/login") {
                    queue.push_back((loc.to_string(), path.clone()));
                }
            }
            continue;
        }
        let is_html = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
        if !status.is_success() {
            result.broken.push(format!("{path} ({status}, linked from {from})"));
        }
        if !is_html {
            continue;
        }
        let html = resp.text().await.expect("page body");
        result.pages += 1;
        let mut p = problems(&html, lang, rules);
        p.retain(|problem| {
            !KNOWN_LEAKS
                .iter()
                .any(|(l, page, what)| (*l == "*" || *l == lang) && path.contains(page) && problem.contains(what))
        });
        if !p.is_empty() {
            result.found.insert(path.clone(), p);
        }
        for link in links(&html) {
            if !seen.contains(&link) {
                queue.push_back((link, path.clone()));
            }
        }
    }
    result
}

/// Chooses the language (the header's switch) and, for a member of several
/// enterprises, the enterprise (by organisation number).
async fn prepare(app: &TestApp, client: &reqwest::Client, lang: &str, tenant: Option<&str>) {
    // The account page, which every signed-in user has (the secretariat's
    // home is a redirect).
    let html = client
        .get(app.url("/account"))
        .send()
        .await
        .expect("account page")
        .text()
        .await
        .expect("body");
    let csrf = extract_csrf(&html);
    let resp = client
        .post(app.url("/lang"))
        .form(&[("_csrf", csrf.as_str()), ("lang", lang), ("next", "/")])
        .send()
        .await
        .expect("switch language");
    assert_eq!(resp.status(), 303, "language switch");
    if let Some(name) = tenant {
        let org = etterlev_core::OrgNumber::parse(name).expect("org number");
        let tenant = app
            .store
            .tenant_by_org(&org)
            .await
            .expect("tenant")
            .unwrap_or_else(|| panic!("demo tenant {name}"));
        let resp = client
            .post(app.url("/tenant"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("tenant_id", tenant.id.as_str()),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("switch tenant");
        assert_eq!(resp.status(), 303, "tenant switch");
    }
}

#[tokio::test]
async fn every_demo_page_speaks_one_language() {
    use etterlev_web::demo;
    let (store, dir) = sqlite_store().await;
    // The whole demo, as `etterlev serve --demo` makes it.
    assert!(demo::seed(&store).await.expect("seed the demo"), "fresh demo");
    let app = TestApp::start(store, "sqlite", Some(dir), None, None).await;

    let roles: &[(&str, &str, Option<&str>)] = &[
        ("hospital admin", demo::ADMIN_EMAIL, Some(HOSPITAL_ORG)),
        ("GP office admin", demo::ADMIN_EMAIL, Some(GP_ORG)),
        ("GP office editor", "redaktor@demo.etterlev.no", None),
        ("GP office reader", "leser@demo.etterlev.no", None),
        ("GP office auditor", "revisor@demo.etterlev.no", None),
        ("secretariat", demo::secretariat::SECRETARIAT_EMAIL, None),
    ];
    let mut report = Vec::new();
    let mut broken = BTreeSet::new();
    for lang in ["nb", "en"] {
        let rules = rules(lang);
        assert!(rules.foreign.len() > 100, "{lang}: too few strings to look for");
        for (role, email, tenant) in roles {
            let client = app.login(email).await;
            prepare(&app, &client, lang, *tenant).await;
            let c = crawl(&app, &client, lang, &rules).await;
            eprintln!("{role} [{lang}]: {} pages, {} with problems", c.pages, c.found.len());
            assert!(c.pages >= 5, "{role} [{lang}]: the crawl found only {} pages", c.pages);
            for (page, problems) in c.found {
                report.push(format!(
                    "[{lang}] {role} {page}:\n    {}",
                    problems.into_iter().collect::<Vec<_>>().join("\n    ")
                ));
            }
            broken.extend(
                c.broken
                    .into_iter()
                    .filter(|b| {
                        !(*role == "secretariat"
                            && KNOWN_SECRETARIAT_404.iter().any(|p| b.starts_with(&format!("{p} ("))))
                    })
                    .map(|b| format!("{role} [{lang}]: {b}")),
            );
        }
    }
    assert!(
        report.is_empty() && broken.is_empty(),
        "{} page(s) show system text in the wrong form:\n{}\n\nlinks to error pages:\n{}",
        report.len(),
        report.join("\n"),
        broken.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_checks_can_fail() {
    let nb = rules("nb");
    let en_leak = "<html><body><p>Audit log</p><p lang=\"en\">Audit log</p></body></html>";
    assert!(problems(en_leak, "nb", &nb).iter().any(|p| p.contains("Audit log")));
    let html = "<p>Samsvar 58.0 % og 12,5 %, dato 2026-11-24, wizard-answer-yes, verified: false</p>\
                <pre>2026-11-24</pre><code>action.create</code><script>var x = 'Audit log';</script>";
    let p = problems(html, "nb", &nb);
    let all = p.iter().cloned().collect::<Vec<_>>().join("\n");
    for want in [
        "\"58.0 %\"",
        "\"2026-11-24\"",
        "\"wizard-answer-yes\"",
        "verified: false",
    ] {
        assert!(all.contains(want), "{want} not found in {all}");
    }
    assert!(!all.contains("\"12,5"), "{all}");
    assert_eq!(p.len(), 4, "{all}");
    // A label with a date in it is a name, not a date shown to users.
    assert!(iso_dates("snapshot-2026-11-24").is_empty());
    assert_eq!(shape("/catalog/normen@6.0/node/5-2?q=a&b=c"), "/catalog/*/node/*?b&q");
}

/// A store refusal (English text for developers and the API) reaches the
/// page in the reader's language: the last administrator of an enterprise
/// tries to make themselves an editor.
#[tokio::test]
async fn store_refusals_are_shown_in_the_readers_language() {
    for app in TestApp::both().await {
        let be = app.backend;
        let client = app.login(etterlev_web::demo::ADMIN_EMAIL).await;
        let admin = app
            .store
            .user_by_email(etterlev_web::demo::ADMIN_EMAIL)
            .await
            .expect("query")
            .expect("admin");
        for (lang, want) in [
            ("nb", "Den siste administratoren kan ikke miste administratorrollen."),
            ("en", "The last administrator cannot lose the admin role."),
        ] {
            prepare(&app, &client, lang, None).await;
            let html = client
                .get(app.url("/admin/users"))
                .send()
                .await
                .expect("users")
                .text()
                .await
                .expect("body");
            let csrf = extract_csrf(&html);
            let r = client
                .post(app.url(&format!("/admin/users/{}", admin.id)))
                .form(&[("_csrf", csrf.as_str()), ("role", "editor")])
                .send()
                .await
                .expect("post");
            assert_eq!(r.status(), 400, "[{be}] {lang}");
            let body = r.text().await.expect("body");
            assert!(body.contains(want), "[{be}] {lang}: {body}");
            assert!(
                !body.contains("the last administrator"),
                "[{be}] {lang}: raw store text"
            );
        }
    }
}
