//! The shared kit every area uses and that uses no area: the page layout
//! and rendering, the form and API extractors, errors, translation,
//! sessions, CSRF, security headers, downloads and dates.

pub mod api;
pub mod client_addr;
pub mod contract;
pub(crate) mod csrf;
pub mod dates;
pub mod error;
pub mod hashing;
pub mod i18n;
pub mod labels;
pub(crate) mod metrics;
mod refusals;
pub mod request_log;
pub(crate) mod security;
pub mod session;
pub(crate) mod statics;

use askama::Template;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use etterlev_core::Permission;
use serde::de::DeserializeOwned;

use crate::kit::error::{AppError, AppResult, ErrorPage};
use crate::kit::i18n::{Lang, Tr};
use crate::kit::session::{Auth, Ctx};

/// A tenant in the header's tenant switcher.
#[derive(Debug, Clone)]
pub struct TenantOption {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

/// Everything the base layout shows: language, CSRF token, who is signed in,
/// the tenant switcher and which menu entries the role allows.
#[derive(Debug, Clone)]
pub struct Layout {
    pub tr: Tr,
    pub csrf: String,
    pub path: String,
    pub user_name: Option<String>,
    pub tenants: Vec<TenantOption>,
    pub tenant_name: Option<String>,
    pub role_key: Option<String>,
    pub can_manage: bool,
    pub can_audit: bool,
    /// The user works in the Normen secretariat (sees its menu).
    pub secretariat: bool,
    /// An enterprise is selected: the menu offers the enterprise's pages
    /// (assessments, wizard, actions, …) only then.
    pub has_tenant: bool,
    pub notice: Option<String>,
}

impl Layout {
    pub fn anonymous(ctx: &Ctx) -> Self {
        Layout {
            tr: ctx.tr,
            csrf: ctx.csrf.clone(),
            path: ctx.path.clone(),
            user_name: None,
            tenants: Vec::new(),
            tenant_name: None,
            role_key: None,
            can_manage: false,
            can_audit: false,
            secretariat: false,
            has_tenant: false,
            notice: None,
        }
    }

    pub fn for_user(auth: &Auth) -> Self {
        let selected = auth.scope.as_ref().map(|s| s.tenant_id().to_string());
        let tenants = auth
            .memberships
            .iter()
            .map(|m| TenantOption {
                id: m.tenant.id.clone(),
                name: m.tenant.name.clone(),
                selected: Some(&m.tenant.id) == selected.as_ref(),
            })
            .collect::<Vec<_>>();
        let scope = auth.scope.as_ref();
        Layout {
            tenant_name: tenants.iter().find(|t| t.selected).map(|t| t.name.clone()),
            tenants,
            user_name: Some(auth.user.display_name.clone()),
            role_key: scope.map(|s| format!("role-{}", s.role().as_str())),
            can_manage: scope.is_some_and(|s| s.allows(Permission::ManageMembers)),
            can_audit: scope.is_some_and(|s| s.allows(Permission::ReadAuditLog)),
            secretariat: auth.user.is_secretariat && !auth.user.disabled,
            has_tenant: scope.is_some(),
            ..Self::anonymous(&auth.ctx)
        }
    }

    pub fn with_notice(mut self, key: &str) -> Self {
        self.notice = Some(self.tr.msg(key));
        self
    }

    /// The language switch offers the other language.
    pub fn other_lang(&self) -> Lang {
        self.tr.lang.other()
    }
}

/// A trimmed, non-empty query-string parameter.
pub(crate) fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Whether the signed-in user may change the selected enterprise's data.
/// The `version` a form was rendered with (optimistic locking).
pub(crate) fn form_version(raw: &str) -> AppResult<i64> {
    raw.trim()
        .parse()
        .map_err(|_| AppError::BadRequest("the form has no valid version".into()))
}

pub(crate) fn can_edit(auth: &Auth) -> bool {
    auth.scope.as_ref().is_some_and(|s| s.allows(Permission::Edit))
}

/// The name of the enterprise the user has selected ("" without one).
pub(crate) fn tenant_name(auth: &Auth) -> String {
    auth.scope
        .as_ref()
        .and_then(|s| auth.memberships.iter().find(|m| m.tenant.id == s.tenant_id()))
        .map(|m| m.tenant.name.clone())
        .unwrap_or_default()
}

/// Catalogue text in the request's language (bokmål when there is no English).
pub(crate) fn text(t: &etterlev_catalog::LocalText, tr: &Tr) -> String {
    t.get(tr.lang.code()).to_owned()
}

pub(crate) const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
pub(crate) const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A file download: content type, attachment name, never cached.
pub(crate) fn download(content_type: &'static str, filename: &str, bytes: Vec<u8>) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
        ],
        bytes,
    )
        .into_response()
}

/// Renders a template into a response, or a 500 if rendering fails.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => AppError::Internal(format!("template: {e}")).into_response(),
    }
}

pub fn render_status<T: Template>(status: StatusCode, t: &T) -> Response {
    let mut r = render(t);
    if r.status() == StatusCode::OK {
        *r.status_mut() = status;
    }
    r
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    l: Layout,
    status: u16,
    title: String,
    detail: Option<String>,
    /// What the user can do next.
    next_step: String,
    /// For server errors: the id the log line carries, to quote to support.
    request_id: Option<String>,
}

/// The page for an [`ErrorPage`] marker: inside the signed-in user's own
/// layout (menu, enterprise) when there is one, else the anonymous one, in
/// the request's language, with what to do next.
pub fn error_page(page: ErrorPage, lang: Lang, layout: Option<Layout>, request_id: Option<String>) -> Response {
    let tr = Tr::new(lang);
    let l = layout.unwrap_or_else(|| {
        Layout::anonymous(&Ctx {
            tr,
            csrf: String::new(),
            path: String::new(),
        })
    });
    let tr = l.tr;
    let t = ErrorTemplate {
        status: page.status.as_u16(),
        title: tr.msg(page.key),
        // Details are typed store refusals, message keys or web-layer messages.
        detail: page.detail.map(|d| d.render(&tr)),
        next_step: tr.msg(&format!("{}-next", page.key)),
        request_id: request_id.filter(|_| page.status.is_server_error()),
        l,
    };
    let mut r = render(&t);
    *r.status_mut() = page.status;
    r
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// `axum::Form`, but a malformed body, a wrong content type or a missing field
/// becomes a clear 400 page instead of a plain-text rejection.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, crate::MAX_BODY_BYTES)
            .await
            .map_err(|_| AppError::BadRequest("the form is too large".into()))?;
        // serde_urlencoded decodes invalid UTF-8 lossily; refuse instead of
        // silently storing replacement characters.
        if form_urlencoded::parse(&bytes).any(|(k, v)| k.contains('\u{FFFD}') || v.contains('\u{FFFD}')) {
            return Err(AppError::BadRequest("the form data is not valid UTF-8".into()));
        }
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(Form(v)),
            Err(rejection) => Err(AppError::BadRequest(rejection.body_text())),
        }
    }
}

/// A form as its name–value pairs, in order, for forms with repeated names
/// (checkboxes of a list). Same checks as [`Form`]: size, content type and
/// UTF-8.
pub struct FormPairs(pub Vec<(String, String)>);

impl FormPairs {
    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// A checkbox: present and not "false".
    pub fn flag(&self, name: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v != "false")
    }
}

impl<S: Send + Sync> FromRequest<S> for FormPairs {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(req, state).await?;
        Ok(FormPairs(pairs))
    }
}

/// Checks a one-line field and turns the error into a translated message.
pub fn field(tr: &Tr, key: &'static str, value: &str, max: usize) -> Result<String, String> {
    etterlev_core::text::one_line(key, value, max).map_err(|e| match e {
        etterlev_core::text::TextError::Empty { .. } => tr.msg_with("field-empty", &[("field", tr.msg(key))]),
        etterlev_core::text::TextError::TooLong { max, .. } => {
            tr.msg_with("field-too-long", &[("field", tr.msg(key)), ("max", max.to_string())])
        }
        _ => tr.msg_with("field-invalid", &[("field", tr.msg(key))]),
    })
}

/// An object id from a URL or form. Ids are UUIDs; anything else cannot name
/// an object, so it is a 404 before any query runs.
pub fn object_id(raw: &str) -> Result<&str, AppError> {
    if crate::is_object_id(raw) {
        Ok(raw)
    } else {
        Err(AppError::NotFound)
    }
}

/// A safe local redirect target: a path on this site, never another host.
///
/// Browsers strip tabs and line breaks from URLs and read `\\` as `/`, so
/// `/\t/evil.example` would leave the site: such targets are refused outright.
/// What remains is resolved as the WHATWG URL parser (the one browsers use)
/// resolves it, and only a same-origin path whose first segment is not empty is
/// kept. The result is re-serialised by that parser, so it is always printable
/// ASCII and a valid `Location` header.
pub fn safe_next(next: Option<&str>) -> String {
    next.and_then(local_path).unwrap_or_else(|| "/".to_string())
}

fn local_path(next: &str) -> Option<String> {
    const BASE: &str = "http://etterlev.invalid/";
    let refused = next.len() >= 500
        || !next.starts_with('/')
        || next.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace());
    if refused {
        return None;
    }
    let base = url::Url::parse(BASE).ok()?;
    let target = base.join(next).ok()?;
    if target.origin() != base.origin() || target.path().starts_with("//") {
        return None;
    }
    let mut local = target.path().to_string();
    if let Some(query) = target.query() {
        local.push('?');
        local.push_str(query);
    }
    Some(local)
}

/// One field that did not pass: the form field, a message key for the pages
/// and an English message for the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub key: &'static str,
    pub english: String,
}

impl FieldError {
    pub fn new(field: &'static str, key: &'static str, english: impl Into<String>) -> Self {
        FieldError {
            field,
            key,
            english: english.into(),
        }
    }
}

/// A date `YYYY-MM-DD` that exists in the calendar; empty is `None`.
pub(crate) fn date(value: &str) -> Result<Option<String>, ()> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    etterlev_core::date::Day::parse(v)
        .map(|d| Some(d.to_string()))
        .map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::safe_next;
    use proptest::prelude::*;

    #[test]
    fn next_stays_on_site() {
        assert_eq!(safe_next(Some("/audit?before=3")), "/audit?before=3");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "evil",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r",
            "/\u{b}",
            "/ /evil.example",
            "/.//evil.example",
            "/a/..//evil.example",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
        // Encoded slashes stay a path on this site.
        assert_eq!(safe_next(Some("/%2F/evil.example")), "/%2F/evil.example");
        assert_eq!(safe_next(Some("/søk?q=ø")), "/s%C3%B8k?q=%C3%B8");
    }

    /// What a browser does with a `Location` header: resolve it against the
    /// current page with the WHATWG parser.
    fn browser_target(location: &str) -> url::Url {
        let page = url::Url::parse("https://etterlev.example/login").expect("a valid base");
        page.join(location).expect("a resolvable location")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        #[test]
        fn hostile_next_never_leaves_the_site(
            raw in proptest::collection::vec(
                prop_oneof![
                    Just("/"), Just("\\"), Just("\t"), Just("\n"), Just("\r"), Just("\u{b}"),
                    Just("%2F"), Just("%5C"), Just("%09"), Just("."), Just(".."), Just(":"),
                    Just("@"), Just("?"), Just("#"), Just(" "), Just("evil.example"),
                    Just("https:"), Just("javascript:"), Just("ø"), Just("\u{0}"), Just("a"),
                ],
                0..12,
            )
        ) {
            let next: String = raw.concat();
            let local = safe_next(Some(&next));
            prop_assert!(local.starts_with('/'), "{local:?}");
            prop_assert!(!local.starts_with("//"), "{local:?}");
            prop_assert!(local.bytes().all(|b| (0x21..0x7f).contains(&b) && b != b'\\'), "{local:?}");
            prop_assert!(axum::http::HeaderValue::from_str(&local).is_ok(), "{local:?}");
            let target = browser_target(&local);
            prop_assert_eq!(target.host_str(), Some("etterlev.example"), "{:?} -> {:?}", next, local);
            prop_assert_eq!(target.scheme(), "https");
        }
    }
}
