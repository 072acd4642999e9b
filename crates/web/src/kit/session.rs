//! Server-side sessions and the request context extractors.
//!
//! The cookie holds a random token; the database holds only its SHA-256, so a
//! copy of the database does not let anyone sign in. Sessions expire after
//! eight idle hours and at most 24 hours after sign-in.

use axum::extract::FromRequestParts;
use axum::http::{HeaderMap, HeaderValue, header, request::Parts};
use axum_extra::extract::cookie::{Cookie, SameSite};
use etterlev_store::{Membership, Session, TenantScope, User, now_ms};

use crate::AppState;
use crate::kit::csrf::{CsrfToken, read_cookie};
use crate::kit::error::AppError;
use crate::kit::i18n::{LANG_COOKIE, Lang, Tr};

pub const IDLE_MS: i64 = 8 * 3600 * 1000;
pub const ABSOLUTE_MS: i64 = 24 * 3600 * 1000;
/// Sliding expiry is written at most this often, to keep page views read-only.
const TOUCH_EVERY_MS: i64 = 5 * 60 * 1000;

pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-etterlev_session"
    } else {
        "etterlev_session"
    }
}

/// The language chosen by cookie, else from `Accept-Language`, else bokmål.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    if let Some(l) = read_cookie(headers, LANG_COOKIE).and_then(|v| Lang::parse(&v)) {
        return l;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .and_then(|first| Lang::parse(first.split(';').next().unwrap_or("").trim()))
        .filter(|l| *l == Lang::En)
        .unwrap_or_default()
}

/// What every page needs, signed in or not.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub tr: Tr,
    pub csrf: String,
    pub path: String,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, Self::Rejection> {
        let csrf = parts
            .extensions
            .get::<CsrfToken>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        let path = parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_string(), |p| p.as_str().to_string());
        Ok(Ctx {
            tr: Tr::new(lang_of(&parts.headers)),
            csrf,
            path,
        })
    }
}

/// The session row behind the cookie, if any (MFA may still be pending).
pub async fn current_session(headers: &HeaderMap, state: &AppState) -> Result<Option<Session>, AppError> {
    let Some(token) = read_cookie(headers, cookie_name(state.config.secure())) else {
        return Ok(None);
    };
    if token.len() > 100 {
        return Ok(None);
    }
    let hash = etterlev_auth::hash_token(&token);
    Ok(state.store.session(&hash, now_ms()).await?)
}

/// A signed-in user (password and, if enrolled, TOTP done), with their
/// tenants and the scope of the selected tenant.
#[derive(Debug, Clone)]
pub struct Auth {
    pub ctx: Ctx,
    pub user: User,
    pub session: Session,
    pub memberships: Vec<Membership>,
    pub scope: Option<TenantScope>,
}

impl Auth {
    /// The selected tenant's scope, or, when the user has no tenant, a 404
    /// page in the user's layout that explains why.
    pub fn scope(&self) -> Result<&TenantScope, AppError> {
        self.scope
            .as_ref()
            .ok_or_else(|| AppError::NoTenant(Box::new(crate::kit::Layout::for_user(self))))
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let login = || AppError::LoginRequired { next: ctx.path.clone() };
        let Some(token) = read_cookie(&parts.headers, cookie_name(state.config.secure())).filter(|t| t.len() <= 100)
        else {
            return Err(login());
        };
        let now = now_ms();
        let found = state
            .store
            .session_context(&etterlev_auth::hash_token(&token), now)
            .await?;
        let etterlev_store::SessionContext {
            session,
            user,
            memberships,
            scope,
        } = found.ok_or_else(login)?;
        if session.mfa_pending {
            return Err(AppError::MfaRequired);
        }
        if user.disabled {
            return Err(login());
        }
        if now - session.last_seen_at > TOUCH_EVERY_MS {
            let expires = (now + IDLE_MS).min(session.created_at + ABSOLUTE_MS);
            state.store.touch_session(&session.token_hash, now, expires).await?;
        }
        Ok(Auth {
            ctx,
            user,
            session,
            memberships,
            scope,
        })
    }
}

/// Starts a session for `user` and returns the Set-Cookie header value.
pub async fn start(state: &AppState, user: &User, mfa_pending: bool) -> Result<HeaderValue, AppError> {
    let token = etterlev_auth::new_token("s");
    let csrf = etterlev_auth::new_token("c").plaintext;
    let now = now_ms();
    let tenant_id = state
        .store
        .memberships_of(&user.id)
        .await?
        .first()
        .map(|m| m.tenant.id.clone());
    state
        .store
        .create_session(&Session {
            token_hash: token.hash,
            user_id: user.id.clone(),
            tenant_id,
            csrf_token: csrf,
            mfa_pending,
            created_at: now,
            expires_at: now + if mfa_pending { 10 * 60 * 1000 } else { IDLE_MS },
            last_seen_at: now,
        })
        .await?;
    let secure = state.config.secure();
    let cookie = Cookie::build((cookie_name(secure), token.plaintext))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build();
    cookie
        .to_string()
        .parse()
        .map_err(|_| AppError::Internal("cookie".into()))
}

/// A Set-Cookie value that removes the session cookie.
pub fn clear(state: &AppState) -> HeaderValue {
    let secure = state.config.secure();
    let v = format!(
        "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}",
        cookie_name(secure),
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The client's address, for login throttling: the TCP peer, or the
/// address a trusted reverse proxy forwarded for (see [`crate::kit::client_addr`]).
/// Absent (in in-process tests) it is "unknown".
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map_or_else(
                || "unknown".to_string(),
                |c| {
                    state
                        .config
                        .trusted_proxies
                        .client_addr(c.0.ip(), &parts.headers)
                        .to_string()
                },
            );
        Ok(ClientIp(ip))
    }
}
