//! `spawn_app()`: a fresh database, a migrated server on a random port, an organisation.
//! Tills are real `pos_app::App`s on temporary SQLite files; their outbox is the payload.

use pos_app::Actor;
use pos_app::{App, AppConfig};
use pos_protocol::PROTOCOL_VERSION;
use pos_protocol::sync::{EnrollRequest, EnrollResponse, PushMutation, PushRequest};
use pos_server::db::Db;
use pos_server::{Application, Settings, admin, db};
use tokio::sync::oneshot;
use uuid::Uuid;

/// The cluster `make test` started. A test never starts silently without one.
pub fn admin_url() -> String {
    std::env::var("DATABASE_URL")
        .expect("DATABASE_URL must point at a PostgreSQL cluster; run the suite with `make test`")
}

/// Whether this run has the back-office caches on (`POS_CACHE=off` runs the suite
/// without them: every answer must be the same).
pub fn caching() -> bool {
    pos_server::settings::cache_from_env(true)
}

#[derive(Debug)]
pub struct TestServer {
    pub base: String,
    pub port: u16,
    pub db: Db,
    pub database_url: String,
    pub org: Uuid,
    pub http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

pub async fn fresh_database() -> String {
    db::create_database(&admin_url(), &format!("t_{}", std::process::id()))
        .await
        .expect("a test database is created")
}

async fn start(database_url: &str, port: u16) -> (u16, oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let settings = Settings {
        port,
        database_url: database_url.to_string(),
        pool_size: 8,
        long_poll_max_ms: 25_000,
        max_body_bytes: 256 * 1024,
        cache_enabled: caching(),
        ..Settings::default()
    };
    let app = Application::build(settings).await.expect("the server builds");
    let port = app.port();
    let (tx, rx) = oneshot::channel();
    let task = tokio::spawn(async move {
        app.run_until_stopped(async {
            let _ = rx.await;
        })
        .await
        .expect("the server runs");
    });
    (port, tx, task)
}

pub async fn spawn_app() -> TestServer {
    let database_url = fresh_database().await;
    let (port, stop, task) = start(&database_url, 0).await;
    let db = db::pool(&database_url, 2).expect("pool");
    let org = admin::create_org(&db, "Dosa Corner").await.expect("an org");
    TestServer {
        base: format!("http://127.0.0.1:{port}"),
        port,
        db,
        database_url,
        org,
        http: reqwest::Client::new(),
        stop: Some(stop),
        task: Some(task),
    }
}

impl TestServer {
    /// Graceful shutdown; in-flight requests finish, new ones are refused.
    pub async fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            // Long-polls may hold the graceful shutdown open; do not wait for them forever.
            if tokio::time::timeout(std::time::Duration::from_secs(2), t)
                .await
                .is_err()
            {
                tracing::warn!("server did not stop within 2 s");
            }
        }
    }

    /// Starts again on the same port and database (as after a crash or deploy).
    pub async fn restart(&mut self) {
        let (_, stop, task) = start(&self.database_url, self.port).await;
        self.stop = Some(stop);
        self.task = Some(task);
    }

    pub async fn new_org(&self, name: &str) -> Uuid {
        admin::create_org(&self.db, name).await.expect("an org")
    }

    /// Enrolls a device into `org` and returns its token.
    pub async fn enroll(&self, org: Uuid, name: &str) -> String {
        let code = admin::enrollment_code(&self.db, org).await.expect("a code");
        let resp = self
            .http
            .post(format!("{}/sync/enroll", self.base))
            .json(&EnrollRequest {
                code,
                device_name: name.into(),
            })
            .send()
            .await
            .expect("enroll answers");
        assert_eq!(resp.status(), 200, "a fresh code enrolls");
        resp.json::<EnrollResponse>().await.expect("enroll body").token
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

    pub async fn count(&self, sql: &str, org: Uuid) -> i64 {
        let c = self.db.get().await.expect("conn");
        c.query_one(sql, &[&org]).await.expect("count query").get(0)
    }
}

/// A till with the demo profile and menu on a temporary file.
#[derive(Debug)]
pub struct Till {
    pub app: App,
    pub _dir: tempfile::TempDir,
}

pub fn till() -> Till {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = App::open(AppConfig::new(dir.path().join("till.db"))).expect("a till opens");
    app.update_profile(Actor::System, pos_app::demo::demo_profile())
        .expect("profile");
    app.import_menu(pos_app::demo::demo_menu()).expect("menu");
    Till { app, _dir: dir }
}

/// The till's unacknowledged outbox as a push request.
pub fn outbox_push(app: &App) -> PushRequest {
    let rows = app
        .store()
        .read(|c| pos_store::outbox::pending(c, 500))
        .expect("outbox reads");
    PushRequest {
        protocol_version: PROTOCOL_VERSION,
        mutations: rows
            .into_iter()
            .map(|r| PushMutation {
                mutation_id: r.mutation_id,
                seq: r.seq,
                mutation: r.mutation().expect("outbox rows parse"),
            })
            .collect(),
    }
}

/// Opens a takeaway order, adds two lines and pays it in cash; returns the order id.
pub fn sell(app: &App) -> pos_core::OrderId {
    let order = app
        .create_order(pos_core::order::NewOrder {
            order_type: Some(pos_core::OrderType::Takeaway),
            ..Default::default()
        })
        .expect("a takeaway opens");
    let first_sku = pos_app::demo::demo_menu()[0].sku.clone();
    app.add_line(pos_app::AddLine {
        order_id: order.id,
        sku: first_sku,
        qty: "2".into(),
        discount: None,
        note: None,
        request_id: None,
    })
    .expect("a line");
    let due = app.calculate_bill(order.id).expect("bill").due;
    app.record_payment(pos_app::RecordPayment {
        order_id: order.id,
        tenders: vec![pos_core::Tender {
            method: pos_core::PaymentMethod::Cash,
            amount: due,
            reference: None,
        }],
        request_id: None,
    })
    .expect("paying what is due works");
    order.id
}

/// A second server instance on the same database (another node behind the balancer).
#[derive(Debug)]
pub struct Instance {
    pub base: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Instance {
    pub async fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(2), t).await;
        }
    }
}

impl TestServer {
    pub async fn another_instance(&self) -> Instance {
        let (port, stop, task) = start(&self.database_url, 0).await;
        Instance {
            base: format!("http://127.0.0.1:{port}"),
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// A manager or admin API token for `org`, as `pos-server admin create-token` makes it.
    pub async fn api_token(&self, org: Uuid, role: &str) -> String {
        let role = pos_server::auth::Role::parse(role).expect("a role name");
        admin::create_token(&self.db, org, role, "test")
            .await
            .expect("a token")
    }

    /// Waits until this server's cache listener is connected (reads before that bypass
    /// the caches, which is correct but would make hit counts meaningless).
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
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the cache listener did not connect within 2 s");
    }

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

/// A server whose organisation has a till that pushed the demo profile, menu and one paid
/// sale; returns the server, the till's device token, a manager and an admin token.
pub async fn seeded_app() -> (TestServer, Till, String, String, String) {
    let server = spawn_app().await;
    let device = server.enroll(server.org, "Till 1").await;
    let t = till();
    sell(&t.app);
    let resp = server.push(&device, &outbox_push(&t.app)).await;
    assert_eq!(resp.status(), 200, "the till's outbox is accepted");
    let manager = server.api_token(server.org, "manager").await;
    let admin = server.api_token(server.org, "admin").await;
    (server, t, device, manager, admin)
}

/// The organisation's first location.
pub async fn location(server: &TestServer, org: Uuid) -> Uuid {
    let c = server.db.get().await.expect("conn");
    c.query_one("SELECT id FROM locations WHERE org_id = $1", &[&org])
        .await
        .expect("a location")
        .get(0)
}
