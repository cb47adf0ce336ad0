//! `COGO_PERSISTED_QUERIES`, `COGO_APQ_CACHE_SIZE` and `COGO_TRUSTED_DOCUMENTS`: which persisted-query protocol the
//! server speaks (see `crate::persisted_queries`).

use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::Arc;

use crate::persisted_queries::{DocumentCache, PersistedQueryMode, TrustedDocuments};

/// Documents the Automatic Persisted Queries cache keeps by default (each at most 32 KiB).
const DEFAULT_APQ_CACHE_SIZE: usize = 1_000;

/// The persisted-query mode the environment asks for. A trusted-documents list that cannot be read stops the start.
pub fn from_env(var: &dyn Fn(&str) -> Option<String>) -> Result<PersistedQueryMode, String> {
    if let Some(path) = var("COGO_TRUSTED_DOCUMENTS") {
        let documents = TrustedDocuments::load(Path::new(&path))?;
        if documents.is_empty() {
            return Err(format!("COGO_TRUSTED_DOCUMENTS: {path} lists no documents"));
        }
        return Ok(PersistedQueryMode::Trusted(Arc::new(documents)));
    }
    match var("COGO_PERSISTED_QUERIES").map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None | Some("automatic") => {
            let size = match var("COGO_APQ_CACHE_SIZE") {
                Some(text) => text.trim().parse().map_err(|_| "COGO_APQ_CACHE_SIZE must be a whole number")?,
                None => DEFAULT_APQ_CACHE_SIZE,
            };
            let capacity = NonZeroUsize::new(size).ok_or("COGO_APQ_CACHE_SIZE must be at least 1")?;
            Ok(PersistedQueryMode::Automatic(DocumentCache::new(capacity)))
        }
        Some("off") => Ok(PersistedQueryMode::Off),
        Some(_) => Err("COGO_PERSISTED_QUERIES must be automatic or off (or set COGO_TRUSTED_DOCUMENTS)".into()),
    }
}

/// The default: Automatic Persisted Queries with the default cache.
pub fn default_mode() -> PersistedQueryMode {
    PersistedQueryMode::Automatic(DocumentCache::new(
        NonZeroUsize::new(DEFAULT_APQ_CACHE_SIZE).unwrap_or(NonZeroUsize::MIN),
    ))
}
