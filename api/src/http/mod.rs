//! HTTP endpoints: `/graphql` (POST; GET for GraphiQL and queries), `/healthz`, `/readyz`.

pub mod graphql;
pub mod health;
pub mod nul_bytes;
pub mod request_id;
