//! The GraphQL side of the limits: once the query is parsed (before validation, before anything executes) the
//! operation's root fields and the signed-in actor are known, so the per-user and strict buckets are charged here.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest};
use async_graphql::parser::types::{ExecutableDocument, SelectionSet};
use async_graphql::{Request, ServerError, ServerResult, Variables};
use cogo_kernel::{Actor, AppError};

use super::{ClientIp, Decision, RateLimiter, client_ip};

/// Registered on the schema by `build_schema`; reads [`ClientIp`] and [`Actor`] from the request data.
pub struct RateLimitExtension(pub RateLimiter);

impl ExtensionFactory for RateLimitExtension {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PerRequest { limiter: self.0.clone(), operation_name: Mutex::new(None) })
    }
}

struct PerRequest {
    limiter: RateLimiter,
    /// Captured from the request, since `parse_query` is not told which operation will run.
    operation_name: Mutex<Option<String>>,
}

#[async_trait::async_trait]
impl Extension for PerRequest {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if let Ok(mut name) = self.operation_name.lock() {
            name.clone_from(&request.operation_name);
        }
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let parsed = next.run(ctx, query, variables).await;
        let operation_name = self.operation_name.lock().ok().and_then(|name| name.clone());
        // An unparsable request still costs the caller their per-user token.
        let fields = parsed.as_ref().map(|doc| root_fields(doc, operation_name.as_deref())).unwrap_or_default();
        // Requests that did not pass the middleware (none over HTTP) count as coming from their unknown address.
        let ip = ctx.data_opt::<ClientIp>().copied().unwrap_or(ClientIp(client_ip::UNKNOWN));
        let user = ctx.data_opt::<Actor>().map(|actor| actor.user_id);
        match self.limiter.check_operation(ip, user, &fields).await {
            Decision::Allowed => parsed,
            Decision::Refused { retry_after_seconds } => {
                let error = async_graphql::Error::from(AppError::RateLimited { retry_after_seconds });
                let mut refused = ServerError::new(error.message, None);
                refused.extensions = error.extensions;
                Err(refused)
            }
        }
    }
}

/// The root fields the operation would run (through fragments too), once per occurrence: two aliased `logIn`
/// calls are two log-ins. With no name and several operations, all of them (the request fails later anyway).
fn root_fields<'a>(document: &'a ExecutableDocument, operation_name: Option<&str>) -> Vec<&'a str> {
    let mut fields = Vec::new();
    let mut expanded = HashSet::new();
    for (name, operation) in document.operations.iter() {
        if operation_name.is_none_or(|wanted| name.is_some_and(|name| name.as_str() == wanted)) {
            collect(document, &operation.node.selection_set.node, &mut fields, &mut expanded);
        }
    }
    fields
}

fn collect<'a>(
    document: &'a ExecutableDocument,
    selections: &'a SelectionSet,
    fields: &mut Vec<&'a str>,
    expanded: &mut HashSet<&'a str>,
) {
    use async_graphql::parser::types::Selection;
    for selection in &selections.items {
        match &selection.node {
            Selection::Field(field) => fields.push(field.node.name.node.as_str()),
            Selection::InlineFragment(inline) => collect(document, &inline.node.selection_set.node, fields, expanded),
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                // Each fragment once: bounds the work on a document whose fragments spread each other many times.
                if expanded.insert(name)
                    && let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node)
                {
                    collect(document, &fragment.node.selection_set.node, fields, expanded);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn fields_of(query: &str, operation: Option<&str>) -> Vec<String> {
        let document = parse_query(query).unwrap();
        root_fields(&document, operation).into_iter().map(String::from).collect()
    }

    #[test]
    fn aliases_inline_fragments_and_fragment_spreads_are_all_counted() {
        let query = "mutation { a: logIn(email: \"x\", password: \"y\") { accessToken } ... on Mutation { \
                     b: logIn(email: \"x\", password: \"y\") { accessToken } } ...F } \
                     fragment F on Mutation { signUp(input: {}) { accessToken } ...F }";
        assert_eq!(fields_of(query, None), ["logIn", "logIn", "signUp"]);
    }

    #[test]
    fn only_the_named_operation_counts() {
        let query =
            "query Q { privacyPolicy { body } } mutation M { logIn(email: \"x\", password: \"y\") { accessToken } }";
        assert_eq!(fields_of(query, Some("Q")), ["privacyPolicy"]);
        assert_eq!(fields_of(query, Some("M")), ["logIn"]);
        assert_eq!(fields_of(query, None).len(), 2);
    }
}
