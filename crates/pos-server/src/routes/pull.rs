//! `GET /sync/pull?cursor=..&wait_ms=..`: the organisation's changes after the cursor,
//! waiting up to the long-poll bound when there are none.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pos_protocol::Mutation;
use pos_protocol::sync::{Change, MAX_PULL_BATCH, PullRequest, decode_cursor, encode_cursor};
use uuid::Uuid;

use super::api::QueryParams;
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

/// The organisation's changes after the cursor, waiting up to `wait_ms` when there are none.
#[utoipa::path(get, path = "/sync/pull", tag = "sync",
    security(("bearer" = [])), extensions(("x-role" = json!("device"))),
    params(PullRequest),
    responses(
        (status = 200, description = "The changes after the cursor, the next cursor, and the device's \
            last applied seq.", body = pos_protocol::sync::PullResponse),
        Device, QueryParams<PullRequest>,
    ))]
#[tracing::instrument(skip_all, fields(device = %device.device_id), err)]
pub async fn pull(
    State(state): State<AppState>,
    device: Device,
    QueryParams(req): QueryParams<PullRequest>,
) -> Result<Response, PullError> {
    let (pulled, last_seq) = pull_changes(&state, device, req).await?;
    state.metrics.pulled(pulled.page.count);
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        pulled.body(last_seq),
    )
        .into_response())
}

/// One read of an organisation's change log after a version: the changes, serialised once
/// and shared by every pull that asks for them (see [`ChangeFeed::shared_read`]).
///
/// [`ChangeFeed::shared_read`]: crate::changes::ChangeFeed::shared_read
#[derive(Debug)]
pub struct Page {
    /// `[Change, ...]` in the protocol's JSON.
    changes_json: String,
    pub count: usize,
    /// The version of the last change; the version read after when there is none.
    last_version: i64,
    has_more: bool,
}

impl Page {
    /// Bytes it holds, for the cache's budget.
    pub fn weight(&self) -> usize {
        self.changes_json.len() + 64
    }
}

/// A page and whether it answers an unknown cursor (a reset: the log from the start).
#[derive(Clone, Debug)]
pub struct Pulled {
    pub page: Arc<Page>,
    reset: bool,
}

impl Pulled {
    /// The [`PullResponse`] JSON, without decoding and encoding the changes again.
    fn body(&self, last_seq: i64) -> String {
        let cursor =
            serde_json::to_string(&encode_cursor(self.page.last_version)).unwrap_or_else(|_| "\"\"".into());
        format!(
            r#"{{"cursor":{cursor},"changes":{},"reset":{},"has_more":{},"last_seq":{last_seq}}}"#,
            self.page.changes_json, self.reset, self.page.has_more
        )
    }
}

/// The changes after `req.cursor`, waiting up to `wait_ms` for some, and the device's last
/// applied seq (read after the changes, so it is at least as new as they are).
pub async fn pull_changes(
    state: &AppState,
    device: Device,
    req: PullRequest,
) -> Result<(Pulled, i64), PullError> {
    let org = device.org_id;
    // Subscribe before reading, so a commit between the read and the wait still wakes us.
    let mut feed = state.changes.subscribe(org);
    let mut stopping = state.stopping.clone();
    let wait = Duration::from_millis(req.wait_ms.unwrap_or(0).min(state.settings.long_poll_max_ms));
    let deadline = tokio::time::Instant::now() + wait;
    let after = match req.cursor.as_deref() {
        None => Some(0),
        Some(c) => decode_cursor(c),
    };
    let pulled = loop {
        let seen = *feed.borrow_and_update();
        let pulled = state
            .changes
            .shared_read((org, after, seen), || read_changes(state, org, after, seen))
            .await?;
        if pulled.page.count > 0
            || pulled.reset
            || tokio::time::Instant::now() >= deadline
            || *stopping.borrow()
        {
            break pulled;
        }
        tokio::select! {
            _ = tokio::time::sleep_until(deadline) => break pulled,
            _ = stopping.changed() => break pulled,
            _ = feed.changed() => {}
        }
    };
    let last_seq = last_seq(state, device).await?;
    Ok((pulled, last_seq))
}

/// The page after `after`; an unknown cursor (not ours, or ahead of this organisation's
/// log, e.g. after a restore) gets the log from the start with `reset`.
async fn read_changes(
    state: &AppState,
    org: Uuid,
    after: Option<i64>,
    seen: i64,
) -> Result<Pulled, Internal> {
    if let Some(after) = after {
        let page = page_after(state, org, after, seen).await?;
        if page.count > 0 || after <= max_version(state, org).await? {
            return Ok(Pulled { page, reset: false });
        }
    }
    let page = page_after(state, org, 0, seen).await?;
    Ok(Pulled { page, reset: true })
}

/// From the cache when a page there is still whole: a full page (`has_more`) never
/// changes, a shorter one is whole while it reaches `seen`, the newest version this
/// instance has heard of (its own commits at once, other instances' by notification). With
/// the listener down, other instances' commits go unheard, so every pull reads PostgreSQL.
async fn page_after(state: &AppState, org: Uuid, after: i64, seen: i64) -> Result<Arc<Page>, Internal> {
    let listening = state.caches.is_listening();
    state
        .caches
        .pull_pages
        .get_or_load_async_where(
            &(org, after),
            |p| listening && (p.has_more || p.last_version >= seen),
            read_page(state, org, after),
            |p| p.count > 0,
        )
        .await
}

/// One statement, so one snapshot: versions commit in order (the push's per-organisation
/// lock), so the rows are a gapless run after `after`.
async fn read_page(state: &AppState, org: Uuid, after: i64) -> Result<Page, Internal> {
    state.metrics.pull_read();
    let client = state.db.get().await?;
    let limit = MAX_PULL_BATCH as i64 + 1;
    let rows = crate::db::cached::query(
        &client,
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
    Ok(Page {
        changes_json: serde_json::to_string(&changes)?,
        count: changes.len(),
        last_version: changes.last().map_or(after, |c| c.version),
        has_more,
    })
}

async fn max_version(state: &AppState, org: Uuid) -> Result<i64, Internal> {
    let client = state.db.get().await?;
    Ok(crate::db::cached::query_one(
        &client,
        "SELECT COALESCE(MAX(version), 0) FROM change_log WHERE org_id = $1",
        &[&org],
    )
    .await?
    .get(0))
}

async fn last_seq(state: &AppState, device: Device) -> Result<i64, Internal> {
    let client = state.db.get().await?;
    Ok(crate::db::cached::query_opt(
        &client,
        "SELECT last_seq FROM device_seq WHERE device_id = $1 AND org_id = $2",
        &[&device.device_id, &device.org_id],
    )
    .await?
    .map_or(0, |r| r.get(0)))
}
