use pos_protocol::sync::{EnrollRequest, ErrorBody};
use pos_testkit::spawn_server;

#[tokio::test]
async fn an_enrollment_code_works_once_and_the_token_is_stored_only_as_a_hash() {
    let mut server = spawn_server().await;
    let code = pos_server::admin::enrollment_code(&server.db, server.org)
        .await
        .unwrap();
    let req = EnrollRequest {
        code: code.clone(),
        device_name: "Till 1".into(),
    };
    let url = format!("{}/sync/enroll", server.base);
    let first = server.http.post(&url).json(&req).send().await.unwrap();
    assert_eq!(first.status(), 200, "a fresh code enrolls");
    let body: pos_protocol::sync::EnrollResponse = first.json().await.unwrap();
    assert_eq!(body.token.len(), 64, "256 bits, hex");
    let stored = server
        .count("SELECT COUNT(*) FROM devices WHERE org_id = $1", server.org)
        .await;
    assert_eq!(stored, 1);
    let c = server.db.get().await.unwrap();
    let plain: i64 = c
        .query_one(
            "SELECT COUNT(*) FROM devices WHERE encode(token_hash, 'hex') = $1",
            &[&body.token],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(plain, 0, "the token itself is never stored");

    let again = server.http.post(&url).json(&req).send().await.unwrap();
    assert_eq!(again.status(), 403, "a used code is refused");
    let err: ErrorBody = again.json().await.unwrap();
    assert_eq!(err.code, pos_protocol::sync::ErrorCode::BadEnrollmentCode);
    server.stop().await;
}
