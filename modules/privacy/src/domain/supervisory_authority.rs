/// The supervisory authority a person can complain to (policy §7, GDPR art. 77). For CoGo, in Sweden, that is
/// Integritetsskyddsmyndigheten (IMY), which in 2021 replaced Datainspektionen, the name in the 2019 policy text.
/// Configurable (`COGO_SUPERVISORY_AUTHORITY_*`) should the contact details change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisoryAuthorityContact {
    pub name: String,
    pub website: String,
    pub email: String,
    pub postal_address: String,
    pub phone: String,
}

impl SupervisoryAuthorityContact {
    /// IMY's published contact details.
    pub fn imy() -> Self {
        Self {
            name: "Integritetsskyddsmyndigheten (IMY)".into(),
            website: "https://www.imy.se".into(),
            email: "imy@imy.se".into(),
            postal_address: "Box 8114, 104 20 Stockholm".into(),
            phone: "+46 8 657 61 00".into(),
        }
    }
}

impl Default for SupervisoryAuthorityContact {
    fn default() -> Self {
        Self::imy()
    }
}
