//! `POST /sync/enroll`: a one-time code becomes a device and its token (shown once).

use axum::Json;
use axum::extract::State;
use pos_protocol::sync::{EnrollRequest, EnrollResponse};

use super::JsonBody;
use crate::state::AppState;
use crate::sync::enroll::{EnrollError, enroll_device};

#[tracing::instrument(skip_all, err)]
pub async fn enroll(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<EnrollRequest>,
) -> Result<Json<EnrollResponse>, EnrollError> {
    enroll_device(&state, &req).await.map(Json)
}
