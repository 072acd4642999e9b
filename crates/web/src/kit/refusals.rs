//! Refusals in the reader's language.
//!
//! The store refuses input with a typed [`Refusal`]: a message key of
//! `locales/*/refusals.ftl` with its arguments; [`render`] shows it in the
//! reader's language, field names translated too. New code refuses this way.
//!
//! Some refusals of the web layer itself (`AppError::BadRequest(…)`, the
//! framework's form rejections) are still English text; [`translate`]
//! recognises each by its pattern in [`RULES`]. Unit tests make sure every
//! store key exists in both languages and every such web message has a rule.

use crate::kit::i18n::Tr;
use etterlev_store::{Refusal, RefusalArg};

/// English pattern (`{}` for a variable part) → message key with `$a`, `$b`,
/// `$c` for the parts. More specific patterns first.
const RULES: &[(&str, &str)] = &[
    ("{} is required", "refusal-required"),
    (
        "someone else saved a change in the meantime; reload the page",
        "refusal-version",
    ),
    (
        "catalogue {} already exists with different content; publish a new version",
        "refusal-catalogue-changed",
    ),
    (
        "mapping {} already exists with different content; give the changed mapping a new id",
        "refusal-mapping-changed",
    ),
    (
        "the checklist does not support this decision yet: {} item(s) missing",
        "refusal-checklist",
    ),
    ("the form has no valid version", "refusal-form-version"),
    ("version must be a whole number", "refusal-form-version-number"),
    ("the form is too large", "refusal-form-large"),
    ("the form data is not valid UTF-8", "refusal-form-utf8"),
    ("unsupported content type", "refusal-content-type"),
    ("multipart body without a boundary", "refusal-multipart"),
    ("incomplete form", "refusal-incomplete"),
    ("unknown status", "refusal-status"),
    ("unknown language", "refusal-language"),
    ("show must be open, overdue or all", "refusal-show"),
    ("give both assessment and node, or neither", "refusal-gap"),
    ("the form names no valid page", "refusal-wizard-page"),
    (
        "{} is not an answer: use yes, partly, no or dont_know",
        "refusal-wizard-answer",
    ),
    ("at most {} actions can be changed at once", "refusal-bulk-many"),
    ("a selected action must be id:version", "refusal-bulk-selection"),
    ("Failed to deserialize form body{}", "refusal-form-fields"),
    (
        "Form requests must have `Content-Type: application/x-www-form-urlencoded`",
        "refusal-form-type",
    ),
];

/// The message key of a field name the store puts into its refusals:
/// "the due date" is `refusal-field-the-due-date`.
pub(crate) fn field_key(english: &str) -> String {
    let mut key = String::from("refusal-field-");
    let mut dash = false;
    for c in english.trim().chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_lowercase());
            dash = false;
        } else if !dash {
            key.push('-');
            dash = true;
        }
    }
    key
}

/// The parts of `message` matching the `{}` of `pattern`, or None.
fn captures(pattern: &str, message: &str) -> Option<Vec<String>> {
    let literals: Vec<&str> = pattern.split("{}").collect();
    let mut rest = message.strip_prefix(literals[0])?;
    let mut parts = Vec::new();
    for (i, lit) in literals.iter().enumerate().skip(1) {
        let last = i == literals.len() - 1;
        let at = if last {
            // The final literal ends the message.
            if !rest.ends_with(lit) {
                return None;
            }
            rest.len() - lit.len()
        } else if lit.is_empty() {
            return None;
        } else {
            rest.find(lit)?
        };
        parts.push(rest[..at].to_string());
        rest = &rest[at + lit.len()..];
    }
    (literals.len() > 1 || rest.is_empty()).then_some(parts)
}

/// A message key rather than a sentence (`error-role`).
fn looks_like_key(s: &str) -> bool {
    !s.is_empty()
        && s.contains('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// `message` in the reader's language (see the module documentation).
/// Text that is neither a key nor a known English message (already
/// translated, e.g. `tr.msg(…)` output) is shown as it is; a bare identifier
/// such as a database constraint name gives the generic refusal.
pub(crate) fn translate(tr: &Tr, message: &str) -> String {
    let m = message.trim();
    if looks_like_key(m) {
        let t = tr.msg(m);
        if t != m {
            return t;
        }
    }
    for (pattern, key) in RULES {
        if let Some(parts) = captures(pattern, m) {
            let names = ["a", "b", "c", "d"];
            let args: Vec<(&'static str, String)> = names.iter().zip(parts).map(|(n, p)| (*n, field(tr, &p))).collect();
            return capitalise(&tr.msg_with(key, &args));
        }
    }
    if !m.contains(' ') {
        return tr.msg("refusal-generic");
    }
    message.to_string()
}

/// A typed store refusal in the reader's language: its key with the
/// arguments as `$a`, `$b`, …, field names translated, and any detailed
/// refusals (the bad rows of a batch) after it.
pub(crate) fn render(tr: &Tr, refusal: &Refusal) -> String {
    const NAMES: [&str; 6] = ["a", "b", "c", "d", "e", "f"];
    let args: Vec<(&'static str, String)> = NAMES
        .iter()
        .zip(refusal.args())
        .map(|(name, arg)| {
            let value = match arg {
                RefusalArg::Value(v) => v.clone(),
                RefusalArg::Field(f) => field(tr, f),
            };
            (*name, value)
        })
        .collect();
    let mut out = capitalise(&tr.msg_with(refusal.key(), &args));
    for detail in refusal.details() {
        out.push(' ');
        out.push_str(&render(tr, detail));
    }
    out
}

fn field(tr: &Tr, part: &str) -> String {
    let key = field_key(part);
    let t = tr.msg(&key);
    if t == key { part.to_string() } else { t }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::i18n::Lang;

    #[test]
    fn web_messages_are_translated() {
        let nb = Tr::new(Lang::Nb);
        let en = Tr::new(Lang::En);
        assert_eq!(translate(&nb, "the form is too large"), nb.msg("refusal-form-large"));
        assert_eq!(translate(&en, "the form is too large"), en.msg("refusal-form-large"));
        assert_eq!(
            translate(&nb, "at most 200 actions can be changed at once"),
            nb.msg_with("refusal-bulk-many", &[("a", "200".to_string())])
        );
        assert_eq!(translate(&nb, "error-role"), nb.msg("error-role"));
        // A constraint name or internal detail is not shown.
        assert_eq!(translate(&nb, "users_email_key"), nb.msg("refusal-generic"));
        // Text that is already translated stays as it is.
        assert_eq!(
            translate(&nb, "Skriv hva som skal gjøres."),
            "Skriv hva som skal gjøres."
        );
        assert!(captures("{} is required", "x is required").is_some());
        assert!(captures("a {} b {}", "a x b").is_none());
    }

    #[test]
    fn typed_refusals_render_in_both_languages() {
        let nb = Tr::new(Lang::Nb);
        let en = Tr::new(Lang::En);
        let r = Refusal::new("refusal-too-long", "the title is longer than 200 characters")
            .field("the title")
            .arg(200);
        assert_eq!(render(&nb, &r), "Tittelen kan ha høyst 200 tegn.");
        assert_eq!(render(&en, &r), "Title can have at most 200 characters.");
        let batch = Refusal::new("refusal-nothing-saved", "nothing was saved: x appears more than once")
            .arg(0)
            .with_details(vec![Refusal::new("refusal-twice", "x appears more than once").arg("x")]);
        assert_eq!(
            render(&nb, &batch),
            "Ingenting ble lagret. Dette må rettes: X står mer enn én gang."
        );
    }

    /// The string literals that follow `marker` in `text`, `{…}` made `{}`.
    fn literals_after(text: &str, marker: &str) -> Vec<String> {
        let mut out = Vec::new();
        for part in text.split(marker).skip(1) {
            // The first literal of the call, if it starts within a few lines.
            let head: String = part.chars().take(160).collect();
            // A `)` or `;` before the first quote: the call ended without a literal.
            if head
                .split_once('"')
                .is_none_or(|(before, _)| before.contains(';') || before.contains(')'))
            {
                continue;
            }
            let Some(start) = part.find('"') else { continue };
            let mut lit = String::new();
            let mut chars = part[start + 1..].chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            lit.push(n);
                        }
                    }
                    '"' => break,
                    _ => lit.push(c),
                }
            }
            let mut normal = String::new();
            let mut depth = 0;
            for c in lit.chars() {
                match c {
                    '{' => {
                        if depth == 0 {
                            normal.push_str("{}");
                        }
                        depth += 1;
                    }
                    '}' => depth -= 1,
                    _ if depth == 0 => normal.push(c),
                    _ => {}
                }
            }
            out.push(normal);
        }
        out
    }

    /// The literals right after each `marker` in the files under `dir`,
    /// test modules left out.
    fn messages_in(dir: &std::path::Path, markers: &[&str]) -> Vec<(String, String)> {
        let mut messages = Vec::new();
        for path in etterlev_tidy::rust_files(dir) {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let text = text.split("#[cfg(test)]").next().unwrap_or("");
            for marker in markers {
                for m in literals_after(text, marker) {
                    messages.push((path.display().to_string(), m));
                }
            }
        }
        messages
    }

    /// Every key the store refuses with exists in both languages, so no
    /// page shows a key or another language.
    #[test]
    fn every_store_refusal_key_exists_in_both_languages() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let keys = messages_in(&root.join("../store/src"), &["Refusal::new("]);
        assert!(keys.len() > 50, "found only {} refusals", keys.len());
        for lang in [Lang::Nb, Lang::En] {
            let tr = Tr::new(lang);
            let missing: Vec<_> = keys
                .iter()
                .filter(|(_, k)| !looks_like_key(k) || tr.msg_with(k, &dummy_args()) == *k)
                .collect();
            assert!(
                missing.is_empty(),
                "{lang:?}: refusal keys without a message: {missing:#?}"
            );
        }
    }

    /// Every field name the store's checks are called with has its
    /// translation in both languages.
    #[test]
    fn every_store_field_name_is_translated() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let markers = [
            "validate::required_line(",
            "validate::optional_line(",
            "validate::optional_line_max(",
            "validate::optional_text(",
            "validate::optional_text_max(",
            "validate::optional_date(",
            "validate::optional_time(",
            "validate::date(",
        ];
        let names = messages_in(&root.join("../store/src"), &markers);
        assert!(names.len() > 15, "found only {} field names", names.len());
        for lang in [Lang::Nb, Lang::En] {
            let tr = Tr::new(lang);
            let missing: Vec<_> = names
                .iter()
                .filter(|(_, n)| tr.msg(&field_key(n)) == field_key(n))
                .collect();
            assert!(
                missing.is_empty(),
                "{lang:?}: field names without a translation: {missing:#?}"
            );
        }
    }

    /// Every English refusal a handler writes has a rule (or is a key), so no
    /// bokmål page shows it untranslated.
    #[test]
    fn every_web_refusal_has_a_translation() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let messages = messages_in(&root.join("src"), &["AppError::BadRequest(", "AppError::Conflict("]);
        assert!(messages.len() > 10, "found only {} messages", messages.len());
        let nb = Tr::new(Lang::Nb);
        let missing: Vec<_> = messages
            .iter()
            .filter(|(_, m)| !looks_like_key(m) || nb.msg_with(m, &dummy_args()) == *m)
            .filter(|(_, m)| !RULES.iter().any(|(p, _)| captures(p, m).is_some()))
            .collect();
        assert!(
            missing.is_empty(),
            "refusals without a rule in refusals.rs: {missing:#?}"
        );
    }

    /// Arguments for any message (a lookup fails without its variables).
    fn dummy_args() -> Vec<(&'static str, String)> {
        ["a", "b", "c", "max", "field"]
            .iter()
            .map(|k| (*k, "x".to_string()))
            .collect()
    }

    #[test]
    fn every_rule_has_its_keys() {
        for lang in [Lang::Nb, Lang::En] {
            let tr = Tr::new(lang);
            for key in RULES.iter().map(|(_, k)| *k) {
                assert_ne!(tr.msg_with(key, &dummy_args()), key, "{lang:?}: {key}");
            }
        }
    }
}
