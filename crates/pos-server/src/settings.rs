//! Server settings: defaults, then an optional TOML file, then the environment.

use std::path::Path;

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Address to listen on; tests use `127.0.0.1` with port 0.
    pub host: String,
    pub port: u16,
    /// `postgres://user@host:port/db` (also read from `DATABASE_URL`).
    pub database_url: String,
    pub pool_size: usize,
    /// Upper bound of a pull long-poll.
    pub long_poll_max_ms: u64,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Back-office caches on (`POS_CACHE=off` turns them off; answers must not change).
    pub cache_enabled: bool,
    /// Weight budget of each back-office cache, in bytes.
    pub cache_max_bytes: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            host: "127.0.0.1".into(),
            port: 8080,
            database_url: "postgres://postgres@127.0.0.1:5432/pos".into(),
            pool_size: 16,
            long_poll_max_ms: 25_000,
            max_body_bytes: 4 * 1024 * 1024,
            cache_enabled: true,
            cache_max_bytes: 32 * 1024 * 1024,
        }
    }
}

impl Settings {
    /// Reads `path` if it exists (TOML), then applies `POS_SERVER_HOST`, `POS_SERVER_PORT`,
    /// `POS_SERVER_POOL_SIZE`, `DATABASE_URL` and `POS_CACHE` (`on`/`off`) from the
    /// environment.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Settings> {
        let mut s = match path {
            Some(p) if p.exists() => toml::from_str(&std::fs::read_to_string(p)?)?,
            _ => Settings::default(),
        };
        if let Ok(v) = std::env::var("POS_SERVER_HOST") {
            s.host = v;
        }
        if let Ok(v) = std::env::var("POS_SERVER_PORT") {
            s.port = v.parse()?;
        }
        if let Ok(v) = std::env::var("POS_SERVER_POOL_SIZE") {
            s.pool_size = v.parse()?;
        }
        if let Ok(v) = std::env::var("DATABASE_URL") {
            s.database_url = v;
        }
        s.cache_enabled = cache_from_env(s.cache_enabled);
        Ok(s)
    }
}

/// `POS_CACHE=off` (or `0`, `false`) turns the caches off, like on the till.
pub fn cache_from_env(default: bool) -> bool {
    match std::env::var("POS_CACHE").ok().as_deref().map(str::trim) {
        Some("off" | "0" | "false") => false,
        Some("on" | "1" | "true") => true,
        _ => default,
    }
}
