//! `POST /sync/push`: a till's outbox, applied exactly once in seq order (`crate::sync::push`).

use axum::Json;
use axum::extract::State;
use pos_protocol::sync::{PushRequest, PushResponse};

use super::JsonBody;
use crate::auth::Device;
use crate::state::AppState;
use crate::sync::push::{PushError, push_batch};

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
