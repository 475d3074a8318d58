//! `/metrics` in the Prometheus text format: request latency histograms per route, sync
//! push and pull counters, the caches' counters and the database pool.
//!
//! Counters are atomics; the per-route histograms sit behind a std `Mutex` held only to
//! find a route's entry (never across an `.await`).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 30.0,
];

#[derive(Debug, Default)]
struct Histogram {
    /// Cumulative counts are computed when rendering; these are per bucket (+Inf last).
    buckets: [u64; BUCKETS.len() + 1],
    sum_seconds: f64,
    count: u64,
}

#[derive(Debug, Default)]
pub struct Metrics {
    /// (method, route, status) -> count; (method, route) -> latency.
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<(String, String), Histogram>>,
    pub push_applied: AtomicU64,
    pub push_rejected: AtomicU64,
    pub push_duplicate: AtomicU64,
    pub pull_requests: AtomicU64,
    pub pull_changes: AtomicU64,
    /// Reads of the change log that went to PostgreSQL (pulls woken together share one,
    /// and a page that holds changes is cached).
    pub pull_reads: AtomicU64,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        {
            let mut r = self.requests.lock().unwrap_or_else(|e| e.into_inner());
            *r.entry((method.to_string(), route.to_string(), status))
                .or_default() += 1;
        }
        let mut l = self.latency.lock().unwrap_or_else(|e| e.into_inner());
        let h = l.entry((method.to_string(), route.to_string())).or_default();
        let i = BUCKETS
            .iter()
            .position(|b| seconds <= *b)
            .unwrap_or(BUCKETS.len());
        h.buckets[i] += 1;
        h.sum_seconds += seconds;
        h.count += 1;
    }

    /// Counts one push's results.
    pub fn pushed(&self, results: &[pos_protocol::sync::PushResult]) {
        use pos_protocol::sync::PushStatus;
        for r in results {
            let c = match r.status {
                PushStatus::Applied => &self.push_applied,
                PushStatus::Rejected => &self.push_rejected,
                PushStatus::Duplicate => &self.push_duplicate,
            };
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn pull_read(&self) {
        self.pull_reads.fetch_add(1, Ordering::Relaxed);
    }

    pub fn pulled(&self, changes: usize) {
        self.pull_requests.fetch_add(1, Ordering::Relaxed);
        self.pull_changes.fetch_add(changes as u64, Ordering::Relaxed);
    }
}

/// Middleware: times every request under its route template (never its raw path, which
/// may hold a phone number).
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let started = Instant::now();
    let resp = next.run(req).await;
    state.metrics.observe(
        &method,
        &route,
        resp.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    resp
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The Prometheus text exposition of this instance.
pub fn render(state: &AppState) -> String {
    let m = &state.metrics;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP pos_http_requests_total Requests by route template and status."
    );
    let _ = writeln!(out, "# TYPE pos_http_requests_total counter");
    for ((method, route, status), n) in m.requests.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        let _ = writeln!(
            out,
            "pos_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
            esc(route)
        );
    }
    let _ = writeln!(
        out,
        "# HELP pos_http_request_duration_seconds Request latency by route template."
    );
    let _ = writeln!(out, "# TYPE pos_http_request_duration_seconds histogram");
    for ((method, route), h) in m.latency.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        let labels = format!("method=\"{method}\",route=\"{}\"", esc(route));
        let mut cumulative = 0;
        for (i, b) in BUCKETS.iter().enumerate() {
            cumulative += h.buckets[i];
            let _ = writeln!(
                out,
                "pos_http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {cumulative}"
            );
        }
        let _ = writeln!(
            out,
            "pos_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
            h.count
        );
        let _ = writeln!(
            out,
            "pos_http_request_duration_seconds_sum{{{labels}}} {}",
            h.sum_seconds
        );
        let _ = writeln!(
            out,
            "pos_http_request_duration_seconds_count{{{labels}}} {}",
            h.count
        );
    }
    let _ = writeln!(
        out,
        "# HELP pos_sync_push_mutations_total Pushed mutations by result."
    );
    let _ = writeln!(out, "# TYPE pos_sync_push_mutations_total counter");
    for (status, c) in [
        ("applied", &m.push_applied),
        ("rejected", &m.push_rejected),
        ("duplicate", &m.push_duplicate),
    ] {
        let _ = writeln!(
            out,
            "pos_sync_push_mutations_total{{status=\"{status}\"}} {}",
            c.load(Ordering::Relaxed)
        );
    }
    let _ = writeln!(out, "# TYPE pos_sync_pull_requests_total counter");
    let _ = writeln!(
        out,
        "pos_sync_pull_requests_total {}",
        m.pull_requests.load(Ordering::Relaxed)
    );
    let _ = writeln!(out, "# TYPE pos_sync_pull_changes_total counter");
    let _ = writeln!(
        out,
        "pos_sync_pull_changes_total {}",
        m.pull_changes.load(Ordering::Relaxed)
    );
    let _ = writeln!(
        out,
        "# HELP pos_sync_pull_reads_total Change-log reads that went to PostgreSQL."
    );
    let _ = writeln!(out, "# TYPE pos_sync_pull_reads_total counter");
    let _ = writeln!(
        out,
        "pos_sync_pull_reads_total {}",
        m.pull_reads.load(Ordering::Relaxed)
    );

    let stats = state.caches.stats();
    let gauge =
        |out: &mut String, name: &str, kind: &str, help: &str, f: &dyn Fn(&pos_cache::CacheStats) -> f64| {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {kind}");
            for s in &stats {
                let _ = writeln!(out, "{name}{{cache=\"{}\"}} {}", s.name, f(s));
            }
        };
    gauge(&mut out, "pos_cache_hits_total", "counter", "Cache hits.", &|s| {
        s.hits as f64
    });
    gauge(
        &mut out,
        "pos_cache_misses_total",
        "counter",
        "Cache misses.",
        &|s| s.misses as f64,
    );
    gauge(
        &mut out,
        "pos_cache_hit_ratio",
        "gauge",
        "hits / (hits + misses).",
        &|s| s.hit_ratio,
    );
    gauge(
        &mut out,
        "pos_cache_loads_total",
        "counter",
        "Loads from PostgreSQL.",
        &|s| s.loads as f64,
    );
    gauge(
        &mut out,
        "pos_cache_load_failures_total",
        "counter",
        "Failed loads.",
        &|s| s.load_failures as f64,
    );
    gauge(
        &mut out,
        "pos_cache_stale_fills_dropped_total",
        "counter",
        "Loads not stored because a write invalidated meanwhile.",
        &|s| s.stale_fills_dropped as f64,
    );
    gauge(&mut out, "pos_cache_entries", "gauge", "Entries.", &|s| {
        s.entries as f64
    });
    gauge(
        &mut out,
        "pos_cache_bytes",
        "gauge",
        "Approximate weight in bytes.",
        &|s| s.bytes as f64,
    );
    gauge(
        &mut out,
        "pos_cache_capacity_bytes",
        "gauge",
        "Weight budget in bytes.",
        &|s| s.capacity_bytes as f64,
    );
    gauge(
        &mut out,
        "pos_cache_load_p50_seconds",
        "gauge",
        "Load latency, median.",
        &|s| s.load_p50_us / 1e6,
    );
    gauge(
        &mut out,
        "pos_cache_load_p99_seconds",
        "gauge",
        "Load latency, 99th percentile.",
        &|s| s.load_p99_us / 1e6,
    );
    let _ = writeln!(out, "# HELP pos_cache_evictions_total Evictions by cause.");
    let _ = writeln!(out, "# TYPE pos_cache_evictions_total counter");
    for s in &stats {
        let _ = writeln!(
            out,
            "pos_cache_evictions_total{{cache=\"{}\",cause=\"size\"}} {}",
            s.name, s.evictions_size
        );
        let _ = writeln!(
            out,
            "pos_cache_evictions_total{{cache=\"{}\",cause=\"expired\"}} {}",
            s.name, s.evictions_expired
        );
    }
    let _ = writeln!(
        out,
        "# HELP pos_cache_invalidations_total Invalidations by cause."
    );
    let _ = writeln!(out, "# TYPE pos_cache_invalidations_total counter");
    for s in &stats {
        for (cause, n) in &s.invalidations {
            let _ = writeln!(
                out,
                "pos_cache_invalidations_total{{cache=\"{}\",cause=\"{cause}\"}} {n}",
                s.name
            );
        }
    }
    let _ = writeln!(out, "# TYPE pos_cache_listener_connected gauge");
    let _ = writeln!(
        out,
        "pos_cache_listener_connected {}",
        u8::from(state.caches.is_listening())
    );

    let pool = state.db.status();
    for (name, v) in [
        ("pos_db_pool_max_size", pool.max_size as i64),
        ("pos_db_pool_size", pool.size as i64),
        ("pos_db_pool_available", pool.available as i64),
        ("pos_db_pool_waiting", pool.waiting as i64),
    ] {
        let _ = writeln!(out, "# TYPE {name} gauge");
        let _ = writeln!(out, "{name} {v}");
    }
    out
}
