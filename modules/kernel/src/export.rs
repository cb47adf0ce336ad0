//! A register extract (GDPR art. 15, 20) written as JSON text while it is produced.
//!
//! Modules page through their tables and hand rows to the writer one at a time; the writer sends the text on in
//! chunks of about 64 KiB. Streamed to an HTTP response, an export of any size holds one chunk and one page of rows
//! in memory, not the whole document.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, QuerySelect, Select};
use serde::Serialize;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::{error::AppError, pagination::oldest_first_after};

/// Text is handed on once this much has been written.
const CHUNK_BYTES: usize = 64 * 1024;

/// How long a chunk may wait for a reader. The export holds a database transaction (on SQLite the one connection),
/// so a reader that stops reading must not hold it for longer than this.
const READER_STALL_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Rows a module reads per query while it exports a large table.
pub const EXPORT_PAGE_ROWS: u64 = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Object { has_members: bool },
    List { has_items: bool },
}

/// Writes one JSON document: an object of sections (one per module), each an object of fields, some of them lists
/// written item by item.
pub struct ExportWriter {
    buf: Vec<u8>,
    sink: Option<mpsc::Sender<Vec<u8>>>,
    levels: Vec<Level>,
    /// A section opened but not yet written: it appears only once something is written into it.
    pending_section: Option<String>,
}

impl ExportWriter {
    /// A writer that keeps the whole document; [`ExportWriter::finish`] returns it.
    pub fn collecting() -> Self {
        Self::new(None)
    }

    /// A writer that sends the document on in chunks (a bounded channel: a slow reader slows the export down).
    pub fn streaming(sink: mpsc::Sender<Vec<u8>>) -> Self {
        Self::new(Some(sink))
    }

    fn new(sink: Option<mpsc::Sender<Vec<u8>>>) -> Self {
        let mut buf = Vec::with_capacity(CHUNK_BYTES + 1024);
        buf.push(b'{');
        Self { buf, sink, levels: vec![Level::Object { has_members: false }], pending_section: None }
    }

    /// Starts a section of the document (a module's part). It is written only if a field is written into it.
    pub fn begin_section(&mut self, name: &str) -> Result<(), AppError> {
        self.close_section()?;
        self.pending_section = Some(name.to_string());
        Ok(())
    }

    /// Ends the current section, if one is open.
    pub fn end_section(&mut self) -> Result<(), AppError> {
        self.close_section()
    }

    fn close_section(&mut self) -> Result<(), AppError> {
        self.pending_section = None;
        if self.levels.len() == 2 {
            if !matches!(self.levels.last(), Some(Level::Object { .. })) {
                return Err(AppError::internal("an export section was closed inside a list"));
            }
            self.levels.pop();
            self.buf.push(b'}');
        }
        Ok(())
    }

    /// Writes one field of the current section (or of the document, outside any section).
    pub async fn field(&mut self, name: &str, value: &impl Serialize) -> Result<(), AppError> {
        self.key(name)?;
        self.value(value)?;
        self.maybe_flush().await
    }

    /// Writes each member of a small JSON object as a field (for sections that fit in memory).
    pub async fn fields(&mut self, object: serde_json::Value) -> Result<(), AppError> {
        let serde_json::Value::Object(members) = object else {
            return Err(AppError::internal("export fields must be a JSON object"));
        };
        for (name, value) in members {
            self.field(&name, &value).await?;
        }
        Ok(())
    }

    /// Starts a list field; write its items with [`ExportWriter::item`], then call [`ExportWriter::end_list`].
    pub fn begin_list(&mut self, name: &str) -> Result<(), AppError> {
        self.key(name)?;
        self.buf.push(b'[');
        self.levels.push(Level::List { has_items: false });
        Ok(())
    }

    /// Writes one item of the open list.
    pub async fn item(&mut self, value: &impl Serialize) -> Result<(), AppError> {
        match self.levels.last_mut() {
            Some(Level::List { has_items }) => {
                if *has_items {
                    self.buf.push(b',');
                }
                *has_items = true;
            }
            _ => return Err(AppError::internal("an export item was written outside a list")),
        }
        self.value(value)?;
        self.maybe_flush().await
    }

    /// Writes `query`'s rows as the list `name`, oldest first by (`time`, `id`), reading [`EXPORT_PAGE_ROWS`] at a
    /// time with keyset pagination, so a table of any length exports in bounded memory. `key` gives a row's
    /// (`time`, `id`) values, `item` what is written for it.
    pub async fn list_oldest_first<E, C>(
        &mut self,
        db: &C,
        name: &str,
        query: Select<E>,
        (time, id): (E::Column, E::Column),
        key: impl Fn(&E::Model) -> (DateTime<Utc>, Uuid) + Send + Sync,
        item: impl Fn(&E::Model) -> serde_json::Value + Send + Sync,
    ) -> Result<(), AppError>
    where
        E: EntityTrait,
        E::Model: Send + Sync,
        C: ConnectionTrait + Sync,
    {
        self.begin_list(name)?;
        let mut after: Option<(DateTime<Utc>, Uuid)> = None;
        loop {
            let page = oldest_first_after(query.clone(), time, id, after).limit(EXPORT_PAGE_ROWS);
            let rows = page.all(db).await?;
            for row in &rows {
                self.item(&item(row)).await?;
            }
            match rows.last() {
                Some(last) if rows.len() as u64 == EXPORT_PAGE_ROWS => after = Some(key(last)),
                _ => break,
            }
        }
        self.end_list()
    }

    pub fn end_list(&mut self) -> Result<(), AppError> {
        match self.levels.pop() {
            Some(Level::List { .. }) => {
                self.buf.push(b']');
                Ok(())
            }
            _ => Err(AppError::internal("end_list without an open list")),
        }
    }

    /// Closes the document and hands on the rest: the whole document for a collecting writer, nothing (it was
    /// sent) for a streaming one.
    pub async fn finish(mut self) -> Result<Vec<u8>, AppError> {
        self.close_section()?;
        if self.levels.len() != 1 {
            return Err(AppError::internal("an export list was left open"));
        }
        self.buf.push(b'}');
        match self.sink.take() {
            None => Ok(std::mem::take(&mut self.buf)),
            Some(sink) => {
                send(&sink, std::mem::take(&mut self.buf)).await?;
                Ok(Vec::new())
            }
        }
    }

    fn key(&mut self, name: &str) -> Result<(), AppError> {
        if let Some(section) = self.pending_section.take() {
            self.member(&section)?;
            self.buf.push(b'{');
            self.levels.push(Level::Object { has_members: false });
        }
        self.member(name)
    }

    fn member(&mut self, name: &str) -> Result<(), AppError> {
        match self.levels.last_mut() {
            Some(Level::Object { has_members }) => {
                if *has_members {
                    self.buf.push(b',');
                }
                *has_members = true;
            }
            _ => return Err(AppError::internal("an export field was written inside a list")),
        }
        serde_json::to_writer(&mut self.buf, name).map_err(AppError::internal)?;
        self.buf.push(b':');
        Ok(())
    }

    fn value(&mut self, value: &impl Serialize) -> Result<(), AppError> {
        serde_json::to_writer(&mut self.buf, value).map_err(AppError::internal)
    }

    async fn maybe_flush(&mut self) -> Result<(), AppError> {
        if self.buf.len() < CHUNK_BYTES {
            return Ok(());
        }
        if let Some(sink) = &self.sink {
            let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK_BYTES + 1024));
            send(sink, chunk).await?;
        }
        Ok(())
    }
}

async fn send(sink: &mpsc::Sender<Vec<u8>>, chunk: Vec<u8>) -> Result<(), AppError> {
    sink.send_timeout(chunk, READER_STALL_LIMIT).await.map_err(|error| match error {
        mpsc::error::SendTimeoutError::Timeout(_) => AppError::internal("the export's reader stalled"),
        mpsc::error::SendTimeoutError::Closed(_) => AppError::internal("the export's reader went away"),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[tokio::test]
    async fn writes_sections_fields_and_lists_as_one_json_document() {
        let mut out = ExportWriter::collecting();
        out.field("format", &"cogo-export/1").await.unwrap();
        out.begin_section("empty").unwrap();
        out.begin_section("steps").unwrap();
        out.field("total", &3).await.unwrap();
        out.begin_list("samples").unwrap();
        for i in 0..3 {
            out.item(&json!({ "n": i })).await.unwrap();
        }
        out.end_list().unwrap();
        out.begin_list("none").unwrap();
        out.end_list().unwrap();
        out.end_section().unwrap();
        let text = out.finish().await.unwrap();
        let doc: Value = serde_json::from_slice(&text).unwrap();
        assert_eq!(
            doc,
            json!({ "format": "cogo-export/1", "steps": { "total": 3, "samples": [{"n":0},{"n":1},{"n":2}], "none": [] } })
        );
    }

    #[tokio::test]
    async fn a_streaming_writer_sends_the_document_in_chunks() {
        let (tx, mut rx) = mpsc::channel(4);
        let reader = tokio::spawn(async move {
            let mut all = Vec::new();
            let mut chunks = 0;
            while let Some(chunk) = rx.recv().await {
                chunks += 1;
                all.extend(chunk);
            }
            (chunks, all)
        });
        let mut out = ExportWriter::streaming(tx);
        out.begin_section("steps").unwrap();
        out.begin_list("samples").unwrap();
        for i in 0..20_000 {
            out.item(&json!({ "externalId": format!("sample-{i}") })).await.unwrap();
        }
        out.end_list().unwrap();
        out.finish().await.unwrap();
        let (chunks, all) = reader.await.unwrap();
        assert!(chunks > 2, "sent in {chunks} chunks");
        let doc: Value = serde_json::from_slice(&all).unwrap();
        assert_eq!(doc["steps"]["samples"].as_array().unwrap().len(), 20_000);
    }
}
