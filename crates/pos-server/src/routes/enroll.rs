//! `POST /sync/enroll`: a one-time code becomes a device and its token (shown once).

use axum::Json;
use axum::extract::State;
use pos_protocol::sync::{EnrollRequest, EnrollResponse};

use super::JsonBody;
use crate::state::AppState;
use crate::sync::enroll::{EnrollError, enroll_device};

/// A one-time enrollment code becomes a device token (shown once).
#[utoipa::path(post, path = "/sync/enroll", tag = "sync",
    request_body = EnrollRequest,
    responses(
        (status = 200, description = "The new device and its token.", body = EnrollResponse),
        JsonBody<EnrollRequest>,
        (status = 403, description = "The code is unknown or already used (`bad_enrollment_code`).",
            body = pos_protocol::sync::ErrorBody),
        (status = 422, description = "`device_name` is empty, longer than 80 characters or holds control \
            characters (`invalid_device_name`).", body = pos_protocol::sync::ErrorBody),
        (status = 503, description = crate::openapi::UNAVAILABLE, body = pos_protocol::sync::ErrorBody),
    ))]
#[tracing::instrument(skip_all, err)]
pub async fn enroll(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<EnrollRequest>,
) -> Result<Json<EnrollResponse>, EnrollError> {
    enroll_device(&state, &req).await.map(Json)
}
