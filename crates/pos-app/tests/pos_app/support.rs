//! The test till (`pos_testkit`'s, on a manual clock at noon with the example profile and
//! menu), and helpers to sell, to read the database behind the app's back, and to compare
//! the two.

use std::collections::BTreeMap;

use pos_app::{AddLine, App, AppError, BillView, CacheConfig, ErrorCode, RecordPayment};
use pos_core::bill::{self, TaxComponent, TaxSettings};
use pos_core::order::NewOrder;
use pos_core::{Money, Order, OrderId, OrderRecord, OrderType, PaymentMethod, Phone, Profile, Tender};
use pos_store::{StoreError, catalog, customers, orders, outbox, summary};
use pos_testkit::{Contents, TillOptions};

pub use pos_testkit::{NOON_IST_MS, TODAY, TempTill};

/// Asha's number as typed three ways, and the two digit strings that must never be logged.
pub const ASHA_TYPED: &str = "98450 12345";
pub const ASHA_NATIONAL: &str = "9845012345";
pub const ASHA_E164: &str = "919845012345";

/// The example restaurant's profile and menu on a fresh till (`pos_testkit`), its manual
/// clock at noon. Caching follows `POS_CACHE`, so the suite runs once with caching on and
/// once off.
pub fn test_app() -> TempTill {
    TillOptions::at(NOON_IST_MS).open()
}

/// Like [`test_app`] with an explicit cache configuration (tests about caching itself).
pub fn test_app_with_cache(cache: CacheConfig) -> TempTill {
    TillOptions::at(NOON_IST_MS).cache(cache).open()
}

/// A till with no profile yet, caching as `POS_CACHE` says.
pub fn bare_app() -> TempTill {
    TillOptions::at(NOON_IST_MS).contents(Contents::Bare).open()
}

/// Caching explicitly on, whatever `POS_CACHE` says.
pub fn cache_on() -> CacheConfig {
    CacheConfig {
        enabled: true,
        ..CacheConfig::default()
    }
}

/// Caching explicitly off.
pub fn cache_off() -> CacheConfig {
    CacheConfig {
        enabled: false,
        ..CacheConfig::default()
    }
}

// ---------------------------------------------------------------------------------------
// Selling

pub fn m(minor: i64) -> Money {
    Money::from_minor(minor)
}

pub fn dine_in(app: &App, table: &str) -> Order {
    app.create_order(NewOrder {
        order_type: Some(OrderType::DineIn),
        table: Some(table.into()),
        ..NewOrder::default()
    })
    .expect("a dine-in order with a table opens")
}

pub fn takeaway_for(app: &App, phone: &str) -> Order {
    app.create_order(NewOrder {
        order_type: Some(OrderType::Takeaway),
        customer_phone: Some(phone.into()),
        ..NewOrder::default()
    })
    .expect("a takeaway order with a phone opens")
}

pub fn line(order_id: OrderId, sku: &str, qty: &str) -> AddLine {
    AddLine {
        order_id,
        sku: sku.into(),
        qty: qty.into(),
        discount: None,
        note: None,
        request_id: None,
    }
}

pub fn add(app: &App, order_id: OrderId, sku: &str, qty: &str) -> Order {
    app.add_line(line(order_id, sku, qty))
        .unwrap_or_else(|e| panic!("adding {qty} x {sku} must work: {e:?}"))
}

pub fn tender(method: PaymentMethod, minor: i64) -> Tender {
    Tender {
        method,
        amount: m(minor),
        reference: None,
    }
}

pub fn pay(app: &App, order_id: OrderId, tenders: Vec<Tender>) -> Result<pos_app::PaymentReceipt, AppError> {
    app.record_payment(RecordPayment {
        order_id,
        tenders,
        request_id: None,
    })
}

/// Pays whatever is due in one tender.
pub fn pay_due(app: &App, order_id: OrderId, method: PaymentMethod) -> pos_app::PaymentReceipt {
    let due = app.calculate_bill(order_id).expect("the bill computes").due;
    pay(app, order_id, vec![tender(method, due.minor())]).expect("paying exactly what is due works")
}

pub fn add_customer(app: &App, phone: &str, name: &str, limit_minor: i64) {
    app.upsert_customer(pos_app::CustomerInput {
        phone: phone.into(),
        name: name.into(),
        credit_limit: m(limit_minor),
    })
    .expect("a valid customer is saved");
}

pub fn phone(typed: &str) -> Phone {
    Phone::parse(typed, "91").expect("a valid Indian number")
}

// ---------------------------------------------------------------------------------------
// Errors

/// Unwraps the error of a call that must fail with `code`.
#[track_caller]
pub fn expect_code<T: std::fmt::Debug>(result: Result<T, AppError>, code: ErrorCode) -> AppError {
    match result {
        Ok(v) => panic!("expected a {code:?} error, got Ok({v:?})"),
        Err(e) => {
            assert_eq!(e.code, code, "wrong error code for {e:?}");
            assert!(!e.message.is_empty(), "an error must explain itself: {e:?}");
            e
        }
    }
}

// ---------------------------------------------------------------------------------------
// The database, read behind the app's back

/// Every table of the till.
pub const TABLES: [&str; 8] = [
    "orders",
    "order_lines",
    "payments",
    "bills",
    "ledger",
    "customers",
    "menu_items",
    "outbox",
];

/// Row counts of every table and the last outbox sequence number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counts {
    pub rows: BTreeMap<&'static str, i64>,
    pub outbox_max_seq: i64,
}

pub fn counts(app: &App) -> Counts {
    app.store()
        .read(|c| {
            let mut rows = BTreeMap::new();
            for t in TABLES {
                rows.insert(
                    t,
                    c.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))?,
                );
            }
            let outbox_max_seq = c.query_row("SELECT COALESCE(MAX(seq), 0) FROM outbox", [], |r| r.get(0))?;
            Ok::<_, StoreError>(Counts { rows, outbox_max_seq })
        })
        .expect("the counts can be read")
}

/// Every row of every table (schema tables included), as text: equal dumps mean the
/// database content did not change.
pub fn dump(app: &App) -> BTreeMap<String, Vec<String>> {
    app.store()
        .read(|c| {
            let mut names = Vec::new();
            {
                let mut stmt =
                    c.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    names.push(r.get::<_, String>(0)?);
                }
            }
            let mut out = BTreeMap::new();
            for name in names {
                let mut stmt = c.prepare(&format!("SELECT * FROM \"{name}\""))?;
                let n = stmt.column_count();
                let mut rows = stmt.query([])?;
                let mut dumped = Vec::new();
                while let Some(r) = rows.next()? {
                    let mut s = String::new();
                    for i in 0..n {
                        s.push_str(&format!("{:?}|", r.get_ref(i)?));
                    }
                    dumped.push(s);
                }
                dumped.sort();
                out.insert(name, dumped);
            }
            Ok::<_, StoreError>(out)
        })
        .expect("the database can be dumped")
}

/// `(seq, intent)` of every outbox row, in order.
pub fn outbox_rows(app: &App) -> Vec<(i64, String)> {
    app.store()
        .read(|c| {
            let mut stmt = c.prepare("SELECT seq, intent FROM outbox ORDER BY seq")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let mut out = Vec::new();
            for row in rows {
                out.push(row?);
            }
            Ok::<_, StoreError>(out)
        })
        .expect("the outbox can be read")
}

pub fn pending_outbox(app: &App) -> Vec<outbox::OutboxEntry> {
    app.store()
        .read(|c| outbox::pending(c, 100_000))
        .expect("the outbox can be read")
}

/// Runs a call that must be refused with `code` and checks that it changed nothing:
/// the same rows in every table, the same outbox sequence, the same full dump.
#[track_caller]
pub fn refused_unchanged<T: std::fmt::Debug>(
    app: &App,
    code: ErrorCode,
    what: &str,
    call: impl FnOnce() -> Result<T, AppError>,
) -> AppError {
    let counts_before = counts(app);
    let dump_before = dump(app);
    let err = match call() {
        Ok(v) => panic!("{what}: must be refused with {code:?}, but it returned Ok({v:?})"),
        Err(e) => e,
    };
    assert_eq!(err.code, code, "{what}: wrong error code ({err:?})");
    assert!(!err.message.is_empty(), "{what}: the error must explain itself");
    assert_eq!(
        counts(app),
        counts_before,
        "{what}: a refused call must not add or remove rows"
    );
    assert_eq!(
        dump(app),
        dump_before,
        "{what}: a refused call must not change any stored value"
    );
    err
}

// ---------------------------------------------------------------------------------------
// Direct reads: what the answer must be, computed from SQLite without the app's caches

pub fn direct_order(app: &App, id: OrderId) -> OrderRecord {
    app.store()
        .read(|c| orders::load_record(c, id))
        .expect("the order can be read")
        .expect("the order exists")
}

pub fn direct_profile(app: &App) -> Profile {
    app.store()
        .read(catalog::profile)
        .expect("the profile can be read")
        .expect("the till has a profile")
        .0
}

/// The bill as it must be: the stored snapshot once paid, else computed now.
pub fn direct_bill(app: &App, id: OrderId) -> BillView {
    let record = direct_order(app, id);
    if record.order.status == pos_core::OrderStatus::Paid
        && let Some(paid) = &record.bill
    {
        return BillView::of(&record, paid.bill.clone(), Some(paid.invoice_no.clone()));
    }
    let profile = direct_profile(app);
    let order = &record.order;
    let bill = bill::calculate_order(order, false, &TaxSettings::from(&profile))
        .expect("a stored order always computes");
    BillView::of(&record, bill, None)
}

pub fn direct_balance(app: &App, p: &Phone) -> Money {
    app.store()
        .read(|c| customers::balance(c, p))
        .expect("the balance can be read")
}

pub fn direct_summary(app: &App, day: &str) -> pos_app::DaySummary {
    app.store()
        .read(|c| summary::day_summary(c, day))
        .expect("the summary can be read")
}

pub fn direct_active(app: &App) -> Vec<pos_app::OrderSummary> {
    app.store()
        .read(orders::active_summaries)
        .expect("the active orders can be read")
}

/// Asserts that every view the app serves equals a direct read of SQLite: the orders and
/// their bills, the active list, the balances of `phones`, today's summary and the profile.
#[track_caller]
pub fn assert_views_match_sqlite(app: &App, order_ids: &[OrderId], phones: &[&str], context: &str) {
    for &id in order_ids {
        assert_eq!(
            *app.order(id).expect("the order is served"),
            direct_order(app, id),
            "{context}: the served order must be what SQLite holds"
        );
        assert_eq!(
            *app.calculate_bill(id).expect("the bill is served"),
            direct_bill(app, id),
            "{context}: the served bill must be the one computed from SQLite"
        );
    }
    let active = direct_active(app);
    assert_eq!(
        *app.active_orders().expect("the active orders are served"),
        active,
        "{context}: the active-orders snapshot must be what SQLite holds"
    );
    let page = app
        .list_orders(&pos_app::ListOrders {
            limit: 200,
            ..Default::default()
        })
        .expect("the active list is served");
    assert_eq!(page.total, active.len() as u64, "{context}: list total");
    assert_eq!(
        page.orders,
        active.iter().take(200).cloned().collect::<Vec<_>>(),
        "{context}: the listed orders must be what SQLite holds"
    );
    for typed in phones {
        let p = phone(typed);
        let served = app.customer_balance(typed).expect("the balance is served");
        assert_eq!(
            served.balance,
            direct_balance(app, &p),
            "{context}: the served balance must be the ledger's sum"
        );
        assert_eq!(
            served.phone, p,
            "{context}: the balance is of the number asked for"
        );
    }
    let today = app.today().expect("the business day is known");
    assert_eq!(
        *app.billing_summary(None).expect("the summary is served"),
        direct_summary(app, &today),
        "{context}: the served summary must be SQLite's"
    );
    let profile = direct_profile(app);
    assert_eq!(
        *app.profile().expect("the profile is served"),
        profile,
        "{context}: the served profile must be SQLite's"
    );
    assert_eq!(
        *app.profile_lite().expect("the lite profile is served"),
        profile.lite(),
        "{context}: the lite profile must follow the profile"
    );
}

/// Sum of one tax component over bills.
pub fn component(bills: &[BillView], c: TaxComponent) -> Money {
    bills.iter().map(|b| b.bill.component_total(c)).sum()
}

/// This till's invoice numbers under the example profile: `ST1-<its series>-<n:06>`.
pub fn invoice(app: &App, n: u32) -> String {
    let series = app
        .store()
        .read(pos_store::db::invoice_series)
        .expect("the series reads");
    assert_eq!(
        series.len(),
        4,
        "a till is given a four-character series: {series}"
    );
    format!("ST1-{series}-{n:06}")
}
