//! A real pos-server for a test: [`spawn_server`] creates a fresh PostgreSQL database on the
//! cluster `DATABASE_URL` points at, builds the server on `127.0.0.1:0` (migrating the
//! database) and serves it on a task of the test's tokio runtime; every test has its own
//! port and its own database (zero2prod's `spawn_app`). [`TestServer`] then makes
//! organisations, enrollment codes, device, manager and admin tokens, and talks to the
//! server over real HTTP. [`BlockingServer`] is the same on a runtime of its own, for
//! synchronous tests (the desktop's commands run on tauri's runtime).

use std::future::Future;
use std::time::Duration;

use pos_protocol::sync::{EnrollRequest, EnrollResponse, PushRequest};
use pos_server::auth::Role;
use pos_server::db::Db;
use pos_server::{Application, Settings, admin, db};
use tokio::sync::oneshot;
use uuid::Uuid;

/// How long [`RunningServer::stop`] lets in-flight requests finish before it aborts the
/// server's task. Long-polls answer at once when shutdown starts, so this is only reached
/// by a server that is stuck.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// The PostgreSQL cluster `make test` started (`DATABASE_URL`). A server test never
/// silently runs without one.
pub fn admin_url() -> String {
    std::env::var("DATABASE_URL")
        .expect("DATABASE_URL must point at a PostgreSQL cluster; run the suite with `make test`")
}

/// Whether this run has the server's caches on: `POS_CACHE=off` runs the suites without
/// them, and every answer must be the same.
pub fn caching() -> bool {
    pos_server::settings::cache_from_env(true)
}

/// A new, empty database on the test cluster; returns its URL.
pub async fn fresh_database() -> String {
    db::create_database(&admin_url(), &format!("t_{}", std::process::id()))
        .await
        .expect("a test database is created")
}

/// The settings a test server runs with: the production defaults, except a free port on
/// the loopback, a pool of 8, caching as `POS_CACHE` says, and a body limit of 256 KiB (so
/// a test reaches it without sending megabytes).
pub fn test_settings(database_url: &str) -> Settings {
    Settings {
        host: "127.0.0.1".into(),
        port: 0,
        database_url: database_url.to_owned(),
        pool_size: 8,
        cache_enabled: caching(),
        max_body_bytes: 256 * 1024,
        ..Settings::default()
    }
}

/// A pos-server serving on a task of the current tokio runtime until [`stop`](Self::stop).
#[derive(Debug)]
pub struct RunningServer {
    pub port: u16,
    /// `http://127.0.0.1:<port>`
    pub base: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningServer {
    /// Builds the server from `settings` (binding the listener and migrating the
    /// database) and serves it until stopped.
    pub async fn start(settings: Settings) -> anyhow::Result<RunningServer> {
        let host = settings.host.clone();
        let app = Application::build(settings).await?;
        let port = app.port();
        let (tx, rx) = oneshot::channel();
        let task = tokio::spawn(async move {
            if let Err(e) = app
                .run_until_stopped(async {
                    let _ = rx.await;
                })
                .await
            {
                tracing::error!(error = %e, "the test server stopped with an error");
            }
        });
        Ok(RunningServer {
            port,
            base: format!("http://{host}:{port}"),
            stop: Some(tx),
            task: Some(task),
        })
    }

    /// Graceful shutdown: in-flight requests finish, new connections are refused. A
    /// server still running after [`STOP_GRACE`] is aborted, so the port is free after
    /// this returns. Stopping twice does nothing.
    pub async fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(mut t) = self.task.take()
            && tokio::time::timeout(STOP_GRACE, &mut t).await.is_err()
        {
            tracing::warn!("the test server did not stop within {STOP_GRACE:?}; aborting it");
            t.abort();
            let _ = t.await;
        }
    }
}

/// A server of the test's own: its database, an organisation in it, a connection pool for
/// the test's own queries and an HTTP client.
#[derive(Debug)]
pub struct TestServer {
    /// `http://127.0.0.1:<port>`
    pub base: String,
    pub port: u16,
    /// A small pool on the server's database, for the admin calls and the test's queries.
    pub db: Db,
    pub database_url: String,
    /// The organisation [`spawn_server`] created (named after the example profile).
    pub org: Uuid,
    pub http: reqwest::Client,
    /// What the server was built with (port 0 replaced by the port it got).
    pub settings: Settings,
    running: RunningServer,
}

/// A real server on a random port with a freshly created database and one organisation.
pub async fn spawn_server() -> TestServer {
    spawn_server_with(|_| {}).await
}

/// [`spawn_server`] with [`test_settings`] changed by `configure` first (the database URL
/// is the fresh database's; `configure` may change anything else).
pub async fn spawn_server_with(configure: impl FnOnce(&mut Settings)) -> TestServer {
    let database_url = fresh_database().await;
    let mut settings = test_settings(&database_url);
    configure(&mut settings);
    let running = RunningServer::start(settings.clone())
        .await
        .expect("the server builds and listens");
    settings.port = running.port;
    let db = db::pool(&database_url, 2).expect("a pool on the test database");
    let org = admin::create_org(&db, &crate::example_profile().name)
        .await
        .expect("an organisation");
    TestServer {
        base: running.base.clone(),
        port: running.port,
        db,
        database_url,
        org,
        http: reqwest::Client::new(),
        settings,
        running,
    }
}

/// Enrolls a device with a one-time `code` and returns its token: what a till does.
pub async fn enroll(http: &reqwest::Client, base: &str, code: String, name: &str) -> anyhow::Result<String> {
    let resp: EnrollResponse = http
        .post(format!("{base}/sync/enroll"))
        .json(&EnrollRequest {
            code,
            device_name: name.into(),
        })
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(resp.token)
}

impl TestServer {
    /// Graceful shutdown (see [`RunningServer::stop`]).
    pub async fn stop(&mut self) {
        self.running.stop().await;
    }

    /// Starts again on the same port and database with the same settings, as after a
    /// crash or a deploy.
    pub async fn restart(&mut self) {
        self.running.stop().await;
        self.running = RunningServer::start(self.settings.clone())
            .await
            .expect("the server starts again on its port");
    }

    /// A second server instance on the same database (another node behind the balancer),
    /// with the same settings on a port of its own.
    pub async fn another_instance(&self) -> RunningServer {
        self.another_instance_with(|_| {}).await
    }

    /// [`another_instance`](Self::another_instance) with its settings changed by
    /// `configure` (caches off beside caches on, say).
    pub async fn another_instance_with(&self, configure: impl FnOnce(&mut Settings)) -> RunningServer {
        let mut settings = Settings {
            port: 0,
            ..self.settings.clone()
        };
        configure(&mut settings);
        RunningServer::start(settings)
            .await
            .expect("another instance builds and listens")
    }

    pub async fn new_org(&self, name: &str) -> Uuid {
        admin::create_org(&self.db, name).await.expect("an organisation")
    }

    /// A one-time enrollment code for a till of `org` at its default location.
    pub async fn enrollment_code(&self, org: Uuid) -> String {
        admin::enrollment_code(&self.db, org)
            .await
            .expect("an enrollment code")
    }

    /// Enrolls a device into `org` and returns its token.
    pub async fn enroll(&self, org: Uuid, name: &str) -> String {
        let code = self.enrollment_code(org).await;
        enroll(&self.http, &self.base, code, name)
            .await
            .expect("a fresh code enrolls")
    }

    /// A manager or admin API token for `org` (`"manager"` or `"admin"`), as
    /// `pos-server admin create-token` makes it.
    pub async fn api_token(&self, org: Uuid, role: &str) -> String {
        let role = Role::parse(role).expect("a role name");
        admin::create_token(&self.db, org, role, "test")
            .await
            .expect("an API token")
    }

    pub async fn push(&self, token: &str, req: &PushRequest) -> reqwest::Response {
        self.http
            .post(format!("{}/sync/push", self.base))
            .bearer_auth(token)
            .json(req)
            .send()
            .await
            .expect("push answers")
    }

    pub async fn pull(&self, token: &str, cursor: Option<&str>, wait_ms: u64) -> reqwest::Response {
        let mut q = vec![("wait_ms", wait_ms.to_string())];
        if let Some(c) = cursor {
            q.push(("cursor", c.to_string()));
        }
        self.http
            .get(format!("{}/sync/pull", self.base))
            .bearer_auth(token)
            .query(&q)
            .send()
            .await
            .expect("pull answers")
    }

    /// `GET /metrics` (Prometheus text).
    pub async fn metrics(&self) -> String {
        self.http
            .get(format!("{}/metrics", self.base))
            .send()
            .await
            .expect("metrics answer")
            .text()
            .await
            .expect("metrics text")
    }

    /// A count (or any `BIGINT`) from `sql`, whose `$1` is `org`.
    pub async fn count(&self, sql: &str, org: Uuid) -> i64 {
        let c = self.db.get().await.expect("a connection");
        c.query_one(sql, &[&org]).await.expect("the query runs").get(0)
    }

    /// A `BIGINT` from `sql`, which takes no parameters.
    pub async fn scalar(&self, sql: &str) -> i64 {
        let c = self.db.get().await.expect("a connection");
        c.query_one(sql, &[]).await.expect("the query runs").get(0)
    }

    /// Waits until the cache listener of the instance at `base` is connected (reads before
    /// that bypass the caches, which is correct but would make hit counts meaningless).
    pub async fn wait_listening(&self, base: &str, admin: &str) {
        for _ in 0..200 {
            let r: serde_json::Value = self
                .http
                .get(format!("{base}/admin/cache-stats"))
                .bearer_auth(admin)
                .send()
                .await
                .expect("stats answer")
                .json()
                .await
                .expect("stats json");
            if r["listening"] == true {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the cache listener did not connect within 2 s");
    }

    /// `GET base+path` with `token`: the status and the JSON body (`null` if none).
    pub async fn get_json(&self, base: &str, path: &str, token: &str) -> (u16, serde_json::Value) {
        let r = self
            .http
            .get(format!("{base}{path}"))
            .bearer_auth(token)
            .send()
            .await
            .expect("the server answers");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// `method base+path` with `token` and a JSON `body`: the status and the JSON answer.
    pub async fn send_json(
        &self,
        method: reqwest::Method,
        base: &str,
        path: &str,
        token: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let r = self
            .http
            .request(method, format!("{base}{path}"))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("the server answers");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }
}

/// A [`TestServer`] on a tokio runtime of its own, for tests that are not async. Stops
/// when dropped.
#[derive(Debug)]
pub struct BlockingServer {
    /// `http://127.0.0.1:<port>`
    pub base: String,
    server: Option<TestServer>,
    rt: tokio::runtime::Runtime,
}

impl BlockingServer {
    pub fn spawn() -> BlockingServer {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let server = rt.block_on(spawn_server());
        BlockingServer {
            base: server.base.clone(),
            server: Some(server),
            rt,
        }
    }

    /// Runs `f` with the server on the server's runtime.
    pub fn block_on<'a, F: Future>(&'a self, f: impl FnOnce(&'a TestServer) -> F) -> F::Output {
        let server = self.server.as_ref().expect("the server runs until dropped");
        self.rt.block_on(f(server))
    }

    /// A one-time enrollment code for a till of the server's organisation.
    pub fn enrollment_code(&self) -> String {
        self.block_on(|s| s.enrollment_code(s.org))
    }

    /// A `BIGINT` from `sql`, which takes no parameters.
    pub fn scalar(&self, sql: &str) -> i64 {
        self.block_on(|s| s.scalar(sql))
    }
}

impl Drop for BlockingServer {
    fn drop(&mut self) {
        if let Some(mut server) = self.server.take() {
            self.rt.block_on(server.stop());
        }
    }
}
