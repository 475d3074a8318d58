//! Building and running the server. `Application::build` binds the listener (port 0 in
//! tests) and migrates the database; `run_until_stopped` serves until the shutdown future
//! resolves (Ctrl-C / SIGTERM in the binary), finishing in-flight requests.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use tokio::net::TcpListener;

use crate::cache::Caches;
use crate::changes::ChangeFeed;
use crate::db;
use crate::error::BadBody;
use crate::metrics::Metrics;
use crate::routes;
use crate::settings::Settings;
use crate::state::AppState;

#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    router: Router,
    port: u16,
    stopping: tokio::sync::watch::Sender<bool>,
}

/// Every route of [`routes::api::routes`] (the list the OpenAPI document is built from),
/// JSON errors for unknown paths and methods, the body limit and request metrics.
pub fn router(state: AppState) -> Router {
    let limit = state.settings.max_body_bytes;
    let mut router = Router::new();
    for (doc, method_router) in routes::api::routes() {
        router = router.route(doc.path, method_router);
    }
    router
        .fallback(|| async {
            BadBody {
                status: StatusCode::NOT_FOUND,
                message: "no such route".into(),
            }
        })
        .method_not_allowed_fallback(|| async {
            BadBody {
                status: StatusCode::METHOD_NOT_ALLOWED,
                message: "this route does not take that method".into(),
            }
        })
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::metrics::track,
        ))
        .with_state(state)
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let db = db::pool(&settings.database_url, settings.pool_size)?;
        db::migrate(&db).await?;
        let listener = TcpListener::bind((settings.host.as_str(), settings.port)).await?;
        let port = listener.local_addr()?.port();
        let (stopping, stopping_rx) = tokio::sync::watch::channel(false);
        let caches = Arc::new(Caches::new(settings.cache_enabled, settings.cache_max_bytes));
        let changes = Arc::new(ChangeFeed::default());
        tokio::spawn(crate::cache::run_listener(
            settings.database_url.clone(),
            db.clone(),
            caches.clone(),
            changes.clone(),
            stopping_rx.clone(),
        ));
        let state = AppState {
            db,
            changes,
            settings: Arc::new(settings),
            caches,
            metrics: Arc::new(Metrics::default()),
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
