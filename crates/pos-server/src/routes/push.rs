//! `POST /sync/push`: applies each mutation exactly once, in seq order.
//!
//! Each mutation gets its own transaction holding: the per-organisation advisory lock (so
//! change-log versions commit in order), the device's `last_seq` row, the effect, the
//! `processed_mutations` record and the change-log row. A crash between two mutations
//! leaves a clean prefix; the till resends the rest and gets `duplicate` for the prefix.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pos_protocol::PROTOCOL_VERSION;
use pos_protocol::sync::{MAX_PUSH_BATCH, PushMutation, PushRequest, PushResponse, PushResult, PushStatus};
use sha2::{Digest, Sha256};
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
    let mut results = Vec::with_capacity(req.mutations.len());
    let mut last_seq = current_seq(state, device).await?;
    for m in &req.mutations {
        let (result, seq, version) = push_one(state, device, m).await?;
        last_seq = last_seq.max(seq);
        if let Some(v) = version {
            state.changes.published(device.org_id, v);
        }
        results.push(result);
    }
    Ok(PushResponse { results, last_seq })
}

async fn current_seq(state: &AppState, device: Device) -> Result<i64, Internal> {
    let client = state.db.get().await?;
    let row = client
        .query_one(
            "SELECT last_seq FROM device_seq WHERE device_id = $1 AND org_id = $2",
            &[&device.device_id, &device.org_id],
        )
        .await?;
    Ok(row.get(0))
}

fn content_hash(m: &PushMutation) -> Result<Vec<u8>, Internal> {
    Ok(Sha256::digest(serde_json::to_vec(&m.mutation)?).to_vec())
}

/// Returns the result, the device's last seq after it, and the change-log version written.
async fn push_one(
    state: &AppState,
    device: Device,
    m: &PushMutation,
) -> Result<(PushResult, i64, Option<i64>), PushError> {
    let hash = content_hash(m)?;
    let mut client = state.db.get().await.map_err(Internal::from)?;
    let tx = client.transaction().await.map_err(Internal::from)?;
    let org = device.org_id;
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext($1::text))",
        &[&org.to_string()],
    )
    .await
    .map_err(Internal::from)?;
    let last_seq: i64 = tx
        .query_one(
            "SELECT last_seq FROM device_seq WHERE device_id = $1 AND org_id = $2 FOR UPDATE",
            &[&device.device_id, &org],
        )
        .await
        .map_err(Internal::from)?
        .get(0);
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
        return Ok((result, last_seq, None));
    }
    if m.seq != last_seq + 1 {
        return Err(PushError::SeqGap {
            got: m.seq,
            expected: last_seq + 1,
        });
    }
    let mut cache_change = None;
    let outcome = apply(&tx, org, &m.mutation).await?;
    let (status, reason, version, order) = match outcome {
        Outcome::Applied { entity_id } => {
            crate::locations::stamp_order(&tx, device, &m.mutation).await?;
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
            cache_change = Some(crate::cache::record(&tx, &state.caches, org, v, &m.mutation).await?);
            (PushStatus::Applied, None, Some(v), None)
        }
        Outcome::Rejected(reason) => {
            let order = target_order(&tx, org, &m.mutation).await?.map(Box::new);
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
    tx.execute(
        "UPDATE device_seq SET last_seq = $3 WHERE device_id = $1 AND org_id = $2",
        &[&device.device_id, &org, &m.seq],
    )
    .await
    .map_err(Internal::from)?;
    tx.commit().await.map_err(Internal::from)?;
    // Cache hook: this instance clears at once; the others on the notification.
    if let Some(c) = &cache_change {
        state.caches.committed(c);
    }
    if let Some(reason) = &result.reason {
        tracing::info!(seq = m.seq, intent = m.mutation.intent(), %reason, "mutation rejected");
    }
    Ok((result, m.seq, version))
}
