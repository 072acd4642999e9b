use super::*;

/// Analyses a CSV or JSON Lines file.
pub fn run(options: &RiskOptions, path: &Path) -> Result<RiskReport, RiskError> {
    let format = options.format.unwrap_or_else(|| {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("jsonl" | "ndjson") => RiskFormat::JsonLines,
            _ => RiskFormat::Csv,
        }
    });
    check_options(options)?;
    let population = population_counts(options)?;
    match format {
        RiskFormat::Csv => run_csv(options, path, population),
        RiskFormat::JsonLines => run_jsonl(options, path, population),
    }
}

pub(super) fn io_err(path: &Path) -> impl Fn(std::io::Error) -> RiskError + '_ {
    move |source| RiskError::Io {
        path: path.to_path_buf(),
        source,
    }
}

pub(super) fn open_csv(
    path: &Path,
    delimiter: Option<u8>,
) -> Result<(Vec<String>, csv::Reader<std::fs::File>), RiskError> {
    let delim = match delimiter {
        Some(d) => d,
        None => {
            let mut head = Vec::new();
            std::fs::File::open(path)
                .map_err(io_err(path))?
                .take(64 * 1024)
                .read_to_end(&mut head)
                .map_err(io_err(path))?;
            crate::io::sniff_csv_delimiter(&head).unwrap_or(b',')
        }
    };
    let file = std::fs::File::open(path).map_err(io_err(path))?;
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .has_headers(true)
        .from_reader(file);
    let headers = rdr.byte_headers().map_err(|e| RiskError::Malformed {
        line: 1,
        reason: format!("cannot read the header: {e}"),
    })?;
    let mut columns: Vec<String> = headers.iter().map(|h| decode(h).trim().to_string()).collect();
    if let Some(first) = columns.first_mut()
        && let Some(stripped) = first.strip_prefix('\u{feff}')
    {
        *first = stripped.to_string();
    }
    Ok((columns, rdr))
}

/// One step of reading a CSV file.
pub(super) enum CsvEvent {
    Record(csv::ByteRecord),
    Malformed(u64, String),
}

pub(super) fn next_csv(rdr: &mut csv::Reader<std::fs::File>, path: &Path) -> Result<Option<CsvEvent>, RiskError> {
    let mut rec = csv::ByteRecord::new();
    match rdr.read_byte_record(&mut rec) {
        Ok(false) => Ok(None),
        Ok(true) => Ok(Some(CsvEvent::Record(rec))),
        Err(e) => {
            let line = e.position().map_or(0, |p| p.line());
            match e.kind() {
                csv::ErrorKind::Io(_) => Err(RiskError::Io {
                    path: path.to_path_buf(),
                    source: std::io::Error::other(e.to_string()),
                }),
                _ => Ok(Some(CsvEvent::Malformed(line, e.to_string()))),
            }
        }
    }
}

pub(super) fn run_csv(
    options: &RiskOptions,
    path: &Path,
    population: Option<PopulationCounts>,
) -> Result<RiskReport, RiskError> {
    let (columns, mut rdr) = open_csv(path, options.csv_delimiter)?;
    // With person detection the first records are read ahead as a sample.
    let mut ahead = Vec::new();
    if options.person == PersonColumn::Detect {
        while ahead.len() < PERSON_SAMPLE {
            match next_csv(&mut rdr, path)? {
                Some(event) => ahead.push(event),
                None => break,
            }
        }
    }
    let sample: Vec<Vec<&[u8]>> = ahead
        .iter()
        .filter_map(|e| match e {
            CsvEvent::Record(r) => Some(r.iter().collect()),
            CsvEvent::Malformed(..) => None,
        })
        .collect();
    let person = choose_person(options, &columns, &sample);
    drop(sample);
    let mut a = Analyser::new(options, &columns, person)?;
    let handle = |a: &mut Analyser, event: CsvEvent| match event {
        CsvEvent::Record(rec) => {
            let line = rec.position().map(|p| p.line());
            a.add(&rec.iter().collect::<Vec<_>>(), line)
        }
        CsvEvent::Malformed(line, reason) => a.malformed(line, reason),
    };
    for event in ahead {
        handle(&mut a, event)?;
    }
    while let Some(event) = next_csv(&mut rdr, path)? {
        handle(&mut a, event)?;
    }
    Ok(a.finish(population))
}

/// The value at a key or dotted path, as a string; None when missing.
pub(super) fn json_value(v: &serde_json::Value, path: &str) -> Option<String> {
    let mut cur = v;
    if let Some(direct) = v.get(path) {
        cur = direct;
    } else {
        for part in path.split('.') {
            cur = cur.get(part)?;
        }
    }
    Some(match cur {
        serde_json::Value::Null => return None,
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// Keys of an object, nested ones as dotted paths.
pub(super) fn json_keys(v: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
    if let serde_json::Value::Object(m) = v {
        for (k, val) in m {
            let name = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            if val.is_object() {
                json_keys(val, &name, out);
            } else {
                out.push(name);
            }
        }
    }
}

/// One step of reading a JSON Lines file: an object with its line, or a
/// malformed line.
pub(super) enum JsonEvent {
    Object(u64, serde_json::Value),
    Malformed(u64, String),
}

pub(super) fn next_json(
    reader: &mut impl std::io::BufRead,
    line_no: &mut u64,
    buf: &mut Vec<u8>,
    path: &Path,
) -> Result<Option<JsonEvent>, RiskError> {
    loop {
        buf.clear();
        let got = reader.read_until(b'\n', buf).map_err(io_err(path))?;
        if got == 0 {
            return Ok(None);
        }
        *line_no += 1;
        let text = String::from_utf8_lossy(buf);
        if text.trim().is_empty() {
            continue;
        }
        return Ok(Some(match serde_json::from_str(text.trim()) {
            Ok(v @ serde_json::Value::Object(_)) => JsonEvent::Object(*line_no, v),
            Ok(_) => JsonEvent::Malformed(*line_no, "not a JSON object".to_string()),
            Err(e) => JsonEvent::Malformed(*line_no, format!("invalid JSON: {e}")),
        }));
    }
}

pub(super) fn run_jsonl(
    options: &RiskOptions,
    path: &Path,
    population: Option<PopulationCounts>,
) -> Result<RiskReport, RiskError> {
    let file = std::fs::File::open(path).map_err(io_err(path))?;
    let mut reader = std::io::BufReader::new(file);
    let mut wanted: Vec<String> = options.quasi_identifiers.clone();
    if let Some(s) = &options.sensitive {
        wanted.push(s.clone());
    }
    let (mut line_no, mut buf) = (0u64, Vec::new());
    // Read ahead to the first object (which names the available keys) or,
    // with person detection, to a sample of objects.
    let sample_size = if options.person == PersonColumn::Detect {
        PERSON_SAMPLE
    } else {
        1
    };
    let mut ahead = Vec::new();
    let mut objects = 0;
    while objects < sample_size {
        match next_json(&mut reader, &mut line_no, &mut buf, path)? {
            None => break,
            Some(JsonEvent::Malformed(line, reason)) if objects == 0 && options.on_malformed == OnMalformed::Fail => {
                return Err(RiskError::Malformed { line, reason });
            }
            Some(event) => {
                objects += usize::from(matches!(event, JsonEvent::Object(..)));
                ahead.push(event);
            }
        }
    }
    let first = ahead.iter().find_map(|e| match e {
        JsonEvent::Object(_, v) => Some(v),
        JsonEvent::Malformed(..) => None,
    });
    let mut checked = wanted.clone();
    if let PersonColumn::Column(c) = &options.person {
        checked.push(c.clone());
    }
    if let Some(first) = first {
        let missing: Vec<String> = checked
            .iter()
            .filter(|w| json_value(first, w).is_none() && !has_path(first, w))
            .cloned()
            .collect();
        if !missing.is_empty() {
            let mut available = Vec::new();
            json_keys(first, "", &mut available);
            return Err(RiskError::MissingColumns { missing, available });
        }
    }
    // Detection looks at every key of the sample.
    let mut keys: Vec<String> = Vec::new();
    if options.person == PersonColumn::Detect {
        for event in &ahead {
            if let JsonEvent::Object(_, v) = event {
                let mut k = Vec::new();
                json_keys(v, "", &mut k);
                for key in k {
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
            }
        }
    }
    let sample: Vec<Vec<String>> = ahead
        .iter()
        .filter_map(|e| match e {
            JsonEvent::Object(_, v) => Some(keys.iter().map(|k| json_value(v, k).unwrap_or_default()).collect()),
            JsonEvent::Malformed(..) => None,
        })
        .collect();
    let person = choose_person(options, &keys, &sample);
    drop(sample);
    let mut columns = wanted.clone();
    if let Some((p, _)) = &person {
        columns.push(p.clone());
    }
    let mut a = Analyser::new(options, &columns, person)?;
    let with_person = columns.len() > wanted.len();
    let handle = |a: &mut Analyser, event: JsonEvent| -> Result<(), RiskError> {
        match event {
            JsonEvent::Malformed(line, reason) => a.malformed(line, reason),
            JsonEvent::Object(line, value) => {
                let mut fields = Vec::with_capacity(columns.len());
                for w in &wanted {
                    match json_value(&value, w) {
                        Some(v) => fields.push(v),
                        None => {
                            a.missing_values += 1;
                            fields.push(String::new());
                        }
                    }
                }
                if with_person {
                    // A missing person value is a person of its own, not a missing value.
                    fields.push(json_value(&value, &columns[columns.len() - 1]).unwrap_or_default());
                }
                a.add(&fields, Some(line))
            }
        }
    };
    for event in ahead {
        handle(&mut a, event)?;
    }
    while let Some(event) = next_json(&mut reader, &mut line_no, &mut buf, path)? {
        handle(&mut a, event)?;
    }
    Ok(a.finish(population))
}

/// True when the key or path exists (also when its value is null).
pub(super) fn has_path(v: &serde_json::Value, path: &str) -> bool {
    if v.get(path).is_some() {
        return true;
    }
    let mut cur = v;
    for part in path.split('.') {
        match cur.get(part) {
            Some(next) => cur = next,
            None => return false,
        }
    }
    true
}
