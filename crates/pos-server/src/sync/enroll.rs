//! Enrollment (`POST /sync/enroll`): a one-time code becomes a device and its token (shown
//! once).

use axum::http::StatusCode;
use pos_protocol::sync::{EnrollRequest, EnrollResponse, ErrorCode};
use uuid::Uuid;

use crate::auth::{hash_secret, new_secret};
use crate::error::{ApiError, Internal, into_response};
use crate::state::AppState;

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
    fn code(&self) -> ErrorCode {
        match self {
            EnrollError::BadCode => ErrorCode::BadEnrollmentCode,
            EnrollError::BadName => ErrorCode::InvalidDeviceName,
            EnrollError::Internal(_) => ErrorCode::Internal,
        }
    }
}
into_response!(EnrollError);

/// Trades `req.code` for a new device of the code's organisation and location.
pub async fn enroll_device(state: &AppState, req: &EnrollRequest) -> Result<EnrollResponse, EnrollError> {
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
