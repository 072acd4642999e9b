//! The signed-in user's own account: password, TOTP, API tokens.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use etterlev_core::password::PasswordPolicyError;
use etterlev_store::{Actor, ApiToken, now_ms};
use serde::Deserialize;

use crate::AppState;
use crate::kit::error::{AppError, AppResult};
use crate::kit::i18n::Tr;
use crate::kit::session::Auth;
use crate::kit::{Form, Layout, field, object_id, render, render_status};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(account))
        .route("/account/password", post(change_password))
        .route("/account/totp", get(totp_enrol).post(totp_confirm))
        .route("/account/totp/disable", post(totp_disable))
        .route("/account/tokens", post(create_token))
        .route("/account/sessions/end-others", post(end_other_sessions))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

pub fn password_error(tr: &Tr, e: &PasswordPolicyError) -> String {
    match e {
        PasswordPolicyError::TooShort => tr.msg_with(
            "password-too-short",
            &[("min", etterlev_core::password::MIN_LEN.to_string())],
        ),
        PasswordPolicyError::TooLong => tr.msg_with(
            "password-too-long",
            &[("max", etterlev_core::password::MAX_LEN.to_string())],
        ),
        PasswordPolicyError::TooCommon => tr.msg("password-too-common"),
        PasswordPolicyError::ContainsIdentity => tr.msg("password-contains-identity"),
    }
}

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage {
    l: Layout,
    email: String,
    has_totp: bool,
    has_password: bool,
    codes_left: i64,
    tokens: Vec<ApiToken>,
    sessions: Vec<SessionRow>,
    errors: Vec<String>,
    new_token: Option<String>,
}

/// One of the user's sessions as listed on the account page.
struct SessionRow {
    created_at: i64,
    last_seen_at: i64,
    current: bool,
}

#[derive(Deserialize)]
struct Notice {
    notice: Option<String>,
}

async fn account_page(
    state: &AppState,
    auth: &Auth,
    errors: Vec<String>,
    new_token: Option<String>,
    notice: Option<&str>,
) -> AppResult<AccountPage> {
    let mut l = Layout::for_user(auth);
    if let Some(n) = notice
        && matches!(
            n,
            "password-changed" | "totp-disabled" | "token-revoked" | "sessions-ended"
        )
    {
        l = l.with_notice(&format!("notice-{n}"));
    }
    Ok(AccountPage {
        l,
        email: auth.user.email.clone(),
        has_totp: auth.user.has_totp(),
        has_password: auth.user.password_hash.is_some(),
        codes_left: state.store.recovery_codes_left(&auth.user.id).await?,
        tokens: state.store.api_tokens_of(&auth.user.id).await?,
        sessions: state
            .store
            .sessions_of(&auth.user.id, now_ms())
            .await?
            .into_iter()
            .map(|s| SessionRow {
                current: s.token_hash == auth.session.token_hash,
                created_at: s.created_at,
                last_seen_at: s.last_seen_at,
            })
            .collect(),
        errors,
        new_token,
    })
}

async fn account(State(state): State<AppState>, auth: Auth, Query(q): Query<Notice>) -> AppResult<Response> {
    Ok(render(
        &account_page(&state, &auth, Vec::new(), None, q.notice.as_deref()).await?,
    ))
}

#[derive(Deserialize)]
struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

async fn check_current_password(state: &AppState, auth: &Auth, current: String) -> AppResult<bool> {
    let Some(stored) = auth.user.password_hash.clone() else {
        return Ok(false);
    };
    if current.len() > 1024 {
        return Ok(false);
    }
    Ok(state.hasher.verify(current, Some(stored)).await?)
}

async fn change_password(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    let tr = auth.ctx.tr;
    let mut errors = Vec::new();
    if !check_current_password(&state, &auth, f.current).await? {
        errors.push(tr.msg("error-current-password"));
    }
    if f.new != f.confirm {
        errors.push(tr.msg("error-password-mismatch"));
    } else if let Err(e) = etterlev_core::password::check(&f.new, &auth.user.email) {
        errors.push(password_error(&tr, &e));
    }
    if !errors.is_empty() {
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &account_page(&state, &auth, errors, None, None).await?,
        ));
    }
    let new = f.new;
    let phc = state
        .hasher
        .hash(new)
        .await?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    // Other sessions end; this one stays.
    state
        .store
        .set_password(
            &Actor::user(&auth.user),
            &auth.user.id,
            &phc,
            Some(&auth.session.token_hash),
        )
        .await?;
    Ok(Redirect::to("/account?notice=password-changed").into_response())
}

#[derive(Template)]
#[template(path = "accounts/totp_enrol.html")]
struct TotpEnrolPage {
    l: Layout,
    secret: String,
    otpauth: String,
    qr_base64: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/recovery_codes.html")]
struct RecoveryCodesPage {
    l: Layout,
    codes: Vec<String>,
}

fn enrol_page(auth: &Auth, secret: String, error: Option<String>) -> AppResult<TotpEnrolPage> {
    let (otpauth, qr_base64) =
        etterlev_auth::totp::enrolment(&secret, &auth.user.email).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(TotpEnrolPage {
        l: Layout::for_user(auth),
        secret,
        otpauth,
        qr_base64,
        error,
    })
}

async fn totp_enrol(auth: Auth) -> AppResult<Response> {
    if auth.user.has_totp() {
        return Ok(Redirect::to("/account").into_response());
    }
    Ok(render(&enrol_page(&auth, etterlev_auth::totp::new_secret(), None)?))
}

#[derive(Deserialize)]
struct TotpConfirm {
    secret: String,
    code: String,
}

async fn totp_confirm(State(state): State<AppState>, auth: Auth, Form(f): Form<TotpConfirm>) -> AppResult<Response> {
    if auth.user.has_totp() {
        return Err(AppError::Conflict("refusal-totp-on".into()));
    }
    let secret = f.secret.trim().to_string();
    if secret.len() != 32 {
        return Err(AppError::BadRequest("refusal-totp-secret".into()));
    }
    let unix = u64::try_from(now_ms() / 1000).unwrap_or(0);
    let Some(step) = etterlev_auth::totp::check(&secret, &f.code, unix, None) else {
        let page = enrol_page(&auth, secret, Some(auth.ctx.tr.msg("totp-failed")))?;
        return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    let codes = etterlev_auth::new_recovery_codes();
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| etterlev_auth::token::hash_recovery_code(c))
        .collect();
    state
        .store
        .enable_totp(&Actor::user(&auth.user), &auth.user.id, &secret, step, &hashes)
        .await?;
    Ok(render(&RecoveryCodesPage {
        l: Layout::for_user(&auth).with_notice("notice-totp-enabled"),
        codes,
    }))
}

#[derive(Deserialize)]
struct ConfirmPassword {
    password: String,
}

async fn totp_disable(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<ConfirmPassword>,
) -> AppResult<Response> {
    if !check_current_password(&state, &auth, f.password).await? {
        let errors = vec![auth.ctx.tr.msg("error-current-password")];
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &account_page(&state, &auth, errors, None, None).await?,
        ));
    }
    state
        .store
        .disable_totp(&Actor::user(&auth.user), &auth.user.id)
        .await?;
    Ok(Redirect::to("/account?notice=totp-disabled").into_response())
}

#[derive(Deserialize)]
struct TokenForm {
    name: String,
}

/// Personal API tokens: shown once, stored as a SHA-256 hash, valid a year.
async fn create_token(State(state): State<AppState>, auth: Auth, Form(f): Form<TokenForm>) -> AppResult<Response> {
    let tr = auth.ctx.tr;
    let name = match field(&tr, "field-token-name", &f.name, 100) {
        Ok(n) => n,
        Err(e) => {
            return Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &account_page(&state, &auth, vec![e], None, None).await?,
            ));
        }
    };
    let token = etterlev_auth::new_token("etl_pat");
    let expires = now_ms() + 365 * 24 * 3600 * 1000;
    state
        .store
        .create_api_token(
            &Actor::user(&auth.user),
            &auth.user.id,
            &name,
            &token.hash,
            Some(expires),
        )
        .await?;
    Ok(render(
        &account_page(&state, &auth, Vec::new(), Some(token.plaintext), None).await?,
    ))
}

async fn revoke_token(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> AppResult<Response> {
    state
        .store
        .revoke_api_token(&Actor::user(&auth.user), &auth.user.id, object_id(&id)?)
        .await?;
    Ok(Redirect::to("/account?notice=token-revoked").into_response())
}

/// "Sign out everywhere else": ends every other session of this user.
async fn end_other_sessions(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    state
        .store
        .end_other_sessions(&Actor::user(&auth.user), &auth.user.id, &auth.session.token_hash)
        .await?;
    Ok(Redirect::to("/account?notice=sessions-ended").into_response())
}
