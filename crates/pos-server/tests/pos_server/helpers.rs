//! Fixtures of the server's suite, built from `pos_testkit`'s server and till.

use pos_testkit::till::{outbox_push, sell};
use pos_testkit::{TempTill, TestServer, spawn_server, temp_till};
use uuid::Uuid;

/// A server whose organisation has a till that pushed the example profile, menu and one
/// paid sale; returns the server, the till, its device token, a manager and an admin token.
pub async fn seeded_server() -> (TestServer, TempTill, String, String, String) {
    let server = spawn_server().await;
    let device = server.enroll(server.org, "Till 1").await;
    let t = temp_till();
    sell(&t, 2);
    let resp = server.push(&device, &outbox_push(&t)).await;
    assert_eq!(resp.status(), 200, "the till's outbox is accepted");
    let manager = server.api_token(server.org, "manager").await;
    let admin = server.api_token(server.org, "admin").await;
    (server, t, device, manager, admin)
}

/// The organisation's first location.
pub async fn location(server: &TestServer, org: Uuid) -> Uuid {
    let c = server.db.get().await.expect("conn");
    c.query_one("SELECT id FROM locations WHERE org_id = $1", &[&org])
        .await
        .expect("a location")
        .get(0)
}
