//! The back-office API's logic: what each REST route does, as plain async functions over
//! the [`AppState`], so handlers stay thin.
//!
//! Reads go through the server's measured caches ([`crate::cache`]) when the instance is
//! current for the caller's organisation. Writes use the same rules as the tills
//! (`pos_core`'s order state machine, `payment::apply_tenders`, `bill::calculate`) and the
//! same path as a pushed mutation ([`crate::org_tx::OrgTx`]: the sync rules, one
//! PostgreSQL transaction for the effect, the change-log row every till pulls, and the
//! cache notification).
//!
//! # Layout
//! - [`ApiFailure`]: the one error of the back office, with a stable code and field.
//! - [`profile`]: business settings and profile, reads and manager edits.
//! - [`orders`]: order lists, one order, orders from outside channels, status changes.
//! - [`payments`]: recording payments.
//! - [`billing`]: customer balance, day summary, stateless bill calculation.
//! - [`admin`]: cache statistics and clearing, health.

pub mod admin;
pub mod billing;
pub mod orders;
pub mod payments;
pub mod profile;

use axum::http::StatusCode;
use pos_core::DomainError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use pos_protocol::sync::ErrorCode;

use crate::error::{ApiError, Internal, into_response};

pub use billing::{Balance, BillingSummary};
pub use orders::OrderRow;

/// A location of the organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Location {
    pub id: Uuid,
    pub name: String,
}

/// Why a back-office request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiFailure {
    /// The input is malformed or out of range; `field` names it.
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// The id names nothing in the caller's organisation.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The organisation has no business profile yet (a till pushes one, or a manager PUTs it).
    #[error("the organisation has no business profile yet")]
    NoProfile,
    /// Well-formed, but the current state forbids it (a paid order, a credit limit).
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Internal(#[from] Internal),
}

impl ApiFailure {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiFailure::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<DomainError> for ApiFailure {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid { field, message } => ApiFailure::Invalid { field, message },
            DomainError::Conflict { message } => ApiFailure::Conflict(message),
        }
    }
}

impl From<tokio_postgres::Error> for ApiFailure {
    fn from(e: tokio_postgres::Error) -> Self {
        ApiFailure::Internal(Internal::from(e))
    }
}

impl From<deadpool_postgres::PoolError> for ApiFailure {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        ApiFailure::Internal(Internal::from(e))
    }
}

impl From<serde_json::Error> for ApiFailure {
    fn from(e: serde_json::Error) -> Self {
        ApiFailure::Internal(Internal::from(e))
    }
}

impl ApiError for ApiFailure {
    fn status(&self) -> StatusCode {
        match self {
            ApiFailure::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiFailure::NotFound(_) => StatusCode::NOT_FOUND,
            ApiFailure::NoProfile | ApiFailure::Conflict(_) => StatusCode::CONFLICT,
            ApiFailure::Internal(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
    fn code(&self) -> ErrorCode {
        match self {
            ApiFailure::Invalid { .. } => ErrorCode::InvalidInput,
            ApiFailure::NotFound(_) => ErrorCode::NotFound,
            ApiFailure::NoProfile => ErrorCode::ProfileMissing,
            ApiFailure::Conflict(_) => ErrorCode::Conflict,
            ApiFailure::Internal(_) => ErrorCode::Internal,
        }
    }
    fn field(&self) -> Option<String> {
        match self {
            ApiFailure::Invalid { field, .. } => Some(field.clone()),
            _ => None,
        }
    }
}
into_response!(ApiFailure);

pub type Result<T, E = ApiFailure> = std::result::Result<T, E>;

/// Applies a back-office write's mutation in `otx` exactly as a pushed one (the sync
/// rules, decided here). The caller checked the same rules first with pos-core, so a
/// refusal here means the stored state forbids it in a way those checks did not foresee.
pub async fn apply(
    otx: &mut crate::org_tx::OrgTx<'_>,
    m: &pos_protocol::Mutation,
) -> Result<pos_protocol::rules::State> {
    let id = pos_core::MutationId::from_uuid(Uuid::now_v7());
    let (effect, state) = otx.apply(id, m).await?;
    match effect.rejection() {
        Some(r) => Err(ApiFailure::Conflict(r.message.clone())),
        None => Ok(state),
    }
}

/// Parses a path or query id.
pub fn parse_id(field: &str, s: &str) -> Result<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| ApiFailure::invalid(field, format!("{field} must be a UUID")))
}

/// Milliseconds since the Unix epoch (the server's clock; pos-core never reads one).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
