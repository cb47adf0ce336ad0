//! The refusals of the limits, each with a stable `extensions.code` and the `extensions.limit` it went over, and
//! the bounding of every response's errors: short messages, at most [`MAX_ERRORS`] of them.

use async_graphql::{ErrorExtensionValues, Pos, Response, ServerError};

use crate::settings::limits::{MAX_ERROR_MESSAGE_CHARS, MAX_ERRORS};

/// The codes of the limits (README "Security"). Text the API will not take is `BAD_USER_INPUT`, as elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitCode {
    /// Fields nested deeper than allowed (or a fragment that spreads itself, which nests without end).
    QueryTooDeep,
    /// The operation costs more than the complexity budget.
    QueryTooComplex,
    /// Too many root fields, or too many field selections in all.
    TooManyFields,
    /// Too many directives on one field or in the document.
    TooManyDirectives,
    /// A field that may appear once per request appears more often (`extensions.field` names it).
    FieldOncePerRequest,
    /// The request ran longer than `COGO_REQUEST_TIMEOUT_SECONDS`.
    Timeout,
    /// The summary that replaces the errors beyond the first [`MAX_ERRORS`].
    TooManyErrors,
    /// Text that is too long or holds control characters.
    BadUserInput,
}

impl LimitCode {
    pub fn as_str(self) -> &'static str {
        match self {
            LimitCode::QueryTooDeep => "QUERY_TOO_DEEP",
            LimitCode::QueryTooComplex => "QUERY_TOO_COMPLEX",
            LimitCode::TooManyFields => "TOO_MANY_FIELDS",
            LimitCode::TooManyDirectives => "TOO_MANY_DIRECTIVES",
            LimitCode::FieldOncePerRequest => "FIELD_ONCE_PER_REQUEST",
            LimitCode::Timeout => "TIMEOUT",
            LimitCode::TooManyErrors => "TOO_MANY_ERRORS",
            LimitCode::BadUserInput => "BAD_USER_INPUT",
        }
    }
}

/// A refusal for going over `limit`.
pub fn over_limit(code: LimitCode, message: impl Into<String>, limit: usize, pos: Option<Pos>) -> ServerError {
    with_extensions(ServerError::new(message, pos), |ext| {
        ext.set("code", code.as_str());
        ext.set("limit", limit);
    })
}

/// A field that may be selected once per request, selected again.
pub fn once_per_request(field: &str, pos: Pos) -> ServerError {
    let message = format!("`{field}` may be selected at most once per request");
    with_extensions(ServerError::new(message, Some(pos)), |ext| {
        ext.set("code", LimitCode::FieldOncePerRequest.as_str());
        ext.set("field", field.to_string());
    })
}

/// `BAD_USER_INPUT` for text the API does not take; `field` names the variable or argument (already bounded).
pub fn bad_text(field: &str, message: impl Into<String>, pos: Option<Pos>) -> ServerError {
    with_extensions(ServerError::new(message, pos), |ext| {
        ext.set("code", LimitCode::BadUserInput.as_str());
        ext.set("field", field.to_string());
    })
}

fn with_extensions(mut error: ServerError, set: impl FnOnce(&mut ErrorExtensionValues)) -> ServerError {
    let mut extensions = ErrorExtensionValues::default();
    set(&mut extensions);
    error.extensions = Some(extensions);
    error
}

/// Every error message cut to [`MAX_ERROR_MESSAGE_CHARS`] (async-graphql's validation and coercion messages quote
/// client input: names, keys, values), and at most [`MAX_ERRORS`] errors plus one saying how many were left out.
/// With names in the document bounded too, the errors of any response take a few kilobytes whatever the request.
pub fn bound_errors(mut response: Response) -> Response {
    for error in &mut response.errors {
        shorten(&mut error.message);
    }
    if response.errors.len() > MAX_ERRORS {
        let left_out = response.errors.len() - MAX_ERRORS;
        response.errors.truncate(MAX_ERRORS);
        response.errors.push(over_limit(
            LimitCode::TooManyErrors,
            format!("{left_out} more errors were left out"),
            MAX_ERRORS,
            None,
        ));
    }
    response
}

/// Cuts `message` to its first [`MAX_ERROR_MESSAGE_CHARS`] characters, marked with an ellipsis.
fn shorten(message: &mut String) {
    if let Some((cut, _)) = message.char_indices().nth(MAX_ERROR_MESSAGE_CHARS) {
        message.truncate(cut);
        message.push('…');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_cut_and_short_ones_kept() {
        let mut long = format!("unknown purpose '{}'", "x".repeat(10_000));
        shorten(&mut long);
        assert_eq!(long.chars().count(), MAX_ERROR_MESSAGE_CHARS + 1);
        assert!(long.starts_with("unknown purpose 'xxx") && long.ends_with('…'));
        let mut short = "ä".repeat(MAX_ERROR_MESSAGE_CHARS);
        shorten(&mut short);
        assert_eq!(short, "ä".repeat(MAX_ERROR_MESSAGE_CHARS));
    }

    #[test]
    fn errors_beyond_the_limit_are_summed_up_in_one() {
        let errors = (0..100).map(|i| ServerError::new(format!("error {i}"), None)).collect();
        let bounded = bound_errors(Response::from_errors(errors));
        assert_eq!(bounded.errors.len(), MAX_ERRORS + 1);
        let summary = bounded.errors.last().unwrap();
        assert_eq!(summary.message, "80 more errors were left out");
        let code = summary.extensions.as_ref().and_then(|ext| ext.get("code")).cloned();
        assert_eq!(code, Some(async_graphql::Value::from("TOO_MANY_ERRORS")));
    }
}
