use std::sync::Mutex;

use async_graphql::{InputValueResult, Scalar, ScalarType, Value};
use cogo_kernel::AppError;

/// A register extract as the `JSON` scalar. The document is parsed straight into the response's value tree and
/// handed over once, without a copy: an export is the largest answer this API gives (tens of MB for an account
/// with years of steps), and async-graphql's own `Json<T>` would hold it twice (as `T` and as its value tree).
pub struct ExportDocument(Mutex<Option<Value>>);

impl ExportDocument {
    pub fn parse_json(document: &[u8]) -> Result<Self, AppError> {
        let value: Value = serde_json::from_slice(document).map_err(AppError::internal)?;
        Ok(Self(Mutex::new(Some(value))))
    }
}

/// A scalar that can represent any JSON value.
#[Scalar(name = "JSON")]
impl ScalarType for ExportDocument {
    fn parse(value: Value) -> InputValueResult<Self> {
        Ok(Self(Mutex::new(Some(value))))
    }

    /// Called once, when the response is built; the document moves into it.
    fn to_value(&self) -> Value {
        self.0.lock().map(|mut document| document.take()).ok().flatten().unwrap_or(Value::Null)
    }
}
