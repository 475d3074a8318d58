//! Device tokens: 256 random bits, hex, shown once at enrollment; only the sha256 is
//! stored. The [`Device`] extractor is the only source of organisation and device for a
//! request; nothing in a body can name them.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{ApiError, Internal, into_response};
use crate::startup::AppState;

/// A new random secret (device token or enrollment code), hex encoded.
pub fn new_secret(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

pub fn hash_secret(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.trim().as_bytes()).to_vec()
}

/// The authenticated till behind a request.
#[derive(Clone, Copy, Debug)]
pub struct Device {
    pub org_id: Uuid,
    pub device_id: Uuid,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("missing bearer token")]
    Missing,
    #[error("unknown or revoked device token")]
    Invalid,
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl ApiError for AuthError {
    fn status(&self) -> StatusCode {
        match self {
            AuthError::Missing | AuthError::Invalid => StatusCode::UNAUTHORIZED,
            AuthError::Internal(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            AuthError::Missing => "missing_token",
            AuthError::Invalid => "invalid_token",
            AuthError::Internal(_) => "internal",
        }
    }
}
into_response!(AuthError);

impl FromRequestParts<AppState> for Device {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(AuthError::Missing)?;
        let client = state.db.get().await.map_err(Internal::from)?;
        let row = client
            .query_opt(
                "SELECT id, org_id FROM devices WHERE token_hash = $1 AND revoked_at IS NULL",
                &[&hash_secret(token)],
            )
            .await
            .map_err(Internal::from)?
            .ok_or(AuthError::Invalid)?;
        Ok(Device {
            device_id: row.get(0),
            org_id: row.get(1),
        })
    }
}
