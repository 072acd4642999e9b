use super::*;

// ---------------------------------------------------------------------------
// The analysis

#[derive(Default)]
pub(super) struct Class {
    pub(super) size: u64,
    pub(super) first_row: u64,
    pub(super) first_line: Option<u64>,
    pub(super) sensitive: HashMap<Box<[u8]>, u64>,
    /// Person numbers (see `Persons`) of its records; repeats are removed
    /// at the end (and consecutive ones on the way).
    pub(super) persons: Vec<u32>,
}

/// Numbers the distinct values of the person column.
pub(super) struct Persons {
    pub(super) column: String,
    pub(super) source: PersonSource,
    pub(super) index: usize,
    pub(super) ids: HashMap<Box<[u8]>, u32>,
    pub(super) next: u32,
    pub(super) without: u64,
}

impl Persons {
    pub(super) fn new(column: String, source: PersonSource, index: usize) -> Persons {
        Persons {
            column,
            source,
            index,
            ids: HashMap::new(),
            next: 0,
            without: 0,
        }
    }

    /// The number of the person with this value; an empty value is a new
    /// person every time.
    pub(super) fn id(&mut self, value: &[u8]) -> u32 {
        let v = value.trim_ascii();
        if v.is_empty() {
            self.without += 1;
        } else if let Some(&id) = self.ids.get(v) {
            return id;
        } else {
            self.ids.insert(v.into(), self.next);
        }
        self.next += 1;
        self.next - 1
    }
}

pub(super) struct Analyser<'o> {
    pub(super) options: &'o RiskOptions,
    pub(super) qi: Vec<usize>,
    pub(super) sensitive: Option<usize>,
    pub(super) gens: Vec<Option<Generalisation>>,
    pub(super) width: usize,
    pub(super) classes: HashMap<Box<[u8]>, Class>,
    pub(super) n: u64,
    pub(super) key: Vec<u8>,
    pub(super) skipped: Vec<SkippedRow>,
    pub(super) skipped_rows: u64,
    pub(super) not_utf8: bool,
    pub(super) missing_values: u64,
    pub(super) persons: Option<Persons>,
}

/// Appends a length-prefixed value to a class key.
pub(super) fn push_value(key: &mut Vec<u8>, v: &[u8]) {
    key.extend_from_slice(&(v.len() as u32).to_le_bytes());
    key.extend_from_slice(v);
}

/// Splits a class key back into its values (decoded for display).
pub(super) fn key_values(mut key: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    while key.len() >= 4 {
        let len = u32::from_le_bytes([key[0], key[1], key[2], key[3]]) as usize;
        let end = (4 + len).min(key.len());
        out.push(decode(&key[4..end]));
        key = &key[end..];
    }
    out
}

pub(super) fn decode(v: &[u8]) -> String {
    crate::io::utf8_or_windows1252(v).0.into_owned()
}

/// Finds each wanted column (exact name first, then trimmed and
/// case-insensitive).
pub(super) fn resolve(columns: &[String], wanted: &[&str]) -> Result<Vec<usize>, RiskError> {
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for w in wanted {
        let exact = columns.iter().position(|c| c == w);
        let loose = || columns.iter().position(|c| c.trim().eq_ignore_ascii_case(w.trim()));
        match exact.or_else(loose) {
            Some(i) => out.push(i),
            None => missing.push((*w).to_string()),
        }
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(RiskError::MissingColumns {
            missing,
            available: columns.to_vec(),
        })
    }
}

pub(super) fn check_options(options: &RiskOptions) -> Result<(), RiskError> {
    if options.quasi_identifiers.is_empty() {
        return Err(RiskError::NoQuasiIdentifiers);
    }
    if !(0.0..=1.0).contains(&options.threshold) || options.threshold.is_nan() {
        return Err(RiskError::InvalidOption(format!(
            "threshold must be between 0 and 1, got {}",
            options.threshold
        )));
    }
    if let Some(Population::Scale(f)) = &options.population
        && !(f.is_finite() && *f >= 1.0)
    {
        return Err(RiskError::InvalidOption(format!(
            "population scale must be at least 1, got {f}"
        )));
    }
    for c in options.generalise.keys() {
        if !options.quasi_identifiers.contains(c) {
            return Err(RiskError::InvalidOption(format!(
                "generalisation for {c:?}, which is not a quasi-identifier"
            )));
        }
    }
    Ok(())
}

impl<'o> Analyser<'o> {
    /// `person`: the person column and how it was chosen, when there is one.
    pub(super) fn new(
        options: &'o RiskOptions,
        columns: &[String],
        person: Option<(String, PersonSource)>,
    ) -> Result<Analyser<'o>, RiskError> {
        check_options(options)?;
        let mut wanted: Vec<&str> = options.quasi_identifiers.iter().map(String::as_str).collect();
        if let Some(s) = &options.sensitive {
            wanted.push(s);
        }
        let persons = match person {
            Some((name, source)) => {
                let index = resolve(columns, &[name.as_str()])?[0];
                Some(Persons::new(columns[index].clone(), source, index))
            }
            None => None,
        };
        let idx = resolve(columns, &wanted)?;
        let qi = idx[..options.quasi_identifiers.len()].to_vec();
        let sensitive = options.sensitive.as_ref().map(|_| idx[idx.len() - 1]);
        let gens = options
            .quasi_identifiers
            .iter()
            .map(|q| options.generalise.get(q).cloned())
            .collect();
        Ok(Analyser {
            options,
            qi,
            sensitive,
            gens,
            width: columns.len(),
            classes: HashMap::new(),
            n: 0,
            key: Vec::new(),
            skipped: Vec::new(),
            skipped_rows: 0,
            not_utf8: false,
            missing_values: 0,
            persons,
        })
    }

    pub(super) fn malformed(&mut self, line: u64, reason: String) -> Result<(), RiskError> {
        match self.options.on_malformed {
            OnMalformed::Fail => Err(RiskError::Malformed { line, reason }),
            OnMalformed::Skip => {
                self.skipped_rows += 1;
                if self.skipped.len() < 100 {
                    self.skipped.push(SkippedRow { line, reason });
                }
                Ok(())
            }
        }
    }

    /// Adds one record. `line` is its line in the file (for messages) or
    /// the row number.
    pub(super) fn add<F: AsRef<[u8]>>(&mut self, fields: &[F], line: Option<u64>) -> Result<(), RiskError> {
        if fields.len() != self.width {
            let at = line.unwrap_or(self.n + self.skipped_rows + 1);
            return self.malformed(at, format!("expected {} fields, found {}", self.width, fields.len()));
        }
        self.key.clear();
        for (i, &c) in self.qi.iter().enumerate() {
            let raw = fields[c].as_ref();
            match &self.gens[i] {
                Some(g) => {
                    let (s, was_1252) = crate::io::utf8_or_windows1252(raw);
                    self.not_utf8 |= was_1252;
                    let v = g.apply(&s);
                    push_value(&mut self.key, v.as_bytes());
                }
                None => {
                    if !self.not_utf8 && std::str::from_utf8(raw).is_err() {
                        self.not_utf8 = true;
                    }
                    push_value(&mut self.key, raw);
                }
            }
        }
        self.n += 1;
        let row = self.n;
        if !self.classes.contains_key(self.key.as_slice()) {
            let class = Class {
                size: 0,
                first_row: row,
                first_line: line,
                sensitive: HashMap::new(),
                persons: Vec::new(),
            };
            self.classes.insert(self.key.clone().into_boxed_slice(), class);
        }
        let person = self.persons.as_mut().map(|p| p.id(fields[p.index].as_ref()));
        let Some(class) = self.classes.get_mut(self.key.as_slice()) else {
            return Ok(());
        };
        class.size += 1;
        if let Some(id) = person
            && class.persons.last() != Some(&id)
        {
            class.persons.push(id);
        }
        if let Some(s) = self.sensitive {
            let v = fields[s].as_ref();
            match class.sensitive.get_mut(v) {
                Some(n) => *n += 1,
                None => {
                    class.sensitive.insert(v.into(), 1);
                }
            }
        }
        Ok(())
    }

    /// The class figures in distinct persons (see [`PersonFigures`]).
    pub(super) fn person_figures(&mut self) -> Option<PersonFigures> {
        let persons = self.persons.as_ref()?;
        let o = self.options;
        let n = persons.next as usize;
        let mut classes_of = vec![0u32; n];
        let (mut below, mut alone, mut at_risk) = (vec![false; n], vec![false; n], vec![false; n]);
        let mut k = u64::MAX;
        let (mut classes_below_k, mut classes_with_one) = (0, 0);
        for c in self.classes.values_mut() {
            c.persons.sort_unstable();
            c.persons.dedup();
            let p = c.persons.len() as u64;
            k = k.min(p);
            let is_below = p < o.k;
            let risky = 1.0 / p as f64 > o.threshold;
            classes_below_k += u64::from(is_below);
            classes_with_one += u64::from(p == 1);
            for &id in &c.persons {
                let id = id as usize;
                classes_of[id] += 1;
                below[id] |= is_below;
                alone[id] |= p == 1;
                at_risk[id] |= risky;
            }
        }
        let count = |v: &[bool]| v.iter().filter(|&&b| b).count() as u64;
        let k = if self.n == 0 { 0 } else { k };
        let persons_at_risk = count(&at_risk);
        Some(PersonFigures {
            column: persons.column.clone(),
            source: persons.source,
            persons: n as u64,
            records_without_person: persons.without,
            k,
            k_anonymous: self.n > 0 && k >= o.k,
            classes_below_k,
            persons_below_k: count(&below),
            classes_with_one_person: classes_with_one,
            unique_persons: count(&alone),
            persons_in_several_classes: classes_of.iter().filter(|&&c| c > 1).count() as u64,
            highest_risk: if k == 0 { 0.0 } else { 1.0 / k as f64 },
            persons_at_risk,
            persons_at_risk_share: if n == 0 { 0.0 } else { persons_at_risk as f64 / n as f64 },
        })
    }

    pub(super) fn finish(mut self, population: Option<PopulationCounts>) -> RiskReport {
        let person = self.person_figures();
        let o = self.options;
        let n = self.n;
        let nf = n as f64;
        let mut sizes: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
        let mut k = u64::MAX;
        let (mut below_k_classes, mut below_k_records) = (0, 0);
        let mut prosecutor_at_risk = 0u64;
        // Journalist/marketer.
        let mut min_f_pop = f64::INFINITY;
        let mut journalist_at_risk = 0u64;
        let mut sum_pop = 0.0;
        let mut sum_ratio = 0.0;
        let mut not_in_population = 0;
        // l-diversity.
        let mut distinct_l = u64::MAX;
        let mut entropy_l = f64::INFINITY;
        let (mut homogeneous, mut homogeneous_records) = (0, 0);
        let mut uniques: Vec<(u64, Option<u64>, &[u8])> = Vec::new();

        for (key, c) in &self.classes {
            let f = c.size;
            let ff = f as f64;
            let e = sizes.entry(f).or_default();
            e.0 += 1;
            e.1 += f;
            k = k.min(f);
            if f < o.k {
                below_k_classes += 1;
                below_k_records += f;
            }
            if 1.0 / ff > o.threshold {
                prosecutor_at_risk += f;
            }
            let big_f = match &population {
                None => ff,
                Some(PopulationCounts::Scale(s)) => ff * s,
                Some(PopulationCounts::Map(m)) => match m.get(&key[..]) {
                    Some(&pf) if pf >= f => pf as f64,
                    _ => {
                        not_in_population += 1;
                        ff
                    }
                },
            };
            min_f_pop = min_f_pop.min(big_f);
            if 1.0 / big_f > o.threshold {
                journalist_at_risk += f;
            }
            sum_pop += big_f;
            sum_ratio += ff / big_f;
            if f == 1 {
                uniques.push((c.first_row, c.first_line, &key[..]));
            }
            if self.sensitive.is_some() {
                let d = c.sensitive.len() as u64;
                distinct_l = distinct_l.min(d);
                let h: f64 = c
                    .sensitive
                    .values()
                    .map(|&x| {
                        let p = x as f64 / ff;
                        -p * p.ln()
                    })
                    .sum();
                entropy_l = entropy_l.min(h.exp());
                if d == 1 {
                    homogeneous += 1;
                    homogeneous_records += f;
                }
            }
        }
        let classes = self.classes.len() as u64;
        let jf = classes as f64;
        let share = |x: u64| if n == 0 { 0.0 } else { x as f64 / nf };
        let unique_records = uniques.len() as u64;
        uniques.sort_unstable_by_key(|u| u.0);
        uniques.truncate(o.max_uniques);
        let (prosecutor, journalist, marketer) = if n == 0 {
            let zero = RiskSummary {
                records_at_risk: 0.0,
                records_at_risk_count: 0,
                highest_risk: 0.0,
                success_rate: 0.0,
            };
            (zero, zero, MarketerRisk { success_rate: 0.0 })
        } else {
            let marketer = sum_ratio / nf;
            (
                RiskSummary {
                    records_at_risk: share(prosecutor_at_risk),
                    records_at_risk_count: prosecutor_at_risk,
                    highest_risk: 1.0 / k as f64,
                    success_rate: jf / nf,
                },
                RiskSummary {
                    records_at_risk: share(journalist_at_risk),
                    records_at_risk_count: journalist_at_risk,
                    highest_risk: 1.0 / min_f_pop,
                    success_rate: (jf / sum_pop).max(marketer),
                },
                MarketerRisk { success_rate: marketer },
            )
        };
        let population_info = population.as_ref().map(|p| PopulationInfo {
            model: match p {
                PopulationCounts::Scale(_) => "scale",
                PopulationCounts::Map(_) => "file",
            },
            size_of_matching_classes: sum_pop,
            classes_not_in_population: not_in_population,
        });
        let k = if n == 0 { 0 } else { k };
        RiskReport {
            records: n,
            quasi_identifiers: o.quasi_identifiers.clone(),
            generalisations: o.generalise.clone(),
            classes,
            k,
            k_target: o.k,
            k_anonymous: n > 0 && k >= o.k,
            classes_below_k: below_k_classes,
            records_below_k: below_k_records,
            unique_records,
            person,
            uniques: uniques
                .into_iter()
                .map(|(row, line, key)| UniqueRecord {
                    row,
                    line,
                    values: key_values(key),
                })
                .collect(),
            class_sizes: sizes
                .into_iter()
                .map(|(size, (classes, records))| ClassSize { size, classes, records })
                .collect(),
            l_diversity: o.sensitive.as_ref().map(|a| LDiversity {
                attribute: a.clone(),
                distinct_l: if n == 0 { 0 } else { distinct_l },
                entropy_l: if n == 0 { 0.0 } else { entropy_l },
                homogeneous_classes: homogeneous,
                records_in_homogeneous_classes: homogeneous_records,
            }),
            threshold: o.threshold,
            prosecutor,
            journalist,
            marketer,
            population: population_info,
            skipped_rows: self.skipped_rows,
            skipped: self.skipped,
            missing_values: self.missing_values,
            encoding: if self.not_utf8 { "windows-1252" } else { "utf-8" },
        }
    }
}

/// Population sizes per class key.
pub(super) enum PopulationCounts {
    Scale(f64),
    Map(HashMap<Box<[u8]>, u64>),
}

pub(super) fn population_counts(options: &RiskOptions) -> Result<Option<PopulationCounts>, RiskError> {
    Ok(match &options.population {
        None => None,
        Some(Population::Scale(f)) => Some(PopulationCounts::Scale(*f)),
        Some(Population::Counts(m)) => {
            let mut out = HashMap::new();
            for (tuple, &count) in m {
                if tuple.len() != options.quasi_identifiers.len() {
                    return Err(RiskError::Population(format!(
                        "a tuple has {} values, expected {}",
                        tuple.len(),
                        options.quasi_identifiers.len()
                    )));
                }
                let mut key = Vec::new();
                for v in tuple {
                    push_value(&mut key, v.as_bytes());
                }
                *out.entry(key.into_boxed_slice()).or_insert(0) += count;
            }
            Some(PopulationCounts::Map(out))
        }
        Some(Population::File { path, count_column }) => Some(PopulationCounts::Map(read_population(
            options,
            path,
            count_column.as_deref(),
        )?)),
    })
}

pub(super) fn read_population(
    options: &RiskOptions,
    path: &Path,
    count_column: Option<&str>,
) -> Result<HashMap<Box<[u8]>, u64>, RiskError> {
    let (columns, mut rdr) = open_csv(path, None)?;
    let mut wanted: Vec<&str> = options.quasi_identifiers.iter().map(String::as_str).collect();
    if let Some(c) = count_column {
        wanted.push(c);
    }
    let idx = resolve(&columns, &wanted).map_err(|e| RiskError::Population(format!("{}: {e}", path.display())))?;
    let qn = options.quasi_identifiers.len();
    let gens: Vec<Option<&Generalisation>> = options
        .quasi_identifiers
        .iter()
        .map(|q| options.generalise.get(q))
        .collect();
    let mut out: HashMap<Box<[u8]>, u64> = HashMap::new();
    let mut rec = csv::ByteRecord::new();
    let mut key = Vec::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(RiskError::Population(format!("{}: {e}", path.display()))),
        }
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() != columns.len() {
            return Err(RiskError::Population(format!(
                "{} line {line}: expected {} fields, found {}",
                path.display(),
                columns.len(),
                rec.len()
            )));
        }
        key.clear();
        for (i, &c) in idx[..qn].iter().enumerate() {
            let raw = &rec[c];
            match gens[i] {
                Some(g) => push_value(&mut key, g.apply(&decode(raw)).as_bytes()),
                None => push_value(&mut key, raw),
            }
        }
        let count = match count_column {
            Some(_) => {
                let t = decode(&rec[idx[qn]]);
                t.trim().parse::<u64>().map_err(|_| {
                    RiskError::Population(format!(
                        "{} line {line}: count {t:?} is not a whole number",
                        path.display()
                    ))
                })?
            }
            None => 1,
        };
        match out.get_mut(key.as_slice()) {
            Some(n) => *n += count,
            None => {
                out.insert(key.clone().into_boxed_slice(), count);
            }
        }
    }
    Ok(out)
}

/// Analyses records given as strings. `columns` names the fields of every row.
pub fn analyse<I>(columns: &[String], rows: I, options: &RiskOptions) -> Result<RiskReport, RiskError>
where
    I: IntoIterator<Item = Vec<String>>,
{
    check_options(options)?;
    let mut rows = rows.into_iter();
    let sample: Vec<Vec<String>> = match options.person {
        PersonColumn::Detect => rows.by_ref().take(PERSON_SAMPLE).collect(),
        _ => Vec::new(),
    };
    let person = choose_person(options, columns, &sample);
    let mut a = Analyser::new(options, columns, person)?;
    let population = population_counts(options)?;
    for row in sample.into_iter().chain(rows) {
        a.add(&row, None)?;
    }
    Ok(a.finish(population))
}

/// How many records are read before the person column is chosen.
pub(super) const PERSON_SAMPLE: usize = 1000;

/// Usual names of a column that identifies the person, compared after
/// [`normalise_name`].
pub(super) const PERSON_NAMES: &[&str] = &[
    "fnr",
    "fodselsnr",
    "fodselsnummer",
    "personnr",
    "personnummer",
    "personid",
    "personident",
    "pasientid",
    "pasientnr",
    "pasientnummer",
    "patientid",
    "patientnr",
    "patientnumber",
    "dnr",
    "dnummer",
];

/// Lower case, ø/å/æ as o/a/ae, letters and digits only: `Pasient-ID` → `pasientid`.
pub(super) fn normalise_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        match c {
            'ø' | 'ö' => out.push('o'),
            'å' | 'ä' => out.push('a'),
            'æ' => out.push_str("ae"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

/// Finds the column that identifies the person in a sample of rows, among
/// the columns not in `exclude` (the quasi-identifiers and the sensitive
/// attribute). In order of preference: a usual name of a person id
/// ([`PERSON_NAMES`]: `fnr`, `fødselsnummer`, `pasient_id` …) whose values
/// are person numbers; such a name whatever the values; the leftmost column
/// filled in at least half of the rows where 90 % of the values are valid
/// person numbers (fødselsnummer, D-, H- or FH-number).
pub fn detect_person_column<F: AsRef<[u8]>>(
    columns: &[String],
    sample: &[Vec<F>],
    exclude: &[&str],
) -> Option<(usize, PersonSource)> {
    let excluded = |c: &str| exclude.iter().any(|e| e.trim().eq_ignore_ascii_case(c.trim()));
    let rows: Vec<&Vec<F>> = sample.iter().filter(|r| r.len() == columns.len()).collect();
    let holds_ids = |i: usize| {
        let (mut filled, mut valid) = (0usize, 0usize);
        for r in &rows {
            let v = r[i].as_ref().trim_ascii();
            if v.is_empty() {
                continue;
            }
            filled += 1;
            if std::str::from_utf8(v).is_ok_and(|t| crate::ids::parse_person(t).is_ok()) {
                valid += 1;
            }
        }
        filled > 0 && filled * 2 >= rows.len() && valid * 10 >= filled * 9
    };
    let candidates: Vec<usize> = (0..columns.len()).filter(|&i| !excluded(&columns[i])).collect();
    let named: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&i| PERSON_NAMES.contains(&normalise_name(&columns[i]).as_str()))
        .collect();
    if let Some(&i) = named.iter().find(|&&i| holds_ids(i)).or(named.first()) {
        return Some((i, PersonSource::DetectedByName));
    }
    candidates
        .into_iter()
        .find(|&i| holds_ids(i))
        .map(|i| (i, PersonSource::DetectedByValues))
}

/// The person column the options ask for: given, detected in `sample`, or none.
pub(super) fn choose_person<F: AsRef<[u8]>>(
    options: &RiskOptions,
    columns: &[String],
    sample: &[Vec<F>],
) -> Option<(String, PersonSource)> {
    match &options.person {
        PersonColumn::Off => None,
        PersonColumn::Column(c) => Some((c.clone(), PersonSource::Given)),
        PersonColumn::Detect => {
            let mut exclude: Vec<&str> = options.quasi_identifiers.iter().map(String::as_str).collect();
            exclude.extend(options.sensitive.as_deref());
            detect_person_column(columns, sample, &exclude).map(|(i, source)| (columns[i].clone(), source))
        }
    }
}
