//! What the API reveals about itself: introspection, "Did you mean …" suggestions and the GraphiQL page. Open in
//! development; closed with `COGO_ENV=production` unless switched on, because a production schema is a map for an
//! attacker and the apps do not need it at run time.

/// `COGO_INTROSPECTION`, `COGO_GRAPHIQL`: each `true` or `false`; the default is `true`, except with
/// `COGO_ENV=production`, where it is `false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exposure {
    /// `__schema` and `__type` answer, and validation errors suggest field and argument names ("Did you mean …"),
    /// which would otherwise leak the schema one guess at a time.
    pub introspection: bool,
    /// `GET /graphql` without a query serves GraphiQL.
    pub graphiql: bool,
}

impl Exposure {
    /// Everything on: development and tests.
    pub const OPEN: Exposure = Exposure { introspection: true, graphiql: true };
    /// Everything off: the production default.
    pub const CLOSED: Exposure = Exposure { introspection: false, graphiql: false };

    /// The production default or the development default, each switch overridden by its variable.
    pub fn from_env(var: &dyn Fn(&str) -> Option<String>, production: bool) -> Result<Self, String> {
        let default = if production { Self::CLOSED } else { Self::OPEN };
        Ok(Self {
            introspection: super::switch(var, "COGO_INTROSPECTION", default.introspection)?,
            graphiql: super::switch(var, "COGO_GRAPHIQL", default.graphiql)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::test_env as env;

    #[test]
    fn development_is_open_and_production_closed_by_default() {
        assert_eq!(Exposure::from_env(&env(vec![]), false).unwrap(), Exposure::OPEN);
        assert_eq!(Exposure::from_env(&env(vec![]), true).unwrap(), Exposure::CLOSED);
    }

    #[test]
    fn each_switch_overrides_its_default() {
        let introspection_on = env(vec![("COGO_INTROSPECTION", "true")]);
        assert_eq!(
            Exposure::from_env(&introspection_on, true).unwrap(),
            Exposure { introspection: true, graphiql: false }
        );
        let graphiql_off = env(vec![("COGO_GRAPHIQL", "FALSE")]);
        assert_eq!(
            Exposure::from_env(&graphiql_off, false).unwrap(),
            Exposure { introspection: true, graphiql: false }
        );
    }

    #[test]
    fn a_switch_that_is_not_a_boolean_is_refused() {
        assert!(Exposure::from_env(&env(vec![("COGO_GRAPHIQL", "yes please")]), true).is_err());
    }
}
