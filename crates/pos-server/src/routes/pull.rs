//! `GET /sync/pull?cursor=..&wait_ms=..`: the organisation's changes after the cursor
//! (`crate::sync::pull`).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use pos_protocol::sync::PullRequest;

use super::api::QueryParams;
use crate::auth::Device;
use crate::state::AppState;
use crate::sync::pull::{PullError, pull_changes};

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
