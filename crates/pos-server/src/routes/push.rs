//! `POST /sync/push`: a till's outbox, applied exactly once in seq order (`crate::sync::push`).

use axum::Json;
use axum::extract::State;
use pos_protocol::sync::{PushRequest, PushResponse};

use super::JsonBody;
use crate::auth::Device;
use crate::state::AppState;
use crate::sync::push::{PushError, push_batch};

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
