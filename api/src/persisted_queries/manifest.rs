//! The trusted-documents list: every operation of the clients' `.graphql` files as a document of its own (the
//! operation followed by the fragments it uses), keyed by the SHA-256 hash of its text.
//!
//! `cogo-api trusted-documents clients/*.graphql > clients/trusted-documents.json` builds the list (a JSON object,
//! hash → text, the format GraphQL Code Generator and Relay emit); `COGO_TRUSTED_DOCUMENTS` points the server at it.
//! The clients ship the same list and send the hashes.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::sha256_hex;

pub struct TrustedDocuments(HashMap<String, Arc<str>>);

impl TrustedDocuments {
    /// Reads a list written by [`build_manifest`], refusing one whose hashes do not match their texts.
    pub fn load(path: &std::path::Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let entries: BTreeMap<String, String> = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not a trusted-documents list: {e}", path.display()))?;
        let mut documents = HashMap::with_capacity(entries.len());
        for (hash, document) in entries {
            if sha256_hex(&document) != hash.to_ascii_lowercase() {
                return Err(format!("{}: the entry {hash} is not the hash of its document", path.display()));
            }
            documents.insert(hash.to_ascii_lowercase(), Arc::from(document));
        }
        Ok(Self(documents))
    }

    pub fn get(&self, sha256_hash: &str) -> Option<&str> {
        self.0.get(sha256_hash).map(|text| &**text)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The list for a set of `.graphql` sources: one document per operation, hash → text, in hash order (stable output).
pub fn build_manifest(sources: &[(String, String)]) -> Result<BTreeMap<String, String>, String> {
    let mut operations = Vec::new();
    let mut fragments = HashMap::new();
    for (name, source) in sources {
        for definition in split_definitions(source).map_err(|e| format!("{name}: {e}"))? {
            match fragment_name(definition) {
                Some(fragment) => {
                    if fragments.insert(fragment.to_string(), definition.to_string()).is_some() {
                        return Err(format!("{name}: fragment {fragment} is defined twice"));
                    }
                }
                None => operations.push((name, definition.to_string())),
            }
        }
    }
    let mut manifest = BTreeMap::new();
    for (name, operation) in operations {
        let document = with_fragments(&operation, &fragments).map_err(|e| format!("{name}: {e}"))?;
        async_graphql::parser::parse_query(&document)
            .map_err(|e| format!("{name}: an operation does not parse: {e}\n{document}"))?;
        manifest.insert(sha256_hex(&document), document);
    }
    Ok(manifest)
}

/// The operation followed by every fragment it uses, directly or through other fragments, in order of first use.
fn with_fragments(operation: &str, fragments: &HashMap<String, String>) -> Result<String, String> {
    let mut used: Vec<String> = Vec::new();
    let mut pending = fragment_spreads(operation);
    while let Some(name) = pending.pop() {
        if used.contains(&name) {
            continue;
        }
        let fragment = fragments.get(&name).ok_or_else(|| format!("fragment {name} is used but not defined"))?;
        pending.extend(fragment_spreads(fragment));
        used.push(name);
    }
    let mut document = operation.to_string();
    for name in used {
        document.push_str("\n\n");
        document.push_str(&fragments[&name]);
    }
    Ok(document)
}

/// The top-level definitions of a document, each from its first token to its closing brace (comments between
/// definitions are left out).
fn split_definitions(source: &str) -> Result<Vec<&str>, String> {
    let mut definitions = Vec::new();
    let mut start = None;
    let mut depth = 0usize;
    for (at, c) in significant_chars(source) {
        if start.is_none() && !c.is_whitespace() && c != ',' {
            start = Some(at);
        }
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.checked_sub(1).ok_or("a '}' closes nothing")?;
                if depth == 0
                    && let Some(begin) = start.take()
                {
                    definitions.push(&source[begin..=at]);
                }
            }
            _ => {}
        }
    }
    if depth != 0 || start.is_some() {
        return Err("the document ends inside a definition".into());
    }
    Ok(definitions)
}

/// `Some(name)` when the definition is a fragment.
fn fragment_name(definition: &str) -> Option<&str> {
    let rest = definition.strip_prefix("fragment")?;
    rest.starts_with(char::is_whitespace).then(|| rest.split_whitespace().next()).flatten()
}

/// The names of the named fragments a definition spreads (`...Name`, not `... on Type`).
fn fragment_spreads(definition: &str) -> Vec<String> {
    let chars: Vec<(usize, char)> = significant_chars(definition).collect();
    let mut names = Vec::new();
    for window in 0..chars.len().saturating_sub(2) {
        if chars[window].1 == '.' && chars[window + 1].1 == '.' && chars[window + 2].1 == '.' {
            let name: String = chars[window + 3..]
                .iter()
                .map(|(_, c)| *c)
                .skip_while(|c| c.is_whitespace())
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name != "on" && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// The characters of a GraphQL document outside comments and string literals, with their byte offsets.
fn significant_chars(source: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    #[derive(PartialEq)]
    enum State {
        Code,
        Comment,
        String,
        BlockString,
    }
    let mut state = State::Code;
    let mut escaped = false;
    let (mut opening_quotes_left, mut quote_run, mut run_escaped) = (0, 0, false);
    source.char_indices().filter(move |&(at, c)| match state {
        State::Code => match c {
            '#' => {
                state = State::Comment;
                false
            }
            '"' if source[at..].starts_with("\"\"\"") => {
                state = State::BlockString;
                (opening_quotes_left, quote_run, run_escaped) = (2, 0, false);
                false
            }
            '"' => {
                state = State::String;
                false
            }
            _ => true,
        },
        State::Comment => {
            if c == '\n' {
                state = State::Code;
            }
            false
        }
        State::String => {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                state = State::Code;
            }
            false
        }
        State::BlockString => {
            if opening_quotes_left > 0 {
                opening_quotes_left -= 1;
            } else if c == '"' {
                quote_run += 1;
                // Three quotes close the block string, unless a backslash escapes them (`\"""`).
                if quote_run == 3 {
                    if run_escaped {
                        (quote_run, run_escaped) = (0, false);
                    } else {
                        state = State::Code;
                    }
                }
            } else {
                run_escaped = c == '\\';
                quote_run = 0;
            }
            false
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r#"# The app's operations.
query Me { me { ...Profile } }

# a comment with a { brace
mutation LogIn($email: String!) { logIn(email: $email, password: "}{") { accessToken } }

fragment Profile on Me { id ...Names }
fragment Names on Me { name }
query Inline { me { ... on Me { id } } }
query Block { privacyPolicy(note: """a "quoted" \""" brace } and """) { version } }
"#;

    #[test]
    fn each_operation_becomes_one_document_with_the_fragments_it_uses() {
        let manifest = build_manifest(&[("app.graphql".into(), SOURCE.into())]).unwrap();
        let documents: Vec<&String> = manifest.values().collect();
        assert_eq!(documents.len(), 4);
        let me = documents.iter().find(|d| d.starts_with("query Me")).unwrap();
        assert_eq!(
            me.as_str(),
            "query Me { me { ...Profile } }\n\nfragment Profile on Me { id ...Names }\n\nfragment Names on Me { name }"
        );
        let log_in = documents.iter().find(|d| d.starts_with("mutation LogIn")).unwrap();
        assert!(log_in.ends_with("{ accessToken } }"), "braces in strings and comments are not counted: {log_in}");
        assert!(documents.iter().any(|d| d.as_str() == "query Inline { me { ... on Me { id } } }"));
        assert!(documents.iter().any(|d| d.starts_with("query Block") && d.ends_with("{ version } }")));
        for (hash, document) in &manifest {
            assert_eq!(hash, &sha256_hex(document));
        }
    }

    #[test]
    fn a_missing_fragment_or_an_unclosed_definition_is_refused() {
        assert!(build_manifest(&[("a".into(), "query A { me { ...Nope } }".into())]).is_err());
        assert!(build_manifest(&[("a".into(), "query A { me { id }".into())]).is_err());
    }

    #[test]
    fn a_list_whose_hash_does_not_match_its_text_is_refused() {
        let dir = std::env::temp_dir().join(format!("cogo-trusted-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("list.json");
        std::fs::write(&path, format!("{{\"{}\": \"{{ b }}\"}}", sha256_hex("{ a }"))).unwrap();
        assert!(TrustedDocuments::load(&path).is_err());
        std::fs::write(&path, format!("{{\"{}\": \"{{ a }}\"}}", sha256_hex("{ a }"))).unwrap();
        assert_eq!(TrustedDocuments::load(&path).unwrap().get(&sha256_hex("{ a }")), Some("{ a }"));
    }
}

#[cfg(test)]
mod committed_list {
    use super::*;

    /// `clients/` holds a copy of the clients' documents (the contract in `../shared/clients/`) and the list built
    /// from them; the list must be rebuilt whenever a document changes.
    #[test]
    fn the_committed_list_is_built_from_the_committed_client_documents() {
        let clients = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../clients");
        let mut sources = Vec::new();
        for entry in std::fs::read_dir(&clients).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|ext| ext == "graphql") {
                sources.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
            }
        }
        assert!(!sources.is_empty(), "no client documents in {}", clients.display());
        let built = build_manifest(&sources).unwrap();
        let committed: BTreeMap<String, String> =
            serde_json::from_str(&std::fs::read_to_string(clients.join("trusted-documents.json")).unwrap()).unwrap();
        assert!(
            built == committed,
            "clients/trusted-documents.json is stale; rebuild it with\n  \
             cargo run -q -p cogo-api -- trusted-documents clients/*.graphql > clients/trusted-documents.json"
        );
    }
}
