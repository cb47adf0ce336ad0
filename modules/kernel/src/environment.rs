//! The environment variables a module reads for its own settings, with the checks every setting shares. The
//! gateway hands each module the same [`Environment`], so a new module brings its settings with it instead of
//! adding fields to the gateway's.

use std::collections::BTreeMap;
use std::str::FromStr;

/// A snapshot of the environment (non-blank values only), or a given set of variables in tests.
#[derive(Clone, Default)]
pub struct Environment {
    values: BTreeMap<String, String>,
}

impl Environment {
    /// Every variable the process was started with.
    pub fn from_process() -> Self {
        Self { values: std::env::vars().filter(|(_, value)| !value.trim().is_empty()).collect() }
    }

    /// The same environment with one more variable (tests, tools).
    pub fn with(mut self, name: &str, value: &str) -> Self {
        if !value.trim().is_empty() {
            self.values.insert(name.to_string(), value.to_string());
        }
        self
    }

    /// The variable's value, if set and not blank.
    pub fn var(&self, name: &str) -> Option<String> {
        self.values.get(name).cloned()
    }

    /// A whole number, or `default` when unset.
    pub fn number<T: FromStr>(&self, name: &str, default: T) -> Result<T, String> {
        number(&|name| self.var(name), name, default)
    }

    /// A period in whole days (or any count) that must be at least 1, or `default` when unset.
    pub fn positive(&self, name: &str, default: u32) -> Result<u32, String> {
        positive(&|name| self.var(name), name, default)
    }

    /// A yes/no variable, or `default` when unset.
    pub fn switch(&self, name: &str, default: bool) -> Result<bool, String> {
        switch(&|name| self.var(name), name, default)
    }
}

/// The names of CoGo's own variables only: values may be secrets, and the rest of the environment is not ours.
impl std::fmt::Debug for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.values.keys().filter(|name| name.starts_with("COGO_"))).finish()
    }
}

/// A whole number read through `var`, or `default` when unset.
pub fn number<T: FromStr>(var: &dyn Fn(&str) -> Option<String>, name: &str, default: T) -> Result<T, String> {
    match var(name) {
        Some(text) => text.trim().parse().map_err(|_| format!("{name} must be a whole number")),
        None => Ok(default),
    }
}

/// A whole number of at least 1: a retention period of zero would purge data the moment it is written.
pub fn positive(var: &dyn Fn(&str) -> Option<String>, name: &str, default: u32) -> Result<u32, String> {
    let value: u32 = number(var, name, default)?;
    if value == 0 { Err(format!("{name} must be at least 1")) } else { Ok(value) }
}

/// A yes/no variable (`true`/`1` or `false`/`0`), or `default` when unset.
pub fn switch(var: &dyn Fn(&str) -> Option<String>, name: &str, default: bool) -> Result<bool, String> {
    match var(name).map(|value| value.trim().to_ascii_lowercase()) {
        None => Ok(default),
        Some(value) if value == "true" || value == "1" => Ok(true),
        Some(value) if value == "false" || value == "0" => Ok(false),
        Some(_) => Err(format!("{name} must be true or false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_and_blank_variables_give_the_default() {
        let env = Environment::default().with("COGO_X", "  ");
        assert_eq!(env.number("COGO_X", 7u32), Ok(7));
        assert_eq!(env.switch("COGO_Y", true), Ok(true));
    }

    #[test]
    fn values_are_parsed_and_nonsense_is_refused_with_the_name() {
        let env = Environment::default().with("COGO_DAYS", " 30 ").with("COGO_ON", "FALSE").with("COGO_BAD", "ten");
        assert_eq!(env.positive("COGO_DAYS", 1), Ok(30));
        assert_eq!(env.switch("COGO_ON", true), Ok(false));
        assert_eq!(env.number("COGO_BAD", 1u32), Err("COGO_BAD must be a whole number".to_string()));
        assert!(env.switch("COGO_BAD", true).is_err());
        let zero = Environment::default().with("COGO_DAYS", "0");
        assert_eq!(zero.positive("COGO_DAYS", 1), Err("COGO_DAYS must be at least 1".to_string()));
    }

    #[test]
    fn debug_output_names_variables_without_their_values() {
        let env = Environment::default().with("COGO_SECRET", "hunter2").with("HOME", "/home/someone");
        assert_eq!(format!("{env:?}"), r#"{"COGO_SECRET"}"#);
    }
}
