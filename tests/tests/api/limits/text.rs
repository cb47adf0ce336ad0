//! Control characters in variables and in literals of the query text: `BAD_USER_INPUT`, nothing stored.

use cogo_tests::{error_code, spawn_app};
use serde_json::json;

use super::{name_of, refused_untouched};

#[tokio::test]
async fn a_nul_escape_in_a_literal_is_bad_user_input() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;

    let log_in = r#"mutation { logIn(email: "anna\u0000@example.se", password: "whatever it is") { accessToken } }"#;
    refused_untouched(&app, log_in, json!({}), "BAD_USER_INPUT").await;
    let in_a_list = r#"mutation { syncSteps(samples: [{ externalId: "hk\u0000", startAt: "2026-01-01T00:00:00Z",
        endAt: "2026-01-01T00:10:00Z", steps: 10, distanceMeters: 8.0, source: "iPhone" }]) { accepted } }"#;
    refused_untouched(&app, in_a_list, json!({}), "BAD_USER_INPUT").await;
    let in_an_object = r#"mutation { updateProfile(input: { name: "Anna\u0000" }) { name } }"#;
    assert_eq!(error_code(&app.gql_as(&anna, in_an_object, json!({})).await), "BAD_USER_INPUT");
    assert_eq!(name_of(&app, &anna).await, "Anna");
}

#[tokio::test]
async fn control_characters_in_variables_are_bad_user_input_tabs_and_newlines_are_not() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let update = "mutation($name: String) { updateProfile(input: { name: $name }) { name } }";

    for bad in ["Anna\u{0}", "Anna\u{7}", "Anna\u{1b}", "Anna\u{7f}"] {
        let body = app.gql_as(&anna, update, json!({ "name": bad })).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{bad:?}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "name");
    }
    assert_eq!(name_of(&app, &anna).await, "Anna");

    // A refresh token with a tab is only an unknown token: the text itself passes.
    let refresh = "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }";
    assert_eq!(error_code(&app.gql(refresh, json!({ "t": "not\ta token\n" })).await), "UNAUTHENTICATED");
}
