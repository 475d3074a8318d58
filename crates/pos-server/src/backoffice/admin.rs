//! Cache administration and health.

use axum::http::StatusCode;
use pos_cache::CacheStats;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::Principal;
use crate::state::AppState;

/// `GET /admin/cache-stats`: this instance's caches. Statistics are per instance; the
/// values behind them are per organisation, so they reveal no other organisation's data.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CacheReport {
    pub instance: Uuid,
    pub enabled: bool,
    /// The invalidation listener is connected (otherwise every read goes to PostgreSQL).
    pub listening: bool,
    pub caches: Vec<CacheStats>,
}

pub fn report(state: &AppState) -> CacheReport {
    CacheReport {
        instance: state.caches.instance,
        enabled: state.settings.cache_enabled,
        listening: state.caches.is_listening(),
        caches: state.caches.stats(),
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Cleared {
    pub entries_cleared: u64,
}

/// `POST /admin/cache-clear`: empties this instance's caches and resets the statistics.
/// Never touches PostgreSQL.
pub fn clear(state: &AppState, who: &Principal) -> Cleared {
    let entries_cleared = state.caches.reset();
    tracing::info!(org = %who.org_id, principal = %who.principal, entries_cleared, "caches cleared");
    Cleared { entries_cleared }
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Health {
    pub status: String,
    pub database: bool,
    pub cache_listener: bool,
}

/// `GET /healthz`: 200 when the database answers; the listener state is informative (a
/// disconnected listener only means reads bypass the caches).
pub async fn health(state: &AppState) -> (StatusCode, Health) {
    let database = match state.db.get().await {
        Ok(c) => c.query_one("SELECT 1", &[]).await.is_ok(),
        Err(_) => false,
    };
    let h = Health {
        status: if database { "ok" } else { "unavailable" }.into(),
        database,
        cache_listener: state.caches.is_listening(),
    };
    let status = if database {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, h)
}
