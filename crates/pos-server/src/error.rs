//! Route errors to HTTP, in one place. Each route has its own error enum; each implements
//! [`ApiError`] (status + stable code) and [`respond`] turns it into
//! `{code, message, field?, expected_seq?}`: one JSON shape for every error of every route.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pos_protocol::sync::{ErrorBody, ErrorCode};

pub trait ApiError: std::error::Error {
    fn status(&self) -> StatusCode;
    fn code(&self) -> ErrorCode;
    fn expected_seq(&self) -> Option<i64> {
        None
    }
    /// The input field at fault, for invalid input.
    fn field(&self) -> Option<String> {
        None
    }
}

pub fn respond<E: ApiError>(e: &E) -> Response {
    let status = e.status();
    if status.is_server_error() {
        tracing::error!(code = %e.code(), error = %e, "request failed");
    } else {
        tracing::info!(code = %e.code(), error = %e, "request refused");
    }
    let body = ErrorBody {
        code: e.code(),
        message: e.to_string(),
        expected_seq: e.expected_seq(),
        field: e.field(),
    };
    (status, Json(body)).into_response()
}

/// Why the server failed without the client being at fault (retrying helps).
#[derive(Debug, thiserror::Error)]
pub enum Internal {
    #[error("database error: {0}")]
    Db(#[from] tokio_postgres::Error),
    #[error("database unavailable: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    #[error("stored data unreadable: {0}")]
    Json(#[from] serde_json::Error),
    /// A rule the server relies on did not hold; the transaction is rolled back.
    #[error("internal invariant broken: {0}")]
    Invariant(&'static str),
}

/// A body that is not the JSON the route expects (or is too large).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct BadBody {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError for BadBody {
    fn status(&self) -> StatusCode {
        match self.status {
            StatusCode::PAYLOAD_TOO_LARGE | StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => {
                self.status
            }
            StatusCode::UNSUPPORTED_MEDIA_TYPE => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            _ => StatusCode::BAD_REQUEST,
        }
    }
    fn code(&self) -> ErrorCode {
        match self.status {
            StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::BodyTooLarge,
            StatusCode::NOT_FOUND => ErrorCode::NoRoute,
            StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
            _ => ErrorCode::MalformedJson,
        }
    }
}

impl IntoResponse for BadBody {
    fn into_response(self) -> Response {
        respond(&self)
    }
}

macro_rules! into_response {
    ($($t:ty),*) => {$(
        impl axum::response::IntoResponse for $t {
            fn into_response(self) -> axum::response::Response {
                $crate::error::respond(&self)
            }
        }
    )*};
}
pub(crate) use into_response;
