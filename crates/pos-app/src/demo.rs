//! The demo restaurant, loaded on first start so a new user can sell at once, and a
//! generator of large data for benchmarks.

use pos_core::order::NewOrder;
use pos_core::profile::{
    GstHalf, PricingMode, RoundOffTo, TaxRegistration, TaxRoundingLevel, TaxesRounded, gstin_check_char,
};
use pos_core::{CashRounding, OrderTypes};
use pos_core::{
    Currency, Money, OrderStatus, OrderType, PaymentMethod, Percent, Profile, Rounding, TaxClass, TaxRate,
    TaxSplit, Tender,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::staff::NewStaff;
use crate::usecases::catalog::MenuItemInput;
use crate::views::{AddLine, CustomerInput, RecordPayment, SettleBalance};
use crate::{Actor, App, AppError, Result};

/// GSTIN of the demo (Karnataka, state code 29), with a computed check character.
pub fn demo_gstin() -> String {
    let first = "29AAKCS1234F1Z";
    let check = gstin_check_char(first).map(char::from).unwrap_or('0');
    format!("{first}{check}")
}

/// The demo restaurant's profile: an Indian restaurant charging 5% GST as CGST + SGST,
/// prices exclusive of tax, bills rounded to the rupee.
pub fn demo_profile() -> Profile {
    let rate = |bps| TaxRate::from_bps(bps).unwrap_or_default();
    Profile {
        name: "Saffron Table".into(),
        legal_name: "Saffron Table Hospitality Pvt Ltd".into(),
        address: "12, 100 Feet Road, Indiranagar, Bengaluru 560038, Karnataka".into(),
        phone: "080 4123 4567".into(),
        email: "hello@saffrontable.example".into(),
        tax_registration: Some(TaxRegistration {
            scheme: "GSTIN".into(),
            number: demo_gstin(),
        }),
        currency: Currency::inr(),
        country_code: "91".into(),
        utc_offset_minutes: 330,
        day_starts_at_hour: 4,
        tax_classes: vec![
            TaxClass {
                code: "GST5".into(),
                name: "GST 5%".into(),
                rate: rate(500),
                split: TaxSplit::CgstSgst,
                levies: Vec::new(),
            },
            TaxClass {
                code: "GST18".into(),
                name: "GST 18%".into(),
                rate: rate(1800),
                split: TaxSplit::CgstSgst,
                levies: Vec::new(),
            },
            TaxClass {
                code: "EXEMPT".into(),
                name: "Exempt".into(),
                rate: rate(0),
                split: TaxSplit::CgstSgst,
                levies: Vec::new(),
            },
        ],
        pricing: PricingMode::Exclusive,
        tax_rounding: TaxRoundingLevel::PerDocument,
        rounding: Rounding::HalfUp,
        odd_paisa_to: GstHalf::Cgst,
        cash_rounding_increment: Money::from_minor(100),
        service_charge: Percent::ZERO,
        service_charge_taxed: true,
        service_charge_tax_class: "GST5".into(),
        receipt_header: "Saffron Table\nIndiranagar, Bengaluru".into(),
        receipt_footer: "Thank you! Visit again.".into(),
        invoice_prefix: "ST1-".into(),
        taxes_rounded: TaxesRounded::Together,
        cash_rounding: CashRounding::Nearest,
        round_off_to: RoundOffTo::Line,
        service_charge_order_types: OrderTypes::ALL,
    }
}

/// (name, price in rupees)
type Dish = (&'static str, i64);

/// (SKU prefix, category, dishes)
const MENU: &[(&str, &str, &[Dish])] = &[
    (
        "ST",
        "Starters",
        &[
            ("Paneer Tikka", 280),
            ("Hara Bhara Kebab", 220),
            ("Chicken 65", 300),
            ("Gobi Manchurian", 210),
            ("Chilli Paneer", 260),
            ("Tandoori Mushroom", 250),
            ("Fish Amritsari", 340),
            ("Mutton Seekh Kebab", 380),
            ("Veg Spring Roll", 190),
            ("Chicken Lollipop", 290),
        ],
    ),
    (
        "TN",
        "Tandoor",
        &[
            ("Tandoori Chicken Half", 320),
            ("Tandoori Chicken Full", 580),
            ("Chicken Tikka", 330),
            ("Malai Tikka", 340),
            ("Tandoori Prawns", 520),
            ("Achari Paneer Tikka", 290),
        ],
    ),
    (
        "MV",
        "Mains - Veg",
        &[
            ("Dal Makhani", 240),
            ("Dal Tadka", 190),
            ("Paneer Butter Masala", 280),
            ("Palak Paneer", 270),
            ("Kadai Paneer", 280),
            ("Malai Kofta", 290),
            ("Chana Masala", 210),
            ("Aloo Gobi", 200),
            ("Bhindi Masala", 210),
            ("Mix Veg Curry", 220),
            ("Baingan Bharta", 220),
            ("Rajma Masala", 200),
        ],
    ),
    (
        "MN",
        "Mains - Non-Veg",
        &[
            ("Butter Chicken", 340),
            ("Chicken Tikka Masala", 340),
            ("Kadai Chicken", 320),
            ("Chicken Chettinad", 330),
            ("Mutton Rogan Josh", 420),
            ("Mutton Korma", 420),
            ("Goan Fish Curry", 380),
            ("Prawn Masala", 450),
            ("Egg Curry", 220),
            ("Keema Matar", 390),
        ],
    ),
    (
        "BR",
        "Biryani & Rice",
        &[
            ("Veg Biryani", 260),
            ("Chicken Dum Biryani", 320),
            ("Mutton Biryani", 400),
            ("Egg Biryani", 250),
            ("Jeera Rice", 160),
            ("Steamed Rice", 120),
            ("Curd Rice", 150),
            ("Veg Pulao", 200),
        ],
    ),
    (
        "BD",
        "Breads",
        &[
            ("Tandoori Roti", 30),
            ("Butter Roti", 40),
            ("Plain Naan", 50),
            ("Butter Naan", 60),
            ("Garlic Naan", 80),
            ("Laccha Paratha", 70),
            ("Kulcha", 70),
            ("Missi Roti", 60),
            ("Cheese Naan", 110),
        ],
    ),
    (
        "SI",
        "South Indian",
        &[
            ("Masala Dosa", 120),
            ("Plain Dosa", 100),
            ("Rava Dosa", 130),
            ("Idli Vada", 90),
            ("Medu Vada", 80),
            ("Uttapam", 120),
            ("Pongal", 110),
            ("Set Dosa", 110),
        ],
    ),
    (
        "DS",
        "Desserts",
        &[
            ("Gulab Jamun", 90),
            ("Rasmalai", 120),
            ("Kulfi", 100),
            ("Gajar Halwa", 130),
            ("Phirni", 110),
            ("Brownie with Ice Cream", 180),
            ("Mango Lassi Pudding", 140),
        ],
    ),
    (
        "BV",
        "Beverages",
        &[
            ("Masala Chai", 50),
            ("Filter Coffee", 60),
            ("Sweet Lassi", 90),
            ("Salted Lassi", 80),
            ("Mango Lassi", 110),
            ("Fresh Lime Soda", 90),
            ("Buttermilk", 60),
            ("Cold Coffee", 140),
            ("Watermelon Juice", 120),
            ("Masala Soda", 80),
        ],
    ),
];

/// Packaged goods sold at 18% and exempt items.
const OTHER: &[(&str, &str, &str, i64, &str)] = &[
    ("PK-WATER", "Packaged", "Mineral Water 1L", 40, "GST18"),
    ("PK-SODA", "Packaged", "Soft Drink Can", 60, "GST18"),
    ("PK-CHOC", "Packaged", "Chocolate Bar", 80, "GST18"),
    ("EX-CURD", "Add-ons", "Fresh Curd Bowl", 50, "EXEMPT"),
];

/// The demo menu (90 items).
pub fn demo_menu() -> Vec<MenuItemInput> {
    let mut out = Vec::new();
    for (prefix, category, items) in MENU {
        for (i, (name, rupees)) in items.iter().enumerate() {
            out.push(MenuItemInput {
                sku: format!("{prefix}-{:02}", i + 1),
                name: (*name).into(),
                category: (*category).into(),
                price: Money::from_minor(rupees * 100),
                tax_class: "GST5".into(),
                active: true,
            });
        }
    }
    for (sku, category, name, rupees, class) in OTHER {
        out.push(MenuItemInput {
            sku: (*sku).into(),
            name: (*name).into(),
            category: (*category).into(),
            price: Money::from_minor(rupees * 100),
            tax_class: (*class).into(),
            active: true,
        });
    }
    out
}

/// Demo customers: (phone as typed, name, credit limit in rupees).
pub const DEMO_CUSTOMERS: &[(&str, &str, i64)] = &[
    ("98450 12345", "Asha Rao", 5_000),
    ("+91 99860 54321", "Vikram Shetty", 10_000),
    ("080 2345 6789", "Koramangala Tech Park (office tab)", 50_000),
    ("97411-22334", "Meera Iyer", 2_000),
];

/// The demo restaurant's staff: (name, role, PIN). Printed in the README; a real
/// restaurant creates its own first manager instead.
pub const DEMO_STAFF: &[(&str, pos_core::Role, &str)] = &[
    ("Meera (manager)", pos_core::Role::Manager, "1234"),
    ("Ravi (cashier)", pos_core::Role::Cashier, "1111"),
];

/// Loads the demo restaurant through the normal use cases, so it is real data: the profile,
/// the menu, customers, a few on-account sales and a settlement, and two open tables.
pub fn load_demo(app: &App) -> Result<()> {
    let _span = tracing::info_span!("load_demo").entered();
    app.update_profile(Actor::System, demo_profile())?;
    app.import_menu(demo_menu())?;
    for (name, role, pin) in DEMO_STAFF {
        app.create_staff(
            Actor::System,
            NewStaff {
                name: (*name).into(),
                role: *role,
                pin: (*pin).into(),
                request_id: None,
            },
        )?;
    }
    for (phone, name, limit) in DEMO_CUSTOMERS {
        app.upsert_customer(CustomerInput {
            phone: (*phone).into(),
            name: (*name).into(),
            credit_limit: Money::from_minor(limit * 100),
        })?;
    }
    // Tabs: Asha and the office have charges; Asha paid part of hers.
    for (phone, items) in [
        ("98450 12345", &[("MV-01", "2"), ("BD-04", "4")][..]),
        ("080 2345 6789", &[("SI-01", "6"), ("BV-01", "6")][..]),
    ] {
        let order = app.create_order(NewOrder {
            order_type: Some(OrderType::Takeaway),
            customer_phone: Some(phone.into()),
            ..NewOrder::default()
        })?;
        for (sku, qty) in items {
            app.add_line(AddLine {
                order_id: order.id,
                sku: (*sku).into(),
                qty: (*qty).into(),
                discount: None,
                note: None,
                request_id: None,
            })?;
        }
        let bill = app.calculate_bill(order.id)?;
        app.record_payment(RecordPayment {
            order_id: order.id,
            tenders: vec![Tender {
                method: PaymentMethod::OnAccount,
                amount: bill.due,
                reference: None,
            }],
            request_id: None,
        })?;
    }
    app.settle_balance(SettleBalance {
        phone: "9845012345".into(),
        amount: Money::from_minor(200_00),
        method: PaymentMethod::Upi,
        note: Some("part payment".into()),
        request_id: None,
    })?;
    // Two tables on the floor.
    for (table, lines) in [
        ("T2", &[("ST-01", "1"), ("MN-01", "1"), ("BD-05", "2")][..]),
        ("T5", &[("BR-02", "2"), ("BV-05", "2")][..]),
    ] {
        let order = app.create_order(NewOrder {
            order_type: Some(OrderType::DineIn),
            table: Some(table.into()),
            ..NewOrder::default()
        })?;
        for (sku, qty) in lines {
            app.add_line(AddLine {
                order_id: order.id,
                sku: (*sku).into(),
                qty: (*qty).into(),
                discount: None,
                note: None,
                request_id: None,
            })?;
        }
    }
    tracing::info!("demo restaurant loaded");
    Ok(())
}

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
                let id = pos_core::OrderId::from_uuid(app.ids.make(at));
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
                        id: pos_core::LineId::from_uuid(app.ids.make(at)),
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
                    id: pos_core::LedgerEntryId::from_uuid(app.ids.make(at)),
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
    generate_paid_history(app, &items, &class, sizes.paid_orders, &mut rng)?;
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
                let day = app.day_of(&profile, at);
                let id = pos_core::OrderId::from_uuid(app.ids.make(at));
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
                        id: pos_core::LineId::from_uuid(app.ids.make(at)),
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
                    id: pos_core::PaymentId::from_uuid(app.ids.make(at)),
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
