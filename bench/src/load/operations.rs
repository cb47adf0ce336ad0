//! The mobile app's operations, verbatim from `clients/mobile.graphql` (the contract the API's tests check), and
//! the offers query.

use serde_json::{Value, json};

const MOBILE: &str = include_str!("../../../clients/mobile.graphql");

/// The list: 50 offers with their partner's name and nothing else.
pub const OFFERS_WITH_PARTNER: &str =
    "query OffersWithPartner { offers(first: 50) { edges { node { id title costPoints partner { name } } } } }";

/// The text of the operation `name` (`query Me {` … the closing `}` at the start of a line).
pub fn operation(name: &str) -> Result<&'static str, String> {
    let start = ["query", "mutation"]
        .iter()
        .filter_map(|kind| {
            let head = format!("\n{kind} {name}");
            MOBILE
                .match_indices(&head)
                .map(|(i, _)| i + 1)
                .find(|i| MOBILE[i + head.len() - 1..].starts_with([' ', '(']))
        })
        .next()
        .ok_or_else(|| format!("no operation {name} in clients/mobile.graphql"))?;
    let end = MOBILE[start..].find("\n}").ok_or_else(|| format!("operation {name} does not end"))?;
    Ok(&MOBILE[start..start + end + 2])
}

/// A GraphQL request body for operation `name` of the mobile client.
pub fn request(name: &str, variables: Value) -> Result<Value, String> {
    Ok(json!({ "query": operation(name)?, "operationName": name, "variables": variables }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_cut_whole_from_the_client_file() {
        let me = operation("Me").unwrap();
        assert!(me.starts_with("query Me {") && me.ends_with("\n}"), "{me}");
        let sync = operation("SyncSteps").unwrap();
        assert!(sync.starts_with("mutation SyncSteps(") && sync.contains("balance"), "{sync}");
        assert!(operation("Offers").unwrap().starts_with("query Offers("));
        assert!(operation("Nope").is_err());
    }
}
