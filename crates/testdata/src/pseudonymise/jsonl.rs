//! JSON Lines: one object per line; rules address fields by dotted path.

use std::collections::BTreeSet;
use std::io::{BufRead, Write};

use super::csv_stream::{Batch, Collector, Scratch, pipeline, threads};
use super::json::Json;
use super::rules::{Action, CellError, Counts, Engine, Person};
use super::{PseudonymiseError, RowProblem, RunOptions, Summary, Unlisted};
use crate::io::IoError;

const BATCH_LINES: usize = 2048;
const BATCH_BYTES: usize = 1 << 20;
/// Distinct unlisted paths reported.
const MAX_UNLISTED: usize = 50;

struct Line {
    text: Vec<u8>,
    number: u64,
}

struct Rule {
    name: String,
    path: Vec<String>,
    action: Action,
}

pub(crate) fn run(
    engine: &Engine<'_>,
    mut input: Box<dyn BufRead + Send>,
    output: &mut dyn Write,
    options: RunOptions<'_>,
) -> Result<Summary, PseudonymiseError> {
    let config = engine.config;
    let rules: Vec<Rule> = config
        .columns
        .iter()
        .map(|(name, rule)| Rule {
            name: name.clone(),
            path: name.split('.').map(str::to_string).collect(),
            action: Action::from_rule(rule, config),
        })
        .collect();
    let person_path: Option<Vec<String>> = config
        .person
        .as_ref()
        .map(|p| p.split('.').map(str::to_string).collect());
    let skip = config.on_error == super::OnError::Skip;
    let threads = threads(&options);
    let RunOptions {
        mapping_out,
        progress,
        input_len,
        ..
    } = options;
    let mapping_on = mapping_out.is_some();
    let mapping = match mapping_out {
        Some(w) => Some(super::mapping::MappingWriter::new(w, &engine.keys)?),
        None => None,
    };
    let mut collector = Collector {
        summary: Summary::default(),
        counts: vec![Counts::default(); rules.len()],
        output,
        mapping,
        progress,
        total: input_len,
    };

    let mut line_no = 0u64;
    let mut bytes = 0u64;
    let fill = |b: &mut Batch<Line>| -> Result<bool, PseudonymiseError> {
        let mut size = 0;
        while b.len < BATCH_LINES && size < BATCH_BYTES {
            if b.items.len() == b.len {
                b.items.push(Line {
                    text: Vec::new(),
                    number: 0,
                });
            }
            let item = &mut b.items[b.len];
            item.text.clear();
            let n = input
                .read_until(b'\n', &mut item.text)
                .map_err(|e| PseudonymiseError::Input(IoError::from_io(e)))?;
            if n == 0 {
                b.bytes_end = bytes;
                return Ok(false);
            }
            line_no += 1;
            bytes += n as u64;
            size += n;
            item.number = line_no;
            b.len += 1;
        }
        b.bytes_end = bytes;
        Ok(true)
    };

    let work = |b: &mut Batch<Line>, scratch: &mut Scratch| {
        if b.counts.len() != rules.len() {
            b.counts = vec![Counts::default(); rules.len()];
        }
        let mut out = std::mem::take(&mut b.out);
        let items = std::mem::take(&mut b.items);
        let mut pairs: Vec<(usize, Vec<u8>, Vec<u8>)> = Vec::new();
        let mut unlisted = BTreeSet::new();
        for item in &items[..b.len] {
            let text = item.text.trim_ascii();
            if text.is_empty() {
                continue;
            }
            b.rows_in += 1;
            let line = item.number;
            let mut value: Json = match serde_json::from_slice(text) {
                Ok(Json::Object(fields)) => Json::Object(fields),
                Ok(_) => {
                    let p = RowProblem {
                        line,
                        column: None,
                        reason: "is not a JSON object".into(),
                    };
                    if !b.problem(skip, p) {
                        break;
                    }
                    continue;
                }
                Err(e) => {
                    let reason = format!("is not valid JSON: {e}");
                    if !b.problem(
                        skip,
                        RowProblem {
                            line,
                            column: None,
                            reason,
                        },
                    ) {
                        break;
                    }
                    continue;
                }
            };
            if config.unlisted != Unlisted::Keep || b.seq == 0 {
                let mut leaves = Vec::new();
                collect_unlisted(&value, &mut Vec::new(), &rules, &mut leaves);
                if !leaves.is_empty() && config.unlisted == Unlisted::Fail {
                    let reason = format!("has fields without a rule: {}", leaves.join(", "));
                    if !b.problem(
                        skip,
                        RowProblem {
                            line,
                            column: None,
                            reason,
                        },
                    ) {
                        break;
                    }
                    continue;
                }
                if config.unlisted == Unlisted::Drop {
                    prune(&mut value, &mut Vec::new(), &rules);
                }
                for l in leaves {
                    if unlisted.len() < MAX_UNLISTED {
                        unlisted.insert(l);
                    }
                }
            }
            let person_text: Option<String> = person_path
                .as_ref()
                .and_then(|p| value.lookup(p))
                .and_then(|v| v.scalar_text())
                .map(|c| c.into_owned());
            let mut person = Person::new(person_text.as_deref().map(str::as_bytes));
            pairs.clear();
            let mut failed = None;
            for (i, rule) in rules.iter().enumerate() {
                let counts = &mut b.counts[i];
                let cell = &mut scratch.cell;
                let result = apply_path(
                    &mut value,
                    &rule.path,
                    &mut |v: &mut Json| -> Result<Change, CellError> {
                        match &rule.action {
                            Action::Drop => return Ok(Change::Remove),
                            Action::Suppress => {
                                if !matches!(v, Json::Null) {
                                    counts.values += 1;
                                    counts.replaced += 1;
                                    *v = Json::Null;
                                }
                                return Ok(Change::Keep);
                            }
                            Action::Keep => return Ok(Change::Keep),
                            _ => {}
                        }
                        if matches!(v, Json::Null) {
                            return Ok(Change::Keep);
                        }
                        let original = v.scalar_text().ok_or(CellError::NotText)?.into_owned();
                        cell.clear();
                        engine.apply(&rule.action, original.as_bytes(), &mut person, cell, counts)?;
                        let new = String::from_utf8_lossy(cell).into_owned();
                        if mapping_on && rule.action.is_pseudonym() && !new.is_empty() {
                            pairs.push((i, original.trim().as_bytes().to_vec(), cell.clone()));
                        }
                        *v = Json::String(new);
                        Ok(Change::Keep)
                    },
                );
                if let Err(e) = result {
                    failed = Some(RowProblem {
                        line,
                        column: Some(rule.name.clone()),
                        reason: e.reason(&rule.action),
                    });
                    break;
                }
            }
            if let Some(p) = failed {
                if !b.problem(skip, p) {
                    break;
                }
                continue;
            }
            if serde_json::to_writer(&mut out, &value).is_err() {
                b.fatal = Some(PseudonymiseError::Internal("writing JSON to memory failed".into()));
                break;
            }
            out.push(b'\n');
            b.rows_out += 1;
            for (i, original, pseudonym) in pairs.drain(..) {
                scratch.map_entry(b, &rules[i].name, &original, &pseudonym);
            }
        }
        if !unlisted.is_empty() && config.unlisted != Unlisted::Fail {
            let verb = if config.unlisted == Unlisted::Drop {
                "left out"
            } else {
                "kept unchanged"
            };
            let list: Vec<String> = unlisted.into_iter().collect();
            b.notes.push(format!(
                "fields {verb} (no rule; seen in the first lines): {}",
                list.join(", ")
            ));
        }
        b.items = items;
        b.out = out;
    };

    pipeline(threads, fill, work, |b| collector.drain(b))?;
    let columns: Vec<(String, Action)> = rules.into_iter().map(|r| (r.name, r.action)).collect();
    collector.finish(&columns, &|_| true)
}

enum Change {
    Keep,
    Remove,
}

/// Applies `f` to every value at `path` (arrays are walked through).
fn apply_path(
    value: &mut Json,
    path: &[String],
    f: &mut dyn FnMut(&mut Json) -> Result<Change, CellError>,
) -> Result<Change, CellError> {
    let Some((first, rest)) = path.split_first() else {
        return f(value);
    };
    match value {
        Json::Object(fields) => {
            let mut i = 0;
            while i < fields.len() {
                if fields[i].0 == *first
                    && let Change::Remove = apply_path(&mut fields[i].1, rest, f)?
                    && rest.is_empty()
                {
                    fields.remove(i);
                    continue;
                }
                i += 1;
            }
            Ok(Change::Keep)
        }
        Json::Array(items) => {
            for item in items.iter_mut() {
                apply_path(item, path, f)?;
            }
            Ok(Change::Keep)
        }
        _ => Ok(Change::Keep),
    }
}

/// Is `path` at or below a rule's path?
fn covered(path: &[String], rules: &[Rule]) -> bool {
    rules
        .iter()
        .any(|r| path.len() >= r.path.len() && path[..r.path.len()] == r.path[..])
}

/// Is `path` above some rule's path (so it must be kept to reach it)?
fn leads_to_rule(path: &[String], rules: &[Rule]) -> bool {
    rules
        .iter()
        .any(|r| r.path.len() > path.len() && r.path[..path.len()] == path[..])
}

fn collect_unlisted(value: &Json, path: &mut Vec<String>, rules: &[Rule], out: &mut Vec<String>) {
    if !path.is_empty() && covered(path, rules) {
        return;
    }
    match value {
        Json::Object(fields) => {
            for (k, v) in fields {
                path.push(k.clone());
                collect_unlisted(v, path, rules, out);
                path.pop();
            }
        }
        Json::Array(items) => {
            for item in items {
                collect_unlisted(item, path, rules, out);
            }
        }
        _ => {
            let p = path.join(".");
            if !p.is_empty() && !out.contains(&p) {
                out.push(p);
            }
        }
    }
}

/// Removes fields that no rule covers or leads to.
fn prune(value: &mut Json, path: &mut Vec<String>, rules: &[Rule]) {
    match value {
        Json::Object(fields) => {
            fields.retain_mut(|(k, v)| {
                path.push(k.clone());
                let keep = covered(path, rules) || leads_to_rule(path, rules);
                if keep && !covered(path, rules) {
                    prune(v, path, rules);
                }
                path.pop();
                keep
            });
        }
        Json::Array(items) => {
            for item in items {
                prune(item, path, rules);
            }
        }
        _ => {}
    }
}
