//! [`AppError`]: what every use case returns on failure, serialised to the UI as
//! `{code, message, field}`. The UI matches on `code`, never on the message.

use pos_core::DomainError;
use pos_store::StoreError;
use serde::{Deserialize, Serialize};

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Stable error codes. Never rename one: the UI and integrations match on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The thing asked for does not exist. Caller's fault; retrying won't help.
    NotFound,
    /// The input is malformed or out of range. Caller's fault; fix the input.
    Validation,
    /// The input is fine but the state forbids it (paid order, credit limit).
    Conflict,
    /// The user may not do this (needs a manager).
    Forbidden,
    /// No valid login: a PIN that was not accepted. Caller's fault; retry with the right PIN.
    Unauthenticated,
    /// The till is locked: nobody is logged in, or the session ended after inactivity.
    /// Log in again; the ticket being built is kept.
    Locked,
    /// Too many wrong PINs in a row: this member's logins are refused for a while (the
    /// message says until when). Retrying before then does not help.
    PinLocked,
    /// The action needs a manager's approval (a manager's PIN) first.
    ApprovalRequired,
    /// The database failed (disk, lock, a file from a newer version). Not the caller's
    /// fault; [`AppError::retryable`] says whether trying again may help.
    Storage,
    /// A bug. Not the caller's fault.
    Internal,
    /// Another machine (the sync server) could not be reached or answered badly. Not the
    /// caller's fault; trying again later may help.
    Unavailable,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::Validation => "validation",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Locked => "locked",
            ErrorCode::PinLocked => "pin_locked",
            ErrorCode::ApprovalRequired => "approval_required",
            ErrorCode::Storage => "storage",
            ErrorCode::Internal => "internal",
            ErrorCode::Unavailable => "unavailable",
        }
    }
}

/// A use case's failure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    /// The input field at fault, so the UI can show the message next to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub field: Option<String>,
    /// Whether the same call may succeed if tried again unchanged (the database was busy).
    #[serde(default)]
    pub retryable: bool,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError {
            code,
            message: message.into(),
            field: None,
            retryable: false,
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        AppError {
            code: ErrorCode::Validation,
            message: message.into(),
            field: Some(field.to_owned()),
            retryable: false,
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    pub fn locked() -> Self {
        Self::new(ErrorCode::Locked, "the till is locked: log in with your PIN")
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid { field, message } => AppError {
                code: ErrorCode::Validation,
                message,
                field: Some(field),
                retryable: false,
            },
            DomainError::Conflict { message } => AppError::new(ErrorCode::Conflict, message),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Domain(d) => d.into(),
            e @ StoreError::Corrupt(_) => {
                tracing::error!(error = %e, "stored data could not be decoded");
                AppError::new(ErrorCode::Internal, e.to_string())
            }
            e => {
                tracing::error!(error = %e, "database failure");
                AppError {
                    retryable: e.is_busy(),
                    ..AppError::new(ErrorCode::Storage, e.to_string())
                }
            }
        }
    }
}
