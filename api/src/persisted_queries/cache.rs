//! The Automatic Persisted Queries cache: hash → document text, bounded in entries and in the size of each entry,
//! so clients registering documents cannot grow the server's memory without limit.

use std::{num::NonZeroUsize, sync::Arc};

use tokio::sync::Mutex;

/// Documents larger than this run but are not kept (the client sends such a one's text each time).
pub const MAX_CACHED_DOCUMENT_BYTES: usize = 32 * 1024;

/// At most `capacity` × [`MAX_CACHED_DOCUMENT_BYTES`] of text; the least recently used entry goes first.
#[derive(Clone)]
pub struct DocumentCache(Arc<Mutex<lru::LruCache<String, Arc<str>>>>);

impl DocumentCache {
    pub fn new(capacity: NonZeroUsize) -> Self {
        Self(Arc::new(Mutex::new(lru::LruCache::new(capacity))))
    }

    pub async fn get(&self, sha256_hash: &str) -> Option<Arc<str>> {
        self.0.lock().await.get(sha256_hash).cloned()
    }

    pub async fn insert(&self, sha256_hash: String, text: &str) {
        if text.len() <= MAX_CACHED_DOCUMENT_BYTES {
            self.0.lock().await.put(sha256_hash, Arc::from(text));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_least_recently_used_document_goes_first_and_big_ones_are_not_kept() {
        let cache = DocumentCache::new(NonZeroUsize::new(2).unwrap());
        cache.insert("a".into(), "{ a }").await;
        cache.insert("b".into(), "{ b }").await;
        assert!(cache.get("a").await.is_some());
        cache.insert("c".into(), "{ c }").await;
        assert!(cache.get("b").await.is_none(), "b was the least recently used");
        assert!(cache.get("a").await.is_some() && cache.get("c").await.is_some());
        cache.insert("big".into(), &"x".repeat(MAX_CACHED_DOCUMENT_BYTES + 1)).await;
        assert!(cache.get("big").await.is_none());
    }
}
