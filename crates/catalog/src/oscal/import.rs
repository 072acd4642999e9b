use super::*;

// ----------------------------------------------------------------- import

pub(super) fn diagnostic(code: &'static str, message: String, hint: &str) -> Diagnostic {
    Diagnostic {
        file: SOURCE.to_owned(),
        line: None,
        code,
        message,
        hint: hint.to_owned(),
    }
}

/// One prop as read: name, namespace, decoded value.
pub(super) struct Prop {
    pub(super) name: String,
    pub(super) ns: Option<String>,
    pub(super) value: String,
}

pub(super) fn props_of(object: &Map<String, Value>) -> Vec<Prop> {
    let Some(list) = object.get("props").and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|p| {
            Some(Prop {
                name: p.get("name")?.as_str()?.to_owned(),
                ns: p.get("ns").and_then(Value::as_str).map(str::to_owned),
                value: decode(p.get("value")?.as_str()?),
            })
        })
        .collect()
}

pub(super) fn ours<'p>(props: &'p [Prop], name: &'p str) -> impl Iterator<Item = &'p str> + 'p {
    props
        .iter()
        .filter(move |p| p.name == name && p.ns.as_deref() == Some(ETTERLEV_NS))
        .map(|p| p.value.as_str())
}

pub(super) fn our_first(props: &[Prop], name: &str) -> Option<String> {
    ours(props, name).next().map(str::to_owned)
}

pub(super) fn parts_of(object: &Map<String, Value>) -> Vec<&Map<String, Value>> {
    object
        .get("parts")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default()
}

pub(super) fn part_ns(part: &Map<String, Value>) -> Option<&str> {
    part.get("ns").and_then(Value::as_str)
}

pub(super) fn part_name(part: &Map<String, Value>) -> &str {
    part.get("name").and_then(Value::as_str).unwrap_or_default()
}

pub(super) fn our_prose(parts: &[&Map<String, Value>], name: &str) -> Option<String> {
    parts
        .iter()
        .find(|p| part_name(p) == name && part_ns(p) == Some(ETTERLEV_NS))
        .and_then(|p| p.get("prose").and_then(Value::as_str))
        .map(str::to_owned)
}

pub(super) fn our_text(parts: &[&Map<String, Value>], name: &str) -> Option<LocalText> {
    our_prose(parts, name).map(|nb| LocalText::new(nb, our_prose(parts, &format!("{name}-en"))))
}

/// The prose of a foreign part and its sub-parts, each line led by its
/// label ("a.", "1."), as one text.
pub(super) fn flatten_prose(part: &Map<String, Value>, depth: usize, out: &mut Vec<String>) {
    let label = props_of(part).into_iter().find(|p| p.name == "label").map(|p| p.value);
    let prose = part
        .get("prose")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let indent = "  ".repeat(depth);
    match (label, prose) {
        (Some(label), Some(prose)) => out.push(format!("{indent}{label} {prose}")),
        (None, Some(prose)) => out.push(format!("{indent}{prose}")),
        (Some(label), None) => out.push(format!("{indent}{label}")),
        (None, None) => {}
    }
    let deeper = if part.contains_key("prose") { depth + 1 } else { depth };
    for sub in parts_of(part) {
        flatten_prose(sub, deeper, out);
    }
}

/// Letters, digits, '.', '_' and '-', starting with a letter or digit, at
/// most 80 characters: our node id pattern.
pub(crate) fn sanitize_node_id(raw: &str) -> Option<String> {
    let mut out = String::new();
    for c in raw.trim().chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .trim_end_matches('-');
    let cut: String = trimmed.chars().take(80).collect();
    let cut = cut.trim_end_matches('-').to_owned();
    (!cut.is_empty()).then_some(cut)
}

/// A node id not used yet: `base`, else `base-2`, `base-3` … within 80 chars.
pub(crate) fn unique_id(base: &str, used: &mut HashSet<String>) -> String {
    let mut candidate = base.to_owned();
    let mut n = 2;
    while used.contains(&candidate) {
        let suffix = format!("-{n}");
        let keep: String = base.chars().take(80 - suffix.len()).collect();
        candidate = format!("{keep}{suffix}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

/// A version our schema accepts (`^[0-9A-Za-z][0-9A-Za-z.\-]{0,31}$`).
pub(crate) fn sanitize_version(raw: &str) -> Option<String> {
    let mapped: String = raw
        .trim()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '-' })
        .collect();
    let trimmed = mapped.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
    let cut: String = trimmed.chars().take(32).collect();
    (!cut.is_empty()).then_some(cut)
}

pub(super) fn trimmed(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

pub(super) fn is_http_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && s.split_once("://").is_some_and(|(_, rest)| !rest.is_empty())
        && !s.chars().any(char::is_whitespace)
}

pub(super) struct Import<'v> {
    /// Whether the document is one of our exports (restore exactly).
    pub(super) ours: bool,
    /// Parameter id to the text that stands in for it in foreign prose.
    pub(super) params: HashMap<String, String>,
    pub(super) resources: HashMap<&'v str, &'v Map<String, Value>>,
    pub(super) nodes: Vec<(Node, Option<usize>)>,
    pub(super) used: HashSet<String>,
    pub(super) problems: Vec<Diagnostic>,
}

impl<'v> Import<'v> {
    pub(super) fn reference(&self, resource: &Map<String, Value>, fallback: &str) -> Reference {
        let props = props_of(resource);
        let kind = our_first(&props, "reference-kind")
            .and_then(|k| parse_reference_kind(&k))
            .unwrap_or(ReferenceKind::Other);
        let oscal_title = resource.get("title").and_then(Value::as_str);
        let title = our_first(&props, "title")
            .or_else(|| {
                if self.ours {
                    oscal_title.map(str::to_owned)
                } else {
                    trimmed(oscal_title)
                }
            })
            .or_else(|| {
                trimmed(
                    resource
                        .get("citation")
                        .and_then(|c| c.get("text"))
                        .and_then(Value::as_str),
                )
            })
            .or_else(|| trimmed(resource.get("description").and_then(Value::as_str)))
            .unwrap_or_else(|| fallback.to_owned());
        let href = resource
            .get("rlinks")
            .and_then(Value::as_array)
            .and_then(|l| l.iter().find_map(|r| r.get("href").and_then(Value::as_str)));
        let url = our_first(&props, "url").or_else(|| href.filter(|h| is_http_url(h)).map(str::to_owned));
        Reference {
            kind,
            title,
            section: our_first(&props, "section"),
            url,
            page: our_first(&props, "page"),
        }
    }

    pub(super) fn references(&self, object: &Map<String, Value>) -> Vec<Reference> {
        let Some(links) = object.get("links").and_then(Value::as_array) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for link in links.iter().filter_map(Value::as_object) {
            let Some(href) = link.get("href").and_then(Value::as_str) else {
                continue;
            };
            let rel = link.get("rel").and_then(Value::as_str);
            let text = trimmed(link.get("text").and_then(Value::as_str));
            if let Some(uuid) = href.strip_prefix('#') {
                if let Some(resource) = self.resources.get(uuid) {
                    out.push(self.reference(resource, text.as_deref().unwrap_or(href)));
                }
            } else if rel == Some("reference") && is_http_url(href) {
                let title = text.unwrap_or_else(|| href.to_owned());
                out.push(Reference {
                    kind: ReferenceKind::Other,
                    title,
                    section: None,
                    url: Some(href.to_owned()),
                    page: None,
                });
            }
        }
        out
    }

    pub(super) fn enum_values<T>(
        &mut self,
        props: &[Prop],
        name: &str,
        parse: fn(&str) -> Option<T>,
        id: &str,
    ) -> Vec<T> {
        let mut out = Vec::new();
        for value in ours(props, name) {
            match parse(value) {
                Some(v) => out.push(v),
                None => self.problems.push(diagnostic(
                    "oscal-value",
                    format!("node `{id}`: `{value}` is not a valid {name}"),
                    "use a value from catalog/schema/catalog.schema.json",
                )),
            }
        }
        out
    }

    /// The node a group or control stands for.
    pub(super) fn node(
        &mut self,
        object: &Map<String, Value>,
        parent: Option<&str>,
        default_kind: NodeKind,
        as_group: bool,
    ) -> Node {
        let props = props_of(object);
        let oscal_id = object.get("id").and_then(Value::as_str).unwrap_or_default();
        let id = match our_first(&props, "etterlev-id") {
            Some(id) if self.ours => {
                self.used.insert(id.clone());
                id
            }
            _ => {
                let base = sanitize_node_id(oscal_id).unwrap_or_else(|| format!("node-{}", self.nodes.len() + 1));
                unique_id(&base, &mut self.used)
            }
        };
        let kind = match our_first(&props, "kind") {
            Some(kind) if self.ours => NodeKind::parse(&kind).unwrap_or_else(|| {
                self.problems.push(diagnostic(
                    "oscal-value",
                    format!("node `{id}`: `{kind}` is not a node kind"),
                    "kinds are chapter, section, requirement, recommendation and guidance",
                ));
                default_kind
            }),
            _ => object
                .get("class")
                .and_then(Value::as_str)
                .and_then(NodeKind::parse)
                .filter(|k| k.is_structural() == as_group)
                .unwrap_or(default_kind),
        };
        // OSCAL marks a withdrawn control with the prop `status: withdrawn`
        // (NIST's rev4 catalog writes `Withdrawn`); it stays as guidance.
        let withdrawn = if self.ours {
            our_first(&props, "withdrawn").as_deref() == Some("true")
        } else {
            props
                .iter()
                .any(|p| p.ns.is_none() && p.name == "status" && p.value.trim().eq_ignore_ascii_case("withdrawn"))
        };
        let kind = if withdrawn && kind.is_assessable() {
            NodeKind::Guidance
        } else {
            kind
        };
        let number = props
            .iter()
            .find(|p| p.name == "label" && p.ns.is_none())
            .or_else(|| props.iter().find(|p| p.name == "label"))
            .map(|p| p.value.clone());
        let number = if self.ours {
            number
        } else {
            number.and_then(|n| trimmed(Some(&n)))
        };
        let oscal_title = object.get("title").and_then(Value::as_str);
        let parts = parts_of(object);

        let (title, text, verified);
        if self.ours {
            let nb = our_first(&props, "title")
                .or(oscal_title.map(str::to_owned))
                .unwrap_or_else(|| id.clone());
            title = restored(&props, "title", nb, our_first(&props, "title-en"));
            let prose = parts
                .iter()
                .find(|p| part_ns(p).is_none() && matches!(part_name(p), "statement" | "overview" | "guidance"))
                .and_then(|p| p.get("prose").and_then(Value::as_str));
            text = prose.map(|nb| restored(&props, "text", nb.to_owned(), our_prose(&parts, "text-en")));
            verified = match our_first(&props, "verified").as_deref() {
                Some("true") => true,
                Some("false") | None => false,
                Some(other) => {
                    self.problems.push(diagnostic(
                        "oscal-value",
                        format!("node `{id}`: verified is `{other}`, not true or false"),
                        "verified is true or false",
                    ));
                    false
                }
            };
        } else {
            let nb = trimmed(oscal_title).unwrap_or_else(|| id.clone());
            title = LocalText::new(nb.clone(), Some(nb));
            let mut lines = Vec::new();
            for name in ["statement", "overview", "guidance"] {
                if let Some(part) = parts.iter().find(|p| part_name(p) == name) {
                    flatten_prose(part, 0, &mut lines);
                }
                if !lines.is_empty() {
                    break;
                }
            }
            if withdrawn && lines.is_empty() {
                lines.push(withdrawn_note(object));
            }
            let joined = substitute_params(&lines.join("\n"), &self.params);
            text = match trimmed(Some(&joined)) {
                Some(t) => Some(LocalText::new(t.clone(), Some(t))),
                None if kind.is_assessable() => Some(title.clone()),
                None => None,
            };
            verified = false;
        }

        let enterprise_kinds = self.enum_values(&props, "enterprise-kind", etterlev_core::TenantKind::parse, &id);
        let size_classes = self.enum_values(&props, "size-class", etterlev_core::SizeClass::parse, &id);
        let conditions = self.enum_values(&props, "condition", etterlev_core::Condition::parse, &id);
        let note = our_text(&parts, "applicability-note");
        let applicability = (our_first(&props, "applicability").is_some()
            || !enterprise_kinds.is_empty()
            || !size_classes.is_empty()
            || !conditions.is_empty()
            || note.is_some())
        .then_some(Applicability {
            enterprise_kinds,
            size_classes,
            conditions,
            note,
        });
        // Exports made before questions named their good answer and todo
        // read as "yes is good" without a todo.
        let question = our_text(&parts, "question").map(|q| Question {
            nb: q.nb,
            en: q.en,
            good_answer: our_prose(&parts, "question-good-answer")
                .and_then(|g| etterlev_core::GoodAnswer::parse(g.trim()))
                .unwrap_or(etterlev_core::GoodAnswer::Yes),
            help: our_text(&parts, "question-help"),
            todo: match (
                our_text(&parts, "question-todo-title"),
                our_text(&parts, "question-todo-text"),
            ) {
                (Some(title), Some(text)) => Some(Todo { title, text }),
                _ => None,
            },
        });
        Node {
            id,
            parent: parent.map(str::to_owned),
            replaces: ours(&props, "replaces").map(str::to_owned).collect(),
            kind,
            withdrawn,
            number,
            numbering: our_first(&props, "numbering").and_then(|n| super::numbering_from(&n)),
            title,
            text,
            applicability,
            tags: ours(&props, "tag").map(str::to_owned).collect(),
            references: self.references(object),
            related: ours(&props, "related").map(str::to_owned).collect(),
            question,
            verified,
            checks: ours(&props, "check-date")
                .zip(ours(&props, "check-url"))
                .zip(ours(&props, "check-confirmed"))
                .map(|((date, url), confirmed)| crate::model::SourceCheck {
                    date: date.to_owned(),
                    url: url.to_owned(),
                    confirmed: confirmed.to_owned(),
                })
                .collect(),
        }
    }

    pub(super) fn push(&mut self, node: Node, object: &Map<String, Value>) -> String {
        let order = our_first(&props_of(object), "order")
            .and_then(|o| o.parse().ok())
            .filter(|_| self.ours);
        let id = node.id.clone();
        self.nodes.push((node, order));
        id
    }

    pub(super) fn group(&mut self, group: &Map<String, Value>, parent: Option<&str>) {
        let wrapper = self.ours && group.get("class").and_then(Value::as_str) == Some(WRAPPER_CLASS);
        let id = if wrapper {
            parent.map(str::to_owned)
        } else {
            let default = if parent.is_none() {
                NodeKind::Chapter
            } else {
                NodeKind::Section
            };
            let node = self.node(group, parent, default, true);
            Some(self.push(node, group))
        };
        for child in group
            .get("groups")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
        {
            self.group(child, id.as_deref());
        }
        for child in group
            .get("controls")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
        {
            self.control(child, id.as_deref());
        }
    }

    pub(super) fn control(&mut self, control: &Map<String, Value>, parent: Option<&str>) {
        let node = self.node(control, parent, NodeKind::Requirement, false);
        let id = self.push(node, control);
        for child in control
            .get("controls")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
        {
            self.control(child, Some(&id));
        }
    }
}

/// "Withdrawn; incorporated into ac-6, ac-2." from a withdrawn control's
/// `incorporated-into` and `moved-to` links.
pub(super) fn withdrawn_note(object: &Map<String, Value>) -> String {
    let targets = |rel: &str| -> Vec<String> {
        object
            .get("links")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|l| l.get("rel").and_then(Value::as_str) == Some(rel))
            .filter_map(|l| l.get("href").and_then(Value::as_str))
            .map(|h| h.trim_start_matches('#').to_owned())
            .filter(|h| !h.is_empty())
            .collect()
    };
    let mut note = "Withdrawn".to_owned();
    for (rel, words) in [("incorporated-into", "incorporated into"), ("moved-to", "moved to")] {
        let list = targets(rel);
        if !list.is_empty() {
            note.push_str(&format!("; {words} {}", list.join(", ")));
        }
    }
    note.push('.');
    note
}

/// Every parameter of a foreign catalog by id (the first one wins).
pub(super) fn collect_params<'v>(value: &'v Value, out: &mut HashMap<String, &'v Map<String, Value>>) {
    match value {
        Value::Object(map) => {
            for param in map
                .get("params")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
            {
                if let Some(id) = param.get("id").and_then(Value::as_str) {
                    out.entry(id.to_owned()).or_insert(param);
                }
            }
            map.values().for_each(|v| collect_params(v, out));
        }
        Value::Array(list) => list.iter().for_each(|v| collect_params(v, out)),
        _ => {}
    }
}

/// How deep parameters may refer to parameters before we stop resolving
/// (a loop in a broken catalog must not recurse for ever).
pub(super) const MAX_PARAM_DEPTH: usize = 8;

/// The text that stands in for a parameter, as OSCAL defines it and NIST
/// renders it: its set value(s); else its choices, "[Selection (one or
/// more): a; b]"; else its label, "[Assignment: label]". Parameters inside
/// choices and labels are resolved too.
pub(super) fn render_param(id: &str, raw: &HashMap<String, &Map<String, Value>>, depth: usize) -> String {
    let fallback = || format!("[Assignment: {id}]");
    let Some(param) = raw.get(id) else {
        return fallback();
    };
    if depth >= MAX_PARAM_DEPTH {
        return fallback();
    }
    let inner = |text: &str| {
        let resolved = substitute_with(text, &|p: &str| Some(render_param(p, raw, depth + 1)));
        resolved.trim().to_owned()
    };
    let strings = |value: Option<&Value>| -> Vec<String> {
        value
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(inner)
            .filter(|s| !s.is_empty())
            .collect()
    };
    let values = strings(param.get("values"));
    if !values.is_empty() {
        return values.join(", ");
    }
    let select = param.get("select");
    let choices = strings(select.and_then(|s| s.get("choice")));
    if !choices.is_empty() {
        let many = select.and_then(|s| s.get("how-many")).and_then(Value::as_str) == Some("one-or-more");
        let lead = if many { "Selection (one or more)" } else { "Selection" };
        return format!("[{lead}: {}]", choices.join("; "));
    }
    match param.get("label").and_then(Value::as_str).map(inner) {
        Some(label) if !label.is_empty() => format!("[Assignment: {label}]"),
        _ => fallback(),
    }
}

/// The text for every parameter of a foreign catalog, by id.
pub(super) fn param_texts(value: &Value) -> HashMap<String, String> {
    let mut raw = HashMap::new();
    collect_params(value, &mut raw);
    raw.keys().map(|id| (id.clone(), render_param(id, &raw, 0))).collect()
}

/// Foreign prose with `{{ insert: param, id }}` replaced by the parameter's
/// text; other moustaches are left as they are.
pub(super) fn substitute_params(prose: &str, params: &HashMap<String, String>) -> String {
    substitute_with(prose, &|id: &str| {
        Some(params.get(id).cloned().unwrap_or_else(|| format!("[Assignment: {id}]")))
    })
}

/// `prose` with each `{{ insert: param, id }}` replaced by `lookup(id)`.
pub(super) fn substitute_with(prose: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(prose.len());
    let mut rest = prose;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else { break };
        let inner = &rest[start + 2..start + len];
        let mut fields = inner.trim().splitn(2, ',');
        let replacement = match (fields.next().map(str::trim), fields.next().map(str::trim)) {
            (Some("insert: param"), Some(id)) => lookup(id),
            _ => None,
        };
        out.push_str(&rest[..start]);
        match replacement {
            Some(text) => out.push_str(&text),
            None => out.push_str(&rest[start..start + len + 2]),
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// Reads an OSCAL catalog document (JSON). Our own exports come back equal
/// to the catalogue exported; foreign catalogs get defaults for what they
/// lack. The result passes the same checks as a catalogue file, or the
/// problems come back as diagnostics.
pub fn from_oscal(json: &[u8]) -> Result<Catalog, Vec<Diagnostic>> {
    if json.len() > MAX_FILE_BYTES {
        return Err(vec![diagnostic(
            "too-large",
            format!("document is {} bytes; the limit is {MAX_FILE_BYTES}", json.len()),
            "split the catalog or check that this is the right file",
        )]);
    }
    let value: Value = serde_json::from_slice(json).map_err(|e| {
        vec![Diagnostic {
            file: SOURCE.to_owned(),
            line: Some(e.line() as u64).filter(|&l| l > 0),
            code: "json",
            message: e.to_string(),
            hint: "an OSCAL catalog in JSON format is expected; XML and YAML are not read".to_owned(),
        }]
    })?;
    let Some(root) = value.get("catalog").and_then(Value::as_object) else {
        let found = value
            .as_object()
            .and_then(|o| o.keys().next().cloned())
            .unwrap_or_else(|| "no object".to_owned());
        return Err(vec![diagnostic(
            "not-a-catalog",
            format!("no top-level `catalog` object (found {found})"),
            "only the OSCAL catalog model can be imported; resolve a profile to a catalog first",
        )]);
    };
    let empty = Map::new();
    let metadata = root.get("metadata").and_then(Value::as_object).unwrap_or(&empty);
    let meta = props_of(metadata);
    let ours = our_first(&meta, "schema").is_some();

    let mut resources = HashMap::new();
    let back_matter = root
        .get("back-matter")
        .and_then(|b| b.get("resources"))
        .and_then(Value::as_array);
    for resource in back_matter.into_iter().flatten().filter_map(Value::as_object) {
        if let Some(uuid) = resource.get("uuid").and_then(Value::as_str) {
            resources.entry(uuid).or_insert(resource);
        }
    }
    let params = if ours { HashMap::new() } else { param_texts(&value) };
    let mut import = Import {
        ours,
        params,
        resources,
        nodes: Vec::new(),
        used: HashSet::new(),
        problems: Vec::new(),
    };
    // Controls first, as they come before groups in the OSCAL model; our
    // exports put every node back in place by its `order` prop.
    for control in root
        .get("controls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
    {
        import.control(control, None);
    }
    for group in root
        .get("groups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
    {
        import.group(group, None);
    }
    let mut nodes = std::mem::take(&mut import.nodes);
    if ours {
        nodes.sort_by_key(|(_, order)| order.unwrap_or(usize::MAX));
    }
    let nodes: Vec<Node> = nodes.into_iter().map(|(n, _)| n).collect();

    let oscal_title = metadata.get("title").and_then(Value::as_str);
    let remarks = metadata.get("remarks").and_then(Value::as_str);
    let party = metadata
        .get("parties")
        .and_then(Value::as_array)
        .and_then(|l| l.iter().find_map(|p| trimmed(p.get("name").and_then(Value::as_str))));
    let oscal_version = metadata.get("version").and_then(Value::as_str).map(decode);
    let catalog = if ours {
        let title = our_first(&meta, "title")
            .or(oscal_title.map(str::to_owned))
            .unwrap_or_default();
        let short_title =
            our_first(&meta, "short-title").map(|nb| LocalText::new(nb, our_first(&meta, "short-title-en")));
        let mut sources = Vec::new();
        for resource in back_matter.into_iter().flatten().filter_map(Value::as_object) {
            if our_first(&props_of(resource), "role").as_deref() == Some("source") {
                sources.push(import.reference(resource, "source"));
            }
        }
        let status = match our_first(&meta, "status") {
            Some(s) => parse_status(&s).or_else(|| {
                import.problems.push(diagnostic(
                    "oscal-value",
                    format!("`{s}` is not a catalogue status"),
                    "statuses are official, summary, draft and fixture",
                ));
                None
            }),
            None => None,
        };
        Catalog {
            schema: our_first(&meta, "schema").unwrap_or_else(|| CATALOG_SCHEMA.to_owned()),
            id: our_first(&meta, "catalog-id").unwrap_or_default(),
            version: oscal_version.unwrap_or_default(),
            title: restored(&meta, "title", title, our_first(&meta, "title-en")),
            short_title,
            publisher: our_first(&meta, "publisher").or(party).unwrap_or_default(),
            languages: ours_list(&meta, "language"),
            date: our_first(&meta, "date").unwrap_or_default(),
            status,
            description: remarks
                .map(|nb| restored(&meta, "description", nb.to_owned(), our_first(&meta, "description-en"))),
            source: sources,
            last_source_check: our_first(&meta, "last-source-check"),
            numbering: our_first(&meta, "numbering").and_then(|n| super::numbering_from(&n)),
            nodes,
        }
    } else {
        let title = trimmed(oscal_title).unwrap_or_else(|| "Imported OSCAL catalog".to_owned());
        let date = ["published", "last-modified"]
            .iter()
            .filter_map(|k| metadata.get(*k).and_then(Value::as_str))
            .filter_map(|ts| ts.get(..10))
            .find(|d| is_oscal_date(d))
            .unwrap_or("1970-01-01")
            .to_owned();
        let description = trimmed(remarks).map(|r| LocalText::new(r.clone(), Some(r)));
        Catalog {
            schema: CATALOG_SCHEMA.to_owned(),
            id: foreign_id(&oscal_publisher(metadata), &short_reference(&title)),
            version: oscal_version
                .as_deref()
                .and_then(sanitize_version)
                .unwrap_or_else(|| "1".to_owned()),
            title: LocalText::new(title.clone(), Some(title.clone())),
            short_title: None,
            publisher: party.unwrap_or_else(|| "Unknown publisher".to_owned()),
            languages: vec!["en".to_owned()],
            date,
            status: Some(CatalogStatus::Draft),
            description,
            source: vec![Reference {
                kind: ReferenceKind::Other,
                title: format!("{title} (OSCAL catalog)"),
                section: None,
                url: None,
                page: None,
            }],
            last_source_check: None,
            numbering: Some(crate::model::Numbering::Source),
            nodes,
        }
    };
    let mut problems = import.problems;
    if problems.is_empty() {
        problems = load::check(SOURCE, &catalog);
    }
    if problems.is_empty() {
        Ok(catalog)
    } else {
        Err(problems)
    }
}

/// A short name for the publisher of a foreign catalog, for its id: the
/// first party's short name, else the name in its e-mail domain
/// (`sec-cert@nist.gov` gives `nist`), else its name.
pub(super) fn oscal_publisher(metadata: &Map<String, Value>) -> String {
    let parties: Vec<&Map<String, Value>> = metadata
        .get("parties")
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let short = parties
        .iter()
        .find_map(|p| trimmed(p.get("short-name").and_then(Value::as_str)));
    let domain = || {
        parties.iter().find_map(|p| {
            let email = p.get("email-addresses")?.as_array()?.iter().find_map(Value::as_str)?;
            let domain = email.rsplit_once('@')?.1;
            let labels: Vec<&str> = domain.split('.').filter(|l| !l.is_empty()).collect();
            let name = labels.len().checked_sub(2).and_then(|i| labels.get(i))?;
            trimmed(Some(name))
        })
    };
    let name = || {
        parties
            .iter()
            .find_map(|p| trimmed(p.get("name").and_then(Value::as_str)))
    };
    short
        .or_else(domain)
        .or_else(name)
        .unwrap_or_else(|| "oscal".to_owned())
}

pub(super) fn ours_list(props: &[Prop], name: &str) -> Vec<String> {
    ours(props, name).map(str::to_owned).collect()
}
