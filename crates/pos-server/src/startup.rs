//! Building and running the server. `Application::build` binds the listener (port 0 in
//! tests) and migrates the database; `run_until_stopped` serves until the shutdown future
//! resolves (Ctrl-C / SIGTERM in the binary), finishing in-flight requests.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tokio::net::TcpListener;

use crate::changes::ChangeFeed;
use crate::db::{self, Db};
use crate::routes;
use crate::settings::Settings;

/// Shared by all handlers. The pool and the feed are internally synchronised.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub changes: Arc<ChangeFeed>,
    pub settings: Arc<Settings>,
    /// Flips to `true` when shutdown starts, so long-polls answer at once instead of
    /// holding the graceful shutdown open for up to 25 s.
    pub stopping: tokio::sync::watch::Receiver<bool>,
}

#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    router: Router,
    port: u16,
    stopping: tokio::sync::watch::Sender<bool>,
}

pub fn router(state: AppState) -> Router {
    let limit = state.settings.max_body_bytes;
    Router::new()
        .route("/health", get(routes::health))
        .route("/sync/enroll", post(routes::enroll::enroll))
        .route("/sync/push", post(routes::push::push))
        .route("/sync/pull", get(routes::pull::pull))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let db = db::pool(&settings.database_url, settings.pool_size)?;
        db::migrate(&db).await?;
        let listener = TcpListener::bind((settings.host.as_str(), settings.port)).await?;
        let port = listener.local_addr()?.port();
        let (stopping, stopping_rx) = tokio::sync::watch::channel(false);
        let state = AppState {
            db,
            changes: Arc::new(ChangeFeed::default()),
            settings: Arc::new(settings),
            stopping: stopping_rx,
        };
        Ok(Application {
            listener,
            router: router(state),
            port,
            stopping,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!(port = self.port, "pos-server listening");
        let stopping = self.stopping;
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(async move {
                shutdown.await;
                let _ = stopping.send(true);
            })
            .await
    }
}
