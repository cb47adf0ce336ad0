//! Cursor connections (Relay style) shared by every list.
//!
//! Cursors are opaque to clients: base64 of a sort key chosen by the list (usually `created_at|id`).

use async_graphql::OutputType;
use async_graphql::connection::{Connection, Edge};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};

use crate::error::AppError;

pub const DEFAULT_PAGE_SIZE: u64 = 20;
pub const MAX_PAGE_SIZE: u64 = 100;

/// A validated `first` / `after` pair.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub first: u64,
    pub after: Option<String>,
}

impl PageRequest {
    /// Validates `first` (1..=100, default 20) and decodes `after`.
    pub fn parse(first: Option<i32>, after: Option<String>) -> Result<Self, AppError> {
        let first = match first {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if n >= 1 && (n as u64) <= MAX_PAGE_SIZE => n as u64,
            Some(_) => {
                return Err(AppError::bad_input("first", format!("must be between 1 and {MAX_PAGE_SIZE}")));
            }
        };
        let after = match after {
            None => None,
            Some(cursor) => Some(decode_cursor(&cursor)?),
        };
        Ok(Self { first, after })
    }

    /// How many rows to fetch: one more than the page, to know whether another page follows.
    pub fn fetch_limit(&self) -> u64 {
        self.first + 1
    }
}

pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

pub fn decode_cursor(cursor: &str) -> Result<String, AppError> {
    URL_SAFE_NO_PAD
        .decode(cursor.as_bytes())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| AppError::bad_input("after", "not a cursor from this list"))
}

/// Builds a connection from rows fetched with [`PageRequest::fetch_limit`]. `key` gives each row's sort key.
pub fn connection_from<T, N>(
    page: &PageRequest,
    mut rows: Vec<T>,
    key: impl Fn(&T) -> String,
    node: impl Fn(T) -> N,
) -> Connection<String, N>
where
    N: OutputType,
{
    let has_next = rows.len() as u64 > page.first;
    rows.truncate(page.first as usize);
    let mut connection = Connection::new(page.after.is_some(), has_next);
    connection.edges.extend(rows.into_iter().map(|row| {
        let cursor = encode_cursor(&key(&row));
        Edge::new(cursor, node(row))
    }));
    connection
}

/// The sort key `created_at|id` used by most lists ordered newest first.
pub fn time_id_key(at: &chrono::DateTime<chrono::Utc>, id: &uuid::Uuid) -> String {
    format!("{}|{}", at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true), id)
}

/// Splits a `created_at|id` key back into its parts.
pub fn parse_time_id_key(key: &str) -> Result<(chrono::DateTime<chrono::Utc>, uuid::Uuid), AppError> {
    let bad = || AppError::bad_input("after", "not a cursor from this list");
    let (at, id) = key.split_once('|').ok_or_else(bad)?;
    let at = chrono::DateTime::parse_from_rfc3339(at).map_err(|_| bad())?.with_timezone(&chrono::Utc);
    let id = uuid::Uuid::parse_str(id).map_err(|_| bad())?;
    Ok((at, id))
}

/// `query` oldest first by (`time`, `id`), from just after the `(time, id)` of the previous page's last row (keyset
/// pagination: each page costs the same however deep it is). The caller adds the page's limit.
pub fn oldest_first_after<E: EntityTrait>(
    query: Select<E>,
    time: E::Column,
    id: E::Column,
    after: Option<(chrono::DateTime<chrono::Utc>, uuid::Uuid)>,
) -> Select<E> {
    let query = match after {
        None => query,
        Some((at, last_id)) => {
            query.filter(Condition::any().add(time.gt(at)).add(Condition::all().add(time.eq(at)).add(id.gt(last_id))))
        }
    };
    query.order_by_asc(time).order_by_asc(id)
}

/// One page of `query`, newest first by (`time`, `id`), starting after the page's `time|id` cursor. The owner
/// filter belongs in `query`, so a list never loads rows it then throws away.
pub async fn newest_first_page<E>(
    db: &impl ConnectionTrait,
    mut query: Select<E>,
    time: E::Column,
    id: E::Column,
    page: &PageRequest,
) -> Result<Vec<E::Model>, AppError>
where
    E: EntityTrait,
{
    if let Some(key) = &page.after {
        let (at, after_id) = parse_time_id_key(key)?;
        query =
            query.filter(Condition::any().add(time.lt(at)).add(Condition::all().add(time.eq(at)).add(id.lt(after_id))));
    }
    Ok(query.order_by_desc(time).order_by_desc(id).limit(page.fetch_limit()).all(db).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let key = "2026-11-23T10:00:00.000000Z|0f0e";
        assert_eq!(decode_cursor(&encode_cursor(key)).unwrap(), key);
    }

    #[test]
    fn page_size_is_bounded() {
        assert!(PageRequest::parse(Some(0), None).is_err());
        assert!(PageRequest::parse(Some(101), None).is_err());
        assert_eq!(PageRequest::parse(None, None).unwrap().first, DEFAULT_PAGE_SIZE);
    }

    #[test]
    fn garbage_cursors_are_bad_input() {
        assert!(PageRequest::parse(Some(5), Some("%%%".into())).is_err());
    }
}
