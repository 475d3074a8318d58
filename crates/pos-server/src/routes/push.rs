//! `POST /sync/push`: applies each mutation exactly once, in seq order.
//!
//! A batch is one transaction holding: the per-organisation advisory lock (so change-log
//! versions commit in order), the device's `last_seq` row, and for each mutation its
//! effect, its `processed_mutations` record and its change-log row. One commit per batch,
//! not per mutation: a commit is a WAL flush, and one per mutation capped a server at
//! what the disk can flush (docs/PERFORMANCE.md). A seq gap or a conflicting mutation id
//! commits the prefix before it and refuses the rest; any other failure rolls the whole
//! batch back. Either way the till resends what is unacknowledged and gets `duplicate`
//! for what was applied: exactly once.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pos_protocol::PROTOCOL_VERSION;
use pos_protocol::sync::{MAX_PUSH_BATCH, PushMutation, PushRequest, PushResponse, PushResult, PushStatus};
use sha2::{Digest, Sha256};
use tokio_postgres::Transaction;
use tokio_postgres::types::Json as PgJson;

use super::JsonBody;
use crate::apply::{Outcome, apply, target_order};
use crate::auth::Device;
use crate::error::{ApiError, Internal, into_response};
use crate::startup::AppState;

#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("protocol version {0} is not supported; this server speaks {PROTOCOL_VERSION}")]
    ProtocolVersion(u32),
    #[error("a push carries at most {MAX_PUSH_BATCH} mutations")]
    BatchTooLarge,
    #[error("seq {got} is out of order; the server expects {expected}")]
    SeqGap { got: i64, expected: i64 },
    #[error("mutation {0} was already pushed with different content")]
    MutationConflict(String),
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl ApiError for PushError {
    fn status(&self) -> StatusCode {
        match self {
            PushError::ProtocolVersion(_) => StatusCode::BAD_REQUEST,
            PushError::BatchTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            PushError::SeqGap { .. } | PushError::MutationConflict(_) => StatusCode::CONFLICT,
            PushError::Internal(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            PushError::ProtocolVersion(_) => "unsupported_protocol_version",
            PushError::BatchTooLarge => "batch_too_large",
            PushError::SeqGap { .. } => "seq_gap",
            PushError::MutationConflict(_) => "mutation_conflict",
            PushError::Internal(_) => "internal",
        }
    }
    fn expected_seq(&self) -> Option<i64> {
        match self {
            PushError::SeqGap { expected, .. } => Some(*expected),
            _ => None,
        }
    }
}
into_response!(PushError);

#[tracing::instrument(skip_all, fields(device = %device.device_id), err)]
pub async fn push(
    State(state): State<AppState>,
    device: Device,
    JsonBody(req): JsonBody<PushRequest>,
) -> Result<Json<PushResponse>, PushError> {
    let resp = push_batch(&state, device, req).await?;
    state.metrics.pushed(&resp.results);
    Ok(Json(resp))
}

pub async fn push_batch(
    state: &AppState,
    device: Device,
    req: PushRequest,
) -> Result<PushResponse, PushError> {
    if req.protocol_version != PROTOCOL_VERSION {
        return Err(PushError::ProtocolVersion(req.protocol_version));
    }
    if req.mutations.len() > MAX_PUSH_BATCH {
        return Err(PushError::BatchTooLarge);
    }
    let org = device.org_id;
    let mut client = state.db.get().await.map_err(Internal::from)?;
    let tx = client.transaction().await.map_err(Internal::from)?;
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext($1::text))",
        &[&org.to_string()],
    )
    .await
    .map_err(Internal::from)?;
    let before: i64 = tx
        .query_one(
            "SELECT last_seq FROM device_seq WHERE device_id = $1 AND org_id = $2 FOR UPDATE",
            &[&device.device_id, &org],
        )
        .await
        .map_err(Internal::from)?
        .get(0);
    let mut last_seq = before;
    let mut results = Vec::with_capacity(req.mutations.len());
    let mut versions = Vec::new();
    let mut cache_changes = Vec::new();
    let mut refused = None;
    for m in &req.mutations {
        match push_one(state, &tx, device, m, last_seq).await {
            Ok((result, version, cache_change)) => {
                if result.status != PushStatus::Duplicate {
                    last_seq = m.seq;
                }
                versions.extend(version);
                cache_changes.extend(cache_change);
                results.push(result);
            }
            // The applied prefix commits; the till learns where to resume.
            Err(e @ (PushError::SeqGap { .. } | PushError::MutationConflict(_))) => {
                refused = Some(e);
                break;
            }
            // Dropping the transaction rolls the whole batch back; the till resends it.
            Err(e) => return Err(e),
        }
    }
    if last_seq != before {
        tx.execute(
            "UPDATE device_seq SET last_seq = $3 WHERE device_id = $1 AND org_id = $2",
            &[&device.device_id, &org, &last_seq],
        )
        .await
        .map_err(Internal::from)?;
    }
    tx.commit().await.map_err(Internal::from)?;
    if let Some(&v) = versions.last() {
        state.changes.published(org, v);
    }
    // Cache hook: this instance clears at once; the others on the notification.
    for c in &cache_changes {
        state.caches.committed(c);
    }
    for (m, r) in req.mutations.iter().zip(&results) {
        if let Some(reason) = &r.reason {
            tracing::info!(seq = m.seq, intent = m.mutation.intent(), %reason, "mutation rejected");
        }
    }
    match refused {
        Some(e) => Err(e),
        None => Ok(PushResponse { results, last_seq }),
    }
}

fn content_hash(m: &PushMutation) -> Result<Vec<u8>, Internal> {
    Ok(Sha256::digest(serde_json::to_vec(&m.mutation)?).to_vec())
}

/// Applies one mutation inside the batch's transaction, after `last_seq`. Returns the
/// result, the change-log version written and the cache invalidation it queued.
async fn push_one(
    state: &AppState,
    tx: &Transaction<'_>,
    device: Device,
    m: &PushMutation,
    last_seq: i64,
) -> Result<(PushResult, Option<i64>, Option<crate::cache::Change>), PushError> {
    let hash = content_hash(m)?;
    let org = device.org_id;
    let seen = tx
        .query_opt(
            "SELECT org_id, device_id, payload_hash, result FROM processed_mutations WHERE mutation_id = $1",
            &[m.mutation_id.as_uuid()],
        )
        .await
        .map_err(Internal::from)?;
    if let Some(row) = seen {
        let same = row.get::<_, uuid::Uuid>(0) == org
            && row.get::<_, uuid::Uuid>(1) == device.device_id
            && row.get::<_, Vec<u8>>(2) == hash;
        if !same {
            return Err(PushError::MutationConflict(m.mutation_id.to_string()));
        }
        let first: PushResult = serde_json::from_value(row.get(3)).map_err(Internal::from)?;
        let result = PushResult {
            status: PushStatus::Duplicate,
            ..first
        };
        return Ok((result, None, None));
    }
    if m.seq != last_seq + 1 {
        return Err(PushError::SeqGap {
            got: m.seq,
            expected: last_seq + 1,
        });
    }
    let outcome = apply(tx, org, &m.mutation).await?;
    let mut cache_change = None;
    let (status, reason, version, order) = match outcome {
        Outcome::Applied { entity_id } => {
            crate::locations::stamp_order(tx, device, &m.mutation).await?;
            let v: i64 = tx
                .query_one(
                    "INSERT INTO change_log (org_id, mutation_id, kind, entity_id, payload)
                     VALUES ($1, $2, $3, $4, $5) RETURNING version",
                    &[
                        &org,
                        m.mutation_id.as_uuid(),
                        &m.mutation.intent(),
                        &entity_id,
                        &m.mutation.payload_json(),
                    ],
                )
                .await
                .map_err(Internal::from)?
                .get(0);
            // Cache hook: queue the invalidation for every instance (sent on commit).
            cache_change = Some(crate::cache::record(tx, &state.caches, org, v, &m.mutation).await?);
            (PushStatus::Applied, None, Some(v), None)
        }
        Outcome::Rejected(reason) => {
            let order = target_order(tx, org, &m.mutation).await?.map(Box::new);
            (PushStatus::Rejected, Some(reason), None, order)
        }
    };
    let result = PushResult {
        mutation_id: m.mutation_id,
        seq: m.seq,
        status,
        reason,
        order,
    };
    tx.execute(
        "INSERT INTO processed_mutations (mutation_id, org_id, device_id, seq, intent, payload_hash, result)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            m.mutation_id.as_uuid(),
            &org,
            &device.device_id,
            &m.seq,
            &m.mutation.intent(),
            &hash,
            &PgJson(&result),
        ],
    )
    .await
    .map_err(Internal::from)?;
    Ok((result, version, cache_change))
}
