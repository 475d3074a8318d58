//! Real tills on temporary SQLite files: [`temp_till`] and [`TillOptions`].
//!
//! A [`TempTill`] is a `pos_app::App` on `<temp dir>/till.db` (the file and its WAL are
//! deleted when it drops), with the example restaurant loaded or not, caching as
//! `POS_CACHE` says unless a test picks, and the machine's clock or a [`ManualClock`].

use std::path::PathBuf;
use std::sync::Arc;

use pos_app::{AddLine, App, AppConfig, CacheConfig, ManualClock, RecordPayment};
use pos_core::order::NewOrder;
use pos_core::{Money, OrderId, OrderType, PaymentMethod, Tender};
use pos_protocol::PROTOCOL_VERSION;
use pos_protocol::sync::{PushMutation, PushRequest};

/// 2026-11-24 12:00 in Bengaluru (06:30 UTC): business day [`TODAY`] under the example
/// profile. Where a test's manual clock starts.
pub const NOON_IST_MS: i64 = 1_795_501_800_000;
/// The business day of [`NOON_IST_MS`].
pub const TODAY: &str = "2026-11-24";

/// What a new till holds when the test starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Contents {
    /// Nothing: no profile, no menu, no staff (a till before its first setup).
    Bare,
    /// The example profile and menu, through the use cases (so their outbox rows exist);
    /// no staff, customers or orders.
    #[default]
    Example,
    /// The whole demo restaurant as a new till's first start loads it: profile, menu,
    /// staff, customers with tabs, two paid sales and two open tables.
    Demo,
}

/// How to open a [`TempTill`]. `TillOptions::default()` is what [`temp_till`] opens.
#[derive(Clone, Debug, Default)]
pub struct TillOptions {
    pub contents: Contents,
    /// `None`: caching as `POS_CACHE` says, so a suite runs once with caches and once
    /// without; tests about caching itself pick.
    pub cache: Option<CacheConfig>,
    /// `None`: the machine's clock.
    pub clock: Option<Arc<ManualClock>>,
}

impl TillOptions {
    /// On a manual clock at `at_ms`.
    pub fn at(at_ms: i64) -> TillOptions {
        TillOptions {
            clock: Some(Arc::new(ManualClock::new(at_ms))),
            ..TillOptions::default()
        }
    }

    pub fn contents(mut self, contents: Contents) -> TillOptions {
        self.contents = contents;
        self
    }

    pub fn cache(mut self, cache: CacheConfig) -> TillOptions {
        self.cache = Some(cache);
        self
    }

    /// Opens a new till in a new temporary directory.
    pub fn open(self) -> TempTill {
        let dir = tempfile::tempdir().expect("a temporary directory");
        self.open_in(dir)
    }

    /// Opens the till on `dir/till.db` (a file a test prepared, or a scratch directory
    /// of its choice).
    pub fn open_in(self, dir: tempfile::TempDir) -> TempTill {
        let mut config = AppConfig::new(dir.path().join("till.db"));
        if let Some(cache) = &self.cache {
            config.cache = cache.clone();
        }
        config.load_demo = self.contents == Contents::Demo;
        let app = match &self.clock {
            Some(clock) => App::open_with_clock(config, clock.clone()),
            None => App::open(config),
        }
        .expect("a till opens on a temporary file");
        if self.contents == Contents::Example {
            app.update_profile(pos_app::Actor::System, crate::example_profile())
                .expect("the example profile is valid");
            app.import_menu(crate::example_menu())
                .expect("the example menu is valid");
        }
        TempTill {
            app: Arc::new(app),
            dir,
            cache: self.cache,
            clock: self.clock,
        }
    }
}

/// A real till on a temporary file. Dereferences to the [`App`]; `app` is an `Arc` so a
/// sync driver can share it.
#[derive(Debug)]
pub struct TempTill {
    pub app: Arc<App>,
    /// Holds `till.db`; deleted with the till.
    pub dir: tempfile::TempDir,
    cache: Option<CacheConfig>,
    clock: Option<Arc<ManualClock>>,
}

impl std::ops::Deref for TempTill {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

impl TempTill {
    /// The SQLite file.
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("till.db")
    }

    /// The till's manual clock. Panics for a till on the machine's clock: such a test has
    /// no business moving time.
    #[track_caller]
    pub fn clock(&self) -> &ManualClock {
        self.clock
            .as_deref()
            .expect("this till runs on the machine's clock; open it with TillOptions::at(ms)")
    }

    /// Closes the till and opens it again on the same file, as after a restart: the same
    /// clock and cache choice, nothing loaded (the file has it). Needs the only handle to
    /// the app (stop its sync driver first).
    #[track_caller]
    pub fn reopen(self) -> TempTill {
        let TempTill {
            app,
            dir,
            cache,
            clock,
        } = self;
        drop(Arc::try_unwrap(app).expect("reopen needs the only handle to the till; stop its driver first"));
        TillOptions {
            contents: Contents::Bare,
            cache,
            clock,
        }
        .open_in(dir)
    }

    /// Closes the till and keeps its directory (for a process that opens it next, such as
    /// the desktop app).
    #[track_caller]
    pub fn into_dir(self) -> tempfile::TempDir {
        drop(Arc::try_unwrap(self.app).expect("into_dir needs the only handle to the till"));
        self.dir
    }
}

/// A new till with the example profile and menu, caching as `POS_CACHE` says, on the
/// machine's clock.
pub fn temp_till() -> TempTill {
    TillOptions::default().open()
}

/// A new till with the whole demo restaurant (what a real till's first start loads).
pub fn demo_till() -> TempTill {
    TillOptions::default().contents(Contents::Demo).open()
}

/// A new temporary directory on tmpfs (`/dev/shm`) when there is one, else in the system's
/// temporary directory. For tests and benchmarks about caches and CPU, not the disk:
/// thousands of `synchronous=FULL` commits on a slow virtual disk would dominate them.
pub fn scratch_dir() -> tempfile::TempDir {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(d) = tempfile::tempdir_in(shm)
    {
        return d;
    }
    tempfile::tempdir().expect("a temporary directory")
}

/// Opens (or creates) a till on `path` with the demo restaurant loaded if the file is new:
/// what the desktop till does at start. For tests that run a till in another process.
pub fn open_demo_till(path: &std::path::Path) -> pos_app::Result<App> {
    let mut config = AppConfig::new(path);
    config.load_demo = true;
    App::open(config)
}

/// The till's unacknowledged outbox (up to 500 rows, one push batch) as a push request.
pub fn outbox_push(app: &App) -> PushRequest {
    let rows = app
        .store()
        .read(|c| pos_store::outbox::pending(c, 500))
        .expect("the outbox reads");
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

/// One sale: a takeaway of `qty` x the first menu item, paid in cash (exactly what is
/// due). Returns the order and the amount paid.
pub fn sell(app: &App, qty: u32) -> (OrderId, Money) {
    let order = app
        .create_order(NewOrder {
            order_type: Some(OrderType::Takeaway),
            ..NewOrder::default()
        })
        .expect("a takeaway opens");
    app.add_line(AddLine {
        order_id: order.id,
        sku: crate::example_menu()[0].sku.clone(),
        qty: qty.to_string(),
        discount: None,
        note: None,
        request_id: None,
    })
    .expect("a line of the menu's first item");
    let due = app.calculate_bill(order.id).expect("the bill computes").due;
    app.record_payment(RecordPayment {
        order_id: order.id,
        tenders: vec![Tender {
            method: PaymentMethod::Cash,
            amount: due,
            reference: None,
        }],
        request_id: None,
    })
    .expect("paying what is due works");
    (order.id, due)
}
