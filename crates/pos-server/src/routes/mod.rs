//! Thin handlers: extract, call one function, map the error.

pub mod api;
pub mod enroll;
pub mod pull;
pub mod push;

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::error::BadBody;

/// `axum::Json`, but a bad body answers with our JSON error instead of plain text.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = BadBody;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(JsonBody(v)),
            Err(e) => Err(BadBody {
                status: e.status(),
                message: e.body_text(),
            }),
        }
    }
}

pub async fn health() -> &'static str {
    "ok"
}
