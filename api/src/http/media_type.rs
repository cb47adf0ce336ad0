//! Media types of GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/): which response type the
//! `Accept` header asks for, and which request bodies a POST may carry.

/// The response media types the API speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMediaType {
    /// `application/graphql-response+json`: the status code tells a request the server refused before executing
    /// it (4xx, no `data`) from one it executed (200, even with errors).
    GraphQLResponseJson,
    /// `application/json`: the legacy type, 200 for every well-formed GraphQL request.
    Json,
}

impl ResponseMediaType {
    /// The `Content-Type` of a response; the spec wants the charset stated.
    pub fn content_type(self) -> &'static str {
        match self {
            ResponseMediaType::GraphQLResponseJson => "application/graphql-response+json; charset=utf-8",
            ResponseMediaType::Json => "application/json; charset=utf-8",
        }
    }
}

/// The response media type for an `Accept` header (all `Accept` headers of the request, joined by commas), or
/// `None` when it admits neither type. No header, or only `*/*`, means `application/json`: what the spec asks of
/// servers for clients written before `application/graphql-response+json` existed.
pub fn negotiate(accept: Option<&str>) -> Option<ResponseMediaType> {
    let Some(accept) = accept.filter(|value| !value.trim().is_empty()) else {
        return Some(ResponseMediaType::Json);
    };
    let ranges: Vec<MediaRange> = accept.split(',').filter_map(MediaRange::parse).collect();
    let graphql = quality(&ranges, "graphql-response+json").filter(|m| m.q > 0.0);
    let json = quality(&ranges, "json").filter(|m| m.q > 0.0);
    match (graphql, json) {
        (None, None) => None,
        (Some(_), None) => Some(ResponseMediaType::GraphQLResponseJson),
        (None, Some(_)) => Some(ResponseMediaType::Json),
        // At equal preference, the client that names the new type by itself understands it.
        (Some(graphql), Some(json)) if graphql.q > json.q || (graphql.q == json.q && graphql.exact) => {
            Some(ResponseMediaType::GraphQLResponseJson)
        }
        (Some(_), Some(_)) => Some(ResponseMediaType::Json),
    }
}

/// Whether a POST's `Content-Type` is `application/json` in UTF-8: the only request body the spec requires, and
/// one a browser cannot send across origins without a CORS preflight (a form's `text/plain` can).
pub fn is_json_request(content_type: Option<&str>) -> bool {
    let Some(content_type) = content_type else { return false };
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json") && parts.all(|param| charset_is_utf8(param).unwrap_or(true))
}

/// One entry of an `Accept` header.
struct MediaRange {
    type_: String,
    subtype: String,
    q: f32,
    utf8: bool,
}

impl MediaRange {
    fn parse(text: &str) -> Option<MediaRange> {
        let mut parts = text.split(';');
        let (type_, subtype) = parts.next()?.trim().split_once('/')?;
        let mut range = MediaRange {
            type_: type_.trim().to_ascii_lowercase(),
            subtype: subtype.trim().to_ascii_lowercase(),
            q: 1.0,
            utf8: true,
        };
        for param in parts {
            if let Some((name, value)) = param.split_once('=')
                && name.trim().eq_ignore_ascii_case("q")
            {
                range.q = value.trim().parse::<f32>().ok().filter(|q| (0.0..=1.0).contains(q))?;
            }
            range.utf8 &= charset_is_utf8(param).unwrap_or(true);
        }
        Some(range)
    }
}

/// How much the client wants `application/<subtype>`: the quality of the most specific range that matches it.
struct Preference {
    q: f32,
    /// Named exactly rather than through `application/*` or `*/*`.
    exact: bool,
}

fn quality(ranges: &[MediaRange], subtype: &str) -> Option<Preference> {
    ranges
        .iter()
        .filter(|range| range.utf8)
        .filter_map(|range| {
            let specificity = match (range.type_.as_str(), range.subtype.as_str()) {
                ("application", s) if s == subtype => 2,
                ("application", "*") => 1,
                ("*", "*") => 0,
                _ => return None,
            };
            Some((specificity, range.q))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(specificity, q)| Preference { q, exact: specificity == 2 })
}

/// `Some(false)` for a `charset` parameter other than UTF-8, `None` for any other parameter.
fn charset_is_utf8(param: &str) -> Option<bool> {
    let (name, value) = param.split_once('=')?;
    if !name.trim().eq_ignore_ascii_case("charset") {
        return None;
    }
    let value = value.trim().trim_matches('"');
    Some(value.eq_ignore_ascii_case("utf-8") || value.eq_ignore_ascii_case("utf8"))
}

#[cfg(test)]
mod tests {
    use super::ResponseMediaType::{GraphQLResponseJson, Json};
    use super::*;

    #[test]
    fn no_accept_header_or_any_type_means_json() {
        assert_eq!(negotiate(None), Some(Json));
        assert_eq!(negotiate(Some("")), Some(Json));
        assert_eq!(negotiate(Some("*/*")), Some(Json));
        assert_eq!(negotiate(Some("application/*")), Some(Json));
    }

    #[test]
    fn the_graphql_response_type_is_chosen_when_named() {
        assert_eq!(negotiate(Some("application/graphql-response+json")), Some(GraphQLResponseJson));
        assert_eq!(
            negotiate(Some("application/graphql-response+json, application/json;q=0.9")),
            Some(GraphQLResponseJson)
        );
        assert_eq!(negotiate(Some("application/json, application/graphql-response+json")), Some(GraphQLResponseJson));
        assert_eq!(negotiate(Some("application/graphql-response+json;charset=utf-8, */*")), Some(GraphQLResponseJson));
    }

    #[test]
    fn quality_values_decide() {
        assert_eq!(negotiate(Some("application/graphql-response+json;q=0.5, application/json")), Some(Json));
        // The most specific range decides: json is refused by name, so `*/*` leaves only the other type.
        assert_eq!(negotiate(Some("application/json;q=0, */*")), Some(GraphQLResponseJson));
        assert_eq!(
            negotiate(Some("application/json;q=0, application/graphql-response+json")),
            Some(GraphQLResponseJson)
        );
    }

    #[test]
    fn an_accept_header_admitting_neither_type_is_refused() {
        assert_eq!(negotiate(Some("text/html")), None);
        assert_eq!(negotiate(Some("application/xml, text/plain;q=0.5")), None);
        assert_eq!(negotiate(Some("application/json;q=0")), None);
        assert_eq!(negotiate(Some("application/json; charset=iso-8859-1")), None);
    }

    #[test]
    fn only_json_in_utf8_is_a_request_body() {
        assert!(is_json_request(Some("application/json")));
        assert!(is_json_request(Some("Application/JSON; charset=UTF-8")));
        assert!(!is_json_request(Some("application/json; charset=latin1")));
        assert!(!is_json_request(Some("text/plain")));
        assert!(!is_json_request(Some("application/x-www-form-urlencoded")));
        assert!(!is_json_request(Some("multipart/form-data; boundary=x")));
        assert!(!is_json_request(None));
    }
}
