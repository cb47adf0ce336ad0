//! The web pages this binary serves itself, with nothing fetched from anywhere else: GraphiQL (the page at
//! `GET /graphql`, its scripts under `/graphiql/`) and the merchant portal (`/portal/`). Release builds embed
//! `api/web/` at compile time; debug builds read the same files from the repository, so an edit shows on reload.
//! Where the GraphiQL files come from and how to update them: `api/web/graphiql/update.sh`.

use poem::endpoint::EmbeddedFilesEndpoint;
use poem::http::StatusCode;
use poem::{IntoResponse, Response, web::Html};
use rust_embed::RustEmbed;

/// GraphiQL's page, its start script and the pinned GraphiQL, React and ReactDOM production builds.
#[derive(RustEmbed)]
#[folder = "web/graphiql/"]
#[exclude = "*.sh"]
pub struct GraphiQLFiles;

/// The merchant portal: plain ES modules, HTML and CSS, no build step.
#[derive(RustEmbed)]
#[folder = "web/portal/"]
#[exclude = "*.md"]
pub struct PortalFiles;

/// The GraphiQL page itself (served at `/graphql` when GraphiQL is on).
pub fn graphiql_page() -> Response {
    match GraphiQLFiles::get("index.html") {
        Some(page) => Html(String::from_utf8_lossy(&page.data).into_owned()).into_response(),
        // Only if the build left the folder out; the API itself still answers.
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// GraphiQL's scripts and styles, under `/graphiql/`.
pub fn graphiql_files() -> EmbeddedFilesEndpoint<GraphiQLFiles> {
    EmbeddedFilesEndpoint::new()
}

/// The portal, under `/portal/` (`/portal` redirects there).
pub fn portal_files() -> EmbeddedFilesEndpoint<PortalFiles> {
    EmbeddedFilesEndpoint::new()
}
