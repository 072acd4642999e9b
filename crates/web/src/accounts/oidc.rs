//! OpenID Connect sign-in (authorisation code flow with PKCE and nonce), e.g.
//! HelseID or Entra ID, configured by issuer URL and discovered at start-up.
//!
//! A federated identity is linked to a local user by (issuer, subject). On the
//! first sign-in the link is made only if the provider says the e-mail address
//! is verified and a local user with that address exists (an administrator
//! invited them): the provider never creates accounts or grants tenants.
//! The provider is responsible for the second factor of federated sign-ins.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use etterlev_store::{Actor, OidcLogin, now_ms};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::Deserialize;

use crate::AppState;
use crate::kit::error::{AppError, AppResult};
use crate::kit::session;

#[derive(Clone, Debug)]
pub struct OidcConfig {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// Shown on the login button, e.g. "HelseID".
    pub display_name: String,
}

/// The client type after discovery: authorisation endpoint set, token and
/// userinfo endpoints as the provider announced them.
type Client = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// A discovered provider.
pub struct Oidc {
    metadata: CoreProviderMetadata,
    config: OidcConfig,
    redirect: RedirectUrl,
    http: reqwest::Client,
}

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("invalid OIDC configuration: {0}")]
    Config(String),
    #[error("OIDC discovery at {issuer} failed: {detail}")]
    Discovery { issuer: String, detail: String },
}

impl Oidc {
    /// Fetches the provider's discovery document and keys.
    pub async fn discover(config: OidcConfig, public_url: &url::Url) -> Result<Oidc, OidcError> {
        let http = reqwest::Client::builder()
            // Following redirects from the token endpoint would allow SSRF.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| OidcError::Config(e.to_string()))?;
        let issuer = IssuerUrl::new(config.issuer.clone()).map_err(|e| OidcError::Config(e.to_string()))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &http)
            .await
            .map_err(|e| OidcError::Discovery {
                issuer: config.issuer.clone(),
                detail: e.to_string(),
            })?;
        let redirect = public_url
            .join("auth/oidc/callback")
            .map_err(|e| OidcError::Config(e.to_string()))
            .and_then(|u| RedirectUrl::new(u.to_string()).map_err(|e| OidcError::Config(e.to_string())))?;
        Ok(Oidc {
            metadata,
            config,
            redirect,
            http,
        })
    }

    fn client(&self) -> Client {
        CoreClient::from_provider_metadata(
            self.metadata.clone(),
            ClientId::new(self.config.client_id.clone()),
            self.config.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(self.redirect.clone())
    }

    pub fn issuer(&self) -> &str {
        &self.config.issuer
    }
}

/// Redirects to the provider, remembering state, nonce and PKCE verifier.
pub async fn start(State(state): State<AppState>) -> AppResult<Response> {
    let oidc = state.oidc.as_ref().ok_or(AppError::NotFound)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = oidc
        .client()
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    state
        .store
        .save_oidc_login(&OidcLogin {
            state: csrf.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            nonce: nonce.secret().clone(),
            created_at: now_ms(),
        })
        .await?;
    let cookie = state_cookie(&state, csrf.secret(), PENDING_MS / 1000)?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(url.as_str())).into_response())
}

/// How long a started sign-in may take at the provider.
const PENDING_MS: i64 = 10 * 60 * 1000;

/// The cookie binding a pending sign-in's `state` to the browser that started
/// it, so that a callback URL made in one browser (an attacker's) cannot sign
/// another browser in (login CSRF, RFC 6749 section 10.12). It is sent on the
/// provider's top-level redirect back, so `SameSite=Lax` suffices.
fn state_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-etterlev_oidc"
    } else {
        "etterlev_oidc"
    }
}

fn state_cookie(state: &AppState, value: &str, max_age_s: i64) -> AppResult<HeaderValue> {
    let secure = state.config.secure();
    let v = format!(
        "{}={value}; Path=/; Max-Age={max_age_s}; HttpOnly; SameSite=Lax{}",
        state_cookie_name(secure),
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&v).map_err(|_| AppError::Internal("cookie".into()))
}

#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Completes the flow: checks state, swaps the code (with the PKCE verifier),
/// verifies the ID token (signature, issuer, audience, expiry, nonce) and
/// signs the linked user in.
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(cb): Query<Callback>,
) -> AppResult<Response> {
    let oidc = state.oidc.as_ref().ok_or(AppError::NotFound)?;
    let failed = |why: &str| {
        tracing::warn!(reason = why, "OIDC sign-in failed");
        AppError::BadRequest("oidc-failed".into())
    };
    if let Some(e) = cb.error {
        return Err(failed(&format!("provider error {e}")));
    }
    let (Some(code), Some(st)) = (cb.code, cb.state) else {
        return Err(failed("missing code or state"));
    };
    if st.len() > 200 || code.len() > 2000 {
        return Err(failed("oversized parameters"));
    }
    let bound = crate::kit::csrf::read_cookie(&headers, state_cookie_name(state.config.secure()));
    if bound.as_deref() != Some(st.as_str()) {
        return Err(failed("state not started in this browser"));
    }
    let pending = state
        .store
        .take_oidc_login(&st)
        .await?
        .ok_or_else(|| failed("unknown state"))?;
    if now_ms() - pending.created_at > PENDING_MS {
        return Err(failed("expired state"));
    }
    let client = oidc.client();
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| failed(&e.to_string()))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
        .request_async(&oidc.http)
        .await
        .map_err(|e| failed(&format!("token exchange: {e}")))?;
    let id_token = token.id_token().ok_or_else(|| failed("no id_token"))?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(pending.nonce))
        .map_err(|e| failed(&format!("id_token: {e}")))?;
    let subject = claims.subject().as_str().to_string();
    let issuer = oidc.issuer().to_string();
    let user = match state.store.oidc_user(&issuer, &subject).await? {
        Some(u) => u,
        None => {
            let in_token = claims
                .email()
                .map(|e| (e.as_str().to_lowercase(), claims.email_verified().unwrap_or(false)));
            // Many providers put e-mail only at the userinfo endpoint.
            let found = match in_token {
                Some(v) => Some(v),
                None => userinfo_email(oidc, &client, token.access_token(), claims.subject()).await,
            };
            let email = found.filter(|(_, verified)| *verified).map(|(e, _)| e);
            let user = match email {
                Some(e) => state.store.user_by_email(&e).await?,
                None => None,
            };
            let user = user.ok_or(AppError::Forbidden)?;
            state
                .store
                .link_oidc(&Actor::user(&user), &issuer, &subject, &user.id)
                .await?;
            user
        }
    };
    if user.disabled {
        return Err(AppError::Forbidden);
    }
    let cookie = session::start(&state, &user, false).await?;
    state
        .store
        .record_event(
            &Actor::user(&user),
            "login",
            &user.id,
            Some(serde_json::json!({ "method": "oidc", "issuer": issuer }).to_string()),
        )
        .await?;
    let spent = state_cookie(&state, "", 0)?;
    Ok((
        AppendHeaders([(header::SET_COOKIE, cookie), (header::SET_COOKIE, spent)]),
        Redirect::to("/"),
    )
        .into_response())
}

/// The e-mail address and its `email_verified` flag from the userinfo
/// endpoint; the response's `sub` must equal the ID token's.
async fn userinfo_email(
    oidc: &Oidc,
    client: &Client,
    access: &openidconnect::AccessToken,
    subject: &openidconnect::SubjectIdentifier,
) -> Option<(String, bool)> {
    let request = client.user_info(access.clone(), Some(subject.clone())).ok()?;
    let info: openidconnect::core::CoreUserInfoClaims = match request.request_async(&oidc.http).await {
        Ok(info) => info,
        Err(e) => {
            tracing::warn!(error = %e, "OIDC userinfo request failed");
            return None;
        }
    };
    let email = info.email()?.as_str().to_lowercase();
    Some((email, info.email_verified().unwrap_or(false)))
}
