//! Tokens: 256 random bits, hex, shown once (device tokens at enrollment, manager and
//! admin tokens by `pos-server admin create-token`); only the sha256 is stored. The
//! [`Device`] extractor (sync routes) and the [`AnyRole`] / [`ManagerRole`] / [`AdminRole`]
//! extractors (back office) are the only source of organisation and caller for a request;
//! nothing in a body can name them.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use pos_protocol::sync::ErrorCode;

use crate::error::{ApiError, Internal, into_response};
use crate::state::AppState;

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
    #[error("unknown or revoked token")]
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
    fn code(&self) -> ErrorCode {
        match self {
            AuthError::Missing => ErrorCode::MissingToken,
            AuthError::Invalid => ErrorCode::InvalidToken,
            AuthError::Internal(_) => ErrorCode::Internal,
        }
    }
}
into_response!(AuthError);

impl FromRequestParts<AppState> for Device {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts)?;
        let client = state.db.get().await.map_err(Internal::from)?;
        let row = crate::db::cached::query_opt(
            &client,
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

/// Who may call a back-office route. Ordered: each role may do what the ones before it may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A till's device token.
    Device,
    /// A back-office manager token: profile edits, orders, payments.
    Manager,
    /// An operator token: also cache administration.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Device => "device",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        [Role::Device, Role::Manager, Role::Admin]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// The authenticated caller of a back-office route: device, manager or admin token.
#[derive(Clone, Copy, Debug)]
pub struct Principal {
    pub org_id: Uuid,
    pub role: Role,
    /// The device's or the API token's id.
    pub principal: Uuid,
    /// The organisation's newest committed change-log version, read with the token. A
    /// cache may serve this request only once it has processed every invalidation up to
    /// it (see `crate::cache`), which is what makes instances coherent with each other.
    pub data_version: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("this route needs the {0} role")]
    Forbidden(&'static str),
}

impl ApiError for AccessError {
    fn status(&self) -> StatusCode {
        match self {
            AccessError::Auth(e) => e.status(),
            AccessError::Forbidden(_) => StatusCode::FORBIDDEN,
        }
    }
    fn code(&self) -> ErrorCode {
        match self {
            AccessError::Auth(e) => e.code(),
            AccessError::Forbidden(_) => ErrorCode::Forbidden,
        }
    }
}
into_response!(AccessError);

fn bearer(parts: &Parts) -> Result<&str, AuthError> {
    parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|t| !t.trim().is_empty())
        .ok_or(AuthError::Missing)
}

/// Looks the token up among device and API tokens (one round trip, which also reads the
/// organisation's data version).
pub async fn principal(state: &AppState, token: &str) -> Result<Principal, AuthError> {
    let client = state.db.get().await.map_err(Internal::from)?;
    let row = crate::db::cached::query_opt(
        &client,
        "SELECT p.id, p.org_id, p.role,
                    (SELECT COALESCE(MAX(c.version), 0) FROM change_log c WHERE c.org_id = p.org_id)
             FROM (SELECT id, org_id, 'device' AS role FROM devices
                    WHERE token_hash = $1 AND revoked_at IS NULL
                   UNION ALL
                   SELECT id, org_id, role FROM api_tokens
                    WHERE token_hash = $1 AND revoked_at IS NULL) p
             LIMIT 1",
        &[&hash_secret(token)],
    )
    .await
    .map_err(Internal::from)?
    .ok_or(AuthError::Invalid)?;
    let role: String = row.get(2);
    Ok(Principal {
        principal: row.get(0),
        org_id: row.get(1),
        role: Role::parse(&role).ok_or(AuthError::Invalid)?,
        data_version: row.get(3),
    })
}

async fn require(parts: &Parts, state: &AppState, min: Role) -> Result<Principal, AccessError> {
    let p = principal(state, bearer(parts)?).await?;
    if p.role < min {
        return Err(AccessError::Forbidden(min.as_str()));
    }
    Ok(p)
}

macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $min:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name(pub Principal);

        impl FromRequestParts<AppState> for $name {
            type Rejection = AccessError;

            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
                require(parts, state, $min).await.map($name)
            }
        }
    };
}

role_extractor!(
    /// Any valid token of the organisation: device, manager or admin.
    AnyRole,
    Role::Device
);
role_extractor!(
    /// A manager or admin token; device tokens get `403 forbidden`.
    ManagerRole,
    Role::Manager
);
role_extractor!(
    /// An admin token; manager and device tokens get `403 forbidden`.
    AdminRole,
    Role::Admin
);
