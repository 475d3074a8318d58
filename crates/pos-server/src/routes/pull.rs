//! `GET /sync/pull?cursor=..&wait_ms=..`: the organisation's changes after the cursor
//! (`crate::sync::pull`).

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use pos_protocol::sync::PullRequest;

use crate::auth::Device;
use crate::state::AppState;
use crate::sync::pull::{PullError, pull_changes};

#[tracing::instrument(skip_all, fields(device = %device.device_id), err)]
pub async fn pull(
    State(state): State<AppState>,
    device: Device,
    Query(req): Query<PullRequest>,
) -> Result<Response, PullError> {
    let (pulled, last_seq) = pull_changes(&state, device, req).await?;
    state.metrics.pulled(pulled.page.count);
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        pulled.body(last_seq),
    )
        .into_response())
}
