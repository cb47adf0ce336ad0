use async_graphql::{Context, Object, SimpleObject};

use crate::PrivacyConfig;
use crate::domain::SupervisoryAuthorityContact;

/// Where a person can complain about how CoGo handles their personal data (policy §7, GDPR art. 77).
#[derive(SimpleObject)]
pub struct SupervisoryAuthority {
    /// Integritetsskyddsmyndigheten (IMY) in Sweden, formerly Datainspektionen.
    pub name: String,
    pub website: String,
    pub email: String,
    pub postal_address: String,
    pub phone: String,
}

impl From<&SupervisoryAuthorityContact> for SupervisoryAuthority {
    fn from(contact: &SupervisoryAuthorityContact) -> Self {
        Self {
            name: contact.name.clone(),
            website: contact.website.clone(),
            email: contact.email.clone(),
            postal_address: contact.postal_address.clone(),
            phone: contact.phone.clone(),
        }
    }
}

#[derive(Default)]
pub struct SupervisoryAuthorityQuery;

#[Object]
impl SupervisoryAuthorityQuery {
    /// The supervisory authority to complain to (policy §7). Anyone, signed in or not.
    async fn supervisory_authority(&self, ctx: &Context<'_>) -> async_graphql::Result<SupervisoryAuthority> {
        Ok((&PrivacyConfig::of(ctx)?.supervisory_authority).into())
    }
}
