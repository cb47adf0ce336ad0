//! The variables of a request, checked before the document is even parsed: every string and every object key
//! bounded and free of control characters. Validation quotes keys and values in its messages, once per use of a
//! variable, so this check comes first (the 1.9-million-character key of issue 10 stops here, once).

use async_graphql::{ServerError, Value as ConstValue, Variables};

use crate::limits::errors::bad_text;
use crate::limits::text::{TextProblem, check_name, check_string};

/// The first problem in the variables, as `BAD_USER_INPUT` naming the variable.
pub fn check_variables(variables: &Variables) -> Result<(), ServerError> {
    for (name, value) in variables.iter() {
        if let Err(problem) = check_name(name) {
            return Err(bad_text("variables", problem.message("a variable name"), None));
        }
        if let Err((what, problem)) = check_value(value) {
            return Err(bad_text(name, problem.message(&format!("{what} in variable `${name}`")), None));
        }
    }
    Ok(())
}

fn check_value(value: &ConstValue) -> Result<(), (&'static str, TextProblem)> {
    match value {
        ConstValue::String(text) => check_string(text).map_err(|p| ("a string", p)),
        ConstValue::Enum(name) => check_name(name).map_err(|p| ("an enum value", p)),
        ConstValue::List(items) => items.iter().try_for_each(check_value),
        ConstValue::Object(fields) => fields.iter().try_for_each(|(key, value)| {
            check_name(key).map_err(|p| ("an object key", p))?;
            check_value(value)
        }),
        ConstValue::Null | ConstValue::Number(_) | ConstValue::Boolean(_) | ConstValue::Binary(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variables(json: serde_json::Value) -> Variables {
        Variables::from_json(json)
    }

    #[test]
    fn ordinary_variables_pass() {
        let ok = variables(serde_json::json!({
            "samples": [{ "externalId": "hk-1", "source": "Anna's Apple Watch", "steps": 12 }],
            "body": "§1\n\tText", "first": 20, "granted": true, "nothing": null
        }));
        assert!(check_variables(&ok).is_ok());
    }

    #[test]
    fn a_long_key_is_refused_without_quoting_it() {
        let key = "k".repeat(1_900_000);
        let refused = check_variables(&variables(serde_json::json!({ "i": { key: 1 } }))).unwrap_err();
        assert!(refused.message.len() < 200, "{}", refused.message);
        assert!(refused.message.contains("object key"));
    }

    #[test]
    fn control_characters_are_refused_anywhere() {
        for value in [
            serde_json::json!("a\u{0}b"),
            serde_json::json!(["ok", "bell\u{7}"]),
            serde_json::json!({ "nested": { "deeper": ["x\u{7f}"] } }),
            serde_json::json!({ "key\u{0}": 1 }),
        ] {
            assert!(check_variables(&variables(serde_json::json!({ "v": value.clone() }))).is_err(), "{value}");
        }
    }
}
