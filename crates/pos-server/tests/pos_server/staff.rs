//! Staff on the server: staff.upsert lands in the staff table (hash, never the PIN), and
//! a profile.update made by someone who is not an active manager is a recorded business
//! rejection; updates from before staff logins (no `by`) still apply.

use pos_app::Actor;
use pos_core::{MutationId, Role};
use pos_protocol::Mutation;
use pos_protocol::sync::{PushMutation, PushResponse, PushStatus};
use pos_testkit::till::outbox_push;
use pos_testkit::{spawn_server, temp_till};

#[tokio::test]
async fn a_profile_change_by_a_cashier_is_rejected_and_a_managers_applies() {
    let mut server = spawn_server().await;
    let token = server.enroll(server.org, "Till 1").await;
    let t = temp_till();
    let manager = t
        .app
        .create_first_manager("Meera", "4821")
        .expect("first manager");
    let cashier = t
        .app
        .create_staff(
            Actor::Staff(&manager),
            pos_app::staff::NewStaff {
                name: "Ravi".into(),
                role: Role::Cashier,
                pin: "7390".into(),
                request_id: None,
            },
        )
        .expect("a cashier");
    let mut renamed = pos_testkit::example_profile();
    renamed.name = "Saffron Table II".into();
    t.app
        .update_profile(Actor::Staff(&manager), renamed.clone())
        .expect("a manager changes the profile");

    // A cashier's change cannot be made on this till (the engine refuses it), so write the
    // mutation an older or altered till could send.
    let mut req = outbox_push(&t.app);
    let last = req.mutations.last().expect("rows").seq;
    req.mutations.push(PushMutation {
        mutation_id: MutationId::from_uuid(uuid::Uuid::now_v7()),
        seq: last + 1,
        mutation: Mutation::ProfileUpdate {
            profile: Box::new(pos_testkit::example_profile()),
            by: Some(cashier.id),
        },
    });
    let res: PushResponse = server.push(&token, &req).await.json().await.unwrap();
    let statuses: Vec<(String, PushStatus)> = req
        .mutations
        .iter()
        .zip(&res.results)
        .map(|(m, r)| (m.mutation.intent().to_owned(), r.status))
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("profile.update".into(), PushStatus::Applied),
            ("menu.upsert".into(), PushStatus::Applied),
            ("staff.upsert".into(), PushStatus::Applied),
            ("staff.upsert".into(), PushStatus::Applied),
            ("profile.update".into(), PushStatus::Applied),
            ("profile.update".into(), PushStatus::Rejected),
        ],
        "the pre-login update and the manager's apply; the cashier's is rejected"
    );
    let reason = res.results.last().unwrap().reason.clone().unwrap_or_default();
    assert!(reason.contains("Ravi is not an active manager"), "{reason}");
    assert_eq!(res.last_seq, last + 1, "a rejection does not block the queue");
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM staff WHERE org_id = $1", server.org)
            .await,
        2
    );
    assert_eq!(
        server
            .count(
                "SELECT COUNT(*) FROM profile WHERE org_id = $1 AND data->>'name' = 'Saffron Table II'",
                server.org
            )
            .await,
        1,
        "the manager's name stands"
    );
    assert_eq!(
        server
            .count(
                "SELECT COUNT(*) FROM staff WHERE org_id = $1 AND (data::text LIKE '%7390%' OR data::text LIKE '%4821%')",
                server.org
            )
            .await,
        0,
        "no PIN reaches the server"
    );
    server.stop().await;
}
