//! Sign-in with OpenID Connect providers: `COGO_OIDC_<ID>_ISSUER`, `_CLIENT_ID`, `_CLIENT_SECRET` and optional
//! `_SCOPES`, `_NAME` per provider (the id is `<ID>` in lower case), `COGO_AUTH_REDIRECT_URIS` (where a finished
//! sign-in may return) and `COGO_PUBLIC_URL` (the API's external base URL, for the callback). No provider: the
//! feature is off.

pub use cogo_users::sign_in::OidcProviderSettings;

/// The providers and where sign-ins may return.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OidcSettings {
    pub providers: Vec<OidcProviderSettings>,
    pub redirect_uris: Vec<String>,
    /// `None`: `http://127.0.0.1:<port>` of the running server (development and tests).
    pub public_url: Option<String>,
}

impl OidcSettings {
    /// Reads every `COGO_OIDC_<ID>_ISSUER` among `names` (the environment's variable names) and its companions.
    pub fn from_vars(
        names: impl Iterator<Item = String>,
        var: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        let mut ids: Vec<String> = names
            .filter_map(|name| name.strip_prefix("COGO_OIDC_")?.strip_suffix("_ISSUER").map(str::to_string))
            .filter(|id| !id.is_empty())
            .collect();
        ids.sort();
        ids.dedup();
        let providers = ids.iter().map(|id| provider_from(id, var)).collect::<Result<Vec<_>, _>>()?;
        let redirect_uris: Vec<String> = var("COGO_AUTH_REDIRECT_URIS")
            .map(|list| list.split(',').map(str::trim).filter(|u| !u.is_empty()).map(str::to_string).collect())
            .unwrap_or_default();
        for uri in &redirect_uris {
            url::Url::parse(uri).map_err(|_| format!("COGO_AUTH_REDIRECT_URIS: {uri} is not an absolute URI"))?;
        }
        if !providers.is_empty() && redirect_uris.is_empty() {
            return Err("COGO_AUTH_REDIRECT_URIS must list where a provider sign-in may return".into());
        }
        let public_url = var("COGO_PUBLIC_URL").map(|u| u.trim().trim_end_matches('/').to_string());
        if let Some(url) = &public_url {
            url::Url::parse(url).map_err(|_| "COGO_PUBLIC_URL must be an absolute URL".to_string())?;
        }
        Ok(Self { providers, redirect_uris, public_url })
    }
}

fn provider_from(id: &str, var: &dyn Fn(&str) -> Option<String>) -> Result<OidcProviderSettings, String> {
    let valid = id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(format!("COGO_OIDC_{id}_ISSUER: the provider id may hold only letters, digits and _"));
    }
    let required = |suffix: &str| {
        var(&format!("COGO_OIDC_{id}_{suffix}")).ok_or_else(|| format!("COGO_OIDC_{id}_{suffix} must be set"))
    };
    let issuer = required("ISSUER")?.trim().to_string();
    url::Url::parse(&issuer).map_err(|_| format!("COGO_OIDC_{id}_ISSUER must be a URL"))?;
    let scopes = match var(&format!("COGO_OIDC_{id}_SCOPES")) {
        Some(list) => list.split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_string).collect(),
        None => OidcProviderSettings::DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect(),
    };
    let id_lower = id.to_ascii_lowercase();
    Ok(OidcProviderSettings {
        display_name: var(&format!("COGO_OIDC_{id}_NAME")).unwrap_or_else(|| id_lower.clone()),
        id: id_lower,
        issuer,
        client_id: required("CLIENT_ID")?,
        client_secret: required("CLIENT_SECRET")?,
        scopes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::test_env as env;

    fn names(pairs: &[(&str, &str)]) -> impl Iterator<Item = String> {
        pairs.iter().map(|(name, _)| name.to_string()).collect::<Vec<_>>().into_iter()
    }

    #[test]
    fn each_issuer_variable_makes_a_provider() {
        let pairs = vec![
            ("COGO_OIDC_GOOGLE_ISSUER", "https://accounts.google.com"),
            ("COGO_OIDC_GOOGLE_CLIENT_ID", "id"),
            ("COGO_OIDC_GOOGLE_CLIENT_SECRET", "secret"),
            ("COGO_OIDC_GOOGLE_NAME", "Google"),
            ("COGO_AUTH_REDIRECT_URIS", "cogo://signed-in, https://portal.cogo-app.se/"),
        ];
        let settings = OidcSettings::from_vars(names(&pairs), &env(pairs.clone())).unwrap();
        assert_eq!(settings.providers.len(), 1);
        let google = &settings.providers[0];
        assert_eq!((google.id.as_str(), google.display_name.as_str()), ("google", "Google"));
        assert_eq!(google.scopes, vec!["openid", "email", "profile"]);
        assert_eq!(settings.redirect_uris, vec!["cogo://signed-in", "https://portal.cogo-app.se/"]);
        assert!(!format!("{google:?}").contains("secret\""));
    }

    #[test]
    fn a_provider_needs_its_client_and_somewhere_to_return() {
        let pairs = vec![("COGO_OIDC_X_ISSUER", "https://x.example"), ("COGO_OIDC_X_CLIENT_ID", "id")];
        assert!(OidcSettings::from_vars(names(&pairs), &env(pairs.clone())).is_err());
        let none: Vec<(&'static str, &'static str)> = vec![];
        assert_eq!(OidcSettings::from_vars(names(&none), &env(none.clone())).unwrap(), OidcSettings::default());
    }
}
