//! HTTP endpoints: `/graphql` (POST; GET for GraphiQL and queries), `/privacy/export` (a streamed data export),
//! `/healthz`, `/readyz`, and the web pages (`/graphiql/`, `/portal/`).

pub mod auth;
pub mod data_export;

pub mod get_is_read_only;
pub mod graphql;
pub mod graphql_request;
pub mod graphql_response;
pub mod health;
pub mod introspection_off;
pub mod live;
pub mod media_type;
pub mod panics;
pub mod request_id;
pub mod security_headers;
pub mod timeout;
pub mod tls;
pub mod web_pages;
