//! `POST /sync/push`: applies each mutation exactly once, in seq order.
//!
//! A batch is one transaction holding: the per-organisation advisory lock (so change-log
//! versions commit in order), the device's `last_seq` row, and for each mutation its
//! effect, its `processed_mutations` record and its change-log row. One commit per batch,
//! not per mutation: a commit is a WAL flush, and one per mutation capped a server at
//! what the disk can flush (docs/PERFORMANCE.md). The batch reads which of its mutations
//! were processed before in one statement, holds each order it touches in memory (loaded
//! once under its row lock, written back once: `apply::Orders`), and writes its change-log
//! rows, their cache notifications and its `processed_mutations` records in one statement
//! each at the end; every statement goes through the connection's statement cache. A seq
//! gap or a conflicting mutation id commits the prefix before it and refuses the rest; any
//! other failure rolls the whole batch back. Either way the till resends what is
//! unacknowledged and gets `duplicate` for what was applied: exactly once.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use deadpool_postgres::Transaction;
use pos_protocol::sync::{MAX_PUSH_BATCH, PushMutation, PushRequest, PushResponse, PushResult, PushStatus};
use pos_protocol::{Mutation, PROTOCOL_VERSION};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::JsonBody;
use crate::apply::{Orders, Outcome, apply, target_order};
use crate::auth::Device;
use crate::cache::Change;
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

/// A till pushes its outbox; each mutation is applied exactly once, in seq order.
#[utoipa::path(post, path = "/sync/push", tag = "sync",
    security(("bearer" = [])), extensions(("x-role" = json!("device"))),
    request_body = PushRequest,
    responses(
        (status = 200, description = "One result per mutation, in order (`applied`, `duplicate` or \
            `rejected` with a reason), and the device's last applied seq.", body = PushResponse),
        Device, JsonBody<PushRequest>,
        (status = 400, description = "Not JSON or not a push (`malformed_json`), or a protocol version \
            this server does not speak (`unsupported_protocol_version`).", body = pos_protocol::sync::ErrorBody),
        (status = 409, description = "A seq out of order (`seq_gap`, with `expected_seq`), or a mutation id \
            pushed before with other content (`mutation_conflict`); the mutations before it are applied.",
            body = pos_protocol::sync::ErrorBody),
        (status = 413, description = "The body is over the server's limit (`body_too_large`), or more than \
            500 mutations (`batch_too_large`).", body = pos_protocol::sync::ErrorBody),
    ))]
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
    crate::db::cached::execute(
        &tx,
        "SELECT pg_advisory_xact_lock(hashtext($1::text))",
        &[&org.to_string()],
    )
    .await
    .map_err(Internal::from)?;
    let before: i64 = crate::db::cached::query_one(
        &tx,
        "SELECT last_seq FROM device_seq WHERE device_id = $1 AND org_id = $2 FOR UPDATE",
        &[&device.device_id, &org],
    )
    .await
    .map_err(Internal::from)?
    .get(0);
    let mut batch = Batch {
        seen: processed_before(&tx, &req.mutations).await?,
        ..Batch::default()
    };
    let mut last_seq = before;
    let mut results = Vec::with_capacity(req.mutations.len());
    let mut refused = None;
    for m in &req.mutations {
        match push_one(state, &tx, device, m, last_seq, &mut batch).await {
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
    let changes = batch.write(&tx, device).await?;
    if last_seq != before {
        crate::db::cached::execute(
            &tx,
            "UPDATE device_seq SET last_seq = $3 WHERE device_id = $1 AND org_id = $2",
            &[&device.device_id, &org, &last_seq],
        )
        .await
        .map_err(Internal::from)?;
    }
    tx.commit().await.map_err(Internal::from)?;
    if let Some(c) = changes.last() {
        state.changes.published(org, c.version);
    }
    // Cache hook: this instance clears at once; the others on the notification.
    for c in &changes {
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

/// A mutation already processed: by whom, its content hash and its first result.
struct Processed {
    org: Uuid,
    device: Uuid,
    hash: Vec<u8>,
    result: PushResult,
}

/// What a batch writes besides each mutation's own rows, gathered so that it is written at
/// the end: each changed order once, then the change-log rows, their notifications and the
/// `processed_mutations` records in one statement each (four round trips per mutation
/// fewer).
#[derive(Default)]
struct Batch {
    /// Mutation ids processed before this batch or earlier in it.
    seen: HashMap<Uuid, Processed>,
    /// The orders the batch touched, written once each before the commit.
    orders: Orders,
    /// The organisation's profile, read once a payment needs it (to place it on a
    /// business day) and read again after a `profile.update` in the batch.
    profile: Option<Option<pos_core::Profile>>,
    /// Applied mutations: id, intent, change-log entity, payload, cache change (version 0
    /// until appended).
    log: Vec<(Uuid, &'static str, String, serde_json::Value, Change)>,
    /// Results to record: id, seq, intent, content hash, result.
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

/// The order an `order.create` made (`stamp_order` stamps only those).
fn id_of_order(m: &Mutation) -> Uuid {
    crate::cache::order_of(m).unwrap_or_default()
}

impl Batch {
    /// What `m`, just applied, changed for the caches: the order's day and location from
    /// the orders the batch holds, the profile read once, instead of reading both back per
    /// mutation (`cache::change_of`, which stays the fallback).
    async fn change(
        &mut self,
        tx: &Transaction<'_>,
        instance: Uuid,
        org: Uuid,
        m: &Mutation,
    ) -> Result<Change, Internal> {
        if let Mutation::ProfileUpdate { .. } = m {
            self.profile = None;
        }
        let facts = crate::cache::order_of(m).map(|id| self.orders.facts(&id));
        if let Some(None) = facts {
            return crate::cache::change_of(tx, instance, org, 0, m).await;
        }
        let profile = if crate::cache::needs_profile(m) {
            if self.profile.is_none() {
                self.profile = Some(crate::cache::load_profile(tx, org).await?);
            }
            self.profile.clone().flatten()
        } else {
            None
        };
        Ok(crate::cache::change_for(
            instance,
            org,
            0,
            m,
            facts.flatten(),
            profile.as_ref(),
        ))
    }

    /// Appends the change-log rows (versions in batch order, under the organisation's
    /// lock the batch holds), queues their notifications and records every result.
    /// Returns the cache changes with their versions.
    async fn write(mut self, tx: &Transaction<'_>, device: Device) -> Result<Vec<Change>, Internal> {
        let org = device.org_id;
        self.orders.flush(tx, org).await?;
        let mut changes = Vec::with_capacity(self.log.len());
        if !self.log.is_empty() {
            let mut ids = Vec::with_capacity(self.log.len());
            let mut kinds = Vec::with_capacity(self.log.len());
            let mut entities = Vec::with_capacity(self.log.len());
            let mut payloads = Vec::with_capacity(self.log.len());
            for (id, kind, entity, payload, change) in self.log {
                ids.push(id);
                kinds.push(kind);
                entities.push(entity);
                payloads.push(payload);
                changes.push(change);
            }
            // Rows are inserted, and take their versions, in `ORDER BY n` order.
            let rows = crate::db::cached::query(
                tx,
                "INSERT INTO change_log (org_id, mutation_id, kind, entity_id, payload)
                 SELECT $1, m, k, e, p
                 FROM unnest($2::uuid[], $3::text[], $4::text[], $5::jsonb[]) WITH ORDINALITY AS t(m, k, e, p, n)
                 ORDER BY n
                 RETURNING mutation_id, version",
                &[&org, &ids, &kinds, &entities, &payloads],
            )
            .await?;
            let versions: HashMap<Uuid, i64> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
            let mut previous = 0;
            for (id, change) in ids.iter().zip(&mut changes) {
                let v = versions.get(id).copied().unwrap_or(0);
                // Tills apply changes in version order: a batch's order must survive.
                if v <= previous {
                    return Err(Internal::Invariant(
                        "change-log versions out of the batch's order",
                    ));
                }
                previous = v;
                change.version = v;
            }
            crate::cache::notify_all(tx, &changes).await?;
        }
        if !self.records.is_empty() {
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
                &[&org, &device.device_id, &ids, &seqs, &intents, &hashes, &results],
            )
            .await?;
        }
        Ok(changes)
    }
}

/// Applies one mutation inside the batch's transaction, after `last_seq`, and notes in
/// `batch` what to write for it at the end.
async fn push_one(
    state: &AppState,
    tx: &Transaction<'_>,
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
    let (status, reason, order) = match apply(tx, org, &mut batch.orders, &m.mutation).await? {
        Outcome::Applied { entity_id } => {
            if let Some(location) = crate::locations::stamp_order(tx, device, &m.mutation).await? {
                batch.orders.stamped(&id_of_order(&m.mutation), location);
            }
            // Cache hook: what to clear on every instance (notified on commit).
            let change = batch.change(tx, state.caches.instance, org, &m.mutation).await?;
            batch.log.push((
                id,
                m.mutation.intent(),
                entity_id,
                m.mutation.payload_json(),
                change,
            ));
            (PushStatus::Applied, None, None)
        }
        Outcome::Rejected(reason) => {
            let order = target_order(tx, org, &mut batch.orders, &m.mutation)
                .await?
                .map(Box::new);
            (PushStatus::Rejected, Some(reason), order)
        }
    };
    let result = PushResult {
        mutation_id: m.mutation_id,
        seq: m.seq,
        status,
        reason,
        order,
    };
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
