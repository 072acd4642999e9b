//! `/inventory/levels`: the enterprise's own words for the four protection
//! levels of confidentiality, integrity and availability. A level left
//! blank uses the default text (our own words after the risk-management
//! guide); the system form shows whichever applies.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use etterlev_store::{DIMENSIONS, LevelText, StoreError};

use super::pages::{require_edit, with_saved_notice};
use crate::AppState;
use crate::kit::error::AppResult;
use crate::kit::i18n::Tr;
use crate::kit::session::Auth;
use crate::kit::{FormPairs, Layout, can_edit, render, render_status};

/// The default text of a level.
fn default_text(tr: &Tr, dimension: &str, level: u8) -> String {
    tr.msg(&format!("inv-level-{dimension}-{level}"))
}

/// The four levels of `dimension` as the enterprise words them.
pub(super) fn level_words(tr: &Tr, texts: &[LevelText], dimension: &str) -> Vec<(u8, String)> {
    (1..=4)
        .map(|level| {
            let own = texts.iter().find(|t| t.dimension == dimension && t.level == level);
            (
                level,
                own.map_or_else(|| default_text(tr, dimension, level), |t| t.text.clone()),
            )
        })
        .collect()
}

struct Cell {
    name: String,
    level: u8,
    value: String,
    default: String,
}

struct Dimension {
    label: String,
    cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "inventory/levels.html")]
struct LevelsPage {
    l: Layout,
    dimensions: Vec<Dimension>,
    errors: Vec<String>,
    can_edit: bool,
}

fn levels_page(auth: &Auth, value: &dyn Fn(&str, u8) -> String) -> LevelsPage {
    let l = Layout::for_user(auth);
    let tr = l.tr;
    LevelsPage {
        dimensions: DIMENSIONS
            .iter()
            .map(|d| Dimension {
                label: tr.msg(&format!("inv-field-{d}")),
                cells: (1..=4)
                    .map(|level| Cell {
                        name: format!("t_{d}_{level}"),
                        level,
                        value: value(d, level),
                        default: default_text(&tr, d, level),
                    })
                    .collect(),
            })
            .collect(),
        errors: Vec::new(),
        can_edit: can_edit(auth),
        l,
    }
}

pub(super) async fn page(
    State(state): State<AppState>,
    auth: Auth,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> AppResult<Response> {
    let scope = auth.scope()?;
    let texts = state.store.tenant(scope).level_texts().await?;
    let mut page = levels_page(&auth, &|d, n| {
        texts
            .iter()
            .find(|t| t.dimension == d && t.level == n)
            .map(|t| t.text.clone())
            .unwrap_or_default()
    });
    page.l = with_saved_notice(page.l, q.as_deref());
    Ok(render(&page))
}

pub(super) async fn save(State(state): State<AppState>, auth: Auth, form: FormPairs) -> AppResult<Response> {
    let scope = auth.scope()?;
    require_edit(&auth)?;
    let mut texts = Vec::new();
    for d in DIMENSIONS {
        for level in 1..=4u8 {
            texts.push(LevelText {
                dimension: d.to_string(),
                level,
                text: form.get(&format!("t_{d}_{level}")).to_string(),
            });
        }
    }
    match state.store.tenant(scope).set_level_texts(texts).await {
        Ok(_) => Ok(Redirect::to("/inventory/levels?notice=inv-notice-saved").into_response()),
        Err(StoreError::Invalid(r)) => {
            let mut page = levels_page(&auth, &|d, n| form.get(&format!("t_{d}_{n}")).to_string());
            page.errors = vec![page.l.tr.refused(&r)];
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}
