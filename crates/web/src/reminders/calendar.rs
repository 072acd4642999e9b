//! The personal calendar feed: `/account/calendar` makes (or replaces) and
//! revokes the user's secret link; `/calendar/<token>.ics` serves every date
//! to keep in the user's enterprises — action deadlines, measure reviews and
//! evidence that expires — for a year ahead and a quarter back.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use etterlev_reports::calendar::{CalendarEvent, calendar_ics};

use crate::AppState;
use crate::kit::error::{AppError, AppResult};
use crate::kit::i18n::{Lang, Tr};
use crate::kit::labels::{due_label, due_path};
use crate::kit::session::Auth;
use crate::kit::{Form, Layout, render};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account/calendar", get(page).post(create))
        .route("/account/calendar/revoke", post(revoke))
        .route("/calendar/{file}", get(feed))
}

#[derive(Template)]
#[template(path = "reminders/calendar.html")]
struct CalendarPage {
    l: Layout,
    has_token: bool,
    /// Shown once, right after it was made.
    link: Option<String>,
}

async fn page(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    let has_token = state.store.has_calendar_token(&auth.user.id).await?;
    Ok(render(&CalendarPage {
        l: Layout::for_user(&auth),
        has_token,
        link: None,
    }))
}

#[derive(serde::Deserialize)]
struct Empty {}

async fn create(State(state): State<AppState>, auth: Auth, Form(_): Form<Empty>) -> AppResult<Response> {
    let token = etterlev_auth::new_token("etl_cal");
    state.store.set_calendar_token(&auth.user, &token.hash).await?;
    let link = state
        .config
        .public_url
        .join(&format!("calendar/{}.ics", token.plaintext))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut l = Layout::for_user(&auth);
    l = l.with_notice("calendar-created");
    Ok(render(&CalendarPage {
        l,
        has_token: true,
        link: Some(link.to_string()),
    }))
}

async fn revoke(State(state): State<AppState>, auth: Auth, Form(_): Form<Empty>) -> AppResult<Response> {
    state.store.revoke_calendar_tokens(&auth.user).await?;
    Ok(render(&CalendarPage {
        l: Layout::for_user(&auth).with_notice("calendar-revoked"),
        has_token: false,
        link: None,
    }))
}

/// `/calendar/<token>.ics`: no session; the token is the key. An unknown or
/// revoked token is 404 like any other missing page.
async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> AppResult<Response> {
    let token = file.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    if token.len() > 200 || !token.starts_with("etl_cal_") {
        return Err(AppError::NotFound);
    }
    let user = state
        .store
        .user_by_calendar_token(&etterlev_auth::hash_token(token))
        .await?
        .ok_or(AppError::NotFound)?;
    let tr = Tr::new(Lang::Nb);
    let today = crate::kit::dates::today();
    let until = today.plus_days(366).to_string();
    let from = today.plus_days(-92).to_string();
    let mut events = Vec::new();
    for m in state.store.memberships_of(&user.id).await? {
        let scope = state.store.scope(&user, &m.tenant.id).await?;
        for item in state.store.tenant(&scope).due_items(&until).await? {
            if item.date < from {
                continue;
            }
            let url = state
                .config
                .public_url
                .join(due_path(&item).trim_start_matches('/'))
                .ok();
            events.push(CalendarEvent {
                uid: format!("{}-{}@etterlev", item.kind.as_str(), item.id),
                summary: due_label(&tr, &item),
                description: m.tenant.name.clone(),
                url: url.map(|u| u.to_string()),
                date: item.date,
            });
        }
    }
    let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string();
    let body = calendar_ics(&tr.msg("calendar-name"), &stamp, &events);
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    // The link is a secret: not kept by shared caches.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=900"));
    Ok(response)
}
