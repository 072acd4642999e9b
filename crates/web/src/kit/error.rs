//! Errors of HTML handlers. A handler returns [`AppError`]; its response
//! carries an [`ErrorPage`] marker that the `security::headers` middleware renders in
//! the request's language. Internal details are logged, never shown.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use etterlev_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Input was wrong; the string is a message key (or a plain detail).
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("conflict: {0}")]
    Conflict(String),
    /// The store refused the input; shown in the reader's language.
    #[error("refused: {0}")]
    Refused(etterlev_store::Refusal),
    #[error("login required")]
    LoginRequired { next: String },
    #[error("second factor required")]
    MfaRequired,
    #[error("internal error: {0}")]
    Internal(String),
    #[error("busy")]
    Busy,
    /// A page of an enterprise, asked for by a user with no enterprise
    /// selected: a page in the user's own layout (menu, language) that
    /// says why and where to go instead.
    #[error("no enterprise selected")]
    NoTenant(Box<crate::kit::Layout>),
}

pub type AppResult<T> = Result<T, AppError>;

/// Marker left on an error response for the error-page renderer.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub status: StatusCode,
    /// Message key of the explanation.
    pub key: &'static str,
    /// Extra detail (safe to show), e.g. a validation message.
    pub detail: Option<Detail>,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound | AppError::NoTenant(_) => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) | AppError::Refused(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::LoginRequired { .. } | AppError::MfaRequired => StatusCode::SEE_OTHER,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (key, detail) = match &self {
            AppError::LoginRequired { next } => {
                let target = format!("/login?next={}", url_encode(next));
                return Redirect::to(&target).into_response();
            }
            AppError::MfaRequired => return Redirect::to("/login/totp").into_response(),
            AppError::NoTenant(l) => {
                let mut r = crate::kit::render(&NoTenantPage { l: (**l).clone() });
                if r.status() == StatusCode::OK {
                    *r.status_mut() = StatusCode::NOT_FOUND;
                }
                return r;
            }
            AppError::NotFound => ("error-not-found", None),
            AppError::Forbidden => ("error-forbidden", None),
            AppError::BadRequest(d) => ("error-bad-request", Some(Detail::Text(d.clone()))),
            AppError::Refused(r) => ("error-bad-request", Some(Detail::Refused(r.clone()))),
            AppError::Conflict(d) => ("error-conflict", Some(Detail::Text(d.clone()))),
            AppError::Busy => ("error-busy", None),
            AppError::Internal(d) => {
                tracing::error!(error = %d, "internal error");
                ("error-internal", None)
            }
        };
        let status = self.status();
        let mut resp = status.into_response();
        resp.extensions_mut().insert(ErrorPage { status, key, detail });
        resp
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Forbidden => AppError::Forbidden,
            StoreError::Conflict(c) => AppError::Conflict(c),
            // Pages that edit versioned objects handle this themselves (they
            // show the stored object next to the user's input).
            StoreError::VersionConflict(_) => {
                AppError::Conflict("someone else saved a change in the meantime; reload the page".into())
            }
            e @ (StoreError::CatalogChanged { .. } | StoreError::MappingChanged { .. }) => {
                AppError::Conflict(e.to_string())
            }
            StoreError::Invalid(r) => AppError::Refused(r),
            e @ StoreError::NotPresent { .. } => AppError::BadRequest(e.to_string()),
            // The test-project pages show the missing items themselves.
            e @ StoreError::ChecklistIncomplete(_) => AppError::BadRequest(e.to_string()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// The detail of an error page, rendered in the reader's language.
#[derive(Debug, Clone)]
pub enum Detail {
    /// A message key, or a web-layer message (see `refusals.rs`).
    Text(String),
    /// A typed store refusal.
    Refused(etterlev_store::Refusal),
}

impl Detail {
    pub fn render(&self, tr: &crate::kit::i18n::Tr) -> String {
        match self {
            Detail::Text(d) => tr.refusal(d),
            Detail::Refused(r) => tr.refused(r),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "no_tenant.html")]
struct NoTenantPage {
    l: crate::kit::Layout,
}

pub fn url_encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl From<crate::kit::hashing::Busy> for AppError {
    fn from(_: crate::kit::hashing::Busy) -> Self {
        AppError::Busy
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::i18n::{Lang, Tr};

    /// Every error page says what to do next, in both languages.
    #[test]
    fn every_error_page_has_a_next_step() {
        let errors = [
            AppError::NotFound,
            AppError::Forbidden,
            AppError::BadRequest("x".into()),
            AppError::Conflict("x".into()),
            AppError::Busy,
            AppError::Internal("x".into()),
        ];
        for e in errors {
            let resp = e.into_response();
            let page = resp.extensions().get::<ErrorPage>().expect("an error page marker");
            for lang in [Lang::Nb, Lang::En] {
                let key = format!("{}-next", page.key);
                assert_ne!(Tr::new(lang).msg(&key), key, "{lang:?}");
            }
        }
    }
}
