//! Full-text search in the catalogues: an in-memory tantivy index built from
//! the stored catalogues (see `catalogs.rs`, which rebuilds it after every
//! import).
//!
//! One document per node and language (bokmål always; English where the
//! node has English text). Text is split into words, lower-cased and
//! stemmed with the Norwegian Snowball stemmer, so "passordet" finds
//! "passord" and "tilgangsstyring" finds "tilgangsstyringen". There is
//! deliberately no ASCII folding: æ, ø and å are letters of their own.

use etterlev_catalog::{CatalogSet, Node};
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

/// The name the Norwegian analyser is registered under.
pub const TOKENIZER: &str = "nb_stem";
/// Longer queries are cut: nobody types more, and it bounds the work.
const MAX_QUERY_CHARS: usize = 200;
const SNIPPET_CHARS: usize = 180;
/// Writer memory: tantivy's minimum is about 15 MB; catalogues are small.
const WRITER_BYTES: usize = 20_000_000;

/// One search result: a node, with a snippet of where the words matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub catalog_key: String,
    pub node_id: String,
    pub label: String,
    pub title: String,
    /// `nb` or `en`: the language that matched.
    pub lang: String,
    pub snippet: Vec<SnippetPart>,
}

/// A run of snippet text; `highlight` marks the words that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SnippetPart {
    pub text: String,
    pub highlight: bool,
}

#[derive(Clone, Copy)]
struct Fields {
    catalog_key: Field,
    node_id: Field,
    label: Field,
    title: Field,
    text: Field,
    question: Field,
    lang: Field,
}

/// The search index over a [`CatalogSet`]. Cheap to query from many
/// requests at once (the reader is shared).
pub struct CatalogSearch {
    index: Index,
    reader: IndexReader,
    f: Fields,
}

impl std::fmt::Debug for CatalogSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatalogSearch").finish_non_exhaustive()
    }
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::Norwegian))
        .build()
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let f = Fields {
        catalog_key: b.add_text_field("catalog_key", STRING | STORED),
        node_id: b.add_text_field("node_id", STRING | STORED),
        label: b.add_text_field("label", text.clone()),
        title: b.add_text_field("title", text.clone()),
        text: b.add_text_field("text", text.clone()),
        question: b.add_text_field("question", text),
        lang: b.add_text_field("lang", STRING | STORED),
    };
    (b.build(), f)
}

/// The node's texts in one language, or None when it has nothing in it.
fn texts(node: &Node, lang: &str) -> Option<(String, String, String)> {
    let has_en = node.title.en.is_some()
        || node.text.as_ref().is_some_and(|t| t.en.is_some())
        || node.question.as_ref().is_some_and(|q| q.en.is_some());
    if lang == "en" && !has_en {
        return None;
    }
    let text = node.text.as_ref().map(|t| t.get(lang).to_owned()).unwrap_or_default();
    let question = node
        .question
        .as_ref()
        .map(|q| q.text().get(lang).to_owned())
        .unwrap_or_default();
    Some((node.title.get(lang).to_owned(), text, question))
}

impl CatalogSearch {
    /// Indexes every node of every catalogue in the set.
    pub fn build(set: &CatalogSet) -> tantivy::Result<CatalogSearch> {
        let (schema, f) = schema();
        let index = Index::create_in_ram(schema);
        index.tokenizers().register(TOKENIZER, analyzer());
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, WRITER_BYTES)?;
        for catalog in &set.catalogs {
            let key = catalog.key();
            for node in &catalog.nodes {
                for lang in ["nb", "en"] {
                    let Some((title, text, question)) = texts(node, lang) else {
                        continue;
                    };
                    let mut doc = TantivyDocument::default();
                    doc.add_text(f.catalog_key, &key);
                    doc.add_text(f.node_id, &node.id);
                    doc.add_text(f.label, node.label());
                    doc.add_text(f.title, &title);
                    doc.add_text(f.text, &text);
                    doc.add_text(f.question, &question);
                    doc.add_text(f.lang, lang);
                    writer.add_document(doc)?;
                }
            }
        }
        writer.commit()?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(CatalogSearch { index, reader, f })
    }

    /// The best `limit` nodes for `query`, optionally only in the catalogue
    /// with key `catalog`. Query syntax errors never fail: what cannot be
    /// parsed is searched as plain words. Each node appears once, in the
    /// language that matched best.
    pub fn search(&self, query: &str, catalog: Option<&str>, limit: usize) -> Vec<Hit> {
        match self.try_search(query, catalog, limit) {
            Ok(hits) => hits,
            Err(e) => {
                tracing::warn!(error = %e, "catalogue search failed");
                Vec::new()
            }
        }
    }

    fn try_search(&self, query: &str, catalog: Option<&str>, limit: usize) -> tantivy::Result<Vec<Hit>> {
        let query: String = query.chars().take(MAX_QUERY_CHARS).collect();
        if query.trim().is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let f = self.f;
        let mut parser = QueryParser::for_index(&self.index, vec![f.title, f.text, f.question, f.label]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.title, 2.0);
        parser.set_field_boost(f.label, 2.0);
        let (parsed, _errors) = parser.parse_query_lenient(&query);
        let query: Box<dyn Query> = match catalog {
            Some(key) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, parsed),
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(f.catalog_key, key),
                        IndexRecordOption::Basic,
                    )),
                ),
            ])),
            None => parsed,
        };
        let searcher = self.reader.searcher();
        // Each node can match in two languages; fetch enough to fill `limit`.
        let top = searcher.search(&query, &TopDocs::with_limit(limit.saturating_mul(2)).order_by_score())?;
        let mut snippets = Vec::new();
        for field in [f.text, f.question, f.title] {
            let mut generator = SnippetGenerator::create(&searcher, &*query, field)?;
            generator.set_max_num_chars(SNIPPET_CHARS);
            snippets.push((field, generator));
        }
        let mut hits: Vec<Hit> = Vec::new();
        for (_score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let get = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let (catalog_key, node_id) = (get(f.catalog_key), get(f.node_id));
            if hits
                .iter()
                .any(|h| h.catalog_key == catalog_key && h.node_id == node_id)
            {
                continue;
            }
            let snippet = snippets
                .iter()
                .map(|(_, g)| g.snippet_from_doc(&doc))
                .find(|s| !s.highlighted().is_empty())
                .map(|s| parts(s.fragment(), s.highlighted()))
                .unwrap_or_else(|| plain_start(&get(f.text)));
            hits.push(Hit {
                catalog_key,
                node_id,
                label: get(f.label),
                title: get(f.title),
                lang: get(f.lang),
                snippet,
            });
            if hits.len() == limit {
                break;
            }
        }
        Ok(hits)
    }
}

/// Splits a fragment into plain and highlighted runs.
fn parts(fragment: &str, highlighted: &[std::ops::Range<usize>]) -> Vec<SnippetPart> {
    let mut out = Vec::new();
    let mut at = 0;
    for range in highlighted {
        let (Some(before), Some(word)) = (fragment.get(at..range.start), fragment.get(range.clone())) else {
            continue;
        };
        if !before.is_empty() {
            out.push(SnippetPart {
                text: before.to_owned(),
                highlight: false,
            });
        }
        out.push(SnippetPart {
            text: word.to_owned(),
            highlight: true,
        });
        at = range.end;
    }
    if let Some(rest) = fragment.get(at..).filter(|r| !r.is_empty()) {
        out.push(SnippetPart {
            text: rest.to_owned(),
            highlight: false,
        });
    }
    out
}

/// The start of a text, cut at a word boundary, when no words matched in it
/// (a hit on the label, say).
fn plain_start(text: &str) -> Vec<SnippetPart> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut cut: String = text.chars().take(SNIPPET_CHARS).collect();
    if cut.len() < text.len() {
        if let Some(space) = cut.rfind(' ') {
            cut.truncate(space);
        }
        cut.push_str(" …");
    }
    vec![SnippetPart {
        text: cut,
        highlight: false,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use etterlev_catalog::{Document, parse_document};

    const FIXTURE: &str = r#"
schema: etterlev/catalog/v1
id: demo
version: "1.0"
title: { nb: Demo }
publisher: Test
languages: [nb, en]
date: "2026-01-01"
source:
  - { kind: other, title: Test }
nodes:
  - id: "1"
    kind: requirement
    title: { nb: Sterke passord, en: Strong passwords }
    text: { nb: Alle brukere skal ha et langt passord., en: Every user must have a long password. }
    verified: true
  - id: "2"
    kind: requirement
    title: { nb: Tilgang }
    text: { nb: Virksomheten skal dokumentere tilgangsstyringen for pasientjournalen. }
    verified: true
  - id: "3"
    kind: guidance
    title: { nb: Sørg for <script>-fri tekst }
    text: { nb: Små bokstaver æøå teller. }
    verified: false
"#;

    fn set() -> CatalogSet {
        let Ok(Document::Catalog(a)) = parse_document("a.yaml", FIXTURE.as_bytes()) else {
            panic!("fixture must load");
        };
        let mut b = a.clone();
        b.version = "2.0".into();
        CatalogSet {
            catalogs: vec![a, b],
            mappings: vec![],
            ..Default::default()
        }
    }

    fn ids(hits: &[Hit]) -> Vec<String> {
        hits.iter()
            .map(|h| format!("{}#{}", h.catalog_key, h.node_id))
            .collect()
    }

    #[test]
    fn stems_norwegian_words() {
        let s = CatalogSearch::build(&set()).expect("build");
        let hits = s.search("passordet", None, 10);
        assert_eq!(ids(&hits), ["demo@1.0#1", "demo@2.0#1"]);
        let hits = s.search("tilgangsstyring", Some("demo@2.0"), 10);
        assert_eq!(ids(&hits), ["demo@2.0#2"]);
        assert!(
            hits[0]
                .snippet
                .iter()
                .any(|p| p.highlight && p.text == "tilgangsstyringen"),
            "{hits:?}"
        );
    }

    #[test]
    fn limits_to_one_catalogue_and_keeps_æøå() {
        let s = CatalogSearch::build(&set()).expect("build");
        assert_eq!(ids(&s.search("passord", Some("demo@1.0"), 10)), ["demo@1.0#1"]);
        assert!(s.search("passord", Some("nope@1"), 10).is_empty());
        assert_eq!(ids(&s.search("sørg", Some("demo@1.0"), 10)), ["demo@1.0#3"]);
        assert!(s.search("sorg", None, 10).is_empty(), "no ASCII folding");
        assert_eq!(s.search("passord", None, 1).len(), 1);
    }

    #[test]
    fn odd_queries_never_fail() {
        let s = CatalogSearch::build(&set()).expect("build");
        for q in [
            "",
            "   ",
            "passord AND",
            "\"unclosed",
            "title:",
            "(((",
            "a:b:c",
            "*",
            "^2",
            "passord~",
            "[1 TO",
            "<script>",
        ] {
            let _ = s.search(q, None, 10);
        }
        assert_eq!(ids(&s.search("\"passord", None, 10)).len(), 2);
        let long = "passord ".repeat(1000);
        assert!(!s.search(&long, None, 10).is_empty());
    }

    #[test]
    fn english_text_is_searchable_once_per_node() {
        let s = CatalogSearch::build(&set()).expect("build");
        let hits = s.search("password", Some("demo@1.0"), 10);
        assert_eq!(ids(&hits), ["demo@1.0#1"]);
        assert_eq!(hits[0].lang, "en");
        assert_eq!(hits[0].title, "Strong passwords");
    }
}
