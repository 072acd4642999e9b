//! `/glossary`: the words catalogue pages use, with short definitions in
//! the user's language (data: `data/glossary.json`).

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;

use crate::AppState;
use crate::kit::session::Auth;
use crate::kit::{Layout, render};

pub fn router() -> Router<AppState> {
    Router::new().route("/glossary", get(page))
}

struct Item {
    id: String,
    term: String,
    definition: String,
}

#[derive(Template)]
#[template(path = "catalog/glossary.html")]
struct GlossaryPage {
    l: Layout,
    items: Vec<Item>,
}

async fn page(auth: Auth) -> Response {
    let l = Layout::for_user(&auth);
    let lang = l.tr.lang;
    let mut items: Vec<Item> = crate::catalog::glossary::terms()
        .iter()
        .map(|t| Item {
            id: t.id.clone(),
            term: t.entry(lang).term.clone(),
            definition: t.entry(lang).definition.clone(),
        })
        .collect();
    items.sort_by_key(|i| i.term.to_lowercase());
    render(&GlossaryPage { l, items })
}
