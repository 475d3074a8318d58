//! `pos-bench server`: N simulated tills, each a real sync client (a `pos_app::App` on its
//! own SQLite file and a `pos_sync::SyncDriver`), against a real pos-server on PostgreSQL,
//! all on the loopback.
//!
//! Phases:
//! 0. **Server capacity** ([`capacity`]): clients in organisations of their own push real
//!    till outboxes and long-poll pull like tills, but apply nothing, so the tills' SQLite
//!    work does not share the cores with the server: what the server itself can take.
//! 1. **Backlog**: with the drivers stopped, every till opens `orders_per_till` orders,
//!    each with a ticket of `lines` lines, and pays all but `open_per_till` of them, so the
//!    organisation ends with `tills x open_per_till` (1,200 by default) orders open at once.
//!    Then all drivers start together and the clock runs until every outbox is empty:
//!    **push throughput** (mutations/s) with every till pushing and long-poll pulling.
//! 2. **Live**: tills keep selling at `live_rate` orders a second each while probes
//!    measure **till-to-till propagation**: a till writes an order (a ticket), another till
//!    of the same organisation polls its own `App` until it sees it; then the writer pays
//!    and the other till waits to see it paid. After each change reached the other till's
//!    SQLite, its (cached) answer must equal it: a difference is a **stale** answer.
//! 3. **Convergence**: once all outboxes are empty, every till's cached floor must equal
//!    its SQLite (else stale), and its SQLite the organisation's floor (else it lags).
//!
//! The server runs in a child process (this binary's hidden `server-child` command) so its
//! resident memory is its own, or in-process, or is a running one (`--url`). PostgreSQL
//! is started with `scripts/pg.sh` in a private directory unless `DATABASE_URL` is given.
//! Everything is bounded: tills, orders, probes and a wall-clock limit.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use hdrhistogram::Histogram;
use parking_lot::Mutex;
use pos_app::{AddLines, App, CacheConfig, RecordPayment, TicketLine};
use pos_core::order::NewOrder;
use pos_core::{Order, OrderId, OrderStatus, OrderType, PaymentMethod, Tender};
use pos_server::auth::Role;
use pos_server::{Settings, admin, db};
use pos_store::{orders, outbox};
use pos_sync::{DriverConfig, SyncDriver};
use pos_testkit::{TempTill, TillOptions};
use serde::Serialize;
use uuid::Uuid;

use crate::stats::{Machine, histogram, machine, record, us_at};

pub mod capacity;

/// How a probe reads back what the writing till wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReadBack {
    /// Another till of the organisation sees it (its cached `App` after its pull).
    OtherTill,
    /// That, and then the server's cached back-office `GET /orders/{id}` (twice: the
    /// second answer normally comes from the server's cache), compared with the writer's
    /// order, with an admin token the harness creates for each organisation.
    #[default]
    ServerApi,
}

/// Where the server comes from.
#[derive(Clone, Debug)]
pub enum ServerMode {
    /// This binary as a child process (`pos-bench server-child`): its RSS is its own.
    Child(PathBuf),
    /// In this process (its memory is then counted with the tills').
    InProcess,
    /// A server already running at this URL; `database_url` must be its database (for
    /// enrollment codes).
    Running(String),
}

#[derive(Clone, Debug)]
pub struct ServerOptions {
    pub tills: usize,
    /// Organisations the tills are spread over (each org's change log is its own).
    pub orgs: usize,
    /// Orders each till opens in the backlog phase; all but `open_per_till` get paid.
    pub orders_per_till: usize,
    pub open_per_till: usize,
    pub lines: usize,
    /// Propagation probes (each: an order and its payment seen by another till).
    pub probes: usize,
    /// Orders a second each till opens and pays during the live phase.
    pub live_rate: f64,
    /// PostgreSQL admin URL; `None` starts a private cluster with `scripts/pg.sh`.
    pub database_url: Option<String>,
    /// Where the private cluster lives (and is left initialised for the next run).
    pub pg_dir: PathBuf,
    pub mode: ServerMode,
    pub pool_size: usize,
    /// The whole run stops (and reports what it has) after this.
    pub time_limit: Duration,
    pub read_back: ReadBack,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            tills: 100,
            orgs: 10,
            orders_per_till: 30,
            open_per_till: 12,
            lines: 3,
            probes: 200,
            live_rate: 0.2,
            database_url: None,
            pg_dir: PathBuf::from("target/bench/pg"),
            mode: ServerMode::InProcess,
            pool_size: 32,
            time_limit: Duration::from_secs(600),
            read_back: ReadBack::default(),
        }
    }
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Latency {
    pub n: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    fn of(h: &Histogram<u64>) -> Latency {
        Latency {
            n: h.len(),
            p50_ms: us_at(h, 0.5) / 1000.0,
            p99_ms: us_at(h, 0.99) / 1000.0,
            max_ms: h.max() as f64 / 1e6,
        }
    }
}

/// Where the CPU went while the backlog drained (seconds).
#[derive(Clone, Debug, Default, Serialize)]
pub struct DrainCpu {
    pub server: f64,
    pub postgres: f64,
    /// This process: the tills (SQLite, applying pulls, caches) and their sync drivers,
    /// plus the server when it runs in-process.
    pub tills: f64,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ServerReport {
    pub machine: Option<Machine>,
    pub tills: usize,
    pub orgs: usize,
    pub server: String,
    pub postgres: String,
    /// Phase 0: the server's own capacity (no till work on this machine).
    pub capacity: Option<capacity::Capacity>,
    /// Orders open at once across all tills after the backlog phase.
    pub open_orders: u64,
    pub backlog_mutations: u64,
    pub backlog_write_s: f64,
    /// Time from starting all drivers to every outbox empty.
    pub drain_s: f64,
    pub push_mutations_per_s: f64,
    /// CPU seconds spent during the drain (of 2 x drain_s available on 2 cores).
    pub drain_cpu_s: DrainCpu,
    /// Mutations the server recorded as processed (from PostgreSQL) at the end.
    pub server_processed: i64,
    pub live_s: f64,
    pub live_mutations: u64,
    pub live_mutations_per_s: f64,
    /// A till writes an order; another till of its organisation sees it.
    pub propagation_create: Latency,
    /// The writer pays it; the other till sees it paid.
    pub propagation_pay: Latency,
    /// Answers of a till's App that differed from its SQLite after a change reached it.
    pub stale: u64,
    pub stale_examples: Vec<String>,
    /// `other-till` or `server-api`.
    pub read_back: String,
    /// With `server-api`: `GET /orders/{id}` answers compared with the writer's order, how
    /// long they took, and how many differed after the grace (also counted in `stale`).
    pub server_reads: u64,
    pub server_read: Latency,
    pub server_stale: u64,
    /// The server's cache statistics at the end (`GET /admin/cache-stats`).
    pub server_caches: Vec<pos_cache::CacheStats>,
    /// Tills whose floor (in SQLite) still lacked some of their organisation's orders
    /// after all pushes and a 30 s wait: lag, counted apart from stale answers.
    pub floors_diverged: u64,
    pub probes_timed_out: u64,
    pub errors: u64,
    pub error_examples: Vec<String>,
    pub rejections: u64,
    pub server_rss_bytes: Option<u64>,
    pub server_peak_rss_bytes: Option<u64>,
    /// Sum of VmRSS over the postmaster and its children (counts shared buffers once per
    /// process that touched them) and the sum of their proportional set size.
    pub postgres_rss_bytes: Option<u64>,
    pub postgres_pss_bytes: Option<u64>,
    pub bench_process_rss_bytes: Option<u64>,
    pub wall_s: f64,
    pub stopped_early: Option<String>,
}

impl ServerReport {
    pub fn print(&self) {
        if let Some(m) = &self.machine {
            println!("machine: {m}");
        }
        let mb = |b: Option<u64>| b.map_or_else(|| "-".to_owned(), |b| format!("{:.0} MB", b as f64 / 1e6));
        println!("server: {}; PostgreSQL: {}", self.server, self.postgres);
        println!(
            "{} tills in {} organisations; {} orders open at once",
            self.tills, self.orgs, self.open_orders
        );
        if let Some(c) = &self.capacity {
            c.print(self.machine.as_ref().map_or(1, |m| m.cores));
        }
        println!(
            "backlog: {} mutations written offline in {:.1} s; drained by {} pushing tills in {:.2} s: {:.0} mutations/s (server processed {})",
            self.backlog_mutations,
            self.backlog_write_s,
            self.tills,
            self.drain_s,
            self.push_mutations_per_s,
            self.server_processed
        );
        println!(
            "drain CPU: server {:.1} s, PostgreSQL {:.1} s, tills {:.1} s (of {:.1} s on {} cores)",
            self.drain_cpu_s.server,
            self.drain_cpu_s.postgres,
            self.drain_cpu_s.tills,
            self.drain_s * self.machine.as_ref().map_or(1, |m| m.cores) as f64,
            self.machine.as_ref().map_or(1, |m| m.cores)
        );
        println!(
            "live: {} mutations in {:.1} s ({:.0}/s) while probing",
            self.live_mutations, self.live_s, self.live_mutations_per_s
        );
        println!(
            "till-to-till: new order p50 {:.0} ms p99 {:.0} ms max {:.0} ms (n={}); payment p50 {:.0} ms p99 {:.0} ms max {:.0} ms (n={}); probes timed out {}",
            self.propagation_create.p50_ms,
            self.propagation_create.p99_ms,
            self.propagation_create.max_ms,
            self.propagation_create.n,
            self.propagation_pay.p50_ms,
            self.propagation_pay.p99_ms,
            self.propagation_pay.max_ms,
            self.propagation_pay.n,
            self.probes_timed_out
        );
        println!(
            "stale answers {}; floors diverged {}; errors {}; rejections {}",
            self.stale, self.floors_diverged, self.errors, self.rejections
        );
        if self.read_back == "server-api" {
            println!(
                "server read-back (GET /orders/{{id}}): {} reads, p50 {:.1} ms p99 {:.1} ms; stale {}",
                self.server_reads, self.server_read.p50_ms, self.server_read.p99_ms, self.server_stale
            );
            for c in &self.server_caches {
                println!(
                    "  server cache {}: hits {} misses {} ratio {:.2} loads {}",
                    c.name, c.hits, c.misses, c.hit_ratio, c.loads
                );
            }
        }
        for e in self.stale_examples.iter().chain(&self.error_examples) {
            println!("  {e}");
        }
        println!(
            "memory: server RSS {} (peak {}), PostgreSQL RSS sum {} (PSS {}), bench process (tills) {}",
            mb(self.server_rss_bytes),
            mb(self.server_peak_rss_bytes),
            mb(self.postgres_rss_bytes),
            mb(self.postgres_pss_bytes),
            mb(self.bench_process_rss_bytes)
        );
        if let Some(why) = &self.stopped_early {
            println!("stopped early: {why}");
        }
        println!("wall {:.1} s", self.wall_s);
    }
}

// ---------------------------------------------------------------------------------------
// PostgreSQL and the server.

/// A private PostgreSQL cluster started with `scripts/pg.sh`, stopped when dropped.
#[derive(Debug)]
pub struct Postgres {
    dir: PathBuf,
    pub url: String,
}

fn pg_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pg.sh")
}

impl Postgres {
    /// Starts (initialising if needed) a cluster in `dir` with durable commits (fsync on).
    pub fn start(dir: &Path) -> anyhow::Result<Postgres> {
        std::fs::create_dir_all(dir)?;
        let out = Command::new("bash")
            .arg(pg_script())
            .arg("start")
            .arg(dir)
            .stderr(Stdio::inherit())
            .output()
            .context("run scripts/pg.sh")?;
        anyhow::ensure!(out.status.success(), "scripts/pg.sh start failed");
        let url = String::from_utf8(out.stdout)?.trim().to_owned();
        Ok(Postgres {
            dir: dir.to_owned(),
            url,
        })
    }

    /// The postmaster's pid (first line of `postmaster.pid`).
    pub fn pid(&self) -> Option<u32> {
        postmaster_pid(&self.dir)
    }
}

fn postmaster_pid(dir: &Path) -> Option<u32> {
    std::fs::read_to_string(dir.join("data/postmaster.pid"))
        .ok()?
        .lines()
        .next()?
        .trim()
        .parse()
        .ok()
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(pg_script())
            .arg("stop")
            .arg(&self.dir)
            .status();
    }
}

/// Sum of VmRSS and of Pss over `pid` and its direct children.
fn process_tree_memory(pid: u32) -> (u64, u64) {
    let pids = process_tree(pid);
    let mut rss = 0;
    let mut pss = 0;
    for p in pids {
        rss += crate::stats::rss_bytes(p).unwrap_or(0);
        pss += std::fs::read_to_string(format!("/proc/{p}/smaps_rollup"))
            .ok()
            .and_then(|s| {
                let l = s.lines().find(|l| l.starts_with("Pss:"))?;
                l.split_whitespace().nth(1)?.parse::<u64>().ok()
            })
            .unwrap_or(0)
            * 1024;
    }
    (rss, pss)
}

/// A server this run started (child process or task), or one already running.
enum RunningServer {
    Child(Child),
    Task(pos_testkit::RunningServer),
    External,
}

impl RunningServer {
    fn pid(&self) -> Option<u32> {
        match self {
            RunningServer::Child(c) => Some(c.id()),
            RunningServer::Task(..) => Some(std::process::id()),
            RunningServer::External => None,
        }
    }

    async fn stop(self) {
        match self {
            RunningServer::Child(mut c) => {
                // Closing its stdin asks for a graceful stop; then wait, or kill our child.
                drop(c.stdin.take());
                let deadline = Instant::now() + Duration::from_secs(10);
                while Instant::now() < deadline {
                    if let Ok(Some(_)) = c.try_wait() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                let _ = c.kill();
                let _ = c.wait();
            }
            RunningServer::Task(mut server) => server.stop().await,
            RunningServer::External => {}
        }
    }
}

/// Runs the server until stdin closes; prints `port=N` once listening. The hidden
/// `pos-bench server-child` command.
pub async fn serve_child(database_url: String, pool_size: usize) -> anyhow::Result<()> {
    let mut server = pos_testkit::RunningServer::start(settings(&database_url, pool_size)).await?;
    println!("port={}", server.port);
    std::io::stdout().flush()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let mut sink = String::new();
        while std::io::stdin().read_line(&mut sink).is_ok_and(|n| n > 0) {
            sink.clear();
        }
        let _ = tx.send(());
    });
    let _ = rx.await;
    server.stop().await;
    Ok(())
}

/// The production settings with a free port, the bench's database and pool.
fn settings(database_url: &str, pool_size: usize) -> Settings {
    Settings {
        port: 0,
        database_url: database_url.to_owned(),
        pool_size,
        ..Settings::default()
    }
}

async fn start_server(
    mode: &ServerMode,
    database_url: &str,
    pool_size: usize,
) -> anyhow::Result<(String, RunningServer)> {
    match mode {
        ServerMode::Running(url) => Ok((url.trim_end_matches('/').to_owned(), RunningServer::External)),
        ServerMode::InProcess => {
            let server = pos_testkit::RunningServer::start(settings(database_url, pool_size)).await?;
            Ok((server.base.clone(), RunningServer::Task(server)))
        }
        ServerMode::Child(exe) => {
            let mut child = Command::new(exe)
                .args(["server-child", "--database-url", database_url, "--pool-size"])
                .arg(pool_size.to_string())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .context("start the server child")?;
            let stdout = child.stdout.take().context("child stdout")?;
            let line = tokio::task::spawn_blocking(move || {
                let mut line = String::new();
                BufReader::new(stdout).read_line(&mut line).map(|_| line)
            })
            .await??;
            let Some(port) = line.trim().strip_prefix("port=") else {
                let _ = child.kill();
                let _ = child.wait();
                anyhow::bail!("the server child did not start: {line:?}");
            };
            Ok((format!("http://127.0.0.1:{port}"), RunningServer::Child(child)))
        }
    }
}

async fn enroll(
    http: &reqwest::Client,
    url: &str,
    db: &db::Db,
    org: Uuid,
    name: &str,
) -> anyhow::Result<String> {
    let code = admin::enrollment_code(db, org).await?;
    pos_testkit::server::enroll(http, url, code, name).await
}

// ---------------------------------------------------------------------------------------
// The tills.

struct Till {
    app: Arc<App>,
    org: usize,
    token: String,
    driver: Mutex<Option<SyncDriver>>,
    _dir: tempfile::TempDir,
}

fn open_till(org: usize, token: String) -> anyhow::Result<Till> {
    // The example profile and menu; their outbox rows are pushed with the backlog, as a
    // new till's would be. On tmpfs when there is one: the bench measures sync, not the
    // tills' disk.
    let TempTill { app, dir, .. } = TillOptions::default()
        .cache(CacheConfig {
            enabled: true,
            budget_bytes: 8 * 1024 * 1024,
            ..CacheConfig::default()
        })
        .open_in(pos_testkit::till::scratch_dir());
    Ok(Till {
        app,
        org,
        token,
        driver: Mutex::new(None),
        _dir: dir,
    })
}

fn start_driver(t: &Till, url: &str) {
    let mut cfg = DriverConfig::new(url, t.token.clone());
    cfg.tick = Duration::from_millis(20);
    cfg.engine.backoff_base_ms = 50;
    cfg.engine.backoff_max_ms = 1_000;
    cfg.engine.long_poll_ms = 10_000;
    *t.driver.lock() = Some(SyncDriver::spawn(t.app.clone(), cfg));
}

fn ticket(app: &App, table: String, lines: usize, n: usize) -> pos_app::Result<Order> {
    static SKUS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        pos_testkit::example_menu()
            .into_iter()
            .map(|m| m.sku)
            .take(24)
            .collect()
    });
    let o = app.create_order(NewOrder {
        order_type: Some(OrderType::DineIn),
        table: Some(table),
        request_id: Some(Uuid::now_v7()),
        ..NewOrder::default()
    })?;
    app.add_lines(AddLines {
        order_id: o.id,
        lines: (0..lines)
            .map(|l| TicketLine {
                sku: SKUS[(n + l) % SKUS.len()].clone(),
                qty: "1".into(),
                discount: None,
                note: None,
            })
            .collect(),
        request_id: Some(Uuid::now_v7()),
    })
}

fn pay(app: &App, id: OrderId) -> pos_app::Result<()> {
    let due = app.calculate_bill(id)?.due;
    app.record_payment(RecordPayment {
        order_id: id,
        tenders: vec![Tender {
            method: PaymentMethod::Card,
            amount: due,
            reference: None,
        }],
        request_id: Some(Uuid::now_v7()),
    })?;
    Ok(())
}

/// Errors and stale answers, shared by the tasks.
#[derive(Default)]
struct Tally {
    errors: AtomicU64,
    stale: AtomicU64,
    examples: Mutex<Vec<String>>,
    stale_examples: Mutex<Vec<String>>,
}

impl Tally {
    fn error(&self, what: impl std::fmt::Display) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let mut ex = self.examples.lock();
        if ex.len() < 10 {
            ex.push(format!("error: {what}"));
        }
    }
    fn stale(&self, what: String) {
        self.stale.fetch_add(1, Ordering::Relaxed);
        let mut ex = self.stale_examples.lock();
        if ex.len() < 10 {
            ex.push(format!("STALE {what}"));
        }
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

fn outbox_depth(app: &App) -> i64 {
    app.store().read(outbox::pending_count).unwrap_or(i64::MAX)
}

/// The projection of an order that every till must agree on (numbers are per till).
fn shape(o: &Order) -> (OrderStatus, Vec<(String, String)>, usize) {
    (
        o.status,
        o.lines
            .iter()
            .map(|l| (l.id.to_string(), l.qty.to_string()))
            .collect(),
        o.payments.len(),
    )
}

/// How long after a change is in a till's SQLite its App may still answer the old value:
/// the pull commits, then invalidates (on a loaded machine the thread can be descheduled
/// in between). Anything older is a stale answer.
const STALE_GRACE: Duration = Duration::from_millis(200);

/// CPU seconds (user + system) of `pid`, from `/proc/<pid>/stat` (clock ticks of 10 ms).
fn cpu_seconds(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            let after = s.rsplit_once(')')?.1.to_owned();
            let f: Vec<&str> = after.split_whitespace().collect();
            let ticks = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
            Some(ticks as f64 / 100.0)
        })
        .unwrap_or(0.0)
}

/// `pid` and its direct children.
fn process_tree(pid: u32) -> Vec<u32> {
    let mut pids = vec![pid];
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for e in entries.flatten() {
            let Some(child) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            let ppid = std::fs::read_to_string(format!("/proc/{child}/stat"))
                .ok()
                .and_then(|s| {
                    let after = s.rsplit_once(')')?.1.to_owned();
                    after.split_whitespace().nth(1)?.parse::<u32>().ok()
                });
            if ppid == Some(pid) {
                pids.push(child);
            }
        }
    }
    pids
}

/// CPU seconds of the server, PostgreSQL (its processes alive now) and this process.
fn cpu_split(server: Option<u32>, pg: Option<u32>) -> (f64, f64, f64) {
    let pg_s = pg.map_or(0.0, |p| process_tree(p).into_iter().map(cpu_seconds).sum());
    (
        server.map_or(0.0, cpu_seconds),
        pg_s,
        cpu_seconds(std::process::id()),
    )
}

/// Polls `observer` until `done(order)` holds for its cached answer, then checks that the
/// cached answer equals its SQLite. Returns how long it took, or `None` on timeout.
async fn await_seen(
    observer: Arc<App>,
    id: OrderId,
    started: Instant,
    timeout: Duration,
    done: impl Fn(&Order) -> bool,
    tally: Arc<Tally>,
) -> Option<Duration> {
    loop {
        let app = observer.clone();
        let seen = blocking(move || app.order(id).ok()).await;
        if let Some(o) = seen.map(|r| r.order.clone())
            && done(&o)
        {
            let took = started.elapsed();
            let app = observer.clone();
            let direct = blocking(move || app.store().read(|c| orders::load_order(c, id))).await;
            match direct {
                Ok(Some(d)) if d == o => {}
                Ok(d) => tally.stale(format!(
                    "order {id}: cached {:?} but SQLite has {:?}",
                    shape(&o),
                    d.as_ref().map(shape)
                )),
                Err(e) => tally.error(e),
            }
            return Some(took);
        }
        // A change already in the observer's SQLite but not in its answer is stale.
        let app = observer.clone();
        let in_sqlite = blocking(move || app.store().read(|c| orders::load_order(c, id))).await;
        if let Ok(Some(d)) = &in_sqlite
            && done(d)
        {
            // The pull raises its invalidation right after its commit: give it that moment.
            // A missed invalidation would last until the cache's TTL (minutes).
            tokio::time::sleep(STALE_GRACE).await;
            let app = observer.clone();
            let again = blocking(move || app.order(id).map(|r| r.order.clone())).await;
            match again {
                Ok(o) if done(&o) => {}
                Ok(o) => tally.stale(format!(
                    "order {id}: SQLite has {:?}, the App answered {:?}",
                    shape(d),
                    shape(&o)
                )),
                Err(e) => tally.stale(format!("order {id}: in SQLite, the App answered {e}")),
            }
        }
        if started.elapsed() > timeout {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Runs the whole benchmark. Needs a tokio multi-thread runtime.
pub async fn run(opts: &ServerOptions) -> anyhow::Result<ServerReport> {
    let wall = Instant::now();
    let deadline = wall + opts.time_limit;
    let mut report = ServerReport {
        machine: Some(machine()),
        tills: opts.tills,
        orgs: opts.orgs.clamp(1, opts.tills.max(1)),
        ..ServerReport::default()
    };
    anyhow::ensure!(
        opts.tills >= 2,
        "at least 2 tills (one writes, another reads back)"
    );
    let orgs = report.orgs;

    // PostgreSQL.
    let (pg, admin_url) = match &opts.database_url {
        Some(u) => (None, u.clone()),
        None => {
            let pg = blocking({
                let dir = opts.pg_dir.clone();
                move || Postgres::start(&dir)
            })
            .await?;
            let url = pg.url.clone();
            (Some(pg), url)
        }
    };
    report.postgres = match &pg {
        Some(_) => format!("private cluster in {} (fsync on)", opts.pg_dir.display()),
        None => "DATABASE_URL".into(),
    };
    let database_url = match opts.mode {
        ServerMode::Running(_) => admin_url.clone(),
        _ => db::create_database(&admin_url, "bench").await?,
    };
    let (url, server) = start_server(&opts.mode, &database_url, opts.pool_size).await?;
    report.server = match &opts.mode {
        ServerMode::Child(_) => format!("child process at {url}, pool {}", opts.pool_size),
        ServerMode::InProcess => format!("in-process at {url}, pool {}", opts.pool_size),
        ServerMode::Running(_) => format!("running at {url}"),
    };
    let result = drive(
        opts,
        &mut report,
        &url,
        &database_url,
        orgs,
        deadline,
        &server,
        pg.as_ref(),
    )
    .await;
    if let Some(pid) = server.pid()
        && !matches!(server, RunningServer::Task(..))
    {
        report.server_rss_bytes = crate::stats::rss_bytes(pid);
        report.server_peak_rss_bytes = crate::stats::peak_rss_bytes(pid);
    }
    server.stop().await;
    drop(pg);
    report.bench_process_rss_bytes = crate::stats::rss_bytes(std::process::id());
    report.wall_s = wall.elapsed().as_secs_f64();
    result?;
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
async fn drive(
    opts: &ServerOptions,
    report: &mut ServerReport,
    url: &str,
    database_url: &str,
    orgs: usize,
    deadline: Instant,
    server: &RunningServer,
    pg: Option<&Postgres>,
) -> anyhow::Result<()> {
    let admin_db = db::pool(database_url, 2)?;
    let http = reqwest::Client::new();
    let mut org_ids = Vec::new();
    for o in 0..orgs {
        org_ids.push(admin::create_org(&admin_db, &format!("Bench org {o}")).await?);
    }
    report.read_back = match opts.read_back {
        ReadBack::OtherTill => "other-till",
        ReadBack::ServerApi => "server-api",
    }
    .into();
    // One admin token per organisation (admin: orders and cache statistics), created in
    // process on the server's database, as `pos-server admin create-token` does.
    let mut api_tokens = Vec::new();
    if opts.read_back == ReadBack::ServerApi {
        for &org in &org_ids {
            api_tokens.push(admin::create_token(&admin_db, org, Role::Admin, "pos-bench read-back").await?);
        }
    }
    let api_tokens = Arc::new(api_tokens);
    let server_h = Arc::new(Mutex::new(histogram()));
    let server_reads = Arc::new(AtomicU64::new(0));
    let server_stale = Arc::new(AtomicU64::new(0));
    // Open and enroll the tills.
    let bar = crate::stats::progress(opts.tills as u64, "opening and enrolling tills");
    let mut tills = Vec::new();
    for i in 0..opts.tills {
        let org = i % orgs;
        let token = enroll(&http, url, &admin_db, org_ids[org], &format!("Till {i}")).await?;
        tills.push(Arc::new(blocking(move || open_till(org, token)).await?));
        bar.inc(1);
    }
    bar.finish_and_clear();
    let tills = Arc::new(tills);
    let tally = Arc::new(Tally::default());

    // Memory sampler: the server's and PostgreSQL's peaks while the run goes on.
    let sampling = Arc::new(AtomicBool::new(true));
    let server_pid = match server {
        RunningServer::Child(_) => server.pid(),
        _ => None,
    };
    let pg_pid = pg.and_then(Postgres::pid);
    let pg_peak = Arc::new(Mutex::new((0u64, 0u64)));
    let sampler = {
        let sampling = sampling.clone();
        let pg_peak = pg_peak.clone();
        tokio::spawn(async move {
            while sampling.load(Ordering::Relaxed) {
                if let Some(pid) = pg_pid {
                    let (rss, pss) = blocking(move || process_tree_memory(pid)).await;
                    let mut p = pg_peak.lock();
                    p.0 = p.0.max(rss);
                    p.1 = p.1.max(pss);
                }
                // Every 2 s: reading smaps_rollup of ~100 backends walks their page tables
                // (at 500 ms it was 4% of all CPU samples in a `perf record` of a run).
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        })
    };

    // Phase 0: the server alone.
    report.capacity = Some(capacity::run(opts, url, &admin_db, &http, (server_pid, pg_pid), deadline).await?);

    // Phase 1: the backlog, written with the drivers stopped.
    let started = Instant::now();
    let bar = crate::stats::progress(opts.tills as u64, "backlog: tills selling offline");
    let mut tasks = Vec::new();
    for (i, t) in tills.iter().enumerate() {
        let (t, tally, bar) = (t.clone(), tally.clone(), bar.clone());
        let (n, open, lines) = (opts.orders_per_till, opts.open_per_till, opts.lines);
        tasks.push(tokio::task::spawn_blocking(move || {
            for k in 0..n {
                match ticket(&t.app, format!("T{}-{k}", i), lines, k) {
                    Ok(o) if k >= open => {
                        if let Err(e) = pay(&t.app, o.id) {
                            tally.error(e);
                        }
                    }
                    Ok(_) => {}
                    Err(e) => tally.error(e),
                }
            }
            bar.inc(1);
        }));
    }
    for t in tasks {
        t.await?;
    }
    bar.finish_and_clear();
    report.backlog_write_s = started.elapsed().as_secs_f64();
    let mut backlog = 0;
    for t in tills.iter() {
        let app = t.app.clone();
        backlog += blocking(move || outbox_depth(&app)).await as u64;
    }
    report.backlog_mutations = backlog;
    report.open_orders = (opts.tills * opts.open_per_till.min(opts.orders_per_till)) as u64;

    // Every driver at once; time until every outbox is empty.
    let cpu_before = cpu_split(server_pid, pg_pid);
    let started = Instant::now();
    for t in tills.iter() {
        start_driver(t, url);
    }
    let bar = crate::stats::progress(backlog, "backlog: pushing");
    loop {
        let mut left = 0u64;
        for t in tills.iter() {
            let app = t.app.clone();
            left += blocking(move || outbox_depth(&app)).await.max(0) as u64;
        }
        bar.set_position(backlog.saturating_sub(left));
        if left == 0 {
            break;
        }
        if Instant::now() > deadline {
            report.stopped_early = Some(format!("{left} mutations still unpushed at the time limit"));
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    bar.finish_and_clear();
    report.drain_s = started.elapsed().as_secs_f64();
    report.push_mutations_per_s = backlog as f64 / report.drain_s.max(1e-9);
    let cpu_after = cpu_split(server_pid, pg_pid);
    report.drain_cpu_s = DrainCpu {
        server: cpu_after.0 - cpu_before.0,
        postgres: cpu_after.1 - cpu_before.1,
        tills: cpu_after.2 - cpu_before.2,
    };

    // Phase 2: live selling while probes measure propagation.
    let live_stop = Arc::new(AtomicBool::new(false));
    let live_count = Arc::new(AtomicU64::new(0));
    let live_started = Instant::now();
    let mut sellers = Vec::new();
    if opts.live_rate > 0.0 && report.stopped_early.is_none() {
        let every = Duration::from_secs_f64(1.0 / opts.live_rate);
        for (i, t) in tills.iter().enumerate() {
            let (t, tally, stop, count) = (t.clone(), tally.clone(), live_stop.clone(), live_count.clone());
            let lines = opts.lines;
            sellers.push(tokio::spawn(async move {
                // Spread the tills' first sale over one period.
                tokio::time::sleep(every.mul_f64((i % 97) as f64 / 97.0)).await;
                let mut k = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    let app = t.app.clone();
                    let r = blocking(move || -> pos_app::Result<()> {
                        let o = ticket(&app, format!("L{i}-{k}"), lines, k)?;
                        pay(&app, o.id)
                    })
                    .await;
                    match r {
                        Ok(()) => {
                            count.fetch_add(2 + lines as u64, Ordering::Relaxed);
                        }
                        Err(e) => tally.error(e),
                    }
                    k += 1;
                    tokio::time::sleep(every).await;
                }
            }));
        }
    }
    let create_h = Arc::new(Mutex::new(histogram()));
    let pay_h = Arc::new(Mutex::new(histogram()));
    let timed_out = Arc::new(AtomicU64::new(0));
    let per_org: Vec<Vec<usize>> = (0..orgs)
        .map(|o| (0..tills.len()).filter(|&i| tills[i].org == o).collect())
        .collect();
    let probe_timeout = Duration::from_secs(30);
    // Probes run a few at a time so they measure propagation, not a queue of probes.
    let concurrency = 8usize.min(opts.probes.max(1));
    let next = Arc::new(AtomicU64::new(0));
    let bar = crate::stats::progress(opts.probes as u64, "live: till-to-till probes");
    let mut probers = Vec::new();
    for _ in 0..concurrency {
        let (tills, tally, next, bar) = (tills.clone(), tally.clone(), next.clone(), bar.clone());
        let (create_h, pay_h, timed_out, per_org) = (
            create_h.clone(),
            pay_h.clone(),
            timed_out.clone(),
            per_org.clone(),
        );
        let (probes, lines) = (opts.probes as u64, opts.lines);
        let api = ServerApi {
            http: http.clone(),
            url: url.to_owned(),
            tokens: api_tokens.clone(),
            latency: server_h.clone(),
            reads: server_reads.clone(),
            stale: server_stale.clone(),
            tally: tally.clone(),
        };
        let orgs_of: Vec<usize> = tills.iter().map(|t| t.org).collect();
        probers.push(tokio::spawn(async move {
            loop {
                let p = next.fetch_add(1, Ordering::Relaxed);
                if p >= probes || Instant::now() > deadline {
                    break;
                }
                let group = &per_org[p as usize % per_org.len()];
                if group.len() < 2 {
                    continue;
                }
                let w = group[(p as usize / per_org.len()) % group.len()];
                let r = group[(p as usize / per_org.len() + 1) % group.len()];
                let (writer, reader) = (tills[w].app.clone(), tills[r].app.clone());
                let app = writer.clone();
                let created = blocking(move || {
                    let o = ticket(&app, format!("P{p}"), lines, p as usize);
                    (Instant::now(), o)
                })
                .await;
                let (t0, order) = match created {
                    (t0, Ok(o)) => (t0, o),
                    (_, Err(e)) => {
                        tally.error(e);
                        continue;
                    }
                };
                let id = order.id;
                let open_shape = shape(&order);
                // The whole ticket: its lines travel as separate mutations and may arrive in two pulls.
                let want = order.lines.len();
                match await_seen(
                    reader.clone(),
                    id,
                    t0,
                    probe_timeout,
                    move |o| o.lines.len() >= want,
                    tally.clone(),
                )
                .await
                {
                    Some(d) => record(&mut create_h.lock(), d.as_nanos() as u64),
                    None => {
                        timed_out.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                }
                // The server's cached answer must be what the writer wrote.
                api.check(orgs_of[w], &order).await;
                // What the reader saw must be what the writer wrote.
                let app = reader.clone();
                if let Ok(seen) = blocking(move || app.order(id)).await
                    && seen.order.status == open_shape.0
                    && shape(&seen.order) != open_shape
                {
                    tally.stale(format!(
                        "order {id}: the writer has {open_shape:?}, the other till {:?}",
                        shape(&seen.order)
                    ));
                }
                let app = writer.clone();
                let paid = blocking(move || {
                    let r = pay(&app, id);
                    (Instant::now(), r)
                })
                .await;
                let t1 = match paid {
                    (t1, Ok(())) => t1,
                    (_, Err(e)) => {
                        tally.error(e);
                        continue;
                    }
                };
                match await_seen(
                    reader,
                    id,
                    t1,
                    probe_timeout,
                    |o| o.status == OrderStatus::Paid,
                    tally.clone(),
                )
                .await
                {
                    Some(d) => {
                        record(&mut pay_h.lock(), d.as_nanos() as u64);
                        let app = writer.clone();
                        match blocking(move || app.order(id)).await {
                            Ok(o) => api.check(orgs_of[w], &o.order).await,
                            Err(e) => tally.error(e),
                        }
                    }
                    None => {
                        timed_out.fetch_add(1, Ordering::Relaxed);
                    }
                }
                bar.inc(1);
            }
        }));
    }
    for p in probers {
        p.await?;
    }
    bar.finish_and_clear();
    live_stop.store(true, Ordering::Relaxed);
    for s in sellers {
        s.await?;
    }
    report.live_s = live_started.elapsed().as_secs_f64();
    report.live_mutations =
        live_count.load(Ordering::Relaxed) + 2 * opts.probes as u64 + (opts.lines * opts.probes) as u64;
    report.live_mutations_per_s = report.live_mutations as f64 / report.live_s.max(1e-9);
    report.propagation_create = Latency::of(&create_h.lock());
    report.propagation_pay = Latency::of(&pay_h.lock());
    report.probes_timed_out = timed_out.load(Ordering::Relaxed);
    report.server_reads = server_reads.load(Ordering::Relaxed);
    report.server_read = Latency::of(&server_h.lock());
    report.server_stale = server_stale.load(Ordering::Relaxed);
    if let Some(token) = api_tokens.first() {
        match server_cache_stats(&http, url, token).await {
            Ok(c) => report.server_caches = c,
            Err(e) => tally.error(format!("GET /admin/cache-stats: {e}")),
        }
    }

    // Phase 3: everything pushed, then every till of an org must show the same floor.
    let quiet_deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mut left = 0;
        for t in tills.iter() {
            let app = t.app.clone();
            left += blocking(move || outbox_depth(&app)).await.max(0);
        }
        if left == 0 || Instant::now() > quiet_deadline.min(deadline) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut diverged = 0u64;
    let floor_deadline = Instant::now() + Duration::from_secs(30);
    for group in &per_org {
        // The org's floor: the union of every till's own open orders, from its SQLite.
        let mut expected = BTreeSet::new();
        for &i in group {
            let app = tills[i].app.clone();
            let own: Vec<OrderId> = blocking(move || {
                app.store().read(|c| {
                    orders::active_summaries(c).map(|v| {
                        v.into_iter()
                            .filter(|s| s.table.is_some())
                            .map(|s| s.id)
                            .collect::<Vec<_>>()
                    })
                })
            })
            .await?;
            expected.extend(own);
        }
        for &i in group {
            loop {
                let app = tills[i].app.clone();
                let (cached, own): (BTreeSet<OrderId>, BTreeSet<OrderId>) = blocking(move || {
                    let cached = app.active_orders()?.iter().map(|s| s.id).collect();
                    let own = app
                        .store()
                        .read(orders::active_summaries)?
                        .into_iter()
                        .map(|s| s.id)
                        .collect();
                    Ok::<_, pos_app::AppError>((cached, own))
                })
                .await?;
                if cached != own {
                    // The till's answer differs from its own SQLite: a stale cache.
                    tally.stale(format!(
                        "till {i}: cached floor of {} orders, its SQLite has {}",
                        cached.len(),
                        own.len()
                    ));
                }
                if own == expected {
                    break;
                }
                if Instant::now() > floor_deadline.min(deadline) {
                    // Not stale: the till has not received everything yet.
                    diverged += 1;
                    let mut ex = tally.examples.lock();
                    if ex.len() < 10 {
                        ex.push(format!(
                            "till {i}: floor of {} orders after the wait, its organisation has {}",
                            own.len(),
                            expected.len()
                        ));
                    }
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    report.floors_diverged = diverged;

    for t in tills.iter() {
        let d = t.driver.lock().take();
        if let Some(d) = d {
            let status = d.status();
            report.rejections += status.rejected;
            if let Some(e) = &status.last_error {
                tally.error(format!("sync: {e}"));
            }
            d.stop().await;
        }
    }
    report.server_processed = admin_db
        .get()
        .await?
        .query_one("SELECT COUNT(*) FROM processed_mutations", &[])
        .await?
        .get(0);
    sampling.store(false, Ordering::Relaxed);
    let _ = sampler.await;
    let (rss, pss) = *pg_peak.lock();
    if pg_pid.is_some() {
        report.postgres_rss_bytes = Some(rss);
        report.postgres_pss_bytes = Some(pss);
    }
    report.stale = tally.stale.load(Ordering::Relaxed);
    report.stale_examples = tally.stale_examples.lock().clone();
    report.errors = tally.errors.load(Ordering::Relaxed);
    report.error_examples = tally.examples.lock().clone();
    Ok(())
}

/// Reads orders back through the server's back-office API and compares them with the
/// writer's (`api_shape`).
#[derive(Clone)]
struct ServerApi {
    http: reqwest::Client,
    url: String,
    /// One per organisation; empty unless `ReadBack::ServerApi`.
    tokens: Arc<Vec<String>>,
    latency: Arc<Mutex<Histogram<u64>>>,
    reads: Arc<AtomicU64>,
    stale: Arc<AtomicU64>,
    tally: Arc<Tally>,
}

/// What the server must agree on with the writing till: status, lines (id, quantity,
/// price), payments (method and amount) and the total paid. Order numbers are per till.
fn api_shape(o: &Order) -> (OrderStatus, Vec<String>, Vec<String>, i64) {
    (
        o.status,
        o.lines
            .iter()
            .map(|l| format!("{} {} {:?}", l.id, l.qty, l.unit_price))
            .collect(),
        o.payments
            .iter()
            .map(|p| format!("{:?} {:?}", p.method, p.amount))
            .collect(),
        o.payments.iter().map(|p| p.amount.minor()).sum(),
    )
}

impl ServerApi {
    async fn get(&self, org: usize, id: OrderId) -> anyhow::Result<Order> {
        let t = Instant::now();
        let o = self
            .http
            .get(format!("{}/orders/{id}", self.url))
            .bearer_auth(&self.tokens[org])
            .send()
            .await?
            .error_for_status()?
            .json::<Order>()
            .await?;
        record(&mut self.latency.lock(), t.elapsed().as_nanos() as u64);
        self.reads.fetch_add(1, Ordering::Relaxed);
        Ok(o)
    }

    /// After `written` reached another till (so the server has committed it), the server
    /// must answer it: twice, the second normally from its cache. A different answer gets
    /// the same grace as a till's (the invalidation is raised right after the commit);
    /// still different after it is stale.
    async fn check(&self, org: usize, written: &Order) {
        if self.tokens.is_empty() {
            return;
        }
        let want = api_shape(written);
        for _ in 0..2 {
            let got = match self.get(org, written.id).await {
                Ok(o) if api_shape(&o) == want => continue,
                Ok(_) => {
                    tokio::time::sleep(STALE_GRACE).await;
                    self.get(org, written.id).await
                }
                Err(e) => Err(e),
            };
            match got {
                Ok(o) if api_shape(&o) == want => {}
                Ok(o) => {
                    self.stale.fetch_add(1, Ordering::Relaxed);
                    self.tally.stale(format!(
                        "server GET /orders/{}: the writer has {want:?}, the server {:?}",
                        written.id,
                        api_shape(&o)
                    ));
                }
                Err(e) => self.tally.error(format!("GET /orders/{}: {e}", written.id)),
            }
        }
    }
}

async fn server_cache_stats(
    http: &reqwest::Client,
    url: &str,
    token: &str,
) -> anyhow::Result<Vec<pos_cache::CacheStats>> {
    let r: pos_server::backoffice::admin::CacheReport = http
        .get(format!("{url}/admin/cache-stats"))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(r.caches)
}
