//! Staff rows: last writer wins by `updated_at_ms`, pulled changes land, lockout counts.

use pos_core::{MutationId, Role, StaffId, StaffMember};
use pos_protocol::Mutation;
use pos_store::{StoreError, records, staff};

use crate::support::*;

fn member(name: &str, updated_at_ms: i64) -> StaffMember {
    StaffMember {
        id: StaffId::from_uuid(uuid::Uuid::from_u128(7)),
        name: name.into(),
        role: Role::Cashier,
        pin_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        active: true,
        created_at_ms: 1,
        updated_at_ms,
    }
}

#[test]
fn an_older_change_never_overwrites_a_newer_one() {
    let (_dir, store) = fresh();
    store
        .write(|tx| {
            assert!(staff::upsert(tx, &member("Ravi", 10))?);
            assert!(
                !staff::upsert(tx, &member("Old name", 5))?,
                "an older change arriving late is ignored"
            );
            assert!(staff::upsert(tx, &member("Ravi K", 20))?);
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let rows = store.read(staff::list).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].member, member("Ravi K", 20));
}

#[test]
fn the_fifth_failure_in_a_row_sets_the_lock_and_restarts_the_count() {
    let (_dir, store) = fresh();
    let id = member("Ravi", 1).id;
    store
        .write(|tx| {
            staff::upsert(tx, &member("Ravi", 1))?;
            for _ in 0..4 {
                assert_eq!(staff::record_failure(tx, id, 5, 1_000, 300_000)?, None);
            }
            assert_eq!(staff::record_failure(tx, id, 5, 1_000, 300_000)?, Some(301_000));
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let row = store.read(|c| staff::get(c, id)).unwrap().unwrap();
    assert_eq!((row.failed_attempts, row.locked_until_ms), (0, Some(301_000)));
    store.write(|tx| staff::record_success(tx, id)).unwrap();
    let row = store.read(|c| staff::get(c, id)).unwrap().unwrap();
    assert_eq!((row.failed_attempts, row.locked_until_ms), (0, None));
}

#[test]
fn a_pulled_staff_upsert_lands_and_keeps_the_local_lockout_state() {
    let (_dir, store) = fresh();
    let m = member("Ravi", 10);
    store
        .write(|tx| {
            staff::upsert(tx, &m)?;
            staff::record_failure(tx, m.id, 5, 0, 1)?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let renamed = Mutation::StaffUpsert {
        staff: Box::new(member("Ravi Kumar", 11)),
    };
    let env = pos_protocol::rules::Envelope {
        id: MutationId::from_uuid(new_id()),
        mutation: &renamed,
    };
    let (_, effect) = store
        .write(|tx| {
            records::apply(
                tx,
                env,
                pos_protocol::rules::Mode::Replay { verdict: None },
                NOW_MS,
            )
        })
        .unwrap();
    assert!(
        effect.changes().is_some(),
        "the newer member replaces the stored one"
    );
    let row = store.read(|c| staff::get(c, m.id)).unwrap().unwrap();
    assert_eq!(row.member.name, "Ravi Kumar");
    assert_eq!(
        row.failed_attempts, 1,
        "lockout state is local and survives a pull"
    );
}
