//! The audit log's hash chain. Each entry's hash covers its content and the hash of the entry before it, so an entry
//! changed in the database no longer matches its hash, and one removed leaves the next entry pointing at nothing.
//! [`ChainCheck`] walks the chain from the start and names the first entry altered or removed.
//!
//! The hash is SHA-256 over a length-prefixed encoding of the fields (no serializer whose settings could change
//! the bytes), versioned by a leading tag so a future format can be told apart.

use chrono::SecondsFormat;
use cogo_entities::privacy::{audit_log_entry, audit_log_head};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The hash "before" the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const FORMAT_TAG: &str = "cogo-audit-v1";

/// The hash of an entry: every column but `hash` itself, `previous_hash` included.
pub fn entry_hash(entry: &audit_log_entry::Model) -> String {
    let mut hasher = Sha256::new();
    let optional_id = |id: Option<Uuid>| id.map(|id| id.to_string()).unwrap_or_default();
    let fields: [(&str, String); 11] = [
        ("position", entry.position.to_string()),
        ("id", entry.id.to_string()),
        ("previous_id", optional_id(entry.previous_id)),
        ("at", entry.at.to_rfc3339_opts(SecondsFormat::Micros, true)),
        ("actor_kind", entry.actor_kind.clone()),
        ("actor_id", optional_id(entry.actor_id)),
        ("action", entry.action.clone()),
        ("subject_kind", entry.subject_kind.clone().unwrap_or_default()),
        ("subject_id", entry.subject_id.clone().unwrap_or_default()),
        ("request_id", entry.request_id.clone().unwrap_or_default()),
        ("previous_hash", entry.previous_hash.clone()),
    ];
    hasher.update(FORMAT_TAG.as_bytes());
    for (name, value) in fields {
        // name:length:value; — no value can be read as part of another.
        hasher.update(format!("{name}:{}:", value.len()).as_bytes());
        hasher.update(value.as_bytes());
        hasher.update(b";");
    }
    hex::encode(hasher.finalize())
}

/// Where the chain first breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The position of the first entry altered or removed.
    pub position: i64,
    /// Its id. For removed entries this is what the chain still names: the id the next entry (or the head) points
    /// back to, which is the removed entry's own when one was removed, the last removed one's when several were.
    pub entry_id: Option<Uuid>,
    pub problem: String,
}

/// Checks entries fed in position order, from the first.
#[derive(Debug)]
pub struct ChainCheck {
    next_position: i64,
    previous_id: Option<Uuid>,
    previous_hash: String,
    checked: u64,
    broken: Option<ChainBreak>,
}

impl Default for ChainCheck {
    fn default() -> Self {
        Self { next_position: 1, previous_id: None, previous_hash: GENESIS_HASH.to_string(), checked: 0, broken: None }
    }
}

impl ChainCheck {
    /// Checks the next entry; `false` once the chain is broken (feeding more changes nothing).
    pub fn check(&mut self, entry: &audit_log_entry::Model) -> bool {
        if self.broken.is_some() {
            return false;
        }
        if entry.position != self.next_position || entry.previous_id != self.previous_id {
            self.broken = Some(ChainBreak {
                position: self.next_position,
                entry_id: entry.previous_id,
                problem: if entry.position == self.next_position + 1 {
                    format!("entry {} is missing", self.next_position)
                } else if entry.position > self.next_position {
                    format!("entries {} to {} are missing", self.next_position, entry.position - 1)
                } else {
                    format!("entry {} does not follow the entry before it", entry.position)
                },
            });
        } else if entry.previous_hash != self.previous_hash {
            // The entry before matched its own stored hash, but that hash was rewritten: it was altered.
            self.broken = Some(ChainBreak {
                position: self.next_position - 1,
                entry_id: self.previous_id,
                problem: format!("entry {} was altered and its hash rewritten", self.next_position - 1),
            });
        } else if entry_hash(entry) != entry.hash {
            self.broken = Some(ChainBreak {
                position: entry.position,
                entry_id: Some(entry.id),
                problem: format!("entry {} was altered", entry.position),
            });
        } else {
            self.checked += 1;
            self.next_position += 1;
            self.previous_id = Some(entry.id);
            self.previous_hash = entry.hash.clone();
        }
        self.broken.is_none()
    }

    /// The verdict, once every entry up to the head was fed: the head must name the last entry checked (else the
    /// newest entries were removed, or the last one rewritten).
    pub fn finish(mut self, head: &audit_log_head::Model) -> ChainVerdict {
        if self.broken.is_none() {
            let last_position = self.next_position - 1;
            if head.position > last_position {
                self.broken = Some(ChainBreak {
                    position: self.next_position,
                    entry_id: head.entry_id,
                    problem: if head.position == self.next_position {
                        format!("entry {} (the newest) is missing", head.position)
                    } else {
                        format!("entries {} to {} (the newest) are missing", self.next_position, head.position)
                    },
                });
            } else if head.entry_id != self.previous_id || head.hash != self.previous_hash {
                self.broken = Some(ChainBreak {
                    position: last_position,
                    entry_id: self.previous_id,
                    problem: format!("entry {last_position} does not match the head of the chain"),
                });
            }
        }
        ChainVerdict { checked: self.checked, broken: self.broken, head_hash: head.hash.clone() }
    }
}

/// The outcome of a walk along the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainVerdict {
    /// Entries found intact before the first break (all of them when intact).
    pub checked: u64,
    pub broken: Option<ChainBreak>,
    /// The head's hash: written down outside the database from time to time, it also proves that the whole chain
    /// was not rebuilt.
    pub head_hash: String,
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn chain(length: i64) -> (Vec<audit_log_entry::Model>, audit_log_head::Model) {
        let mut entries: Vec<audit_log_entry::Model> = Vec::new();
        for position in 1..=length {
            let previous = entries.last();
            let mut entry = audit_log_entry::Model {
                position,
                id: Uuid::now_v7(),
                previous_id: previous.map(|p| p.id),
                at: Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap(),
                actor_kind: "STAFF".into(),
                actor_id: Some(Uuid::now_v7()),
                action: "USER_LOOKED_UP".into(),
                subject_kind: Some("USER".into()),
                subject_id: Some(Uuid::now_v7().to_string()),
                request_id: None,
                previous_hash: previous.map_or(GENESIS_HASH.to_string(), |p| p.hash.clone()),
                hash: String::new(),
            };
            entry.hash = entry_hash(&entry);
            entries.push(entry);
        }
        let last = entries.last();
        let head = audit_log_head::Model {
            id: 1,
            position: length,
            entry_id: last.map(|e| e.id),
            hash: last.map_or(GENESIS_HASH.to_string(), |e| e.hash.clone()),
        };
        (entries, head)
    }

    fn verdict(entries: &[audit_log_entry::Model], head: &audit_log_head::Model) -> ChainVerdict {
        let mut check = ChainCheck::default();
        for entry in entries {
            if !check.check(entry) {
                break;
            }
        }
        check.finish(head)
    }

    #[test]
    fn an_untouched_chain_is_intact() {
        let (entries, head) = chain(5);
        assert_eq!(verdict(&entries, &head), ChainVerdict { checked: 5, broken: None, head_hash: head.hash.clone() });
        let (empty, empty_head) = chain(0);
        assert_eq!(verdict(&empty, &empty_head).broken, None);
    }

    #[test]
    fn an_altered_entry_is_named() {
        let (mut entries, head) = chain(5);
        entries[2].action = "NOTHING_TO_SEE".into();
        let broken = verdict(&entries, &head).broken.unwrap();
        assert_eq!((broken.position, broken.entry_id), (3, Some(entries[2].id)));
    }

    #[test]
    fn an_altered_entry_with_its_hash_rewritten_is_named() {
        let (mut entries, head) = chain(5);
        entries[2].subject_id = Some("someone else".into());
        entries[2].hash = entry_hash(&entries[2]);
        let broken = verdict(&entries, &head).broken.unwrap();
        assert_eq!((broken.position, broken.entry_id), (3, Some(entries[2].id)));
    }

    #[test]
    fn a_removed_entry_is_named_by_the_next_one() {
        let (mut entries, head) = chain(5);
        let removed = entries.remove(1);
        let verdict = verdict(&entries, &head);
        assert_eq!(verdict.checked, 1);
        let broken = verdict.broken.unwrap();
        assert_eq!((broken.position, broken.entry_id), (2, Some(removed.id)));
    }

    #[test]
    fn removing_the_first_or_the_last_entries_is_seen() {
        let (mut entries, head) = chain(4);
        let first = entries.remove(0);
        assert_eq!(verdict(&entries, &head).broken.unwrap().entry_id, Some(first.id));

        let (mut entries, head) = chain(4);
        let last = entries.pop().unwrap();
        let broken = verdict(&entries, &head).broken.unwrap();
        assert_eq!((broken.position, broken.entry_id), (4, Some(last.id)));
    }
}
