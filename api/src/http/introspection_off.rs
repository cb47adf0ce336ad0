//! Introspection switched off (`COGO_INTROSPECTION=false`, the production default) as a clear refusal: with
//! async-graphql's own switch alone, `__schema` and `__type` still pass validation and quietly answer `null`.

use std::sync::Arc;

use crate::http::graphql_response::coded_error;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ServerResult, Variables};

/// Refuses, before validation, any document that selects `__schema` or `__type` (`__typename` stays: clients
/// need it and it reveals nothing).
pub struct IntrospectionOff;

impl ExtensionFactory for IntrospectionOff {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(IntrospectionOff)
    }
}

#[async_trait::async_trait]
impl Extension for IntrospectionOff {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let operations = document.operations.iter().map(|(_, operation)| &operation.node.selection_set.node);
        let fragments = document.fragments.values().map(|fragment| &fragment.node.selection_set.node);
        if operations.chain(fragments).any(selects_introspection) {
            return Err(coded_error("INTROSPECTION_DISABLED", "introspection is switched off on this server"));
        }
        Ok(document)
    }
}

fn selects_introspection(selection_set: &SelectionSet) -> bool {
    selection_set.items.iter().any(|item| match &item.node {
        Selection::Field(field) => {
            matches!(field.node.name.node.as_str(), "__schema" | "__type")
                || selects_introspection(&field.node.selection_set.node)
        }
        Selection::InlineFragment(fragment) => selects_introspection(&fragment.node.selection_set.node),
        Selection::FragmentSpread(_) => false,
    })
}
