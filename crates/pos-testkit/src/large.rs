//! Large, seeded data for the benchmarks: [`generate_large`] fills a till with a big menu,
//! a crowded floor, customers with long ledgers and (optionally) years of paid history,
//! and [`large_till`] / [`reopen_large_till`] open the till the benchmarks run on.
//!
//! The rows go straight through the store in large transactions (no outbox rows:
//! benchmark fixtures are not sales to sync), so this needs the store's write API, not
//! the use cases.

use pos_app::clock::Ids;
use pos_app::{AddLine, App, AppConfig, AppError, CacheConfig, Result};
use pos_core::day::{business_day, format_day};
use pos_core::order::NewOrder;
use pos_core::{Discount, Money, OrderId, OrderStatus, OrderType, PaymentMethod, Percent};
use pos_store::{catalog, customers};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Sizes for [`generate_large`].
#[derive(Clone, Copy, Debug)]
pub struct LargeData {
    pub menu_items: usize,
    pub active_orders: usize,
    pub lines_per_order: usize,
    pub customers: usize,
    pub ledger_rows: usize,
    pub paid_orders: usize,
}

impl Default for LargeData {
    fn default() -> Self {
        LargeData {
            menu_items: 20_000,
            active_orders: 1_000,
            lines_per_order: 5,
            customers: 1_000,
            ledger_rows: 100_000,
            paid_orders: 0,
        }
    }
}

/// Fills a till (which must have a profile) with large, seeded data for benchmarks:
/// menu items, active orders with lines, customers with ledger history. Goes through
/// the store directly in large transactions (no outbox rows: benchmark fixtures are not
/// sales to sync).
pub fn generate_large(app: &App, sizes: LargeData, seed: u64) -> Result<()> {
    let mut rng = StdRng::seed_from_u64(seed);
    let profile = app.profile()?;
    let now = app.now_ms();
    let day = app.today()?;
    let ids = Ids::default();
    let items: Vec<pos_core::MenuItem> = (0..sizes.menu_items)
        .map(|i| pos_core::MenuItem {
            sku: pos_core::Sku::parse(&format!("GEN-{i:06}")).unwrap_or_else(|_| unreachable!()),
            name: format!("Generated dish {i}"),
            category: format!("Category {:02}", i % 40),
            price: Money::from_minor(rng.random_range(20..2000) * 100),
            tax_class: "GST5".into(),
            active: true,
        })
        .collect();
    app.store().write(|tx| {
        pos_store::catalog::upsert_items(tx, &items, now)?;
        Ok::<_, AppError>(())
    })?;
    let class = profile
        .tax_class("GST5")
        .cloned()
        .ok_or_else(|| AppError::internal("no GST5 class"))?;
    for chunk_start in (0..sizes.active_orders).step_by(500) {
        app.store().write(|tx| {
            for n in chunk_start..(chunk_start + 500).min(sizes.active_orders) {
                let at = now - (sizes.active_orders - n) as i64 * 1000;
                let id = pos_core::OrderId::from_uuid(ids.make(at));
                let mut order = pos_core::Order::open(
                    id,
                    n as u32 + 1,
                    &NewOrder {
                        order_type: Some(OrderType::DineIn),
                        table: Some(format!("T{}", n % 60 + 1)),
                        ..NewOrder::default()
                    },
                    "91",
                    day.clone(),
                    at,
                )?;
                pos_store::orders::insert_order(tx, &order)?;
                for l in 0..sizes.lines_per_order {
                    let item = &items[rng.random_range(0..items.len().max(1))];
                    let line = pos_core::OrderLine {
                        id: pos_core::LineId::from_uuid(ids.make(at)),
                        sku: item.sku.clone(),
                        name: item.name.clone(),
                        qty: pos_core::Quantity::units(rng.random_range(1..4))?,
                        unit_price: item.price,
                        tax_class: class.code.clone(),
                        tax_rate: class.rate,
                        tax_split: class.split,
                        levies: class.levies.clone(),
                        discount: None,
                        note: String::new(),
                        sent_to_kitchen: false,
                        added_at_ms: at,
                        void: None,
                    };
                    pos_store::orders::insert_line(tx, id, l, &line)?;
                    order.lines.push(line);
                }
            }
            Ok::<_, AppError>(())
        })?;
    }
    let phones: Vec<pos_core::Phone> = (0..sizes.customers)
        .map(|i| pos_core::Phone::parse(&format!("9{:09}", 100_000_000 + i), "91"))
        .collect::<Result<_, _>>()?;
    app.store().write(|tx| {
        for (i, p) in phones.iter().enumerate() {
            pos_store::customers::upsert_customer(
                tx,
                &pos_core::Customer {
                    phone: p.clone(),
                    name: format!("Customer {i}"),
                    credit_limit: Money::from_minor(10_000_000),
                },
                now,
            )?;
        }
        Ok::<_, AppError>(())
    })?;
    for chunk_start in (0..sizes.ledger_rows).step_by(10_000) {
        app.store().write(|tx| {
            for n in chunk_start..(chunk_start + 10_000).min(sizes.ledger_rows) {
                let at = now - (sizes.ledger_rows - n) as i64 * 60_000;
                let charge = n % 3 != 2;
                let entry = pos_core::LedgerEntry {
                    id: pos_core::LedgerEntryId::from_uuid(ids.make(at)),
                    phone: phones[n % phones.len().max(1)].clone(),
                    kind: if charge {
                        pos_core::LedgerKind::Charge
                    } else {
                        pos_core::LedgerKind::Settlement
                    },
                    amount: Money::from_minor(rng.random_range(100..5000) * 100),
                    order_id: None,
                    method: (!charge).then_some(PaymentMethod::Cash),
                    note: String::new(),
                    at_ms: at,
                };
                pos_store::customers::insert_entry(tx, &entry, &day)?;
            }
            Ok::<_, AppError>(())
        })?;
    }
    generate_paid_history(app, &ids, &items, &class, sizes.paid_orders, &mut rng)?;
    // These rows went in behind the caches (no domain event): drop what they hold, or a
    // floor cached by the warm-up would keep serving the orders from before.
    app.clear_cache()?;
    Ok(())
}

/// Paid orders of past business days (1,000 a day, going back from yesterday), each with
/// 3 lines, a cash payment and its stored bill snapshot (invoice numbers from the till's
/// counter): the history a till accumulates over years. Written straight through the
/// store in transactions of 5,000 orders; computes each bill with the tax engine.
fn generate_paid_history(
    app: &App,
    ids: &Ids,
    items: &[pos_core::MenuItem],
    class: &pos_core::TaxClass,
    count: usize,
    rng: &mut StdRng,
) -> Result<()> {
    if count == 0 || items.is_empty() {
        return Ok(());
    }
    const PER_DAY: usize = 1_000;
    const DAY_MS: i64 = 86_400_000;
    let profile = app.profile()?;
    let settings = pos_core::bill::TaxSettings::from(&*profile);
    let today_start = app.now_ms() - DAY_MS;
    for chunk_start in (0..count).step_by(5_000) {
        app.store().write(|tx| {
            for n in chunk_start..(chunk_start + 5_000).min(count) {
                let days_back = (n / PER_DAY) as i64 + 1;
                let at = today_start - (days_back - 1) * DAY_MS - ((n % PER_DAY) as i64 * 50_000);
                let day = format_day(business_day(
                    at,
                    profile.utc_offset_minutes,
                    profile.day_starts_at_hour,
                ));
                let id = pos_core::OrderId::from_uuid(ids.make(at));
                let mut order = pos_core::Order::open(
                    id,
                    (n % PER_DAY) as u32 + 1,
                    &NewOrder {
                        order_type: Some(OrderType::Takeaway),
                        ..NewOrder::default()
                    },
                    "91",
                    day.clone(),
                    at,
                )?;
                for _ in 0..3 {
                    let item = &items[rng.random_range(0..items.len())];
                    order.lines.push(pos_core::OrderLine {
                        id: pos_core::LineId::from_uuid(ids.make(at)),
                        sku: item.sku.clone(),
                        name: item.name.clone(),
                        qty: pos_core::Quantity::units(rng.random_range(1..3))?,
                        unit_price: item.price,
                        tax_class: class.code.clone(),
                        tax_rate: class.rate,
                        tax_split: class.split,
                        levies: class.levies.clone(),
                        discount: None,
                        note: String::new(),
                        sent_to_kitchen: true,
                        added_at_ms: at,
                        void: None,
                    });
                }
                let bill = pos_core::bill::calculate_order(&order, false, &settings)?;
                order.status = OrderStatus::Paid;
                order.version = 6;
                order.updated_at_ms = at + 600_000;
                pos_store::orders::insert_order(tx, &order)?;
                for (i, line) in order.lines.iter().enumerate() {
                    pos_store::orders::insert_line(tx, id, i, line)?;
                }
                let payment = pos_core::Payment {
                    id: pos_core::PaymentId::from_uuid(ids.make(at)),
                    method: PaymentMethod::Cash,
                    amount: bill.total,
                    tendered: bill.total,
                    change: Money::ZERO,
                    reference: None,
                    customer_phone: None,
                    at_ms: at + 600_000,
                };
                pos_store::orders::insert_payment(tx, id, &payment, &day)?;
                let invoice = tx.next_counter("invoice")?;
                let invoice_no = format!("{}{:06}", profile.invoice_prefix, invoice);
                let paid = pos_core::PaidBill {
                    invoice_no,
                    bill,
                    paid_at_ms: at + 600_000,
                };
                pos_store::orders::insert_bill(tx, id, &paid, &day, at + 600_000)?;
            }
            Ok::<_, AppError>(())
        })?;
    }
    Ok(())
}

/// Phones of the generated customers, as typed.
pub fn generated_phone(i: usize) -> String {
    format!("9{:09}", 100_000_000 + i)
}

/// A till filled with [`generate_large`] data, for the benchmarks
/// (`pos-bench till`, criterion): the demo restaurant plus the generated menu, floor, customers and ledger,
/// and one open order of 20 lines.
#[derive(Debug)]
pub struct LargeTill {
    pub app: App,
    /// The active orders (the generated floor and the demo's two tables).
    pub orders: Vec<OrderId>,
    /// Phones of the generated customers, as typed.
    pub phones: Vec<String>,
    /// SKUs of generated menu items, for new lines.
    pub skus: Vec<String>,
    /// An open order with 20 lines.
    pub order_20: OrderId,
}

/// An open dine-in order with 20 lines (some discounted) at table T99.
fn open_order_of_20(app: &App, skus: &[String]) -> Result<OrderId> {
    let order_20 = app
        .create_order(NewOrder {
            order_type: Some(OrderType::DineIn),
            table: Some("T99".into()),
            ..NewOrder::default()
        })?
        .id;
    for i in 0..20 {
        app.add_line(AddLine {
            order_id: order_20,
            sku: skus[(i * 37) % skus.len()].clone(),
            qty: if i % 3 == 0 { "2".into() } else { "1".into() },
            discount: (i % 7 == 0).then(|| Discount::Percent(Percent::from_bps(1000).unwrap_or_default())),
            note: None,
            request_id: None,
        })?;
    }
    Ok(order_20)
}

/// Opens (creating) the till at `db_path` with `cache`, on the system clock, and fills it.
/// Takes a few seconds at the default sizes.
pub fn large_till(
    db_path: &std::path::Path,
    cache: CacheConfig,
    sizes: LargeData,
    seed: u64,
) -> Result<LargeTill> {
    let config = AppConfig {
        db_path: db_path.to_owned(),
        cache,
        load_demo: true,
        warm_up: true,
    };
    let app = App::open(config)?;
    generate_large(&app, sizes, seed)?;
    let skus: Vec<String> = (0..sizes.menu_items.min(1_000))
        .map(|i| format!("GEN-{i:06}"))
        .collect();
    let phones = (0..sizes.customers).map(generated_phone).collect();
    let order_20 = open_order_of_20(&app, &skus)?;
    let orders = app.active_orders()?.iter().map(|o| o.id).collect();
    Ok(LargeTill {
        app,
        orders,
        phones,
        skus,
        order_20,
    })
}

/// Opens a till that [`large_till`] filled earlier (another process made it, so this one's
/// memory is the till's alone), with a fresh open order of 20 lines.
pub fn reopen_large_till(db_path: &std::path::Path, cache: CacheConfig) -> Result<LargeTill> {
    let config = AppConfig {
        db_path: db_path.to_owned(),
        cache,
        load_demo: false,
        warm_up: true,
    };
    let app = App::open(config)?;
    let (customers, menu) = app
        .store()
        .read(|c| Ok::<_, AppError>((customers::customer_count(c)?, catalog::menu_count(c)?)))?;
    let generated = usize::try_from(menu)
        .unwrap_or(0)
        .saturating_sub(pos_app::demo::demo_menu().len());
    let phones = (0..usize::try_from(customers)
        .unwrap_or(0)
        .saturating_sub(pos_app::demo::DEMO_CUSTOMERS.len()))
        .map(generated_phone)
        .collect();
    let skus: Vec<String> = (0..generated.clamp(1, 1_000))
        .map(|i| format!("GEN-{i:06}"))
        .collect();
    let order_20 = open_order_of_20(&app, &skus)?;
    let orders = app.active_orders()?.iter().map(|o| o.id).collect();
    Ok(LargeTill {
        app,
        orders,
        phones,
        skus,
        order_20,
    })
}
