//! `DeviceClass` — policy §4.2 (data minimisation): HealthKit names a sample's source after the device, and users
//! name their devices after themselves ("Anna's Apple Watch"). Only the kind of device is kept; the name is
//! classified as soon as it arrives and never stored.

/// The kind of device that reported a sample: all that is kept of its source (policy §4.2, data minimisation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceClass {
    Phone,
    Watch,
    Other,
}

impl DeviceClass {
    /// The class of a HealthKit source name: a watch when the name says "watch", a phone when it says "phone"
    /// (iPhone), else other. The migration that replaced stored sources applies the same rule in SQL.
    pub fn classify(source: &str) -> Self {
        let source = source.to_lowercase();
        if source.contains("watch") {
            Self::Watch
        } else if source.contains("phone") {
            Self::Phone
        } else {
            Self::Other
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "PHONE",
            Self::Watch => "WATCH",
            Self::Other => "OTHER",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watches_are_recognised_whatever_their_owner_called_them() {
        assert_eq!(DeviceClass::classify("Apple Watch"), DeviceClass::Watch);
        assert_eq!(DeviceClass::classify("Anna's Apple Watch"), DeviceClass::Watch);
    }

    #[test]
    fn phones_are_recognised_whatever_their_owner_called_them() {
        assert_eq!(DeviceClass::classify("iPhone"), DeviceClass::Phone);
        assert_eq!(DeviceClass::classify("Bertils iPhone 15"), DeviceClass::Phone);
    }

    #[test]
    fn anything_else_is_other() {
        for source in ["Health", "Strava", "Oura Ring", ""] {
            assert_eq!(DeviceClass::classify(source), DeviceClass::Other, "{source}");
        }
    }
}
