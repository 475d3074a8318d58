use pos_protocol::sync::{ErrorBody, PushRequest};
use pos_testkit::till::outbox_push;
use pos_testkit::{spawn_server, temp_till};

async fn error_of(resp: reqwest::Response) -> (u16, ErrorBody) {
    let status = resp.status().as_u16();
    let body = resp
        .json::<ErrorBody>()
        .await
        .expect("every error has a JSON body");
    (status, body)
}

#[tokio::test]
async fn a_bad_token_gets_401_with_a_json_error_and_changes_nothing() {
    let mut server = spawn_server().await;
    let t = temp_till();
    let (status, body) = error_of(server.push("not-a-token", &outbox_push(&t.app)).await).await;
    assert_eq!((status, body.code.as_str()), (401, "invalid_token"));
    let resp = server
        .http
        .get(format!("{}/sync/pull", server.base))
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(resp).await;
    assert_eq!((status, body.code.as_str()), (401, "missing_token"));
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM change_log WHERE org_id = $1", server.org)
            .await,
        0
    );
    server.stop().await;
}

#[tokio::test]
async fn malformed_json_and_unknown_intents_get_400_with_a_json_error() {
    let mut server = spawn_server().await;
    let token = server.enroll(server.org, "Till 1").await;
    for body in [
        "{not json".to_string(),
        r#"{"protocol_version":1,"mutations":[{"mutation_id":"00000000-0000-0000-0000-000000000001","seq":1,"intent":"order.teleport","payload":{}}]}"#.to_string(),
    ] {
        let resp = server
            .http
            .post(format!("{}/sync/push", server.base))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, err) = error_of(resp).await;
        assert_eq!((status, err.code.as_str()), (400, "malformed_json"));
    }
    assert_eq!(
        server
            .count(
                "SELECT COUNT(*) FROM processed_mutations WHERE org_id = $1",
                server.org
            )
            .await,
        0
    );
    server.stop().await;
}

#[tokio::test]
async fn an_old_protocol_version_is_refused_with_400() {
    let mut server = spawn_server().await;
    let token = server.enroll(server.org, "Till 1").await;
    let t = temp_till();
    let req = PushRequest {
        protocol_version: 0,
        ..outbox_push(&t.app)
    };
    let (status, err) = error_of(server.push(&token, &req).await).await;
    assert_eq!((status, err.code.as_str()), (400, "unsupported_protocol_version"));
    server.stop().await;
}

#[tokio::test]
async fn oversized_bodies_and_batches_get_413() {
    let mut server = spawn_server().await;
    let token = server.enroll(server.org, "Till 1").await;
    // Over the limit the server runs with (the production one).
    let huge = format!(
        "{{\"protocol_version\":1,\"mutations\":[],\"pad\":\"{}\"}}",
        "x".repeat(server.settings.max_body_bytes + 1024)
    );
    let resp = server
        .http
        .post(format!("{}/sync/push", server.base))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    let (status, err) = error_of(resp).await;
    assert_eq!((status, err.code.as_str()), (413, "body_too_large"));

    let one = pos_protocol::sync::PushMutation {
        mutation_id: pos_core::MutationId::from_uuid(uuid::Uuid::now_v7()),
        seq: 1,
        mutation: pos_protocol::Mutation::OrderSetStatus {
            order_id: pos_core::OrderId::from_uuid(uuid::Uuid::now_v7()),
            status: pos_core::OrderStatus::Served,
            at_ms: 1,
            sent_lines: None,
        },
    };
    let req = PushRequest {
        protocol_version: 1,
        mutations: vec![one; pos_protocol::sync::MAX_PUSH_BATCH + 1],
    };
    let (status, err) = error_of(server.push(&token, &req).await).await;
    assert_eq!((status, err.code.as_str()), (413, "batch_too_large"));
    server.stop().await;
}
