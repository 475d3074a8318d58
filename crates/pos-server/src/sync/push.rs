//! Pushes (`POST /sync/push`): each mutation applied exactly once, in seq order, by the
//! sync rules.
//!
//! A batch is one [`OrgTx`]: the organisation's advisory lock (so change-log versions
//! commit in order), the device's `last_seq` row, and for each mutation its effect, its
//! `processed_mutations` record and its change-log row with the server's verdict. One
//! commit per batch, not per mutation: a commit is a WAL flush, and one per mutation capped
//! a server at what the disk can flush (docs/PERFORMANCE.md). The batch reads which of its
//! mutations were processed before in one statement, holds each order it touches in memory
//! (loaded once under its row lock, written back once), and writes its change-log rows,
//! their cache notifications and its `processed_mutations` records in one statement each
//! at the end. A seq gap or a conflicting mutation id commits the prefix before it and
//! refuses the rest; any other failure rolls the whole batch back. Either way the till
//! resends what is unacknowledged and gets `duplicate` for what was applied: exactly once.
//!
//! A rule's refusal is a recorded result (`rejected`, with its code and the server's record
//! of the order), never an error: the queue moves on. A conflict the rules kept (two tills
//! paid one order) is `applied` with the conflict and the record, so the till adopts the
//! server's bill at once.

use std::collections::HashMap;

use axum::http::StatusCode;
use deadpool_postgres::Transaction;
use pos_protocol::rules::Effect;
use pos_protocol::sync::{
    ErrorCode, MAX_PUSH_BATCH, PushMutation, PushRequest, PushResponse, PushResult, PushStatus,
};
use pos_protocol::{Mutation, PROTOCOL_VERSION};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::auth::Device;
use crate::error::{ApiError, Internal, into_response};
use crate::org_tx::OrgTx;
use crate::state::AppState;

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
    fn code(&self) -> ErrorCode {
        match self {
            PushError::ProtocolVersion(_) => ErrorCode::UnsupportedProtocolVersion,
            PushError::BatchTooLarge => ErrorCode::BatchTooLarge,
            PushError::SeqGap { .. } => ErrorCode::SeqGap,
            PushError::MutationConflict(_) => ErrorCode::MutationConflict,
            PushError::Internal(_) => ErrorCode::Internal,
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

/// Applies one push batch for `device`.
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
    let mut otx = OrgTx::begin(&mut client, org).await?;
    let before: i64 = crate::db::cached::query_one(
        otx.tx(),
        "SELECT last_seq FROM device_seq WHERE device_id = $1 AND org_id = $2 FOR UPDATE",
        &[&device.device_id, &org],
    )
    .await
    .map_err(Internal::from)?
    .get(0);
    let mut batch = Batch {
        seen: processed_before(otx.tx(), &req.mutations).await?,
        records: Vec::with_capacity(req.mutations.len()),
    };
    let mut last_seq = before;
    let mut results = Vec::with_capacity(req.mutations.len());
    let mut refused = None;
    for m in &req.mutations {
        match push_one(&mut otx, device, m, last_seq, &mut batch).await {
            Ok(result) => {
                if result.status != PushStatus::Duplicate {
                    last_seq = m.seq;
                }
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
    batch.record(otx.tx(), device).await?;
    if last_seq != before {
        crate::db::cached::execute(
            otx.tx(),
            "UPDATE device_seq SET last_seq = $3 WHERE device_id = $1 AND org_id = $2",
            &[&device.device_id, &org, &last_seq],
        )
        .await
        .map_err(Internal::from)?;
    }
    otx.commit(state).await?;
    for (m, r) in req.mutations.iter().zip(&results) {
        if let Some(reason) = &r.reason {
            tracing::info!(seq = m.seq, intent = m.mutation.intent(), %reason, "mutation rejected");
        }
        if let Some(c) = &r.conflict {
            tracing::warn!(
                seq = m.seq,
                intent = m.mutation.intent(),
                conflict = c.summary(),
                "mutation kept and flagged"
            );
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

/// A mutation already processed: by whom, its content hash and its first result.
struct Processed {
    org: Uuid,
    device: Uuid,
    hash: Vec<u8>,
    result: PushResult,
}

/// What a batch records besides its effects: the mutation ids processed before it (or
/// earlier in it) and the `processed_mutations` rows it writes at the end, in one
/// statement.
struct Batch {
    seen: HashMap<Uuid, Processed>,
    /// id, seq, intent, content hash, result.
    records: Vec<(Uuid, i64, &'static str, Vec<u8>, serde_json::Value)>,
}

/// The batch's mutation ids that were processed before, in one read.
async fn processed_before(
    tx: &Transaction<'_>,
    ms: &[PushMutation],
) -> Result<HashMap<Uuid, Processed>, Internal> {
    let ids: Vec<Uuid> = ms.iter().map(|m| *m.mutation_id.as_uuid()).collect();
    let rows = crate::db::cached::query(
        tx,
        "SELECT mutation_id, org_id, device_id, payload_hash, result FROM processed_mutations
         WHERE mutation_id = ANY($1)",
        &[&ids],
    )
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok((
                r.get(0),
                Processed {
                    org: r.get(1),
                    device: r.get(2),
                    hash: r.get(3),
                    result: serde_json::from_value(r.get(4))?,
                },
            ))
        })
        .collect()
}

impl Batch {
    /// Records every result in one statement.
    async fn record(self, tx: &Transaction<'_>, device: Device) -> Result<(), Internal> {
        if self.records.is_empty() {
            return Ok(());
        }
        let n = self.records.len();
        let (mut ids, mut seqs, mut intents, mut hashes, mut results) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for (id, seq, intent, hash, result) in self.records {
            ids.push(id);
            seqs.push(seq);
            intents.push(intent);
            hashes.push(hash);
            results.push(result);
        }
        crate::db::cached::execute(
            tx,
            "INSERT INTO processed_mutations (mutation_id, org_id, device_id, seq, intent, payload_hash, result)
             SELECT m, $1, $2, s, i, h, r
             FROM unnest($3::uuid[], $4::int8[], $5::text[], $6::bytea[], $7::jsonb[]) AS t(m, s, i, h, r)",
            &[&device.org_id, &device.device_id, &ids, &seqs, &intents, &hashes, &results],
        )
        .await?;
        Ok(())
    }
}

/// Applies one mutation inside the batch's transaction, after `last_seq`.
async fn push_one(
    otx: &mut OrgTx<'_>,
    device: Device,
    m: &PushMutation,
    last_seq: i64,
    batch: &mut Batch,
) -> Result<PushResult, PushError> {
    let hash = content_hash(m)?;
    let org = device.org_id;
    let id = *m.mutation_id.as_uuid();
    if let Some(p) = batch.seen.get(&id) {
        if p.org != org || p.device != device.device_id || p.hash != hash {
            return Err(PushError::MutationConflict(m.mutation_id.to_string()));
        }
        return Ok(PushResult {
            status: PushStatus::Duplicate,
            ..p.result.clone()
        });
    }
    if m.seq != last_seq + 1 {
        return Err(PushError::SeqGap {
            got: m.seq,
            expected: last_seq + 1,
        });
    }
    let (effect, _) = otx.apply(m.mutation_id, &m.mutation).await?;
    if effect.changes().is_some()
        && let Mutation::OrderCreate { order } = &m.mutation
        && let Some(location) = crate::locations::stamp_order(otx.tx(), device, &m.mutation).await?
    {
        otx.stamped(order.id.as_uuid(), location);
    }
    let mut result = PushResult {
        mutation_id: m.mutation_id,
        seq: m.seq,
        status: PushStatus::Applied,
        reason: None,
        code: None,
        conflict: None,
        order: None,
        order_version: None,
    };
    let adopt = match &effect {
        Effect::Rejected(r) => {
            result.status = PushStatus::Rejected;
            result.reason = Some(r.message.clone());
            result.code = Some(r.code);
            true
        }
        Effect::Conflict { conflict, .. } => {
            result.conflict = Some(conflict.clone());
            true
        }
        Effect::Changed(_) | Effect::Duplicate => false,
    };
    // The server's record of the order, for the till to adopt (it then pulls again from
    // the version the record is as of, so nothing it pulled since is lost).
    if adopt
        && let Some(order) = pos_protocol::rules::touches(&m.mutation).orders.first()
        && let Some((record, version)) = otx.record(*order).await?
    {
        result.order = Some(Box::new(record));
        result.order_version = Some(version);
    }
    batch.records.push((
        id,
        m.seq,
        m.mutation.intent(),
        hash.clone(),
        serde_json::to_value(&result).map_err(Internal::from)?,
    ));
    batch.seen.insert(
        id,
        Processed {
            org,
            device: device.device_id,
            hash,
            result: result.clone(),
        },
    );
    Ok(result)
}
