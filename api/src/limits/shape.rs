//! The shape of each operation with its fragments spread out, measured before validation: depth, the number of
//! selections, the root fields, and the fields allowed once per request.
//!
//! Each fragment is measured once and remembered, so a "fragment bomb" (fragments that spread the next one twice,
//! thirty deep) costs as much to measure as it is long, and is refused before async-graphql's validation, which
//! walks every spread out, ever sees it. A fragment that spreads itself nests without end: `QUERY_TOO_DEEP`.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Field, OperationType, Selection, SelectionSet};
use async_graphql::{Name, Positioned, ServerError};

use crate::limits::errors::{LimitCode, once_per_request, over_limit};
use crate::settings::limits::{MAX_DEPTH, MAX_FIELDS, MAX_MUTATION_ROOT_FIELDS, MAX_ROOT_FIELDS, ONCE_PER_REQUEST};

/// Levels of fields, fragment spreads and inline fragments together: what async-graphql's recursive walks go
/// through (GraphiQL's introspection query needs 18).
const MAX_NESTING: usize = 2 * MAX_DEPTH;

/// What a selection set amounts to once its fragments are spread out.
#[derive(Debug, Clone, Copy, Default)]
struct Measure {
    /// Selections (fields, spreads, inline fragments), saturating.
    selections: usize,
    /// Levels of fields.
    depth: usize,
    /// Levels of fields, spreads and inline fragments.
    nesting: usize,
}

enum Memo {
    InProgress,
    Done(Measure),
}

/// The first operation (or fragment) whose shape goes over a limit.
pub fn check_shape(doc: &ExecutableDocument) -> Result<(), ServerError> {
    let mut measurer = Measurer { doc, memo: HashMap::new() };
    for (_, operation) in doc.operations.iter() {
        let measure = measurer.selection_set(&operation.node.selection_set, 0)?;
        within_limits(measure, operation.pos)?;
        let mut roots = Vec::new();
        collect_root_fields(doc, &operation.node.selection_set, &mut roots);
        let (max_roots, kind) = match operation.node.ty {
            OperationType::Mutation => (MAX_MUTATION_ROOT_FIELDS, "mutation"),
            _ => (MAX_ROOT_FIELDS, "query"),
        };
        if roots.len() > max_roots {
            let message = format!("at most {max_roots} fields at the top of a {kind} (aliases count)");
            return Err(over_limit(LimitCode::TooManyFields, message, max_roots, Some(operation.pos)));
        }
        for once in ONCE_PER_REQUEST {
            let mut uses = roots.iter().filter(|field| field.node.name.node.as_str() == *once);
            if let (Some(_), Some(second)) = (uses.next(), uses.next()) {
                return Err(once_per_request(once, second.pos));
            }
        }
    }
    // Fragments no operation spreads are still validated: they must fit too.
    for (name, fragment) in &doc.fragments {
        let measure = measurer.fragment(name, fragment.pos, 0)?;
        within_limits(measure, fragment.pos)?;
    }
    Ok(())
}

fn within_limits(measure: Measure, pos: async_graphql::Pos) -> Result<(), ServerError> {
    if measure.depth > MAX_DEPTH {
        let message = format!("the query is nested too deep (at most {MAX_DEPTH} levels of fields)");
        return Err(over_limit(LimitCode::QueryTooDeep, message, MAX_DEPTH, Some(pos)));
    }
    if measure.selections > MAX_FIELDS {
        let message = format!("at most {MAX_FIELDS} field selections per operation, fragments spread out");
        return Err(over_limit(LimitCode::TooManyFields, message, MAX_FIELDS, Some(pos)));
    }
    Ok(())
}

struct Measurer<'a> {
    doc: &'a ExecutableDocument,
    memo: HashMap<&'a Name, Memo>,
}

impl<'a> Measurer<'a> {
    /// `nesting`: the levels above this set, so that a chain of spreads is refused before it can run deep.
    fn selection_set(&mut self, set: &'a Positioned<SelectionSet>, nesting: usize) -> Result<Measure, ServerError> {
        if nesting > MAX_NESTING {
            let message =
                format!("the query is nested too deep (at most {MAX_NESTING} levels of fields and fragments)");
            return Err(over_limit(LimitCode::QueryTooDeep, message, MAX_DEPTH, Some(set.pos)));
        }
        let mut total = Measure::default();
        for selection in &set.node.items {
            let (inner, field_level) = match &selection.node {
                Selection::Field(field) => {
                    if field.node.selection_set.node.items.is_empty() {
                        (Measure::default(), 1)
                    } else {
                        (self.selection_set(&field.node.selection_set, nesting + 1)?, 1)
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if self.doc.fragments.contains_key(name) {
                        let inner = self.fragment(name, spread.pos, nesting + 1)?;
                        if nesting + inner.nesting > MAX_NESTING {
                            let message = format!("the query is nested too deep (at most {MAX_NESTING} levels)");
                            return Err(over_limit(LimitCode::QueryTooDeep, message, MAX_DEPTH, Some(spread.pos)));
                        }
                        (inner, 0)
                    } else {
                        // Validation names the unknown fragment.
                        (Measure::default(), 0)
                    }
                }
                Selection::InlineFragment(inline) => (self.selection_set(&inline.node.selection_set, nesting + 1)?, 0),
            };
            total.selections = total.selections.saturating_add(1).saturating_add(inner.selections);
            total.depth = total.depth.max(field_level + inner.depth);
            total.nesting = total.nesting.max(1 + inner.nesting);
        }
        Ok(total)
    }

    /// A fragment's measure from its own top. The first time it is measured where it is first met (`nesting`
    /// levels down), so a chain of spreads stops at the nesting limit; later uses add their own levels.
    fn fragment(&mut self, name: &'a Name, pos: async_graphql::Pos, nesting: usize) -> Result<Measure, ServerError> {
        match self.memo.get(name) {
            Some(Memo::Done(measure)) => return Ok(*measure),
            Some(Memo::InProgress) => {
                let message = format!("fragment `{name}` spreads itself: it would nest without end");
                return Err(over_limit(LimitCode::QueryTooDeep, message, MAX_DEPTH, Some(pos)));
            }
            None => {}
        }
        let Some(fragment) = self.doc.fragments.get(name) else { return Ok(Measure::default()) };
        self.memo.insert(name, Memo::InProgress);
        let measure = self.selection_set(&fragment.node.selection_set, nesting)?;
        self.memo.insert(name, Memo::Done(measure));
        Ok(measure)
    }
}

/// The fields at the top of an operation, through its fragments (their number is already bounded).
fn collect_root_fields<'a>(
    doc: &'a ExecutableDocument,
    set: &'a Positioned<SelectionSet>,
    out: &mut Vec<&'a Positioned<Field>>,
) {
    for selection in &set.node.items {
        match &selection.node {
            Selection::Field(field) => out.push(field),
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = doc.fragments.get(&spread.node.fragment_name.node) {
                    collect_root_fields(doc, &fragment.node.selection_set, out);
                }
            }
            Selection::InlineFragment(inline) => collect_root_fields(doc, &inline.node.selection_set, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn code(query: &str) -> Option<String> {
        let doc = parse_query(query).unwrap();
        check_shape(&doc).err().map(|error| match error.extensions.as_ref().and_then(|ext| ext.get("code")) {
            Some(async_graphql::Value::String(code)) => code.clone(),
            other => panic!("no code: {other:?}"),
        })
    }

    #[test]
    fn aliases_count_as_root_fields() {
        let aliases = |n: usize| (0..n).map(|i| format!("a{i}: __typename ")).collect::<String>();
        assert_eq!(code(&format!("{{ {} }}", aliases(MAX_ROOT_FIELDS))), None);
        assert_eq!(code(&format!("{{ {} }}", aliases(MAX_ROOT_FIELDS + 1))).as_deref(), Some("TOO_MANY_FIELDS"));
        let mutations: String = (0..=MAX_MUTATION_ROOT_FIELDS).map(|i| format!("m{i}: logOut ")).collect();
        assert_eq!(code(&format!("mutation {{ {mutations} }}")).as_deref(), Some("TOO_MANY_FIELDS"));
    }

    #[test]
    fn root_fields_hidden_in_fragments_count_too() {
        let query = "mutation { ...Twice ... on Mutation { logIn(email: \"a\", password: \"b\") { accessToken } } }
            fragment Twice on Mutation { logIn(email: \"c\", password: \"d\") { accessToken } }";
        assert_eq!(code(query).as_deref(), Some("FIELD_ONCE_PER_REQUEST"));
        assert_eq!(code("mutation { logIn(email: \"a\", password: \"b\") { accessToken } logOut }"), None);
    }

    #[test]
    fn a_fragment_bomb_is_measured_in_linear_time_and_refused() {
        let mut query = String::from("{ ...F0 }\n");
        for i in 0..40 {
            query.push_str(&format!("fragment F{i} on Query {{ a: __typename ...F{n} ...F{n} }}\n", n = i + 1));
        }
        query.push_str("fragment F40 on Query { __typename }");
        assert!(matches!(code(&query).as_deref(), Some("TOO_MANY_FIELDS" | "QUERY_TOO_DEEP")));
    }

    #[test]
    fn a_fragment_that_spreads_itself_is_too_deep() {
        assert_eq!(
            code("{ ...A } fragment A on Query { __typename ...B } fragment B on Query { ...A }").as_deref(),
            Some("QUERY_TOO_DEEP")
        );
        let chain: String = (0..5_000).map(|i| format!("fragment C{i} on Query {{ ...C{} }}\n", i + 1)).collect();
        let query = format!("{{ ...C0 }}\n{chain}fragment C5000 on Query {{ __typename }}");
        assert_eq!(code(&query).as_deref(), Some("QUERY_TOO_DEEP"));
    }

    #[test]
    fn depth_counts_levels_of_fields() {
        let nested = |n: usize| format!("{{ {}__typename{} }}", "a { ".repeat(n - 1), " }".repeat(n - 1));
        assert_eq!(code(&nested(MAX_DEPTH)), None);
        assert_eq!(code(&nested(MAX_DEPTH + 1)).as_deref(), Some("QUERY_TOO_DEEP"));
    }

    #[test]
    fn repeated_fields_count_one_by_one() {
        let repeated = format!("{{ privacyPolicy {{ {} }} }}", "version ".repeat(500));
        assert_eq!(code(&repeated).as_deref(), Some("TOO_MANY_FIELDS"));
    }

    /// GraphiQL's introspection query (shared with the black-box tests).
    const INTROSPECTION: &str = include_str!("../../../tests/data/graphiql-introspection.graphql");

    #[test]
    fn graphiql_introspection_fits_with_room_to_spare() {
        let doc = parse_query(INTROSPECTION).unwrap();
        let (_, operation) = doc.operations.iter().next().unwrap();
        let measure =
            Measurer { doc: &doc, memo: HashMap::new() }.selection_set(&operation.node.selection_set, 0).unwrap();
        assert!(check_shape(&doc).is_ok());
        assert_eq!((measure.selections, measure.depth, measure.nesting), (227, 15, 18));
    }
}
