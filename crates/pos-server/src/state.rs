//! [`AppState`]: what every handler and use case shares. It lives here, not in `startup`,
//! so that the routes, the sync use cases and the back office depend on it without
//! depending on how the server is built.

use std::sync::Arc;

use crate::cache::Caches;
use crate::changes::ChangeFeed;
use crate::db::Db;
use crate::metrics::Metrics;
use crate::settings::Settings;

/// Shared by all handlers. The pool and the feed are internally synchronised.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub changes: Arc<ChangeFeed>,
    pub settings: Arc<Settings>,
    /// The back office's caches, kept coherent across instances by LISTEN/NOTIFY.
    pub caches: Arc<Caches>,
    pub metrics: Arc<Metrics>,
    /// Flips to `true` when shutdown starts, so long-polls answer at once instead of
    /// holding the graceful shutdown open for up to 25 s.
    pub stopping: tokio::sync::watch::Receiver<bool>,
}
