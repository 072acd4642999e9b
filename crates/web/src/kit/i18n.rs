//! All user-facing text goes through [`Tr`], backed by Fluent files in
//! `locales/{nb,en}/*.ftl` (one file per area; every file of a language is
//! one bundle, so a key must be unique across files). Norwegian bokmål is
//! the default.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

use etterlev_core::{Condition, SizeClass, TenantKind};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "nb",
        // Isolation marks around arguments would end up inside HTML
        // attributes and e-mail addresses.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

pub const LANG_COOKIE: &str = "etterlev_lang";

/// Messages without arguments, formatted once per language. They cannot
/// change while the server runs, and a page may ask for the same one
/// hundreds of times (a status or a kind on every row), where formatting a
/// Fluent pattern costs far more than a hash look-up. Only keys found in
/// the locale files are kept, so the size is bounded by those files.
static PLAIN: LazyLock<[Messages; 2]> = LazyLock::new(Default::default);

/// Formatted messages by key, for one language.
type Messages = RwLock<HashMap<Box<str>, Box<str>>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Nb,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "nb" | "no" | "nb-NO" => Some(Lang::Nb),
            "en" | "en-GB" | "en-US" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::En => "en",
        }
    }

    fn id(self) -> LanguageIdentifier {
        match self {
            Lang::Nb => langid!("nb"),
            Lang::En => langid!("en"),
        }
    }

    /// The other language, for the switch in the header.
    pub fn other(self) -> Lang {
        match self {
            Lang::Nb => Lang::En,
            Lang::En => Lang::Nb,
        }
    }
}

/// A translator for one request's language.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Tr { lang }
    }

    /// The message `key`. A missing key shows as the key itself (and a unit
    /// test makes sure none is missing).
    pub fn msg(&self, key: &str) -> String {
        let cache = &PLAIN[self.lang as usize];
        if let Some(text) = cache.read().unwrap_or_else(|p| p.into_inner()).get(key) {
            return text.to_string();
        }
        match LOCALES.try_lookup(&self.lang.id(), key) {
            Some(text) => {
                cache
                    .write()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(key.into(), text.as_str().into());
                text
            }
            None => {
                tracing::warn!(key, "missing translation");
                key.to_string()
            }
        }
    }

    /// The message `key` with named arguments.
    pub fn msg_with(&self, key: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
            .collect();
        LOCALES
            .try_lookup_with_args(&self.lang.id(), key, &map)
            .unwrap_or_else(|| key.to_string())
    }

    /// The name of an enterprise kind, from the key `kind-{machine name}`.
    /// Keys built from machine names are checked by `dynamic_keys_exist`.
    pub fn kind_name(&self, kind: TenantKind) -> String {
        self.msg(&format!("kind-{}", kind.as_str()))
    }

    /// The name of a size class (`size-…`).
    pub fn size_name(&self, size: SizeClass) -> String {
        self.msg(&format!("size-{}", size.as_str()))
    }

    /// The name of an applicability condition (`cond-…`).
    pub fn condition_name(&self, condition: Condition) -> String {
        self.msg(&format!("cond-{}", condition.as_str()))
    }

    /// A profile in words: "Legekontor, 1–9 ansatte, bruker skytjenester".
    pub fn profile_words(
        &self,
        kind: TenantKind,
        size: SizeClass,
        conditions: impl IntoIterator<Item = Condition>,
    ) -> String {
        let mut parts = vec![self.kind_name(kind), self.size_name(size)];
        parts.extend(conditions.into_iter().map(|c| self.condition_name(c)));
        parts.join(", ")
    }

    /// Formats epoch milliseconds as Norwegian local time, `dd.mm.yyyy hh:mm`
    /// in Europe/Oslo (the sector's convention in both languages).
    pub fn datetime(&self, ms: &i64) -> String {
        match jiff::Timestamp::from_millisecond(*ms) {
            Ok(ts) => ts.to_zoned(oslo()).strftime("%d.%m.%Y %H:%M").to_string(),
            Err(_) => "–".into(),
        }
    }

    pub fn datetime_opt(&self, ms: &Option<i64>) -> String {
        ms.as_ref().map_or_else(|| "–".into(), |m| self.datetime(m))
    }

    /// Formats epoch milliseconds as the Norwegian local date, `dd.mm.yyyy`.
    pub fn date_ms(&self, ms: &i64) -> String {
        match jiff::Timestamp::from_millisecond(*ms) {
            Ok(ts) => ts.to_zoned(oslo()).strftime("%d.%m.%Y").to_string(),
            Err(_) => "–".into(),
        }
    }

    /// A stored calendar date (`YYYY-MM-DD`, as forms and the database keep
    /// it) as users read it, `dd.mm.yyyy`, in both languages (the sector's
    /// convention). Anything that is not such a date is shown as it is.
    pub fn date(&self, iso: &str) -> String {
        format_date(iso)
    }

    /// [`Tr::date`] of an optional date; "–" without one.
    pub fn date_opt(&self, iso: &Option<String>) -> String {
        iso.as_deref().map_or_else(|| "–".into(), |d| self.date(d))
    }

    /// A refusal (a store or form error, often English text written for
    /// developers, or a message key) in this language; see `refusals.rs`.
    pub fn refusal(&self, message: &str) -> String {
        crate::kit::refusals::translate(self, message)
    }

    /// A typed store refusal in this language.
    pub fn refused(&self, refusal: &etterlev_store::Refusal) -> String {
        crate::kit::refusals::render(self, refusal)
    }

    /// A number with `decimals` places and the language's decimal sign:
    /// "58,0" in bokmål, "58.0" in English.
    pub fn number(&self, value: f64, decimals: usize) -> String {
        let s = format!("{value:.decimals$}");
        match self.lang {
            Lang::Nb => s.replace('.', ","),
            Lang::En => s,
        }
    }

    /// A share 0–100 with one decimal: "58,0 %" in bokmål, "58.0 %" in
    /// English. Every percentage with decimals on a page goes through this.
    pub fn percent(&self, value: f64) -> String {
        format!("{} %", self.number(value, 1))
    }
}

/// `YYYY-MM-DD` as `dd.mm.yyyy` (the same in both languages); anything else
/// as it is. For code without a [`Tr`] at hand; templates use [`Tr::date`].
pub fn format_date(iso: &str) -> String {
    etterlev_core::text::display_date(iso)
}

fn oslo() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/Oslo").unwrap_or(jiff::tz::TimeZone::UTC)
}

/// The keys of a locale file, for the completeness test.
#[cfg(test)]
fn keys_of(ftl: &str) -> std::collections::BTreeSet<String> {
    ftl.lines()
        .filter(|l| !l.starts_with(char::is_whitespace) && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
        .filter(|k| !k.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `.ftl` file of one language, concatenated.
    pub(crate) fn locale_text(lang: &str) -> String {
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
        files
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("locale file"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn no_key_is_defined_twice() {
        for lang in ["nb", "en"] {
            let text = locale_text(lang);
            let mut seen = std::collections::BTreeSet::new();
            let dupes: Vec<String> = text
                .lines()
                .filter(|l| !l.starts_with(char::is_whitespace) && !l.starts_with('#'))
                .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
                .filter(|k| !k.is_empty() && !seen.insert(k.clone()))
                .collect();
            assert!(dupes.is_empty(), "{lang}: keys defined twice: {dupes:?}");
        }
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        let (nb, en) = (keys_of(&locale_text("nb")), keys_of(&locale_text("en")));
        let only_nb: Vec<_> = nb.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&nb).collect();
        assert!(
            only_nb.is_empty() && only_en.is_empty(),
            "only in nb: {only_nb:?}; only in en: {only_en:?}"
        );
        assert!(nb.len() > 50, "expected a real catalogue of messages");
    }

    /// Every `msg("key")` in templates and Rust sources exists in both files.
    #[test]
    fn every_used_key_exists() {
        let nb = keys_of(&locale_text("nb"));
        let mut missing = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut pending = vec![root.join("templates"), root.join("src")];
        while let Some(path) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&path) else {
                continue;
            };
            for entry in entries.flatten() {
                if entry.path().is_dir() {
                    pending.push(entry.path());
                    continue;
                }
                // This file holds the lookup itself and test-only keys.
                if entry.file_name() == "i18n.rs" {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                for pattern in ["msg(\"", "msg_with(\"", "tr_key: \"", "key!(\""] {
                    for part in text.split(pattern).skip(1) {
                        if let Some(key) = part.split('"').next()
                            && !nb.contains(key)
                        {
                            missing.push(format!("{}: {key}", entry.path().display()));
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "missing translations: {missing:#?}");
    }

    #[test]
    fn lookups_differ_by_language() {
        assert_eq!(Tr::new(Lang::Nb).msg("nav-dashboard"), "Oversikt");
        assert_eq!(Tr::new(Lang::En).msg("nav-dashboard"), "Dashboard");
        assert_eq!(Tr::new(Lang::En).msg("no-such-key"), "no-such-key");
        assert_eq!(Tr::new(Lang::Nb).datetime(&0), "01.01.1970 01:00");
    }

    /// The second look-up of a message comes from the cache, per language,
    /// and says the same as the first; a missing key is not cached.
    #[test]
    fn cached_lookups_keep_the_language() {
        for _ in 0..2 {
            assert_eq!(Tr::new(Lang::Nb).msg("nav-dashboard"), "Oversikt");
            assert_eq!(Tr::new(Lang::En).msg("nav-dashboard"), "Dashboard");
            assert_eq!(Tr::new(Lang::Nb).msg("no-such-key-either"), "no-such-key-either");
        }
        let cached = |lang: Lang, key: &str| {
            PLAIN[lang as usize]
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .get(key)
                .map(|v| v.to_string())
        };
        assert_eq!(cached(Lang::Nb, "nav-dashboard").as_deref(), Some("Oversikt"));
        assert_eq!(cached(Lang::En, "nav-dashboard").as_deref(), Some("Dashboard"));
        assert_eq!(cached(Lang::Nb, "no-such-key-either"), None);
    }

    #[test]
    fn numbers_dates_and_percentages_follow_the_language() {
        let (nb, en) = (Tr::new(Lang::Nb), Tr::new(Lang::En));
        assert_eq!(nb.percent(58.0), "58,0 %");
        assert_eq!(en.percent(58.0), "58.0 %");
        assert_eq!(nb.percent(12.345), "12,3 %");
        assert_eq!(nb.number(1.5, 2), "1,50");
        assert_eq!(en.number(1.5, 0), "2");
        for tr in [nb, en] {
            assert_eq!(tr.date("2026-11-24"), "24.11.2026");
            assert_eq!(tr.date("snapshot"), "snapshot");
            assert_eq!(tr.date_opt(&None), "–");
            assert_eq!(tr.date_ms(&0), "01.01.1970");
        }
    }
}
