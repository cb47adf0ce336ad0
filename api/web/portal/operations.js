// Every GraphQL operation the portal sends, copied verbatim from the client contracts
// (clients/portal.graphql and, for the session, clients/mobile.graphql) so a
// contract test or a reviewer can diff them. Keep the operation names: the server logs them.

export const LOG_IN = `mutation LogIn($email: String!, $password: String!) {
  logIn(email: $email, password: $password) {
    accessToken
    refreshToken
    user { id name }
  }
}`;

export const REFRESH_SESSION = `mutation RefreshSession($refreshToken: String!) {
  refreshSession(refreshToken: $refreshToken) { accessToken refreshToken }
}`;

export const LOG_OUT = `mutation LogOut {
  logOut
}`;

export const MY_PARTNER = `query MyPartner {
  myPartner { id name orgNumber }
}`;

export const CREATE_OFFER = `mutation CreateOffer($input: CreateOfferInput!) {
  createOffer(input: $input) { id title status costPoints kind }
}`;

export const PUBLISH_OFFER = `mutation PublishOffer($id: ID!) {
  publishOffer(id: $id) { id status }
}`;

export const ARCHIVE_OFFER = `mutation ArchiveOffer($id: ID!) {
  archiveOffer(id: $id) { id status }
}`;

export const PARTNER_OFFERS = `query PartnerOffers($first: Int, $after: String) {
  myPartner {
    offers(first: $first, after: $after) {
      edges { node { id title status costPoints kind totalQuantity remainingQuantity redemptionCount } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

export const PARTNER_REDEMPTIONS = `query PartnerRedemptions($first: Int, $after: String) {
  myPartner {
    redemptions(first: $first, after: $after) {
      edges {
        node {
          id code status unlockedAt redeemedAt
          offer { id title kind }
          customer { pseudonym name email }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

export const REDEEM_CODE = `mutation RedeemCode($code: String!) {
  redeemCode(code: $code) { id status redeemedAt offer { title } }
}`;

export const PARTNER_REDEMPTION_EVENTS = `subscription PartnerRedemptionEvents {
  partnerRedemptionEvents {
    id code status unlockedAt redeemedAt
    offer { id title kind }
    customer { pseudonym name email }
  }
}`;
