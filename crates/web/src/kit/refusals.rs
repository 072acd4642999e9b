//! Refusals in the reader's language. The store and some handlers refuse
//! input with English text written for developers and the API
//! (`StoreError::Invalid("the file is empty")`, `AppError::BadRequest(…)`);
//! pages show those through [`Tr::refusal`], which recognises each known
//! message by its pattern and gives its translation, with the variable parts
//! (field names are translated too) filled in. A unit test makes sure every
//! such message in the store and the web layer has a rule here.

use crate::kit::i18n::Tr;

/// English pattern (`{}` for a variable part) → message key with `$a`, `$b`,
/// `$c` for the parts. More specific patterns first.
const RULES: &[(&str, &str)] = &[
    ("{} must be a date written YYYY-MM-DD, not {}", "refusal-date"),
    ("{} must not be empty", "refusal-empty"),
    ("{} is required", "refusal-required"),
    ("{} is longer than {} characters", "refusal-too-long"),
    ("{} must be at most {} characters", "refusal-at-most"),
    ("{} must be one line of text", "refusal-one-line"),
    ("{} contains control characters", "refusal-control"),
    ("{} must be a time written HH:MM", "refusal-time"),
    ("{} appears more than once", "refusal-twice"),
    ("the period ends ({}) before it starts ({})", "refusal-period"),
    (
        "{}: a reason is required when a requirement does not apply",
        "refusal-na-reason",
    ),
    (
        "an action for a requirement needs the assessment it belongs to",
        "refusal-action-assessment",
    ),
    (
        "a link must be a web address starting with https:// or http://",
        "refusal-link",
    ),
    ("the file is empty", "refusal-file-empty"),
    (
        "text contains a character the database cannot store",
        "refusal-character",
    ),
    ("unknown role {}", "refusal-role"),
    (
        "the last administrator cannot lose the admin role",
        "refusal-last-admin-role",
    ),
    ("the last administrator cannot be removed", "refusal-last-admin"),
    (
        "the assessment \"{}\" is closed and can no longer be changed",
        "refusal-closed",
    ),
    ("there is no catalogue {}", "refusal-no-catalogue"),
    (
        "answers can only be carried over between versions of one catalogue, not from {} to {}",
        "refusal-carry",
    ),
    ("catalogue {} is not stored", "refusal-not-stored"),
    ("the assessment \"{}\" is already closed", "refusal-already-closed"),
    (
        "there is no saved answer for {} to update; reload the page",
        "refusal-no-answer",
    ),
    ("the answer for {} was removed meanwhile", "refusal-answer-removed"),
    ("the answer to {} was removed meanwhile", "refusal-check-removed"),
    (
        "{} has no stored answer; version 0 names a new answer, not {}",
        "refusal-check-stale",
    ),
    (
        "mapping {} refers to catalogue {}, which is neither imported nor part of this import",
        "refusal-mapping-target",
    ),
    ("unknown organisation", "refusal-organisation"),
    ("a seat cannot end before it starts", "refusal-seat-end"),
    (
        "the organisation attended the meeting of {} on this seat; end it on that day or later",
        "refusal-seat-attended",
    ),
    ("no catalogue version {}", "refusal-no-version"),
    ("the case names a document that does not exist", "refusal-case-document"),
    (
        "the meeting's cases are numbered for {}; it cannot move to another year",
        "refusal-meeting-year",
    ),
    ("{} is listed as attending but has no seat on {}", "refusal-no-seat-on"),
    ("an organisation is listed twice", "refusal-listed-twice"),
    (
        "{} has no seat in the steering group on {} and cannot be listed as attending",
        "refusal-no-seat",
    ),
    (
        "case {} is numbered for {}, but the meeting is in {}",
        "refusal-case-year",
    ),
    (
        "case {} is decided and cannot be changed; bring a new case",
        "refusal-case-decided",
    ),
    (
        "the organisation has no seat in the steering group on the meeting's date",
        "refusal-no-seat-date",
    ),
    (
        "case {} belongs to another meeting; record its decision in that meeting",
        "refusal-case-meeting",
    ),
    (
        "this case concerns no document, so it cannot set a document status",
        "refusal-case-no-document",
    ),
    ("the follow-up names a case of another meeting", "refusal-followup-case"),
    ("the item names a document that does not exist", "refusal-item-document"),
    ("the item names a case that does not exist", "refusal-item-case"),
    (
        "a proposed document status needs the document it concerns",
        "refusal-proposed-status",
    ),
    (
        "\"present from\" needs a time, and a time needs \"present from\"",
        "refusal-present-from",
    ),
    ("a comment has 1 to {} characters", "refusal-comment-length"),
    ("a decision has 1 to {} characters", "refusal-decision-length"),
    ("a summary has 1 to {} characters", "refusal-summary-length"),
    ("the plan year must be between 2000 and 2100", "refusal-plan-year"),
    ("a consultation cannot close before it opens", "refusal-consultation"),
    ("a decision needs a reason", "refusal-decision-reason"),
    (
        "an approval with conditions must say what the conditions are",
        "refusal-conditions",
    ),
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
    (
        "{} must be one line of at most {} characters",
        "refusal-one-line-at-most",
    ),
    (
        "choose at least one of owner, deadline, priority and status to change",
        "refusal-bulk-nothing",
    ),
    ("select at least one action", "refusal-bulk-none"),
    ("at most {} actions can be changed at once", "refusal-bulk-many"),
    ("action {} is selected more than once", "refusal-bulk-twice"),
    ("a selected action must be id:version", "refusal-bulk-selection"),
    (
        "a withdrawn document is not revised, so it has no next revision date",
        "refusal-withdrawn-revision",
    ),
    ("Failed to deserialize form body{}", "refusal-form-fields"),
    (
        "Form requests must have `Content-Type: application/x-www-form-urlencoded`",
        "refusal-form-type",
    ),
];

/// Messages for developers and the command line (stored data that cannot be
/// read, backups): pages show the generic refusal instead.
pub(crate) const INTERNAL: &[&str] = &[
    "stored {}",
    "cannot serialise {}: {}",
    "unknown tenant kind {}",
    "unknown size class {}",
    "schema names may use only letters, digits and _",
    "backup is for SQLite; for PostgreSQL use pg_dump (see README)",
    "{} already exists; choose a new file",
    "backup path must be valid UTF-8",
    "the checklist cannot be stored: {}",
];

/// Field names the store puts into its messages.
pub(crate) const FIELDS: &[(&str, &str)] = &[
    ("background", "refusal-field-background"),
    ("catalogue", "refusal-field-catalogue"),
    ("closes", "refusal-field-closes"),
    ("date", "refusal-field-date"),
    ("deputy", "refusal-field-deputy"),
    ("due date", "refusal-field-due-date"),
    ("end", "refusal-field-end"),
    ("meeting date", "refusal-field-meeting-date"),
    ("name", "refusal-field-name"),
    ("next revision", "refusal-field-next-revision"),
    ("note", "refusal-field-note"),
    ("number", "refusal-field-number"),
    ("opens", "refusal-field-opens"),
    ("organisation", "refusal-field-organisation"),
    ("owner", "refusal-field-owner"),
    ("person", "refusal-field-person"),
    ("place", "refusal-field-place"),
    ("present from", "refusal-field-present-from"),
    ("presenter", "refusal-field-presenter"),
    ("proposal for decision", "refusal-field-proposal-for-decision"),
    ("publication date", "refusal-field-publication-date"),
    ("received on", "refusal-field-received-on"),
    ("representative", "refusal-field-representative"),
    ("short name", "refusal-field-short-name"),
    ("start", "refusal-field-start"),
    ("strategy point", "refusal-field-strategy-point"),
    ("the action's title", "refusal-field-the-action-s-title"),
    ("the conditions", "refusal-field-the-conditions"),
    ("the content type", "refusal-field-the-content-type"),
    ("the deadline", "refusal-field-the-deadline"),
    ("the deletion date", "refusal-field-the-deletion-date"),
    ("the end of the period", "refusal-field-the-end-of-the-period"),
    ("the file name", "refusal-field-the-file-name"),
    ("the name", "refusal-field-the-name"),
    ("the owner", "refusal-field-the-owner"),
    ("the purpose", "refusal-field-the-purpose"),
    ("the reason", "refusal-field-the-reason"),
    ("the review date", "refusal-field-the-review-date"),
    ("the start of the period", "refusal-field-the-start-of-the-period"),
    ("the supplier", "refusal-field-the-supplier"),
    ("the system", "refusal-field-the-system"),
    ("the test environment", "refusal-field-the-test-environment"),
    ("the title", "refusal-field-the-title"),
    ("time slot", "refusal-field-time-slot"),
    ("title", "refusal-field-title"),
    ("valid from", "refusal-field-valid-from"),
    ("valid to", "refusal-field-valid-to"),
    ("version", "refusal-field-version"),
    ("working group", "refusal-field-working-group"),
    ("the due date", "refusal-field-the-due-date"),
];

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
    if INTERNAL.iter().any(|p| captures(p, m).is_some()) || !m.contains(' ') {
        return tr.msg("refusal-generic");
    }
    message.to_string()
}

fn field(tr: &Tr, part: &str) -> String {
    FIELDS
        .iter()
        .find(|(f, _)| f.eq_ignore_ascii_case(part.trim()))
        .map_or_else(|| part.to_string(), |(_, key)| tr.msg(key))
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
    fn known_messages_are_translated() {
        let nb = Tr::new(Lang::Nb);
        let en = Tr::new(Lang::En);
        assert_eq!(translate(&nb, "the file is empty"), "Filen er tom.");
        assert_eq!(translate(&en, "the file is empty"), "The file is empty.");
        assert_eq!(translate(&nb, "the title is required"), "Tittelen må fylles ut.");
        assert_eq!(
            translate(&nb, "the title is longer than 200 characters"),
            "Tittelen kan ha høyst 200 tegn."
        );
        assert_eq!(
            translate(&nb, "case 3/26 is numbered for 2026, but the meeting is in 2027"),
            "Sak 3/26 er nummerert for 2026, men møtet er i 2027."
        );
        assert_eq!(translate(&nb, "error-role"), nb.msg("error-role"));
        // A constraint name or internal detail is not shown.
        assert_eq!(translate(&nb, "users_email_key"), nb.msg("refusal-generic"));
        assert_eq!(
            translate(&nb, "stored status \"x\" is unknown"),
            nb.msg("refusal-generic")
        );
        // Text that is already translated stays as it is.
        assert_eq!(
            translate(&nb, "Skriv hva som skal gjøres."),
            "Skriv hva som skal gjøres."
        );
        assert!(captures("{} is required", "x is required").is_some());
        assert!(captures("a {} b {}", "a x b").is_none());
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

    /// Every English refusal the store or a handler writes has a rule (or is
    /// marked internal), so no bokmål page shows it untranslated. A new
    /// `StoreError::Invalid("…")` needs a line in `RULES` and its keys.
    #[test]
    fn every_refusal_has_a_translation() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut messages = Vec::new();
        for (dir, markers) in [
            (root.join("../store/src"), &["StoreError::Invalid("][..]),
            (root.join("src"), &["AppError::BadRequest(", "AppError::Conflict("][..]),
        ] {
            for path in etterlev_tidy::rust_files(&dir) {
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                // Test modules build refusals of their own.
                let text = text.split("#[cfg(test)]").next().unwrap_or("");
                for marker in markers {
                    for m in literals_after(text, marker) {
                        messages.push((path.display().to_string(), m));
                    }
                }
            }
        }
        assert!(messages.len() > 40, "found only {} messages", messages.len());
        let nb = Tr::new(Lang::Nb);
        let missing: Vec<_> = messages
            .iter()
            .filter(|(_, m)| !looks_like_key(m) || nb.msg_with(m, &dummy_args()) == *m)
            .filter(|(_, m)| {
                !RULES.iter().any(|(p, _)| captures(p, m).is_some())
                    && !INTERNAL.iter().any(|p| captures(p, m).is_some())
            })
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
            for key in RULES.iter().map(|(_, k)| *k).chain(FIELDS.iter().map(|(_, k)| *k)) {
                assert_ne!(tr.msg_with(key, &dummy_args()), key, "{lang:?}: {key}");
            }
        }
    }
}
