//! Catalogue ids for imported (foreign) catalogues.
//!
//! An imported catalogue gets an id that keeps its origin: the publisher's
//! short name and the publisher's own reference, e.g. `intuitem-gdpr` for
//! CISO Assistant's GDPR library or `nist-sp-800-53-rev5-moderate-baseline`
//! for NIST's moderate baseline. The same source always gives the same id,
//! so a re-import is a new version of itself (or nothing, if unchanged), and
//! because every foreign id carries its publisher it does not fall into the
//! version line of one of etterlev's own catalogues (`gdpr`, `normen` …).
//! Ids longer than our limit of 40 characters are cut and end in a short
//! hash of the whole, so two long references never meet in one id.

use uuid::Uuid;

/// Longest catalogue id (`catalog/schema/catalog.schema.json`).
pub const MAX_ID_CHARS: usize = 40;

/// Lowercase ASCII letters, digits and single '-' between them, uncut;
/// `None` when nothing is left.
pub(crate) fn slug_full(raw: &str) -> Option<String> {
    let mut out = String::new();
    for c in raw.trim().to_lowercase().chars() {
        let mapped = match c {
            'æ' | 'ä' => "ae",
            'ø' | 'ö' | 'ó' | 'ò' | 'ô' => "o",
            'å' | 'à' | 'á' | 'â' => "a",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'ü' | 'ú' | 'ù' | 'û' => "u",
            'í' | 'ì' | 'î' | 'ï' => "i",
            'ç' => "c",
            'ß' => "ss",
            _ => "",
        };
        if !mapped.is_empty() {
            out.push_str(mapped);
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_owned();
    (!out.is_empty()).then_some(out)
}

/// `full` if it fits in `max` characters, else its first characters and a
/// 6-digit hash of the whole: distinct inputs keep distinct results.
pub(crate) fn fit(full: &str, max: usize) -> String {
    if full.len() <= max {
        return full.to_owned();
    }
    let hash = Uuid::new_v5(&Uuid::NAMESPACE_OID, full.as_bytes()).simple().to_string();
    let tail = &hash[..6];
    let keep: String = full.chars().take(max - tail.len() - 1).collect();
    format!("{}-{tail}", keep.trim_end_matches('-'))
}

/// The id of an imported catalogue: `<publisher>-<reference>` as a slug of
/// at most 40 characters. The publisher is left out of the reference part
/// when the reference already starts with it (`nist-sp-…`, not
/// `nist-nist-sp-…`).
pub fn foreign_id(publisher: &str, reference: &str) -> String {
    let publisher = slug_full(publisher).unwrap_or_else(|| "import".to_owned());
    let publisher: String = publisher.chars().take(16).collect();
    let publisher = publisher.trim_end_matches('-').to_owned();
    let full = match slug_full(reference) {
        Some(r) if r == publisher || r.starts_with(&format!("{publisher}-")) => r,
        Some(r) => format!("{publisher}-{r}"),
        None => format!("{publisher}-catalog"),
    };
    let id = fit(&full, MAX_ID_CHARS);
    // The schema wants at least two characters; a one-letter publisher with
    // no reference cannot happen ("x-catalog"), but stay on the safe side.
    if id.len() < 2 { format!("{id}-import") } else { id }
}

/// A title shortened the way such titles are usually cited: "Special
/// Publication" becomes "SP", "Revision 5.1.1" becomes "rev5" (the
/// revision, not its updates, names the line of versions), and "impact"
/// before "baseline" goes.
pub(crate) fn short_reference(title: &str) -> String {
    let words: Vec<&str> = title
        .split(|c: char| c.is_whitespace() || matches!(c, ':' | ',' | ';' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = words[i].to_lowercase();
        let next = words.get(i + 1).map(|n| n.to_lowercase());
        match (w.as_str(), next.as_deref()) {
            ("special", Some("publication")) => {
                out.push("sp".into());
                i += 2;
            }
            ("revision" | "rev" | "rev.", Some(n)) if n.starts_with(|c: char| c.is_ascii_digit()) => {
                let major: String = n.chars().take_while(char::is_ascii_digit).collect();
                out.push(format!("rev{major}"));
                i += 2;
            }
            ("impact", Some("baseline")) => i += 1,
            _ => {
                out.push(words[i].to_owned());
                i += 1;
            }
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_ids_keep_publisher_and_reference() {
        assert_eq!(foreign_id("intuitem", "gdpr"), "intuitem-gdpr");
        assert_eq!(foreign_id("nist", "nist-sp-800-53"), "nist-sp-800-53");
        assert_eq!(foreign_id("", ""), "import-catalog");
        let title = "NIST Special Publication 800-53 Revision 5.1.1 MODERATE IMPACT BASELINE";
        assert_eq!(
            foreign_id("nist", &short_reference(title)),
            "nist-sp-800-53-rev5-moderate-baseline"
        );
        assert_eq!(
            foreign_id(
                "nist",
                &short_reference("NIST Special Publication 800-53 Revision 5.1.1 PRIVACY BASELINE")
            ),
            "nist-sp-800-53-rev5-privacy-baseline"
        );
    }

    #[test]
    fn long_ids_are_cut_with_a_hash_and_stay_distinct() {
        let a = foreign_id(
            "intuitem",
            "referentiel_certification_des_etablissements_de_sante_pour_la_qualite_des_soins",
        );
        let b = foreign_id(
            "intuitem",
            "referentiel_certification_des_etablissements_de_sante_pour_la_qualite_des_soins-v2",
        );
        assert!(a.len() <= MAX_ID_CHARS && b.len() <= MAX_ID_CHARS, "{a} {b}");
        assert_ne!(a, b);
        assert!(a.starts_with("intuitem-referentiel-certif"), "{a}");
        assert_eq!(
            a,
            foreign_id(
                "intuitem",
                "referentiel_certification_des_etablissements_de_sante_pour_la_qualite_des_soins"
            )
        );
    }

    proptest::proptest! {
        #[test]
        fn foreign_ids_fit_the_schema(publisher in "\\PC{0,60}", reference in "\\PC{0,120}") {
            let id = foreign_id(&publisher, &reference);
            proptest::prop_assert!(id.len() >= 2 && id.len() <= MAX_ID_CHARS, "{}", id);
            proptest::prop_assert!(id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()), "{}", id);
            proptest::prop_assert!(id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{}", id);
        }
    }
}
