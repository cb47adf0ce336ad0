//! Persisted queries: a client sends the SHA-256 hash of a document instead of its text.
//!
//! - **Automatic** (the Apollo protocol, the default): `extensions.persistedQuery = { version: 1, sha256Hash }`.
//!   An unknown hash gets `PERSISTED_QUERY_NOT_FOUND`; the client then sends the text with the hash once, the server
//!   checks that the hash is the text's and keeps it in a bounded cache ([`cache::DocumentCache`]), and later
//!   requests carry the hash alone. The cache is per instance: a client that meets another instance just sends the
//!   text again, as the protocol expects.
//! - **Trusted documents**: only the documents of a manifest built from the clients' documents
//!   ([`manifest::TrustedDocuments`]) run, whether the client sends the hash (preferred) or the text; anything else is
//!   refused with `PERSISTED_QUERY_NOT_TRUSTED` before it is parsed. Nothing is learnt at run time.
//!
//! Runs first among the schema's extensions (in `prepare_request`), so every later check (limits, rate limits) sees
//! the document the hash stands for.

pub mod cache;
pub mod manifest;

use std::sync::Arc;

use async_graphql::{
    Request, ServerError, ServerResult, Value,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest},
};
use sha2::{Digest, Sha256};

pub use cache::DocumentCache;

use crate::http::graphql_response::coded_error;
pub use manifest::TrustedDocuments;

/// Which persisted-query protocol the server speaks.
#[derive(Clone)]
pub enum PersistedQueryMode {
    /// Any document runs; hashes are learnt as clients register them (Apollo's Automatic Persisted Queries).
    Automatic(DocumentCache),
    /// Only the documents of the manifest run.
    Trusted(Arc<TrustedDocuments>),
    /// Hashes are not understood: a request must carry its document's text.
    Off,
}

/// The extension factory registered on the schema.
pub struct PersistedQueries(pub PersistedQueryMode);

impl ExtensionFactory for PersistedQueries {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PersistedQueriesExtension(self.0.clone()))
    }
}

struct PersistedQueriesExtension(PersistedQueryMode);

/// What the request's `extensions.persistedQuery` asks for.
struct HashReference {
    sha256_hash: String,
}

#[async_trait::async_trait]
impl Extension for PersistedQueriesExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let reference = hash_reference(&mut request)?;
        let request = match &self.0 {
            PersistedQueryMode::Automatic(cache) => automatic(cache, reference, request).await?,
            PersistedQueryMode::Trusted(documents) => trusted(documents, reference, request)?,
            PersistedQueryMode::Off => match reference {
                Some(_) => return Err(error("PERSISTED_QUERY_NOT_SUPPORTED", "persisted queries are not enabled")),
                None => request,
            },
        };
        next.run(ctx, request).await
    }
}

/// Reads (and removes) `extensions.persistedQuery`.
fn hash_reference(request: &mut Request) -> ServerResult<Option<HashReference>> {
    let Some(value) = request.extensions.0.remove("persistedQuery") else { return Ok(None) };
    let invalid = || error("BAD_USER_INPUT", "extensions.persistedQuery must be { version: 1, sha256Hash: \"<hex>\" }");
    let Value::Object(fields) = value else { return Err(invalid()) };
    let version = fields.get("version").and_then(|v| match v {
        Value::Number(n) => n.as_i64(),
        _ => None,
    });
    if version != Some(1) {
        return Err(invalid());
    }
    match fields.get("sha256Hash") {
        Some(Value::String(hash)) if is_sha256_hex(hash) => {
            Ok(Some(HashReference { sha256_hash: hash.to_ascii_lowercase() }))
        }
        _ => Err(invalid()),
    }
}

async fn automatic(
    cache: &DocumentCache,
    reference: Option<HashReference>,
    mut request: Request,
) -> ServerResult<Request> {
    let Some(HashReference { sha256_hash }) = reference else { return Ok(request) };
    if request.query.is_empty() {
        return match cache.get(&sha256_hash).await {
            Some(text) => {
                request.query = text.to_string();
                Ok(request)
            }
            None => Err(error("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")),
        };
    }
    if sha256_hex(&request.query) != sha256_hash {
        return Err(error("BAD_USER_INPUT", "the persisted query's sha256Hash is not the hash of the query"));
    }
    // Only documents that parse are kept: the cache must not become free storage for arbitrary text.
    if async_graphql::parser::parse_query(&request.query).is_ok() {
        cache.insert(sha256_hash, &request.query).await;
    }
    Ok(request)
}

fn trusted(
    documents: &TrustedDocuments,
    reference: Option<HashReference>,
    mut request: Request,
) -> ServerResult<Request> {
    let hash = match reference {
        Some(HashReference { sha256_hash }) => {
            if !request.query.is_empty() && sha256_hex(&request.query) != sha256_hash {
                return Err(error("BAD_USER_INPUT", "the persisted query's sha256Hash is not the hash of the query"));
            }
            sha256_hash
        }
        None => sha256_hex(&request.query),
    };
    match documents.get(&hash) {
        Some(text) => {
            request.query = text.to_string();
            Ok(request)
        }
        None => Err(error(
            "PERSISTED_QUERY_NOT_TRUSTED",
            "this server runs only the operations of its trusted-documents list; send a listed document or its hash",
        )),
    }
}

/// The lower-case hex SHA-256 of a document's text, as clients compute it.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn error(code: &'static str, message: &'static str) -> ServerError {
    coded_error(code, message)
}

impl std::fmt::Debug for PersistedQueryMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PersistedQueryMode::Automatic(_) => f.write_str("Automatic"),
            PersistedQueryMode::Trusted(documents) => write!(f, "Trusted({} documents)", documents.len()),
            PersistedQueryMode::Off => f.write_str("Off"),
        }
    }
}
