//! [`Link`]: the till's connection to its sync server, as the desktop drives it.
//!
//! The server URL and device token live in the till's SQLite (`pos_store::sync_config`).
//! With none the till is offline-only and [`Link::start`] does nothing. Enrollment trades
//! a one-time code for a token (`POST /sync/enroll`), stores it and (re)starts the
//! [`SyncDriver`]. The token never leaves this module except in the `Authorization`
//! header: [`SyncView`] carries the URL, never the token.
//!
//! The running driver sits behind a `tokio::sync::Mutex` (not parking_lot): stopping a
//! driver awaits its task, and enroll/disconnect must not interleave with each other.

use std::sync::Arc;
use std::time::Duration;

use pos_app::{App, AppError, ErrorCode};
use pos_protocol::sync::{EnrollRequest, EnrollResponse, ErrorBody};
use pos_store::sync_config::SyncConfig;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::{Connectivity, DriverConfig, SyncDriver};

/// What the till's sync badge and settings panel show. Never holds the token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncView {
    /// `not_configured`, `unknown` (configured, no answer yet), `online`, `syncing`,
    /// `offline`.
    pub state: Connectivity,
    pub server_url: Option<String>,
    pub device_name: Option<String>,
    pub enrolled_at_ms: Option<i64>,
    /// Last successful push or pull (Unix ms), this session.
    pub last_sync_ms: Option<i64>,
    /// Changes made on this till that the server has not acknowledged.
    pub outbox_depth: i64,
    pub last_error: Option<String>,
    /// Rejected changes the cashier has not acknowledged.
    pub rejections: i64,
    /// Orders paid beyond their bill (two tills took payment for one order, or a payment
    /// reached an order voided elsewhere): money to give back, until a manager refunds it.
    pub attention: i64,
}

struct Running {
    driver: SyncDriver,
    config: SyncConfig,
}

/// The till's link to its server. One per till; share it behind an `Arc`.
pub struct Link {
    app: Arc<App>,
    running: Mutex<Option<Running>>,
    http: reqwest::Client,
    tune: fn(&mut DriverConfig),
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Link").finish_non_exhaustive()
    }
}

type Result<T, E = AppError> = std::result::Result<T, E>;

async fn blocking<T: Send + 'static>(
    app: &Arc<App>,
    f: impl FnOnce(&App) -> Result<T> + Send + 'static,
) -> Result<T> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || f(&app))
        .await
        .map_err(|e| AppError::internal(format!("the till's worker stopped: {e}")))?
}

fn unavailable(field: &str, message: String) -> AppError {
    AppError {
        code: ErrorCode::Unavailable,
        message,
        field: Some(field.to_owned()),
        retryable: true,
    }
}

/// Checks and normalises a server address: `http(s)://host[:port][/prefix]`, no trailing
/// slash.
pub fn parse_server_url(raw: &str) -> Result<String> {
    let raw = raw.trim();
    let bad = || {
        AppError::validation(
            "server_url",
            "Enter the server's address, such as https://sync.example.com",
        )
    };
    if raw.is_empty() {
        return Err(bad());
    }
    let url = reqwest::Url::parse(raw).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(bad());
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(bad());
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

impl Link {
    pub fn new(app: Arc<App>) -> Link {
        Link::with_tuning(app, |_| {})
    }

    /// As [`Link::new`], with `tune` applied to every driver's config (tests shorten the
    /// backoff).
    pub fn with_tuning(app: Arc<App>, tune: fn(&mut DriverConfig)) -> Link {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .build()
            .unwrap_or_default();
        Link {
            app,
            running: Mutex::new(None),
            http,
            tune,
        }
    }

    fn spawn(&self, config: SyncConfig) -> Running {
        let mut cfg = DriverConfig::new(config.server_url.clone(), config.device_token.clone());
        (self.tune)(&mut cfg);
        tracing::info!(server_url = %config.server_url, "sync started");
        Running {
            driver: SyncDriver::spawn(self.app.clone(), cfg),
            config,
        }
    }

    /// Starts syncing if this till is enrolled; returns whether it is. Must run inside a
    /// tokio runtime (the desktop calls it on tauri's async runtime).
    pub async fn start(&self) -> Result<bool> {
        let config = blocking(&self.app, |a| a.sync_config()).await?;
        let mut running = self.running.lock().await;
        if let Some(old) = running.take() {
            old.driver.stop().await;
        }
        let configured = config.is_some();
        *running = config.map(|c| self.spawn(c));
        Ok(configured)
    }

    /// Enrolls this till with the server at `server_url` using a one-time `code` from
    /// `pos-server admin enrollment-code`, stores the token and starts syncing. Errors
    /// name the field at fault (`server_url` or `code`).
    #[tracing::instrument(skip_all, err)]
    pub async fn enroll(&self, server_url: &str, code: &str) -> Result<SyncView> {
        let server_url = parse_server_url(server_url)?;
        let code = code.trim();
        if code.is_empty() {
            return Err(AppError::validation(
                "code",
                "Enter the enrollment code from the back office",
            ));
        }
        let device = self.app.device_id().to_string();
        let device_name = format!("Till {}", &device[device.len() - 8..]);
        let answer = self
            .http
            .post(format!("{server_url}/sync/enroll"))
            .json(&EnrollRequest {
                code: code.to_owned(),
                device_name: device_name.clone(),
            })
            .send()
            .await
            .map_err(|e| {
                unavailable(
                    "server_url",
                    format!("Could not reach {server_url}: {}", root_cause(&e)),
                )
            })?;
        let status = answer.status();
        if !status.is_success() {
            let body = answer.json::<ErrorBody>().await.ok();
            return Err(match body {
                Some(b) if b.code == pos_protocol::sync::ErrorCode::BadEnrollmentCode => {
                    AppError::validation(
                        "code",
                        "This enrollment code is unknown or already used; ask the back office for a new one",
                    )
                }
                Some(b) => unavailable(
                    "server_url",
                    format!("The server refused ({status}): {}", b.message),
                ),
                None => unavailable(
                    "server_url",
                    format!("{server_url} answered {status}; is it a sync server?"),
                ),
            });
        }
        let enrolled: EnrollResponse = answer.json().await.map_err(|_| {
            unavailable(
                "server_url",
                format!("{server_url} did not answer like a sync server"),
            )
        })?;
        let config = SyncConfig {
            server_url: server_url.clone(),
            device_token: enrolled.token,
            server_device: enrolled.device_id.to_string(),
            device_name,
            enrolled_at_ms: self.app.now_ms(),
        };
        let mut running = self.running.lock().await;
        if let Some(old) = running.take() {
            old.driver.stop().await;
        }
        let saved = config.clone();
        blocking(&self.app, move |a| a.save_sync_config(&saved)).await?;
        tracing::info!(%server_url, device = %config.server_device, "till enrolled");
        *running = Some(self.spawn(config));
        drop(running);
        self.status().await
    }

    /// Stops syncing and forgets the server (the token with it). Sales and the outbox
    /// stay; enrolling again pushes whatever is unacknowledged.
    #[tracing::instrument(skip_all, err)]
    pub async fn disconnect(&self) -> Result<SyncView> {
        let mut running = self.running.lock().await;
        if let Some(old) = running.take() {
            old.driver.stop().await;
        }
        blocking(&self.app, |a| a.forget_sync_config()).await?;
        tracing::info!("sync disconnected");
        drop(running);
        self.status().await
    }

    /// Wakes the driver: push and pull now, even inside a backoff wait.
    pub async fn push_now(&self) -> Result<SyncView> {
        {
            let running = self.running.lock().await;
            match running.as_ref() {
                Some(r) => r.driver.push_now(),
                None => {
                    return Err(AppError::new(
                        ErrorCode::Conflict,
                        "This till is not connected to a sync server; enroll it first",
                    ));
                }
            }
        }
        self.status().await
    }

    /// Stops the driver (at shutdown, or before a test drops the till).
    pub async fn stop(&self) {
        if let Some(old) = self.running.lock().await.take() {
            old.driver.stop().await;
        }
    }

    /// The state the UI shows.
    pub async fn status(&self) -> Result<SyncView> {
        let (depth, rejected, attention) = blocking(&self.app, |a| {
            Ok((
                a.outbox_depth()?,
                a.unacknowledged_rejections()?,
                a.attention_count()? as i64,
            ))
        })
        .await?;
        let running = self.running.lock().await;
        Ok(match running.as_ref() {
            None => SyncView {
                state: Connectivity::NotConfigured,
                server_url: None,
                device_name: None,
                enrolled_at_ms: None,
                last_sync_ms: None,
                outbox_depth: depth,
                last_error: None,
                rejections: rejected,
                attention,
            },
            Some(r) => {
                let s = r.driver.status();
                SyncView {
                    state: match s.connectivity {
                        Connectivity::Online if depth > 0 => Connectivity::Syncing,
                        c => c,
                    },
                    server_url: Some(r.config.server_url.clone()),
                    device_name: Some(r.config.device_name.clone()),
                    enrolled_at_ms: Some(r.config.enrolled_at_ms),
                    last_sync_ms: s.last_sync_ms,
                    outbox_depth: depth,
                    last_error: s.last_error,
                    rejections: rejected,
                    attention,
                }
            }
        })
    }
}

/// The innermost cause of a request error ("Connection refused"), without the URL (which
/// the message names once) or anything from the request headers.
fn root_cause(e: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    if e.is_timeout() {
        "no answer in time".to_owned()
    } else {
        cause.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_address_is_normalised_without_its_trailing_slash() {
        assert_eq!(
            parse_server_url(" http://127.0.0.1:8080/ ").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            parse_server_url("https://sync.example.com/pos").unwrap(),
            "https://sync.example.com/pos"
        );
    }

    #[test]
    fn anything_but_an_http_address_is_refused_on_the_url_field() {
        for bad in [
            "",
            "sync.example.com",
            "ftp://x",
            "http://",
            "http://u:p@host",
            "http://h/?a=1",
        ] {
            let e = parse_server_url(bad).expect_err(bad);
            assert_eq!(e.field.as_deref(), Some("server_url"), "{bad:?}: {e:?}");
        }
    }
}
