//! The document as written, before validation: every name bounded, every literal value (strings inside lists and
//! input objects too, escapes such as `\u0000` already decoded by the parser) bounded and free of control
//! characters, and the directives counted. What validation would quote back stops here, once.

use async_graphql::parser::types::{
    BaseType, Directive, ExecutableDocument, Selection, SelectionSet, Type, VariableDefinition,
};
use async_graphql::{Name, Pos, Positioned, ServerError};
use async_graphql_value::Value;

use crate::limits::errors::{LimitCode, bad_text, over_limit};
use crate::limits::text::{check_name, check_string};
use crate::settings::limits::{MAX_DIRECTIVES, MAX_DIRECTIVES_PER_LOCATION};

/// The first problem with the names, literals or directives of the document.
pub fn check_document(doc: &ExecutableDocument) -> Result<(), ServerError> {
    let mut walk = Walk::default();
    for (name, operation) in doc.operations.iter() {
        if let Some(name) = name {
            walk.name(name, operation.pos)?;
        }
        for variable in &operation.node.variable_definitions {
            walk.variable_definition(variable)?;
        }
        walk.directives(&operation.node.directives, operation.pos)?;
        walk.selection_set(&operation.node.selection_set)?;
    }
    for (name, fragment) in &doc.fragments {
        walk.name(name, fragment.pos)?;
        walk.name(&fragment.node.type_condition.node.on.node, fragment.pos)?;
        walk.directives(&fragment.node.directives, fragment.pos)?;
        walk.selection_set(&fragment.node.selection_set)?;
    }
    Ok(())
}

#[derive(Default)]
struct Walk {
    directives: usize,
}

impl Walk {
    fn name(&self, name: &str, pos: Pos) -> Result<(), ServerError> {
        check_name(name).map_err(|problem| bad_text("query", problem.message("a name in the query"), Some(pos)))
    }

    fn variable_definition(&mut self, variable: &Positioned<VariableDefinition>) -> Result<(), ServerError> {
        let name = &variable.node.name.node;
        self.name(name, variable.pos)?;
        self.type_names(&variable.node.var_type.node, variable.pos)?;
        self.directives(&variable.node.directives, variable.pos)?;
        if let Some(default) = &variable.node.default_value {
            self.value(name, &default.node.clone().into_value(), default.pos)?;
        }
        Ok(())
    }

    fn type_names(&self, ty: &Type, pos: Pos) -> Result<(), ServerError> {
        match &ty.base {
            BaseType::Named(name) => self.name(name, pos),
            BaseType::List(inner) => self.type_names(inner, pos),
        }
    }

    fn directives(&mut self, directives: &[Positioned<Directive>], pos: Pos) -> Result<(), ServerError> {
        if directives.len() > MAX_DIRECTIVES_PER_LOCATION {
            let message =
                format!("at most {MAX_DIRECTIVES_PER_LOCATION} directives on one field, fragment or operation");
            return Err(over_limit(LimitCode::TooManyDirectives, message, MAX_DIRECTIVES_PER_LOCATION, Some(pos)));
        }
        self.directives += directives.len();
        if self.directives > MAX_DIRECTIVES {
            let message = format!("at most {MAX_DIRECTIVES} directives in one document");
            return Err(over_limit(LimitCode::TooManyDirectives, message, MAX_DIRECTIVES, Some(pos)));
        }
        for directive in directives {
            self.name(&directive.node.name.node, directive.pos)?;
            self.arguments(&directive.node.arguments)?;
        }
        Ok(())
    }

    fn arguments(&self, arguments: &[(Positioned<Name>, Positioned<Value>)]) -> Result<(), ServerError> {
        for (name, value) in arguments {
            self.name(&name.node, name.pos)?;
            self.value(&name.node, &value.node, value.pos)?;
        }
        Ok(())
    }

    /// A literal argument (or default) value; `argument` names it in the error.
    fn value(&self, argument: &str, value: &Value, pos: Pos) -> Result<(), ServerError> {
        let refuse = |what: &str, problem: crate::limits::text::TextProblem| {
            bad_text(argument, problem.message(&format!("{what} in argument `{argument}`")), Some(pos))
        };
        match value {
            Value::String(text) => check_string(text).map_err(|p| refuse("a string", p)),
            Value::Variable(name) | Value::Enum(name) => self.name(name, pos),
            Value::List(items) => items.iter().try_for_each(|item| self.value(argument, item, pos)),
            Value::Object(fields) => fields.iter().try_for_each(|(key, item)| {
                check_name(key).map_err(|p| refuse("an object key", p))?;
                self.value(argument, item, pos)
            }),
            Value::Null | Value::Number(_) | Value::Boolean(_) | Value::Binary(_) => Ok(()),
        }
    }

    fn selection_set(&mut self, set: &Positioned<SelectionSet>) -> Result<(), ServerError> {
        for selection in &set.node.items {
            match &selection.node {
                Selection::Field(field) => {
                    if let Some(alias) = &field.node.alias {
                        self.name(&alias.node, alias.pos)?;
                    }
                    self.name(&field.node.name.node, field.pos)?;
                    self.arguments(&field.node.arguments)?;
                    self.directives(&field.node.directives, field.pos)?;
                    self.selection_set(&field.node.selection_set)?;
                }
                Selection::FragmentSpread(spread) => {
                    self.name(&spread.node.fragment_name.node, spread.pos)?;
                    self.directives(&spread.node.directives, spread.pos)?;
                }
                Selection::InlineFragment(inline) => {
                    if let Some(condition) = &inline.node.type_condition {
                        self.name(&condition.node.on.node, condition.pos)?;
                    }
                    self.directives(&inline.node.directives, inline.pos)?;
                    self.selection_set(&inline.node.selection_set)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn check(query: &str) -> Result<(), String> {
        let doc = parse_query(query).unwrap();
        check_document(&doc).map_err(|error| {
            let code = error.extensions.as_ref().and_then(|ext| ext.get("code")).cloned();
            format!("{code:?}")
        })
    }

    #[test]
    fn escaped_control_characters_in_literals_are_refused_wherever_they_sit() {
        for query in [
            r#"{ privacyPolicyVersion(version: "\u0000") { version } }"#,
            r#"mutation { syncSteps(samples: [{ externalId: "a\u0007" }]) { accepted } }"#,
            r#"mutation { updateProfile(input: { name: "x\u007f" }) { id } }"#,
            r#"query($v: String = "\u001b") { __typename }"#,
            r#"{ __typename @include(if: "\u0000") }"#,
        ] {
            assert_eq!(check(query), Err(r#"Some(String("BAD_USER_INPUT"))"#.into()), "{query}");
        }
        assert_eq!(
            check(
                "mutation { publishPrivacyPolicy(body: \"a\\n\\tb\\r\\n\", summaryOfChanges: \"\"\"x\ny\"\"\") { version } }"
            ),
            Ok(())
        );
    }

    #[test]
    fn long_names_and_strings_are_refused() {
        let alias = format!("{{ {}: __typename }}", "a".repeat(101));
        assert!(check(&alias).is_err());
        let key = format!("mutation {{ updateProfile(input: {{ {}: 1 }}) {{ id }} }}", "k".repeat(101));
        assert!(check(&key).is_err());
        let string = format!("{{ x(y: \"{}\") }}", "s".repeat(200_001));
        assert!(check(&string).is_err());
    }

    #[test]
    fn directives_are_counted_per_location_and_in_all() {
        assert!(check("{ a: __typename @skip(if: false) @skip(if: false) @skip(if: false) @skip(if: false) }").is_ok());
        let five =
            "{ a: __typename @skip(if: false) @skip(if: false) @skip(if: false) @skip(if: false) @skip(if: false) }";
        assert_eq!(check(five), Err(r#"Some(String("TOO_MANY_DIRECTIVES"))"#.into()));
        let spread: String = (0..40).map(|i| format!("a{i}: __typename @include(if: true) ")).collect();
        assert_eq!(check(&format!("{{ {spread} }}")), Err(r#"Some(String("TOO_MANY_DIRECTIVES"))"#.into()));
    }
}
