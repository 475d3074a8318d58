//! `GET /sync/pull?cursor=..&wait_ms=..`: the organisation's changes after the cursor,
//! waiting up to the long-poll bound when there are none.

use std::time::Duration;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use pos_protocol::Mutation;
use pos_protocol::sync::{Change, MAX_PULL_BATCH, PullRequest, PullResponse, decode_cursor, encode_cursor};

use crate::auth::Device;
use crate::error::{ApiError, Internal, into_response};
use crate::startup::AppState;

#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl ApiError for PullError {
    fn status(&self) -> StatusCode {
        StatusCode::SERVICE_UNAVAILABLE
    }
    fn code(&self) -> &'static str {
        "internal"
    }
}
into_response!(PullError);

#[tracing::instrument(skip_all, fields(device = %device.device_id), err)]
pub async fn pull(
    State(state): State<AppState>,
    device: Device,
    Query(req): Query<PullRequest>,
) -> Result<Json<PullResponse>, PullError> {
    let resp = pull_changes(&state, device, req).await?;
    state.metrics.pulled(resp.changes.len());
    Ok(Json(resp))
}

pub async fn pull_changes(
    state: &AppState,
    device: Device,
    req: PullRequest,
) -> Result<PullResponse, PullError> {
    // Subscribe before reading, so a commit between the read and the wait still wakes us.
    let mut feed = state.changes.subscribe(device.org_id);
    let mut stopping = state.stopping.clone();
    let wait = Duration::from_millis(req.wait_ms.unwrap_or(0).min(state.settings.long_poll_max_ms));
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let resp = read_changes(state, device, req.cursor.as_deref()).await?;
        if !resp.changes.is_empty()
            || resp.reset
            || tokio::time::Instant::now() >= deadline
            || *stopping.borrow()
        {
            return Ok(resp);
        }
        tokio::select! {
            _ = tokio::time::sleep_until(deadline) => return Ok(resp),
            _ = stopping.changed() => return Ok(resp),
            _ = feed.changed() => {}
        }
    }
}

async fn read_changes(
    state: &AppState,
    device: Device,
    cursor: Option<&str>,
) -> Result<PullResponse, Internal> {
    let mut client = state.db.get().await?;
    // One REPEATABLE READ snapshot gives the changes and the device's last seq together.
    let tx = client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?;
    let org = device.org_id;
    let after = match cursor {
        None => Some(0),
        Some(c) => decode_cursor(c),
    };
    let max_version: i64 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM change_log WHERE org_id = $1",
            &[&org],
        )
        .await?
        .get(0);
    // A cursor we never made, or one ahead of this organisation's log (another org's, or a
    // restored database), is unknown: start over from a snapshot.
    let (after, reset) = match after {
        Some(v) if v <= max_version => (v, false),
        _ => (0, true),
    };
    let limit = MAX_PULL_BATCH as i64 + 1;
    let rows = tx
        .query(
            "SELECT version, mutation_id, kind, payload FROM change_log
             WHERE org_id = $1 AND version > $2 ORDER BY version LIMIT $3",
            &[&org, &after, &limit],
        )
        .await?;
    let has_more = rows.len() > MAX_PULL_BATCH;
    let mut changes = Vec::with_capacity(rows.len().min(MAX_PULL_BATCH));
    for r in rows.into_iter().take(MAX_PULL_BATCH) {
        let kind: String = r.get(2);
        changes.push(Change {
            version: r.get(0),
            mutation_id: pos_core::MutationId::from_uuid(r.get(1)),
            mutation: Mutation::from_parts(&kind, r.get(3))?,
        });
    }
    let last_seq: i64 = tx
        .query_opt(
            "SELECT last_seq FROM device_seq WHERE device_id = $1 AND org_id = $2",
            &[&device.device_id, &org],
        )
        .await?
        .map(|r| r.get(0))
        .unwrap_or(0);
    tx.commit().await?;
    let cursor = encode_cursor(changes.last().map(|c| c.version).unwrap_or(after));
    Ok(PullResponse {
        cursor,
        changes,
        reset,
        has_more,
        last_seq,
    })
}
