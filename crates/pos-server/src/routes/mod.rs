//! Thin handlers: extract, call one function, map the error.

pub mod api;
pub mod enroll;
pub mod pull;
pub mod push;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::BadBody;

/// `axum::Json`, but a bad body answers with our JSON error instead of plain text, and a
/// body with a NUL character in any string is refused: PostgreSQL stores neither `text` nor
/// `jsonb` with one, so it would otherwise fail deep inside a write as a 5xx.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = BadBody;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !json_content_type(req.headers()) {
            return Err(BadBody {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                message: "Expected request with `Content-Type: application/json`".into(),
            });
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| BadBody {
            status: e.status(),
            message: e.body_text(),
        })?;
        if has_escaped_nul(&bytes) {
            return Err(BadBody {
                status: StatusCode::BAD_REQUEST,
                message: "text must not contain NUL characters (\\u0000)".into(),
            });
        }
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(v)) => Ok(JsonBody(v)),
            Err(e) => Err(BadBody {
                status: e.status(),
                message: e.body_text(),
            }),
        }
    }
}

/// `application/json` or any `application/*+json`, as axum's own `Json` accepts.
fn json_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.split_once('/') {
        Some(("application", sub)) => sub == "json" || sub.ends_with("+json"),
        _ => false,
    }
}

/// Whether a JSON text holds the escape `\u0000` (a raw NUL byte is already invalid JSON).
/// A backslash that is itself escaped (`\\u0000`, the six characters) does not count.
fn has_escaped_nul(json: &[u8]) -> bool {
    let mut i = 0;
    while i < json.len() {
        if json[i] == b'\\' {
            if json[i + 1..].starts_with(b"u0000") {
                return true;
            }
            i += 2; // skip the escaped character, whatever it is
        } else {
            i += 1;
        }
    }
    false
}

/// Liveness: the process answers (plain text `ok`).
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, description = "`ok`.", body = String, content_type = "text/plain")))]
pub async fn health() -> &'static str {
    "ok"
}

#[cfg(test)]
mod tests {
    use super::has_escaped_nul;

    #[test]
    fn only_a_real_nul_escape_counts() {
        assert!(has_escaped_nul(br#"{"a":"x\u0000"}"#));
        assert!(has_escaped_nul(br#"{"a\u0000":1}"#));
        assert!(
            has_escaped_nul(br#"["\\\u0000"]"#),
            "an escaped backslash then a NUL"
        );
        assert!(
            !has_escaped_nul(br#"{"a":"\\u0000"}"#),
            "a backslash then the text u0000"
        );
        assert!(!has_escaped_nul(br#"{"a":"\u0041"}"#), "another escape");
        assert!(!has_escaped_nul(br#"{"a":"ok"}"#));
        assert!(
            !has_escaped_nul(b"\\"),
            "a trailing backslash does not read past the end"
        );
    }
}
