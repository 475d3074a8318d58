//! Runs the [`Engine`] against a real till and server: one tokio task owns the engine;
//! each push or pull runs as its own task and reports back as an [`Event`]. SQLite work
//! goes through `spawn_blocking` so it never stalls an async worker.

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use pos_app::{App, DomainEvent};
use pos_protocol::PROTOCOL_VERSION;
use pos_protocol::sync::{ErrorBody, PullResponse, PushMutation, PushRequest, PushResponse, PushStatus};
use pos_store::rejections::{self, NewRejection};
use pos_store::{StoreError, outbox, sync};
use tokio::sync::{Notify, mpsc, oneshot};

use crate::engine::{Engine, EngineConfig, Event, Instruction};
use crate::{Rejection, SyncStatus};

/// Where and as whom to sync.
#[derive(Clone)]
pub struct DriverConfig {
    /// `http://host:port`, no trailing slash.
    pub server_url: String,
    /// The device token from enrollment (never logged).
    pub token: String,
    pub engine: EngineConfig,
    /// How often the outbox depth is checked for new local writes.
    pub tick: Duration,
    pub push_batch: usize,
}

impl std::fmt::Debug for DriverConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DriverConfig")
            .field("server_url", &self.server_url)
            .field("token", &"<redacted>")
            .finish()
    }
}

impl DriverConfig {
    pub fn new(server_url: impl Into<String>, token: impl Into<String>) -> DriverConfig {
        DriverConfig {
            server_url: server_url.into(),
            token: token.into(),
            engine: EngineConfig::default(),
            tick: Duration::from_millis(100),
            push_batch: 200,
        }
    }
}

/// A running sync task. Dropping it without [`SyncDriver::stop`] leaves the task running
/// until the runtime ends.
#[derive(Debug)]
pub struct SyncDriver {
    status: Arc<Mutex<SyncStatus>>,
    wake: Arc<Notify>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

#[derive(Debug, thiserror::Error)]
enum SyncError {
    #[error("network: {0}")]
    Network(#[from] reqwest::Error),
    #[error("server refused ({status}): {code}: {message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    #[error("till database: {0}")]
    Store(#[from] StoreError),
    #[error("background task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

impl SyncDriver {
    pub fn spawn(app: Arc<App>, cfg: DriverConfig) -> SyncDriver {
        let status = Arc::new(Mutex::new(SyncStatus::default()));
        let wake = Arc::new(Notify::new());
        let (stop_tx, stop_rx) = oneshot::channel();
        let task = tokio::spawn(run(app, cfg, status.clone(), wake.clone(), stop_rx));
        SyncDriver {
            status,
            wake,
            stop: Some(stop_tx),
            task: Some(task),
        }
    }

    pub fn status(&self) -> SyncStatus {
        self.status.lock().clone()
    }

    /// Pushes and pulls now, cutting a backoff wait short (a person pressed "Sync now").
    /// A request already in flight is not duplicated.
    pub fn push_now(&self) {
        // notify_one stores a permit if the loop is busy, so the wake is never lost.
        self.wake.notify_one();
    }

    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

async fn run(
    app: Arc<App>,
    cfg: DriverConfig,
    status: Arc<Mutex<SyncStatus>>,
    wake: Arc<Notify>,
    mut stop: oneshot::Receiver<()>,
) {
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .build()
        .unwrap_or_default();
    let mut engine = Engine::new(cfg.engine);
    let (tx, mut rx) = mpsc::unbounded_channel::<Event>();
    let mut tick = tokio::time::interval(cfg.tick);
    let mut inflight = Vec::new();
    loop {
        let event = tokio::select! {
            _ = &mut stop => break,
            Some(ev) = rx.recv() => ev,
            _ = tick.tick() => {
                let depth = blocking(&app, |a| Ok(a.store().read(outbox::pending_count)?)).await.unwrap_or(0);
                Event::Tick { now_ms: app.now_ms(), outbox_depth: depth }
            }
            _ = wake.notified() => {
                let depth = blocking(&app, |a| Ok(a.store().read(outbox::pending_count)?)).await.unwrap_or(0);
                Event::Wake { now_ms: app.now_ms(), outbox_depth: depth }
            }
        };
        for instruction in engine.handle(event) {
            let (app, http, cfg, tx) = (app.clone(), http.clone(), cfg.clone(), tx.clone());
            inflight.push(tokio::spawn(async move {
                let ev = match instruction {
                    Instruction::Push => match push(&app, &http, &cfg).await {
                        Ok((depth, rejections)) => Event::PushDone {
                            now_ms: app.now_ms(),
                            outbox_depth: depth,
                            rejections,
                        },
                        Err(e) => Event::PushFailed {
                            now_ms: app.now_ms(),
                            error: e.to_string(),
                        },
                    },
                    Instruction::Pull { wait_ms } => match pull(&app, &http, &cfg, wait_ms).await {
                        Ok(has_more) => Event::PullDone {
                            now_ms: app.now_ms(),
                            has_more,
                        },
                        Err(e) => Event::PullFailed {
                            now_ms: app.now_ms(),
                            error: e.to_string(),
                        },
                    },
                };
                let _ = tx.send(ev);
            }));
        }
        inflight.retain(|t: &tokio::task::JoinHandle<()>| !t.is_finished());
        *status.lock() = engine.status().clone();
    }
    for t in inflight {
        t.abort();
    }
}

async fn blocking<T: Send + 'static>(
    app: &Arc<App>,
    f: impl FnOnce(&App) -> Result<T, SyncError> + Send + 'static,
) -> Result<T, SyncError> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || f(&app)).await?
}

async fn refused(resp: reqwest::Response) -> SyncError {
    let status = resp.status().as_u16();
    match resp.json::<ErrorBody>().await {
        Ok(b) => SyncError::Refused {
            status,
            code: b.code,
            message: b.message,
        },
        Err(e) => SyncError::Network(e),
    }
}

/// Pushes one batch; returns the outbox depth after acknowledging and the rejections.
async fn push(
    app: &Arc<App>,
    http: &reqwest::Client,
    cfg: &DriverConfig,
) -> Result<(i64, Vec<Rejection>), SyncError> {
    let batch = cfg.push_batch;
    let rows = blocking(app, move |a| Ok(a.store().read(|c| outbox::pending(c, batch))?)).await?;
    if rows.is_empty() {
        return Ok((0, Vec::new()));
    }
    let mut mutations = Vec::with_capacity(rows.len());
    for r in &rows {
        mutations.push(PushMutation {
            mutation_id: r.mutation_id,
            seq: r.seq,
            mutation: r.mutation()?,
        });
    }
    let req = PushRequest {
        protocol_version: PROTOCOL_VERSION,
        mutations,
    };
    let resp = http
        .post(format!("{}/sync/push", cfg.server_url))
        .bearer_auth(&cfg.token)
        .timeout(Duration::from_secs(30))
        .json(&req)
        .send()
        .await?;
    if resp.status() == reqwest::StatusCode::CONFLICT {
        let err = resp.json::<ErrorBody>().await?;
        if let (Some(expected), "seq_gap") = (err.expected_seq, err.code.as_str()) {
            // The server has everything below `expected`: acknowledge that; if it lacks
            // rows we acknowledged (a restored server), they are sent again.
            let now = app.now_ms();
            blocking(app, move |a| {
                Ok(a.store().write(|tx| {
                    sync::ack_through(tx, expected - 1, now)?;
                    sync::unack_from(tx, expected)
                })?)
            })
            .await?;
        }
        return Err(SyncError::Refused {
            status: 409,
            code: err.code,
            message: err.message,
        });
    }
    if !resp.status().is_success() {
        return Err(refused(resp).await);
    }
    let answer: PushResponse = resp.json().await?;
    let rejections: Vec<Rejection> = answer
        .results
        .iter()
        .filter(|r| r.status == PushStatus::Rejected)
        .map(|r| {
            let row = rows.iter().find(|row| row.seq == r.seq);
            Rejection {
                mutation_id: r.mutation_id,
                seq: r.seq,
                intent: row.map(|row| row.intent.clone()).unwrap_or_default(),
                order_id: r
                    .order
                    .as_ref()
                    .map(|o| o.id)
                    .or_else(|| row.and_then(|row| row.mutation().ok()).and_then(|m| order_of(&m))),
                reason: r.reason.clone().unwrap_or_default(),
            }
        })
        .collect();
    for r in &rejections {
        tracing::warn!(seq = r.seq, intent = %r.intent, reason = %r.reason, "server rejected a mutation");
    }
    let now = app.now_ms();
    let through = answer.last_seq;
    let server_orders: Vec<pos_core::Order> = answer
        .results
        .into_iter()
        .filter(|r| r.status == PushStatus::Rejected)
        .filter_map(|r| r.order.map(|o| *o))
        .collect();
    let to_record: Vec<NewRejection> = rejections
        .iter()
        .map(|r| NewRejection {
            mutation_id: r.mutation_id,
            seq: r.seq,
            intent: r.intent.clone(),
            order_id: r.order_id,
            reason: r.reason.clone(),
        })
        .collect();
    let depth = blocking(app, move |a| {
        let adopted = a.store().write(|tx| {
            sync::ack_through(tx, through, now)?;
            // In the acknowledgement's transaction: acknowledged means recorded.
            for r in &to_record {
                rejections::record(tx, r, now)?;
            }
            let mut all = sync::AppliedBatch::default();
            for o in &server_orders {
                let b = sync::adopt_server_order(tx, o)?;
                all.orders.extend(b.orders);
                all.days.extend(b.days);
                all.phones.extend(b.phones);
            }
            Ok::<_, StoreError>(all)
        })?;
        if !adopted.orders.is_empty() {
            a.raise(&DomainEvent::SyncBatchApplied {
                orders: adopted.orders.into_iter().collect(),
                days: adopted.days.into_iter().collect(),
                phones: adopted.phones.into_iter().collect(),
                profile: false,
            });
        }
        Ok(a.store().read(outbox::pending_count)?)
    })
    .await?;
    Ok((depth, rejections))
}

/// The order a mutation is about, if any.
fn order_of(m: &pos_protocol::Mutation) -> Option<pos_core::OrderId> {
    use pos_protocol::Mutation as M;
    match m {
        M::OrderCreate { order } => Some(order.id),
        M::OrderAddLine { order_id, .. }
        | M::OrderVoidLine { order_id, .. }
        | M::OrderSetStatus { order_id, .. }
        | M::OrderSetDiscount { order_id, .. }
        | M::PaymentRecord { order_id, .. } => Some(*order_id),
        M::CustomerUpsert { .. }
        | M::LedgerSettle { .. }
        | M::ProfileUpdate { .. }
        | M::MenuUpsert { .. }
        | M::StaffUpsert { .. } => None,
    }
}

/// One pull; applies the batch in one transaction and invalidates caches. Returns
/// whether more changes wait.
async fn pull(
    app: &Arc<App>,
    http: &reqwest::Client,
    cfg: &DriverConfig,
    wait_ms: u64,
) -> Result<bool, SyncError> {
    let cursor = blocking(app, |a| Ok(a.store().read(sync::cursor)?)).await?;
    let mut query = vec![("wait_ms", wait_ms.to_string())];
    if let Some(c) = cursor {
        query.push(("cursor", c));
    }
    let resp = http
        .get(format!("{}/sync/pull", cfg.server_url))
        .bearer_auth(&cfg.token)
        .query(&query)
        .timeout(Duration::from_millis(wait_ms + 15_000))
        .send()
        .await?;
    if !resp.status().is_success() {
        return Err(refused(resp).await);
    }
    let answer: PullResponse = resp.json().await?;
    let has_more = answer.has_more;
    if answer.changes.is_empty() && !answer.reset {
        return Ok(has_more);
    }
    let now = app.now_ms();
    blocking(app, move |a| {
        let changes: Vec<_> = answer
            .changes
            .into_iter()
            .map(|c| (c.mutation_id, c.mutation))
            .collect();
        let cursor = answer.cursor;
        let applied = a
            .store()
            .write(|tx| sync::apply_pulled(tx, &changes, &cursor, now))?;
        if applied.applied > 0 {
            a.raise(&DomainEvent::SyncBatchApplied {
                orders: applied.orders.into_iter().collect(),
                days: applied.days.into_iter().collect(),
                phones: applied.phones.into_iter().collect(),
                profile: applied.profile,
            });
            if applied.menu {
                a.raise(&DomainEvent::MenuChanged);
            }
        }
        Ok(())
    })
    .await?;
    Ok(has_more)
}
