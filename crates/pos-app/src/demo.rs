//! The demo restaurant, loaded on first start so a new user can sell at once: the
//! profile (the one definition, [`pos_core::profile::example_profile`]), the menu,
//! customers with tabs, staff, two paid sales and two open tables.

use pos_core::order::NewOrder;
use pos_core::profile::example_profile;
use pos_core::{Money, OrderType, PaymentMethod, Tender};

use crate::staff::NewStaff;
use crate::usecases::catalog::MenuItemInput;
use crate::views::{AddLine, CustomerInput, RecordPayment, SettleBalance};
use crate::{Actor, App, Result};

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
    app.update_profile(Actor::System, example_profile())?;
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
