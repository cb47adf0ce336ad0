//! Text with NUL bytes is refused up front: PostgreSQL cannot store a NUL in text at all, so such input would
//! otherwise fail deep inside a transaction as an `INTERNAL` error instead of the client's `BAD_USER_INPUT`.

use async_graphql::{Request, ServerError, Value as ConstValue, Variables};

/// `BAD_USER_INPUT` if the query text or any variable holds a NUL character.
pub fn reject_nul_bytes(request: &Request) -> Result<(), ServerError> {
    if request.query.contains('\0') || variables_hold_nul(&request.variables) {
        let mut error = ServerError::new("text must not contain NUL characters", None);
        let mut extensions = async_graphql::ErrorExtensionValues::default();
        extensions.set("code", "BAD_USER_INPUT");
        error.extensions = Some(extensions);
        return Err(error);
    }
    Ok(())
}

fn variables_hold_nul(variables: &Variables) -> bool {
    variables.iter().any(|(_, value)| holds_nul(value))
}

fn holds_nul(value: &ConstValue) -> bool {
    match value {
        ConstValue::String(text) => text.contains('\0'),
        ConstValue::List(items) => items.iter().any(holds_nul),
        ConstValue::Object(fields) => fields.iter().any(|(key, v)| key.contains('\0') || holds_nul(v)),
        _ => false,
    }
}
