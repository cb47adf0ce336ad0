//! Every staff operation of the privacy module is for `PRIVACY_OFFICER` only: a plain user, a merchant and an
//! `ADMIN` get FORBIDDEN, a signed-out caller UNAUTHENTICATED.

use cogo_tests::{TestUser, error_code};
use serde_json::{Value, json};

use super::{
    COMPLETE_REQUEST, DATA_SUBJECT_REQUESTS, ERASE_USER, EXPORT_USER_DATA, RECORD_REQUEST, RUN_PURGE, everything,
};

fn staff_operations(person: &TestUser) -> Vec<(&'static str, Value)> {
    let some_id = uuid::Uuid::new_v4().to_string();
    vec![
        (DATA_SUBJECT_REQUESTS, json!({ "first": 5 })),
        (RECORD_REQUEST, json!({ "email": person.email, "kind": "ACCESS", "channel": "email" })),
        (COMPLETE_REQUEST, json!({ "id": some_id })),
        (EXPORT_USER_DATA, json!({ "userId": person.id })),
        (ERASE_USER, json!({ "userId": person.id, "requestId": some_id })),
        (RUN_PURGE, json!({})),
    ]
}

#[tokio::test]
async fn staff_operations_are_forbidden_to_everyone_but_the_privacy_officer() {
    let w = everything().await;
    let admin = w.app.grant_role(&w.app.sign_up("Another Admin").await, "ADMIN").await;

    for (operation, variables) in staff_operations(&w.person) {
        for caller in [&w.person, &w.merchant, &admin] {
            let body = w.app.gql_as(caller, operation, variables.clone()).await;
            assert_eq!(error_code(&body), "FORBIDDEN", "{} ran {operation}", caller.name);
        }
        let body = w.app.gql(operation, variables.clone()).await;
        assert_eq!(error_code(&body), "UNAUTHENTICATED", "signed out ran {operation}");
    }
}

#[tokio::test]
async fn the_privacy_officer_exports_an_account_for_a_request_by_letter() {
    let w = everything().await;

    let body = w.app.gql_as(&w.privacy_officer, EXPORT_USER_DATA, json!({ "userId": w.person.id })).await;
    let unknown =
        w.app.gql_as(&w.privacy_officer, EXPORT_USER_DATA, json!({ "userId": uuid::Uuid::new_v4().to_string() })).await;

    let export = &cogo_tests::data(&body)["userDataExport"];
    assert_eq!(export["users"]["account"]["email"], w.person.email.as_str());
    assert_eq!(export["subjectId"], w.person.id.as_str());
    assert_eq!(error_code(&unknown), "NOT_FOUND");
}
