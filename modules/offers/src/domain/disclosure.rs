/// What a one-time unlock discloses to the offer's partner (policy §4.6): the customer's name and e-mail, so the
/// merchant can hand over a purchase made once. Every such disclosure is logged (GDPR art. 19: recipients are told
/// of an erasure), and it is refused while the customer has restricted processing (art. 18).
pub struct OneTimeDisclosure;

impl OneTimeDisclosure {
    /// The categories of personal data shared, as written to the disclosure log.
    pub const CATEGORIES: &'static str = "name,email";
}
