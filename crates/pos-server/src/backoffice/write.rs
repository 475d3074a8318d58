//! The one write path of the back office, shared by every REST write.
//!
//! [`begin`] opens a transaction holding the organisation's advisory lock (the one pushes
//! take, so change-log versions commit in order); the caller loads and checks what it
//! needs under it; [`apply_checked`] applies the mutation exactly as a pushed one
//! ([`crate::apply::apply`]); [`finish`] appends the change-log row every till pulls,
//! queues the cache notification, commits, then clears this instance's caches and wakes
//! long-polls. [`commit`] is the last two in one.

use deadpool_postgres::Transaction;
use pos_core::MutationId;
use pos_protocol::Mutation;
use uuid::Uuid;

use super::{ApiFailure, Result};
use crate::apply::{Outcome, apply};
use crate::startup::AppState;

pub async fn begin<'a>(client: &'a mut deadpool_postgres::Object, org: Uuid) -> Result<Transaction<'a>> {
    let tx = client.transaction().await?;
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext($1::text))",
        &[&org.to_string()],
    )
    .await?;
    Ok(tx)
}

/// Applies `m` like a pushed mutation; returns the change-log entity id.
pub async fn apply_checked(tx: &Transaction<'_>, org: Uuid, m: &Mutation) -> Result<String> {
    let mut orders = crate::apply::Orders::default();
    let outcome = apply(tx, org, &mut orders, m).await?;
    orders.flush(tx, org).await?;
    match outcome {
        Outcome::Applied { entity_id } => Ok(entity_id),
        // The caller checked the same rules first; a refusal here means the stored state
        // forbids it in a way those checks did not foresee.
        Outcome::Rejected(reason) => Err(ApiFailure::Conflict(reason)),
    }
}

/// Logs `m` for the tills, notifies every instance, commits. Returns the version.
pub async fn finish(
    state: &AppState,
    tx: Transaction<'_>,
    org: Uuid,
    m: &Mutation,
    entity_id: &str,
) -> Result<i64> {
    let mutation_id = MutationId::from_uuid(Uuid::now_v7());
    let version: i64 = tx
        .query_one(
            "INSERT INTO change_log (org_id, mutation_id, kind, entity_id, payload)
             VALUES ($1, $2, $3, $4, $5) RETURNING version",
            &[
                &org,
                mutation_id.as_uuid(),
                &m.intent(),
                &entity_id,
                &m.payload_json(),
            ],
        )
        .await?
        .get(0);
    let change = crate::cache::record(&tx, &state.caches, org, version, m).await?;
    tx.commit().await?;
    state.caches.committed(&change);
    state.changes.published(org, version);
    Ok(version)
}

/// [`apply_checked`] then [`finish`].
pub async fn commit(state: &AppState, tx: Transaction<'_>, org: Uuid, m: &Mutation) -> Result<i64> {
    let entity_id = apply_checked(&tx, org, m).await?;
    finish(state, tx, org, m, &entity_id).await
}
