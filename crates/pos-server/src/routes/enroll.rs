//! `POST /sync/enroll`: a one-time code becomes a device and its token (shown once).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pos_protocol::sync::{EnrollRequest, EnrollResponse};
use uuid::Uuid;

use super::JsonBody;
use crate::auth::{hash_secret, new_secret};
use crate::error::{ApiError, Internal, into_response};
use crate::startup::AppState;

#[derive(Debug, thiserror::Error)]
pub enum EnrollError {
    #[error("the enrollment code is unknown or already used")]
    BadCode,
    #[error("device_name must be 1 to 80 characters without control characters")]
    BadName,
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl ApiError for EnrollError {
    fn status(&self) -> StatusCode {
        match self {
            EnrollError::BadCode => StatusCode::FORBIDDEN,
            EnrollError::BadName => StatusCode::UNPROCESSABLE_ENTITY,
            EnrollError::Internal(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            EnrollError::BadCode => "bad_enrollment_code",
            EnrollError::BadName => "invalid_device_name",
            EnrollError::Internal(_) => "internal",
        }
    }
}
into_response!(EnrollError);

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

async fn enroll_device(state: &AppState, req: &EnrollRequest) -> Result<EnrollResponse, EnrollError> {
    let name =
        pos_core::text::clean("device_name", &req.device_name, 80, true).map_err(|_| EnrollError::BadName)?;
    let mut client = state.db.get().await.map_err(Internal::from)?;
    let tx = client.transaction().await.map_err(Internal::from)?;
    let row = tx
        .query_opt(
            "SELECT org_id, location_id FROM enrollment_codes
             WHERE code_hash = $1 AND used_at IS NULL FOR UPDATE",
            &[&hash_secret(&req.code)],
        )
        .await
        .map_err(Internal::from)?
        .ok_or(EnrollError::BadCode)?;
    let (org, location): (Uuid, Uuid) = (row.get(0), row.get(1));
    let device_id = Uuid::now_v7();
    let token = new_secret(32);
    tx.execute(
        "INSERT INTO devices (id, org_id, location_id, name, token_hash) VALUES ($1, $2, $3, $4, $5)",
        &[&device_id, &org, &location, &name, &hash_secret(&token)],
    )
    .await
    .map_err(Internal::from)?;
    tx.execute(
        "INSERT INTO device_seq (device_id, org_id, last_seq) VALUES ($1, $2, 0)",
        &[&device_id, &org],
    )
    .await
    .map_err(Internal::from)?;
    tx.execute(
        "UPDATE enrollment_codes SET used_at = now(), device_id = $2 WHERE code_hash = $1",
        &[&hash_secret(&req.code), &device_id],
    )
    .await
    .map_err(Internal::from)?;
    tx.commit().await.map_err(Internal::from)?;
    tracing::info!(%device_id, %org, %location, "device enrolled");
    Ok(EnrollResponse { device_id, token })
}
