//! Live updates over WebSocket: `COGO_WS_MAX_PER_IP`, `COGO_WS_MAX_PER_USER`.

/// How many live-update sockets one address and one user may hold open on one instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiveSettings {
    /// `COGO_WS_MAX_PER_IP` (default 50: a shop's tills and phones may share one address).
    pub max_per_ip: usize,
    /// `COGO_WS_MAX_PER_USER` (default 5: a phone, a tablet and a web page or two).
    pub max_per_user: usize,
}

impl Default for LiveSettings {
    fn default() -> Self {
        Self { max_per_ip: 50, max_per_user: 5 }
    }
}

impl LiveSettings {
    pub fn from_env(var: &dyn Fn(&str) -> Option<String>) -> Result<Self, String> {
        let defaults = Self::default();
        Ok(Self {
            max_per_ip: super::positive(var, "COGO_WS_MAX_PER_IP", defaults.max_per_ip as u32)? as usize,
            max_per_user: super::positive(var, "COGO_WS_MAX_PER_USER", defaults.max_per_user as u32)? as usize,
        })
    }
}
