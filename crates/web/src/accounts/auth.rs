//! Signing in and out: password, TOTP second factor, recovery codes,
//! one-time set-up links and OIDC.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use etterlev_core::{OrgNumber, SizeClass, TenantKind};
use etterlev_store::{Actor, NewTenant, NewUser, SetupPurpose, now_ms};
use serde::Deserialize;

use crate::AppState;
use crate::kit::error::{AppError, AppResult};
use crate::kit::session::{self, ClientIp, Ctx, current_session};
use crate::kit::{Form, Layout, field, render, render_status, safe_next};

/// Failed attempts allowed per account within [`WINDOW_MS`] before sign-in
/// to it is refused for the rest of the window. Failures per client address
/// are not refused but slowed down (see [`crate::accounts::login_throttle`]).
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const WINDOW_MS: i64 = 15 * 60 * 1000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/login/totp", get(totp_form).post(totp))
        .route("/logout", post(logout))
        .route("/setup/{token}", get(setup_form).post(setup))
        .route("/auth/oidc/start", get(crate::accounts::oidc::start))
        .route("/auth/oidc/callback", get(crate::accounts::oidc::callback))
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    l: Layout,
    next: String,
    email: String,
    error: Option<String>,
    oidc_name: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
    notice: Option<String>,
}

async fn login_form(State(state): State<AppState>, ctx: Ctx, Query(q): Query<NextQuery>) -> Response {
    let mut l = Layout::anonymous(&ctx);
    if let Some(n) = q.notice.as_deref()
        && matches!(n, "logged-out" | "password-set" | "setup-done")
    {
        l = l.with_notice(&format!("notice-{n}"));
    }
    render(&LoginPage {
        l,
        next: safe_next(q.next.as_deref()),
        email: String::new(),
        error: None,
        oidc_name: state.config.oidc.as_ref().map(|o| o.display_name.clone()),
    })
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    Form(f): Form<LoginForm>,
) -> AppResult<Response> {
    let tr = ctx.tr;
    let next = safe_next(f.next.as_deref());
    let email = f.email.trim().to_lowercase();
    let fail = |key: &str| {
        render_status(
            StatusCode::UNAUTHORIZED,
            &LoginPage {
                l: Layout::anonymous(&ctx),
                next: next.clone(),
                email: email.chars().take(254).collect(),
                error: Some(tr.msg(key)),
                oidc_name: state.config.oidc.as_ref().map(|o| o.display_name.clone()),
            },
        )
    };
    if email.is_empty() || email.len() > 254 || f.password.is_empty() || f.password.len() > 1024 {
        return Ok(fail("login-failed"));
    }
    let locked = || {
        let mut r = fail("login-throttled");
        *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        r
    };
    let mut now = now_ms();
    let (mut by_account, by_address) = state.store.login_failures(&email, &ip, now - WINDOW_MS).await?;
    if by_account >= MAX_FAILURES_PER_ACCOUNT {
        return Ok(locked());
    }
    // Many failures from this address: answer only after a delay (why a
    // delay and not a refusal: see `login_throttle`).
    if let Some(delay) = state.login_throttle.delay(by_address) {
        if state
            .store
            .mark_address_throttled(&ip, by_address, now, now - WINDOW_MS)
            .await?
        {
            tracing::warn!(
                address = %ip,
                failures = by_address,
                "sign-ins from this address are slowed down after many failures"
            );
        }
        if let Err(full) = state.login_throttle.wait(delay).await {
            let secs = crate::accounts::login_throttle::retry_after_secs(full.retry_after);
            let mut r = render_status(
                StatusCode::TOO_MANY_REQUESTS,
                &LoginPage {
                    l: Layout::anonymous(&ctx),
                    next: next.clone(),
                    email: email.chars().take(254).collect(),
                    error: Some(tr.msg_with("login-busy", &[("seconds", secs.to_string())])),
                    oidc_name: state.config.oidc.as_ref().map(|o| o.display_name.clone()),
                },
            );
            r.headers_mut().insert(header::RETRY_AFTER, secs.into());
            return Ok(r);
        }
        // Attempts on the same account may have failed meanwhile.
        now = now_ms();
        by_account = state.store.login_failures(&email, &ip, now - WINDOW_MS).await?.0;
        if by_account >= MAX_FAILURES_PER_ACCOUNT {
            return Ok(locked());
        }
    }
    let user = state.store.user_by_email(&email).await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    // Always run one argon2 verification, so timing does not reveal whether
    // the account exists.
    let password = f.password;
    let ok = state.hasher.verify(password, stored).await?;
    let user = match user {
        Some(u) if ok && !u.disabled => u,
        _ => {
            state.store.record_login_failure(&email, &ip, now).await?;
            // The failure that locks an existing account is worth an audit entry.
            if by_account + 1 == MAX_FAILURES_PER_ACCOUNT
                && let Some(u) = state.store.user_by_email(&email).await?
            {
                let detail = serde_json::json!({ "ip": ip }).to_string();
                state
                    .store
                    .record_event(&Actor::system(), "login.locked", &u.id, Some(detail))
                    .await?;
            }
            return Ok(fail("login-failed"));
        }
    };
    state.store.clear_login_failures(&email).await?;
    let mfa = user.has_totp();
    let cookie = session::start(&state, &user, mfa).await?;
    if !mfa {
        state
            .store
            .record_event(
                &Actor::user(&user),
                "login",
                &user.id,
                Some(r#"{"method":"password"}"#.into()),
            )
            .await?;
    }
    let target = if mfa {
        format!("/login/totp?next={}", crate::kit::error::url_encode(&next))
    } else {
        next
    };
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&target)).into_response())
}

#[derive(Template)]
#[template(path = "accounts/totp.html")]
struct TotpPage {
    l: Layout,
    next: String,
    error: Option<String>,
}

async fn totp_form(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    match current_session(&headers, &state).await? {
        Some(s) if s.mfa_pending => {}
        Some(_) => return Ok(Redirect::to("/").into_response()),
        None => return Ok(Redirect::to("/login").into_response()),
    }
    Ok(render(&TotpPage {
        l: Layout::anonymous(&ctx),
        next: safe_next(q.next.as_deref()),
        error: None,
    }))
}

#[derive(Deserialize)]
struct TotpForm {
    code: String,
    next: Option<String>,
}

async fn totp(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Form(f): Form<TotpForm>,
) -> AppResult<Response> {
    let Some(session) = current_session(&headers, &state).await?.filter(|s| s.mfa_pending) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let user = state
        .store
        .user_by_id(&session.user_id)
        .await?
        .ok_or(AppError::LoginRequired { next: "/".into() })?;
    let next = safe_next(f.next.as_deref());
    let now = now_ms();
    let (by_account, _) = state.store.login_failures(&user.email, &ip, now - WINDOW_MS).await?;
    let page = |key: &str, status: StatusCode| {
        render_status(
            status,
            &TotpPage {
                l: Layout::anonymous(&ctx),
                next: next.clone(),
                error: Some(ctx.tr.msg(key)),
            },
        )
    };
    if by_account >= MAX_FAILURES_PER_ACCOUNT {
        // Too many wrong codes: end the half-finished session entirely.
        state.store.delete_session(&session.token_hash).await?;
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            [(header::SET_COOKIE, session::clear(&state))],
            page("login-throttled", StatusCode::TOO_MANY_REQUESTS),
        )
            .into_response());
    }
    let code = f.code.trim();
    let secret = user.totp_secret.clone().unwrap_or_default();
    let last = state.store.totp_last_step(&user.id).await?;
    let accepted = if code.len() > 8 {
        // Longer input is a recovery code.
        let used = state
            .store
            .use_recovery_code(
                &Actor::user(&user),
                &user.id,
                &etterlev_auth::token::hash_recovery_code(code),
            )
            .await?;
        used.then_some("recovery-code")
    } else {
        let unix = u64::try_from(now / 1000).unwrap_or(0);
        match etterlev_auth::totp::check(&secret, code, unix, last) {
            Some(step) if state.store.claim_totp_step(&user.id, step).await? => Some("totp"),
            _ => None,
        }
    };
    let Some(method) = accepted else {
        state.store.record_login_failure(&user.email, &ip, now).await?;
        return Ok(page("totp-failed", StatusCode::UNAUTHORIZED));
    };
    state.store.clear_login_failures(&user.email).await?;
    state.store.complete_mfa(&session.token_hash).await?;
    state
        .store
        .record_event(
            &Actor::user(&user),
            "login",
            &user.id,
            Some(format!(r#"{{"method":"password+{method}"}}"#)),
        )
        .await?;
    Ok(Redirect::to(&next).into_response())
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    if let Some(s) = current_session(&headers, &state).await? {
        state.store.delete_session(&s.token_hash).await?;
        state
            .store
            .record_event(
                &Actor {
                    user_id: Some(s.user_id.clone()),
                    label: "session".into(),
                },
                "logout",
                &s.user_id,
                None,
            )
            .await?;
    }
    Ok((
        [(header::SET_COOKIE, session::clear(&state))],
        Redirect::to("/login?notice=logged-out"),
    )
        .into_response())
}

// ------------------------------------------------------------------ set-up links

#[derive(Template)]
#[template(path = "accounts/setup.html")]
struct SetupPage {
    l: Layout,
    token: String,
    first_admin: bool,
    kinds: Vec<(String, String)>,
    sizes: Vec<(String, String)>,
    errors: Vec<String>,
    v: SetupForm,
}

#[derive(Deserialize, Default, Clone)]
struct SetupForm {
    #[serde(default)]
    tenant_name: String,
    #[serde(default)]
    org_number: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    size: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password2: String,
}

fn kind_options(l: &Layout) -> Vec<(String, String)> {
    TenantKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), l.tr.kind_name(*k)))
        .collect()
}

fn size_options(l: &Layout) -> Vec<(String, String)> {
    SizeClass::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), l.tr.size_name(*s)))
        .collect()
}

async fn setup_form(State(state): State<AppState>, ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    let link = state
        .store
        .peek_setup_link(&etterlev_auth::hash_token(&token), now_ms())
        .await?
        .ok_or(AppError::NotFound)?;
    let l = Layout::anonymous(&ctx);
    Ok(render(&SetupPage {
        kinds: kind_options(&l),
        sizes: size_options(&l),
        l,
        token,
        first_admin: link.purpose == SetupPurpose::FirstAdmin,
        errors: Vec::new(),
        v: SetupForm::default(),
    }))
}

async fn setup(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(f): Form<SetupForm>,
) -> AppResult<Response> {
    let hash = etterlev_auth::hash_token(&token);
    let link = state
        .store
        .peek_setup_link(&hash, now_ms())
        .await?
        .ok_or(AppError::NotFound)?;
    let tr = ctx.tr;
    let mut errors = Vec::new();
    let first_admin = link.purpose == SetupPurpose::FirstAdmin;
    let mut identity = String::new();
    let mut tenant = None;
    let mut admin_fields = None;
    if first_admin {
        let name = field(&tr, "field-tenant-name", &f.tenant_name, 200)
            .map_err(|e| errors.push(e))
            .ok();
        let org = OrgNumber::parse(&f.org_number)
            .map_err(|_| errors.push(tr.msg("error-org-number")))
            .ok();
        let kind = TenantKind::parse(&f.kind).or_else(|| {
            errors.push(tr.msg("error-kind"));
            None
        });
        let size = SizeClass::parse(&f.size).or_else(|| {
            errors.push(tr.msg("error-size"));
            None
        });
        let email = etterlev_core::text::email(&f.email)
            .map_err(|_| errors.push(tr.msg("error-email")))
            .ok();
        let display = field(&tr, "field-display-name", &f.display_name, 200)
            .map_err(|e| errors.push(e))
            .ok();
        identity = email.clone().unwrap_or_default();
        if let (Some(name), Some(org_number), Some(kind), Some(size_class)) = (name, org, kind, size) {
            tenant = Some(NewTenant {
                name,
                org_number,
                kind,
                size_class,
            });
        }
        admin_fields = email.zip(display);
    } else if let Some(uid) = &link.user_id {
        identity = state.store.user_by_id(uid).await?.map(|u| u.email).unwrap_or_default();
    }
    if f.password != f.password2 {
        errors.push(tr.msg("error-password-mismatch"));
    } else if let Err(e) = etterlev_core::password::check(&f.password, &identity) {
        errors.push(super::account::password_error(&tr, &e));
    }
    if !errors.is_empty() {
        let l = Layout::anonymous(&ctx);
        let v = SetupForm {
            password: String::new(),
            password2: String::new(),
            ..f
        };
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage {
                kinds: kind_options(&l),
                sizes: size_options(&l),
                l,
                token,
                first_admin,
                errors,
                v,
            },
        ));
    }
    let password = f.password.clone();
    let phc = state
        .hasher
        .hash(password)
        .await?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if first_admin {
        let (Some(tenant), Some((email, display_name))) = (tenant, admin_fields) else {
            return Err(AppError::BadRequest("incomplete form".into()));
        };
        let admin = NewUser {
            email,
            display_name,
            password_hash: Some(phc),
            is_secretariat: false,
        };
        state.store.complete_first_admin(&hash, &tenant, &admin).await?;
        Ok(Redirect::to("/login?notice=setup-done").into_response())
    } else {
        let uid = link.user_id.ok_or(AppError::NotFound)?;
        state.store.complete_set_password(&hash, &uid, &phc).await?;
        Ok(Redirect::to("/login?notice=password-set").into_response())
    }
}
