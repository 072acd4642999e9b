//! One requirement of an assessment: the answer form with optimistic
//! locking, and evidence (uploaded files and links).
//!
//! Uploads are checked here, not in the store: at most [`MAX_FILE_BYTES`],
//! not empty, and of a type recognised from the bytes themselves (PDF, PNG,
//! JPEG, Word and Excel files, plain text and CSV). What the browser claims
//! the type is does not count. Downloads are attachments with the type found
//! at upload and `nosniff`, so a file never renders as a page of this site.

use askama::Template;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use etterlev_catalog::{Catalog, CatalogSet, Node};
use etterlev_core::{AnswerStatus, Maturity};
use etterlev_store::{
    Answer, AnswerInput, Assessment, ConflictWith, Evidence, EvidenceKind, RequirementRef, SecurityMeasure, StoreError,
};
use serde::Deserialize;

use super::pages::{
    OWNER_MAX, Opt, assessable_node, assessment, can_edit, catalog_of, is_date, loaded, maturity_name, status_name,
    tenant_store, text,
};
use crate::AppState;
use crate::kit::error::{AppError, AppResult, url_encode};
use crate::kit::i18n::Tr;
use crate::kit::session::Auth;
use crate::kit::{Form, Layout, field, object_id, render_status};

/// The largest evidence file.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The upload route's body limit: a file just over the limit is still read
/// to the end, so the browser gets the clear message instead of a reset
/// connection; anything bigger is cut off.
pub const UPLOAD_BODY_MAX: usize = 2 * MAX_FILE_BYTES + 64 * 1024;
pub const COMMENT_MAX: usize = 5000;
pub const REASON_MAX: usize = 2000;
const FILENAME_MAX: usize = 200;
const LINK_TITLE_MAX: usize = 200;
const URL_MAX: usize = 2000;

// ------------------------------------------------------------------ content sniffing

/// A file type we accept, recognised from the first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Png,
    Jpeg,
    Docx,
    Xlsx,
    Text,
    Csv,
}

impl FileType {
    pub fn content_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
            FileType::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Text => "text/plain; charset=utf-8",
            FileType::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// The type of a file from its bytes; `None` for anything we do not accept.
/// The file name only tells CSV from other text.
pub fn sniff(bytes: &[u8], filename: &str) -> Option<FileType> {
    if bytes.starts_with(b"%PDF-") {
        return Some(FileType::Pdf);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(FileType::Png);
    }
    if bytes.starts_with(b"\xFF\xD8\xFF") {
        return Some(FileType::Jpeg);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // Office files are zip archives with a content-types part; the
        // main part's name tells Word from Excel. Names in zip headers
        // are stored uncompressed.
        if !contains(bytes, b"[Content_Types].xml") {
            return None;
        }
        if contains(bytes, b"word/document.xml") {
            return Some(FileType::Docx);
        }
        if contains(bytes, b"xl/workbook.xml") {
            return Some(FileType::Xlsx);
        }
        return None;
    }
    if !bytes.is_empty() && !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok() {
        let csv = filename.to_ascii_lowercase().ends_with(".csv");
        return Some(if csv { FileType::Csv } else { FileType::Text });
    }
    None
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The name to store: the last path component, without control
/// characters, at most [`FILENAME_MAX`] characters; "file" when nothing is left.
pub fn clean_filename(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = last
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(FILENAME_MAX)
        .collect();
    let name = name.trim().trim_start_matches('.').trim().to_string();
    if name.is_empty() { "file".to_string() } else { name }
}

/// `Content-Disposition: attachment` with an ASCII fallback name and the
/// real one in RFC 5987 form.
fn attachment(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = percent_encode(filename);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) fn human_size(bytes: i64) -> String {
    let b = bytes.max(0) as f64;
    if b < 1024.0 {
        format!("{bytes} B")
    } else if b < 1024.0 * 1024.0 {
        format!("{:.0} KiB", b / 1024.0)
    } else {
        format!("{:.1} MiB", b / 1024.0 / 1024.0)
    }
}

// ------------------------------------------------------------------ the page

/// The form's values as typed (or as stored).
#[derive(Debug, Clone, Default)]
pub(crate) struct Values {
    status: String,
    maturity: String,
    owner: String,
    due_date: String,
    comment: String,
    na_reason: String,
    version: i64,
}

impl Values {
    fn of(a: Option<&Answer>) -> Self {
        match a {
            Some(a) => Values {
                status: a.status.as_str().to_owned(),
                maturity: a.maturity.map(|m| m.level().to_string()).unwrap_or_default(),
                owner: a.owner.clone().unwrap_or_default(),
                due_date: a.due_date.clone().unwrap_or_default(),
                comment: a.comment.clone().unwrap_or_default(),
                na_reason: a.na_reason.clone().unwrap_or_default(),
                version: a.version,
            },
            None => Values::default(),
        }
    }
}

/// The stored answer shown beside a conflicting user's input.
struct StoredView {
    status: String,
    maturity: Option<String>,
    owner: Option<String>,
    due_date: Option<String>,
    comment: Option<String>,
    na_reason: Option<String>,
    by: String,
    at: String,
}

impl StoredView {
    fn new(a: &Answer, tr: &Tr) -> Self {
        StoredView {
            status: status_name(tr, a.status),
            maturity: a.maturity.map(|m| maturity_name(tr, m)),
            owner: a.owner.clone(),
            due_date: a.due_date.clone(),
            comment: a.comment.clone(),
            na_reason: a.na_reason.clone(),
            by: a.updated_by.clone().unwrap_or_else(|| "–".into()),
            at: tr.datetime(&a.updated_at),
        }
    }
}

struct EvidenceView {
    id: String,
    link: bool,
    name: String,
    url: Option<String>,
    size: Option<String>,
    content_type: Option<String>,
    sha256: Option<String>,
    added: String,
    /// YYYY-MM-DD, for the date field.
    valid_until: String,
    expired: bool,
}

impl EvidenceView {
    fn new(e: &Evidence, tr: &Tr) -> Self {
        EvidenceView {
            id: e.id.clone(),
            link: e.kind == EvidenceKind::Link,
            name: e
                .filename
                .clone()
                .or_else(|| e.url.clone())
                .unwrap_or_else(|| e.id.clone()),
            url: e.url.clone(),
            size: e.size.map(human_size),
            content_type: e.content_type.clone(),
            sha256: e.sha256.clone(),
            added: tr.datetime(&e.created_at),
            valid_until: e.valid_until.clone().unwrap_or_default(),
            expired: e
                .valid_until
                .as_deref()
                .is_some_and(|d| d < crate::kit::dates::today().to_string().as_str()),
        }
    }
}

struct MaturityOpt {
    value: String,
    label: String,
    selected: bool,
}

/// What to show besides the stored state: the user's input and messages.
#[derive(Default)]
pub(crate) struct Extra {
    values: Option<Values>,
    errors: Vec<String>,
    conflict: Option<Answer>,
    upload_error: Option<String>,
    link_error: Option<String>,
    link_url: String,
    link_title: String,
    notice: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "assessment/requirement.html")]
struct RequirementPage {
    l: Layout,
    id: String,
    title: String,
    closed: bool,
    catalog_key: String,
    node_id: String,
    label: String,
    node_title: String,
    node_text: Option<String>,
    question: Option<String>,
    chapter: String,
    kind_label: String,
    excluded: bool,
    values: Values,
    statuses: Vec<Opt>,
    maturities: Vec<MaturityOpt>,
    errors: Vec<String>,
    conflict: Option<StoredView>,
    needs_review: bool,
    updated: Option<String>,
    gap: bool,
    evidence: Vec<EvidenceView>,
    can_edit: bool,
    upload_error: Option<String>,
    link_error: Option<String>,
    link_url: String,
    link_title: String,
    max_mib: usize,
    prev: Option<String>,
    next: Option<String>,
    measures: MeasuresPart,
}

fn find_node<'a>(catalog: &'a Catalog, node_id: &str) -> AppResult<&'a Node> {
    assessable_node(catalog, node_id).ok_or(AppError::NotFound)
}

pub(crate) async fn page(
    state: &AppState,
    auth: &Auth,
    id: &str,
    node_id: &str,
    extra: Extra,
    status: StatusCode,
) -> AppResult<Response> {
    let ts = tenant_store(state, auth)?;
    let a = assessment(&ts, id).await?;
    let loaded = loaded(state).await?;
    let catalog = catalog_of(&loaded, &a)?;
    let node = find_node(catalog, node_id)?;
    let answers = ts.answers(&a.id).await?;
    let stored = answers.iter().find(|x| x.node_id == node.id);
    let evidence = ts.evidence(&a.id).await?;
    let all_measures = ts.measures().await?;
    let mut l = Layout::for_user(auth);
    if let Some(key) = extra.notice {
        l = l.with_notice(key);
    }
    let tr = l.tr;
    let sheet = super::pages::Sheet::new(catalog, &a.profile, &answers);
    let here = sheet.rows.iter().position(|r| r.node.id == node.id);
    let prev = here
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| sheet.rows.get(i))
        .map(|r| r.node.id.clone());
    let next = here.and_then(|i| sheet.rows.get(i + 1)).map(|r| r.node.id.clone());
    let chapter = catalog
        .ancestors(node)
        .last()
        .map(|c| format!("{} {}", c.label(), text(&c.title, &tr)))
        .unwrap_or_default();
    let values = extra.values.unwrap_or_else(|| Values::of(stored));
    let statuses = AnswerStatus::ALL
        .iter()
        .map(|s| Opt {
            value: s.as_str().to_owned(),
            label: status_name(&tr, *s),
            selected: values.status == s.as_str(),
        })
        .collect();
    let maturities = Maturity::all()
        .map(|m| MaturityOpt {
            value: m.level().to_string(),
            label: maturity_name(&tr, m),
            selected: values.maturity == m.level().to_string(),
        })
        .collect();
    let current_status = stored.map_or(AnswerStatus::NotStarted, |s| s.status);
    let page = RequirementPage {
        id: a.id.clone(),
        title: a.title.clone(),
        closed: a.closed,
        catalog_key: a.catalog_key.clone(),
        node_id: node.id.clone(),
        label: node.label().to_owned(),
        node_title: text(&node.title, &tr),
        node_text: node.text.as_ref().map(|t| text(t, &tr)),
        question: node.question.as_ref().map(|q| text(&q.text(), &tr)),
        chapter,
        kind_label: tr.msg(&format!("node-kind-{}", node.kind.as_str())),
        excluded: here.is_none(),
        statuses,
        maturities,
        errors: extra.errors,
        conflict: extra.conflict.as_ref().map(|c| StoredView::new(c, &tr)),
        needs_review: stored.is_some_and(|s| s.needs_review),
        updated: stored.map(|s| {
            tr.msg_with(
                "answer-updated",
                &[
                    ("at", tr.datetime(&s.updated_at)),
                    ("by", s.updated_by.clone().unwrap_or_else(|| "–".into())),
                ],
            )
        }),
        gap: current_status.is_gap(),
        evidence: evidence
            .iter()
            .filter(|e| e.node_id == node.id)
            .map(|e| EvidenceView::new(e, &tr))
            .collect(),
        can_edit: can_edit(ts.scope()) && !a.closed,
        upload_error: extra.upload_error,
        link_error: extra.link_error,
        link_url: extra.link_url,
        link_title: extra.link_title,
        max_mib: MAX_FILE_BYTES / (1024 * 1024),
        measures: measures_part(
            &tr,
            &loaded.set,
            &all_measures,
            &RequirementRef {
                catalog_key: a.catalog_key.clone(),
                node_id: node.id.clone(),
            },
        ),
        values,
        prev,
        next,
        l,
    };
    Ok(render_status(status, &page))
}

pub async fn form(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, node_id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> AppResult<Response> {
    let flags: Vec<String> = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .map(|(k, _)| k.into_owned())
        .collect();
    let has = |k: &str| flags.iter().any(|f| f == k);
    let notice = if has("saved") && has("uploaded") {
        Some("answer-saved-evidence-added")
    } else if has("saved") {
        Some("answer-saved")
    } else if has("uploaded") {
        Some("evidence-added")
    } else if has("deleted") {
        Some("evidence-deleted")
    } else if has("cited") {
        Some("measure-cited")
    } else if has("validity") {
        Some("evidence-validity-saved")
    } else {
        None
    };
    let extra = Extra {
        notice,
        ..Extra::default()
    };
    page(&state, &auth, &id, &node_id, extra, StatusCode::OK).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AnswerForm {
    status: String,
    maturity: String,
    owner: String,
    due_date: String,
    comment: String,
    na_reason: String,
    version: String,
}

fn opt(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

/// A multi-line text: trimmed, at most `max` characters, no control
/// characters but line breaks and tabs.
fn long_text(tr: &Tr, key: &'static str, v: &str, max: usize) -> Result<Option<String>, String> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.chars().count() > max {
        return Err(tr.msg_with("field-too-long", &[("field", tr.msg(key)), ("max", max.to_string())]));
    }
    if v.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(tr.msg_with("field-invalid", &[("field", tr.msg(key))]));
    }
    Ok(Some(v.to_owned()))
}

/// Checks the form; every problem becomes a translated message.
pub(crate) fn parse_answer(tr: &Tr, f: &AnswerForm) -> Result<AnswerInput, Vec<String>> {
    let mut errors = Vec::new();
    let status = AnswerStatus::parse(f.status.trim());
    if status.is_none() {
        errors.push(tr.msg("answer-error-status"));
    }
    let maturity = match f.maturity.trim() {
        "" => None,
        m => match m.parse::<i64>().ok().and_then(|m| Maturity::new(m).ok()) {
            Some(m) => Some(m),
            None => {
                errors.push(tr.msg("answer-error-maturity"));
                None
            }
        },
    };
    let owner = match opt(&f.owner) {
        Some(o) => field(tr, "answer-field-owner", &o, OWNER_MAX)
            .map(Some)
            .unwrap_or_else(|e| {
                errors.push(e);
                None
            }),
        None => None,
    };
    let due_date = opt(&f.due_date);
    if due_date.as_deref().is_some_and(|d| !is_date(d)) {
        errors.push(tr.msg_with("assessment-error-date", &[("field", tr.msg("answer-field-due"))]));
    }
    let comment = long_text(tr, "answer-field-comment", &f.comment, COMMENT_MAX).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let na_reason = long_text(tr, "answer-field-na-reason", &f.na_reason, REASON_MAX).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    if status == Some(AnswerStatus::NotApplicable) && na_reason.is_none() {
        errors.push(tr.msg("answer-error-na-reason"));
    }
    match status {
        Some(status) if errors.is_empty() => Ok(AnswerInput {
            status,
            maturity,
            owner,
            due_date,
            comment,
            // A reason belongs to "not applicable" only.
            na_reason: if status == AnswerStatus::NotApplicable {
                na_reason
            } else {
                None
            },
            wizard_answer: None,
        }),
        _ => Err(errors),
    }
}

fn typed_values(f: &AnswerForm, version: i64) -> Values {
    Values {
        status: f.status.trim().to_owned(),
        maturity: f.maturity.trim().to_owned(),
        owner: f.owner.clone(),
        due_date: f.due_date.clone(),
        comment: f.comment.clone(),
        na_reason: f.na_reason.clone(),
        version,
    }
}

pub async fn save(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, node_id)): Path<(String, String)>,
    Form(f): Form<AnswerForm>,
) -> AppResult<Response> {
    let ts = tenant_store(&state, &auth)?;
    let a: Assessment = assessment(&ts, &id).await?;
    let loaded = loaded(&state).await?;
    let node = find_node(catalog_of(&loaded, &a)?, &node_id)?.id.clone();
    if !can_edit(ts.scope()) {
        return Err(AppError::Forbidden);
    }
    let version: i64 = f
        .version
        .trim()
        .parse()
        .ok()
        .filter(|v| *v >= 0)
        .ok_or_else(|| AppError::BadRequest("version must be a whole number".into()))?;
    let tr = Layout::for_user(&auth).tr;
    let input = match parse_answer(&tr, &f) {
        Ok(i) => i,
        Err(errors) => {
            let extra = Extra {
                values: Some(typed_values(&f, version)),
                errors,
                ..Extra::default()
            };
            return page(&state, &auth, &id, &node, extra, StatusCode::BAD_REQUEST).await;
        }
    };
    match ts.save_answer(&a.id, &node, input, version).await {
        Ok(_) => Ok(Redirect::to(&format!("/assessments/{}/req/{node}?saved=1", a.id)).into_response()),
        Err(StoreError::VersionConflict(conflict)) => {
            let ConflictWith::Answer(current) = *conflict else {
                return Err(AppError::Conflict(tr.msg("answer-conflict")));
            };
            // Keep what the user typed, show what is stored, and let a
            // second save knowingly replace it (the stored version).
            let extra = Extra {
                values: Some(typed_values(&f, current.version)),
                errors: vec![tr.msg("answer-conflict")],
                conflict: Some(current),
                ..Extra::default()
            };
            page(&state, &auth, &id, &node, extra, StatusCode::CONFLICT).await
        }
        Err(StoreError::Invalid(m)) => {
            let extra = Extra {
                values: Some(typed_values(&f, version)),
                errors: vec![auth.ctx.tr.refused(&m)],
                ..Extra::default()
            };
            page(&state, &auth, &id, &node, extra, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::i18n::Lang;

    #[test]
    fn sniffs_allowed_types_only() {
        assert_eq!(sniff(b"%PDF-1.7\n...", "x.pdf"), Some(FileType::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....", "x"), Some(FileType::Png));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0..", "x.jpg"), Some(FileType::Jpeg));
        let docx = b"PK\x03\x04....[Content_Types].xml....word/document.xml";
        assert_eq!(sniff(docx, "a.docx"), Some(FileType::Docx));
        let xlsx = b"PK\x03\x04....[Content_Types].xml....xl/workbook.xml";
        assert_eq!(sniff(xlsx, "a.xlsx"), Some(FileType::Xlsx));
        assert_eq!(sniff(b"PK\x03\x04 just a zip", "a.zip"), None);
        assert_eq!(
            sniff("Rutine for tilgang – æøå\n".as_bytes(), "r.txt"),
            Some(FileType::Text)
        );
        assert_eq!(sniff(b"a;b\n1;2\n", "data.CSV"), Some(FileType::Csv));
        // Executables, NUL bytes, invalid UTF-8 and nothing at all are refused.
        assert_eq!(sniff(b"MZ\x90\x00\x03", "x.pdf"), None);
        assert_eq!(sniff(b"text\0with nul", "x.txt"), None);
        assert_eq!(sniff(b"\xC3\x28 broken", "x.txt"), None);
        assert_eq!(sniff(b"", "x.txt"), None);
        // What the name claims does not count.
        assert_eq!(sniff(b"GIF89a\x01\x00\x01\x00\x80\x00", "x.png"), None);
    }

    #[test]
    fn file_names_and_headers() {
        assert_eq!(clean_filename("C:\\Users\\kari\\rutine.pdf"), "rutine.pdf");
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("a\"b\r\n.txt"), "ab.txt");
        assert_eq!(clean_filename(""), "file");
        assert_eq!(clean_filename(".."), "file");
        assert_eq!(
            attachment("Årsrapport 2025.pdf"),
            "attachment; filename=\"_rsrapport 2025.pdf\"; filename*=UTF-8''%C3%85rsrapport%202025.pdf"
        );
        assert!(HeaderValue::from_str(&attachment("x\u{7f}y")).is_ok());
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(2048), "2 KiB");
        assert_eq!(human_size(3 * 1024 * 1024 / 2), "1.5 MiB");
    }

    #[test]
    fn links_are_http_only() {
        assert!(check_url("https://example.no/rutine").is_some());
        assert!(check_url(" http://intranett.local/x ").is_some());
        for bad in [
            "javascript:alert(1)",
            "ftp://x.no/a",
            "https://",
            "mailto:a@b.no",
            "https://a b.no",
            "data:text/html,x",
        ] {
            assert!(check_url(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn answer_form_rules() {
        let tr = Tr::new(Lang::En);
        let na = AnswerForm {
            status: "not_applicable".into(),
            version: "0".into(),
            ..AnswerForm::default()
        };
        let errors = parse_answer(&tr, &na).expect_err("reason required");
        assert_eq!(errors, vec![tr.msg("answer-error-na-reason")]);
        let ok = AnswerForm {
            na_reason: " No patients on site ".into(),
            ..na
        };
        assert_eq!(
            parse_answer(&tr, &ok).expect("valid").na_reason.as_deref(),
            Some("No patients on site")
        );
        let bad = AnswerForm {
            status: "done".into(),
            maturity: "6".into(),
            due_date: "2026-02-30".into(),
            ..AnswerForm::default()
        };
        assert_eq!(parse_answer(&tr, &bad).expect_err("three problems").len(), 3);
        let reason_dropped = AnswerForm {
            status: "implemented".into(),
            maturity: "3".into(),
            na_reason: "left over".into(),
            ..AnswerForm::default()
        };
        let input = parse_answer(&tr, &reason_dropped).expect("valid");
        assert_eq!((input.na_reason, input.maturity.map(Maturity::level)), (None, Some(3)));
    }
}

mod evidence;
mod measures;
#[allow(unused_imports)]
pub use evidence::*;
pub use measures::*;
