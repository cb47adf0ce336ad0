//! HTTP endpoints: `/graphql` (POST; GET for GraphiQL and queries), `/privacy/export` (a streamed data export),
//! `/healthz`, `/readyz`.

pub mod data_export;

pub mod graphql;
pub mod health;
pub mod nul_bytes;
pub mod panics;
pub mod request_id;
