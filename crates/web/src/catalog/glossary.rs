//! The glossary: short definitions of the words catalogue pages use, from
//! the data file `data/glossary.json` (embedded), and the pass that links
//! the first occurrence of each term in a text to `/glossary#id`.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::kit::i18n::Lang;

#[derive(Debug, Deserialize)]
struct File {
    terms: Vec<Term>,
}

#[derive(Debug, Deserialize)]
pub struct Term {
    pub id: String,
    pub nb: Entry,
    pub en: Entry,
}

#[derive(Debug, Deserialize)]
pub struct Entry {
    pub term: String,
    #[serde(rename = "match")]
    pub matches: Vec<String>,
    pub definition: String,
}

impl Term {
    pub fn entry(&self, lang: Lang) -> &Entry {
        match lang {
            Lang::En => &self.en,
            Lang::Nb => &self.nb,
        }
    }
}

static TERMS: LazyLock<Vec<Term>> = LazyLock::new(|| {
    // Embedded and checked by a unit test, so a broken file fails the build's
    // tests, never a request; an empty glossary is the fallback.
    serde_json::from_str::<File>(include_str!("../../data/glossary.json"))
        .map(|f| f.terms)
        .unwrap_or_default()
});

pub fn terms() -> &'static [Term] {
    &TERMS
}

/// HTML-escapes text the way the templates do.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&#38;"),
            '<' => out.push_str("&#60;"),
            '>' => out.push_str("&#62;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Length in bytes of `pattern` at the start of `text`, compared
/// case-insensitively char by char; `None` when it does not match.
fn starts_with_ci(text: &str, pattern: &str) -> Option<usize> {
    let mut t = text.char_indices();
    for p in pattern.chars() {
        let (_, c) = t.next()?;
        if !c.to_lowercase().eq(p.to_lowercase()) {
            return None;
        }
    }
    Some(t.next().map_or(text.len(), |(i, _)| i))
}

/// `text` as escaped HTML, with the first occurrence of each glossary term
/// (whole words; a match ending in `*` may run on to the end of the word)
/// wrapped in a link to its definition. Everything, matched or not, is
/// escaped here: the result is safe to insert as markup.
pub fn link_terms(text: &str, lang: Lang) -> String {
    // (pattern, may run on, term index), longest pattern first so the
    // longer of two overlapping terms wins.
    let mut patterns: Vec<(&str, bool, usize)> = terms()
        .iter()
        .enumerate()
        .flat_map(|(i, t)| {
            t.entry(lang).matches.iter().map(move |m| match m.strip_suffix('*') {
                Some(stem) => (stem, true, i),
                None => (m.as_str(), false, i),
            })
        })
        .filter(|(p, _, _)| !p.is_empty())
        .collect();
    patterns.sort_by_key(|(p, _, _)| std::cmp::Reverse(p.chars().count()));
    let mut linked = vec![false; terms().len()];
    let mut out = String::with_capacity(text.len() + 64);
    let mut plain_from = 0;
    let mut prev: Option<char> = None;
    let mut skip_to = 0;
    for (pos, c) in text.char_indices() {
        if pos < skip_to {
            prev = Some(c);
            continue;
        }
        if prev.is_none_or(|p| !p.is_alphanumeric()) && c.is_alphanumeric() {
            let rest = &text[pos..];
            let hit = patterns.iter().find_map(|(p, runs_on, i)| {
                if linked[*i] {
                    return None;
                }
                let mut len = starts_with_ci(rest, p)?;
                if *runs_on {
                    len += rest[len..]
                        .char_indices()
                        .find(|(_, c)| !c.is_alphanumeric())
                        .map_or(rest.len() - len, |(j, _)| j);
                }
                let next = rest[len..].chars().next();
                next.is_none_or(|n| !n.is_alphanumeric()).then_some((len, *i))
            });
            if let Some((len, i)) = hit {
                linked[i] = true;
                let term = &terms()[i];
                out.push_str(&escape(&text[plain_from..pos]));
                out.push_str(&format!(
                    "<a class=\"term\" href=\"/glossary#{}\"><abbr title=\"{}\">{}</abbr></a>",
                    escape(&term.id),
                    escape(&term.entry(lang).definition),
                    escape(&rest[..len])
                ));
                plain_from = pos + len;
                skip_to = plain_from;
            }
        }
        prev = Some(c);
    }
    out.push_str(&escape(&text[plain_from..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_loads_with_both_languages() {
        let parsed: File =
            serde_json::from_str(include_str!("../../data/glossary.json")).expect("glossary.json parses");
        assert!(parsed.terms.len() >= 11);
        let mut ids = std::collections::HashSet::new();
        for t in &parsed.terms {
            assert!(ids.insert(t.id.as_str()), "duplicate id {}", t.id);
            assert!(
                t.id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                t.id
            );
            for e in [&t.nb, &t.en] {
                assert!(
                    !e.term.is_empty() && !e.definition.is_empty() && !e.matches.is_empty(),
                    "{}",
                    t.id
                );
            }
        }
        assert_eq!(terms().len(), parsed.terms.len());
    }

    #[test]
    fn links_the_first_occurrence_only_and_escapes_everything() {
        let html = link_terms(
            "Gjør en DPIA <før> start & en ny DPIA etterpå; risikovurderingen viser «IKT».",
            Lang::Nb,
        );
        assert_eq!(html.matches("href=\"/glossary#dpia\"").count(), 1, "{html}");
        assert!(html.contains("&#60;før&#62; start &#38; en ny DPIA"), "{html}");
        assert!(html.contains(">risikovurderingen</abbr></a>"), "{html}");
        assert!(html.contains("href=\"/glossary#ict\""), "{html}");
        assert!(!html.contains("<før>"));
    }

    #[test]
    fn whole_words_only() {
        // "IKT" inside another word is not the term; "logg" runs on
        // ("loggene") but "log" in English does not ("login").
        assert!(!link_terms("PIKTOGRAM", Lang::Nb).contains("<a"));
        assert!(link_terms("Les loggene.", Lang::Nb).contains(">loggene</abbr>"));
        assert!(!link_terms("Use the login page.", Lang::En).contains("<a"));
        assert!(link_terms("Keep a log.", Lang::En).contains("#log\""));
        // Markup-like text in a term's neighbourhood stays text.
        let html = link_terms("<script>IKT</script>", Lang::Nb);
        assert!(html.starts_with("&#60;script&#62;<a"), "{html}");
    }
}
