//! The domain's one error type.
//!
//! Two kinds only, because callers only need to know two things: the input was wrong
//! (show the message next to the field, retrying the same input will fail again) or the
//! state of the world forbids it (the order is paid, the limit is reached).

/// Result alias for the domain.
pub type Result<T, E = DomainError> = std::result::Result<T, E>;

/// Why a domain rule refused an operation. Never retryable as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The caller's input is malformed or out of range. `field` names the input.
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// The input is well formed but the current state forbids it (e.g. an edit to a paid
    /// order, a payment above the credit limit).
    #[error("{message}")]
    Conflict { message: String },
}

impl DomainError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict {
            message: message.into(),
        }
    }

    /// The input field this error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            Self::Conflict { .. } => None,
        }
    }
}
