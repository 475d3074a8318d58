//! Runs the [`Engine`] against a real till and server: one tokio task owns the engine and
//! feeds it events; each instruction runs as its own task (HTTP with reqwest, or a
//! `pos_app` sync use case on a blocking thread) and reports back as an event. Nothing
//! here decides anything: the engine does.

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use pos_app::App;
use pos_protocol::PROTOCOL_VERSION;
use pos_protocol::sync::{ErrorBody, PullResponse, PushMutation, PushRequest, PushResponse};
use tokio::sync::{Notify, mpsc, oneshot};

use crate::SyncStatus;
use crate::engine::{Engine, EngineConfig, Event, Instruction, Lane, Sent};

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
            _ = tick.tick() => Event::Tick { now_ms: app.now_ms(), outbox_depth: depth(&app).await },
            _ = wake.notified() => Event::Wake { now_ms: app.now_ms(), outbox_depth: depth(&app).await },
        };
        for instruction in engine.handle(event) {
            let (app, http, cfg, tx) = (app.clone(), http.clone(), cfg.clone(), tx.clone());
            inflight.push(tokio::spawn(async move {
                let _ = tx.send(carry_out(&app, &http, &cfg, instruction).await);
            }));
        }
        inflight.retain(|t: &tokio::task::JoinHandle<()>| !t.is_finished());
        *status.lock() = engine.status().clone();
    }
    for t in inflight {
        t.abort();
    }
}

async fn depth(app: &Arc<App>) -> i64 {
    blocking(app, |a| a.outbox_depth()).await.unwrap_or(0)
}

async fn blocking<T: Send + 'static>(
    app: &Arc<App>,
    f: impl FnOnce(&App) -> pos_app::Result<T> + Send + 'static,
) -> Result<T, String> {
    let app = app.clone();
    match tokio::task::spawn_blocking(move || f(&app)).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.message),
        Err(e) => Err(format!("background task failed: {e}")),
    }
}

/// Does one instruction and says what came of it.
async fn carry_out(app: &Arc<App>, http: &reqwest::Client, cfg: &DriverConfig, i: Instruction) -> Event {
    let now = || app.now_ms();
    match i {
        Instruction::Push { batch } => push(app, http, cfg, batch).await,
        Instruction::Pull { wait_ms } => pull(app, http, cfg, wait_ms).await,
        Instruction::Settle(s) => match blocking(app, move |a| a.settle_push(&s)).await {
            Ok(outbox_depth) => Event::Settled {
                now_ms: now(),
                outbox_depth,
            },
            Err(error) => Event::LocalFailed {
                now_ms: now(),
                lane: Lane::Push,
                error,
            },
        },
        Instruction::Apply { from, page } => {
            let has_more = page.has_more;
            match blocking(app, move |a| a.apply_pull(from.as_deref(), &page)).await {
                Ok(applied) => Event::Applied {
                    now_ms: now(),
                    stale: applied.stale,
                    has_more,
                },
                Err(error) => Event::LocalFailed {
                    now_ms: now(),
                    lane: Lane::Pull,
                    error,
                },
            }
        }
    }
}

/// An error answer's body; a body that is not ours is a failed request.
async fn refusal(resp: reqwest::Response) -> Result<(u16, ErrorBody), String> {
    let status = resp.status().as_u16();
    resp.json::<ErrorBody>()
        .await
        .map(|b| (status, b))
        .map_err(|e| format!("the server answered {status} without an error body: {e}"))
}

/// Sends the oldest `batch` pending rows.
async fn push(app: &Arc<App>, http: &reqwest::Client, cfg: &DriverConfig, batch: usize) -> Event {
    let now = || app.now_ms();
    let failed = |error: String| Event::PushFailed { now_ms: now(), error };
    let rows = match blocking(app, move |a| a.outbox_pending(batch)).await {
        Ok(rows) => rows,
        Err(e) => return failed(format!("till database: {e}")),
    };
    if rows.is_empty() {
        // Acknowledged meanwhile: nothing to send, and nothing failed.
        return Event::Settled {
            now_ms: now(),
            outbox_depth: 0,
        };
    }
    let mut mutations = Vec::with_capacity(rows.len());
    let mut sent = Vec::with_capacity(rows.len());
    for r in &rows {
        let m = match r.mutation() {
            Ok(m) => m,
            Err(e) => return failed(format!("outbox row {} unreadable: {e}", r.seq)),
        };
        sent.push(Sent {
            seq: r.seq,
            mutation_id: r.mutation_id,
            intent: r.intent.clone(),
            order_id: pos_protocol::rules::touches(&m).orders.first().copied(),
        });
        mutations.push(PushMutation {
            mutation_id: r.mutation_id,
            seq: r.seq,
            mutation: m,
        });
    }
    let req = PushRequest {
        protocol_version: PROTOCOL_VERSION,
        mutations,
    };
    let resp = match http
        .post(format!("{}/sync/push", cfg.server_url))
        .bearer_auth(&cfg.token)
        .timeout(Duration::from_secs(30))
        .json(&req)
        .send()
        .await
    {
        Ok(r) => r,
        Err(e) => return failed(format!("network: {e}")),
    };
    if !resp.status().is_success() {
        return match refusal(resp).await {
            Ok((status, error)) => Event::PushRefused {
                now_ms: now(),
                status,
                error,
            },
            Err(e) => failed(e),
        };
    }
    match resp.json::<PushResponse>().await {
        Ok(answer) => Event::PushAnswered {
            now_ms: now(),
            sent,
            answer,
        },
        Err(e) => failed(format!("unreadable push answer: {e}")),
    }
}

/// One pull after the stored cursor.
async fn pull(app: &Arc<App>, http: &reqwest::Client, cfg: &DriverConfig, wait_ms: u64) -> Event {
    let now = || app.now_ms();
    let failed = |error: String| Event::PullFailed { now_ms: now(), error };
    let from = match blocking(app, |a| a.sync_cursor()).await {
        Ok(c) => c,
        Err(e) => return failed(format!("till database: {e}")),
    };
    let mut query = vec![("wait_ms", wait_ms.to_string())];
    if let Some(c) = &from {
        query.push(("cursor", c.clone()));
    }
    let resp = match http
        .get(format!("{}/sync/pull", cfg.server_url))
        .bearer_auth(&cfg.token)
        .query(&query)
        .timeout(Duration::from_millis(wait_ms + 15_000))
        .send()
        .await
    {
        Ok(r) => r,
        Err(e) => return failed(format!("network: {e}")),
    };
    if !resp.status().is_success() {
        return match refusal(resp).await {
            Ok((status, error)) => Event::PullRefused {
                now_ms: now(),
                status,
                error,
            },
            Err(e) => failed(e),
        };
    }
    match resp.json::<PullResponse>().await {
        Ok(page) => Event::PullAnswered {
            now_ms: now(),
            from,
            page,
        },
        Err(e) => failed(format!("unreadable pull answer: {e}")),
    }
}
