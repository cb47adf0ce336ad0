//! The GraphQL request of an HTTP request: the parameters (`query`, `operationName`, `variables`, `extensions`)
//! of a POST's JSON body or a GET's query string, checked as strictly as the GraphQL-over-HTTP spec describes, so
//! a malformed request is a 400 with a GraphQL error rather than a guess.

use async_graphql::{Extensions, Variables};
use poem::{Body, Request, error::ReadBodyError, http::header};
use serde::Deserialize;

use crate::http::graphql_response::Refusal;
use crate::http::media_type;

/// Large enough for a 1,000-sample step sync, small enough to refuse abuse.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// How much of a parser's complaint is shown: it may quote the client's text, which must not come back in bulk.
const MAX_COMPLAINT_CHARS: usize = 160;

/// The parameters of a POST body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphQLRequestBody {
    query: Option<String>,
    operation_name: Option<String>,
    #[serde(default)]
    variables: Variables,
    #[serde(default)]
    extensions: Extensions,
}

/// The parameters of a GET query string: `variables` and `extensions` are JSON text.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphQLQueryString {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

/// The request of a POST: `application/json` only, at most [`MAX_BODY_BYTES`], one operation.
pub async fn from_post(req: &Request, body: Body) -> Result<async_graphql::Request, Refusal> {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok());
    if !media_type::is_json_request(content_type) {
        return Err(Refusal::unsupported_media_type());
    }
    let declared_length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared_length.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Err(Refusal::payload_too_large(MAX_BODY_BYTES));
    }
    // Also bounded while reading: a chunked body declares no length.
    let bytes = body.into_bytes_limit(MAX_BODY_BYTES).await.map_err(|error| match error {
        ReadBodyError::PayloadTooLarge => Refusal::payload_too_large(MAX_BODY_BYTES),
        _ => Refusal::bad_request("the request body could not be read"),
    })?;
    from_json(&bytes)
}

/// The request of a JSON body.
pub fn from_json(bytes: &[u8]) -> Result<async_graphql::Request, Refusal> {
    match bytes.iter().find(|byte| !byte.is_ascii_whitespace()) {
        None => return Err(Refusal::bad_request("the request body is empty: send a JSON object with a query")),
        Some(b'[') => return Err(Refusal::batch()),
        Some(_) => {}
    }
    let body: GraphQLRequestBody = serde_json::from_slice(bytes)
        .map_err(|error| Refusal::bad_request(format!("the body is not a GraphQL request: {}", shortened(&error))))?;
    request_of(body.query, body.operation_name, body.variables, body.extensions)
}

/// The request of a GET's query string.
pub fn from_query_string(query_string: &str) -> Result<async_graphql::Request, Refusal> {
    let params: GraphQLQueryString = serde_urlencoded::from_str(query_string).map_err(|error| {
        Refusal::bad_request(format!("the query string is not a GraphQL request: {}", shortened(&error)))
    })?;
    let variables = match params.variables {
        Some(json) => serde_json::from_str(&json)
            .map_err(|error| Refusal::bad_request(format!("variables must be a JSON object: {}", shortened(&error))))?,
        None => Variables::default(),
    };
    let extensions = match params.extensions {
        Some(json) => serde_json::from_str(&json).map_err(|error| {
            Refusal::bad_request(format!("extensions must be a JSON object: {}", shortened(&error)))
        })?,
        None => Extensions::default(),
    };
    request_of(params.query, params.operation_name, variables, extensions)
}

fn request_of(
    query: Option<String>,
    operation_name: Option<String>,
    variables: Variables,
    extensions: Extensions,
) -> Result<async_graphql::Request, Refusal> {
    // A persisted query's hash stands in for the text (`crate::persisted_queries` resolves it).
    let query = match query {
        Some(query) => query,
        None if extensions.0.contains_key("persistedQuery") => String::new(),
        None => return Err(Refusal::bad_request("a GraphQL request needs a query (or a persisted query's hash)")),
    };
    let mut request = async_graphql::Request::new(query).variables(variables);
    // Some clients send an empty name for an anonymous operation.
    if let Some(name) = operation_name.filter(|name| !name.is_empty()) {
        request = request.operation_name(name);
    }
    request.extensions = extensions;
    Ok(request)
}

fn shortened(error: &dyn std::fmt::Display) -> String {
    let text = error.to_string();
    match text.char_indices().nth(MAX_COMPLAINT_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(body: &str) -> Refusal {
        match from_json(body.as_bytes()) {
            Ok(request) => panic!("accepted {body} as {:?}", request.query),
            Err(refusal) => refusal,
        }
    }

    #[test]
    fn a_json_object_with_a_query_is_a_request() {
        let request =
            from_json(br#"{"query":"{ a }","operationName":null,"variables":null,"extensions":null}"#).unwrap();
        assert_eq!(request.query, "{ a }");
        let named = from_json(br#"{"query":"query A { a }","operationName":"A","variables":{"x":1}}"#).unwrap();
        assert_eq!(named.operation_name.as_deref(), Some("A"));
        assert_eq!(named.variables.len(), 1);
    }

    #[test]
    fn anything_else_is_a_bad_request() {
        for body in [
            "",
            "{ \"not a JSON",
            "\"{ a }\"",
            r#"{"notquery":"{ a }"}"#,
            r#"{"query":{"obj":"ect"}}"#,
            r#"{"query":0}"#,
            r#"{"query":"{ a }","operationName":false}"#,
            r#"{"query":"{ a }","variables":"string"}"#,
            r#"{"query":"{ a }","variables":["array"]}"#,
            r#"{"query":"{ a }","extensions":0}"#,
        ] {
            assert_eq!(refused(body).status(), 400, "{body}");
        }
    }

    #[test]
    fn a_batch_is_refused_as_such() {
        let refusal = refused(r#"[{"query":"{ a }"},{"query":"{ b }"}]"#);
        assert_eq!(refusal.status(), 400);
        assert!(format!("{refusal:?}").contains("BATCH_NOT_SUPPORTED"));
    }

    #[test]
    fn a_complaint_does_not_echo_the_whole_input() {
        // serde quotes a string of the wrong type in full.
        let long = format!(r#"{{"query":"{{ a }}","variables":"{}"}}"#, "x".repeat(100_000));
        assert!(format!("{:?}", refused(&long)).len() < 1_000);
    }

    #[test]
    fn a_query_string_carries_json_variables() {
        let request =
            from_query_string("query=query+A(%24n%3A+Int)+%7B+a+%7D&operationName=A&variables=%7B%22n%22%3A1%7D")
                .unwrap();
        assert_eq!(request.operation_name.as_deref(), Some("A"));
        assert_eq!(request.variables.len(), 1);
        assert_eq!(from_query_string("query=%7B+a+%7D&variables=%5B1%5D").unwrap_err().status(), 400);
        assert_eq!(from_query_string("operationName=A").unwrap_err().status(), 400);
        let by_hash = r#"{"persistedQuery":{"version":1,"sha256Hash":"ab"}}"#;
        let query_string = serde_urlencoded::to_string([("extensions", by_hash)]).unwrap();
        let request = from_query_string(&query_string).unwrap();
        assert!(request.query.is_empty() && request.extensions.0.contains_key("persistedQuery"));
    }
}
