//! The business profile and the menu import.

use pos_app::Actor;
use pos_app::ErrorCode;
use pos_app::usecases::catalog::MenuItemInput;
use pos_core::profile::{PricingMode, TaxRegistration};
use pos_core::{Currency, Profile};

use crate::support::*;

#[test]
fn a_till_without_a_profile_says_so_before_selling() {
    let app = bare_app();
    let err = expect_code(app.profile(), ErrorCode::NotFound);
    assert!(err.message.contains("profile"), "{err:?}");
    refused_unchanged(&app, ErrorCode::NotFound, "an order before the profile", || {
        app.create_order(Default::default())
    });
    refused_unchanged(&app, ErrorCode::NotFound, "a menu before the profile", || {
        app.import_menu(pos_testkit::example_menu())
    });
}

#[test]
fn a_profile_update_is_served_at_once() {
    let app = test_app();
    assert_eq!(app.profile().unwrap().name, "Saffron Table");
    let mut p = pos_testkit::example_profile();
    p.name = "  Saffron Table Koramangala ".into();
    p.pricing = PricingMode::Inclusive;
    let saved = app.update_profile(Actor::System, p).unwrap();
    assert_eq!(saved.name, "Saffron Table Koramangala", "text is trimmed");
    assert_eq!(app.profile().unwrap().name, "Saffron Table Koramangala");
    let lite = app.profile_lite().unwrap();
    assert_eq!(lite.name, "Saffron Table Koramangala", "the lite view follows");
    assert!(lite.prices_include_tax);
    assert_eq!(*app.profile().unwrap(), direct_profile(&app));
}

#[test]
fn profile_validation_errors_name_the_field_and_change_nothing() {
    let app = test_app();
    type Edit = fn(&mut Profile);
    let cases: &[(&str, Edit)] = &[
        ("name", |p| p.name = "   ".into()),
        ("name", |p| p.name = "x".repeat(121)),
        ("email", |p| p.email = "not-an-email".into()),
        ("country_code", |p| p.country_code = "9a".into()),
        ("country_code", |p| p.country_code = String::new()),
        ("phone", |p| p.phone = "12".into()),
        ("currency", |p| {
            p.currency = Currency {
                code: "inr".into(),
                exponent: 2,
            }
        }),
        ("tax_registration", |p| {
            p.tax_registration = Some(TaxRegistration {
                scheme: "GSTIN".into(),
                number: "29AAKCS1234F1Z0".into(),
            })
        }),
        ("utc_offset_minutes", |p| p.utc_offset_minutes = 15 * 60),
        ("day_starts_at_hour", |p| p.day_starts_at_hour = 24),
        ("tax_classes", |p| p.tax_classes.clear()),
        ("tax_classes", |p| {
            let dup = p.tax_classes[0].clone();
            p.tax_classes.push(dup);
        }),
        ("cash_rounding_increment", |p| p.cash_rounding_increment = m(-1)),
        ("service_charge_tax_class", |p| {
            p.service_charge_tax_class = "NOPE".into()
        }),
        ("receipt_footer", |p| p.receipt_footer = "x".repeat(501)),
        ("address", |p| p.address = "x".repeat(501)),
        ("invoice_prefix", |p| p.invoice_prefix = "X".repeat(13)),
    ];
    // The demo GSTIN must really be wrong in the case above, or that case proves nothing.
    assert_ne!(pos_core::profile::example_gstin(), "29AAKCS1234F1Z0");
    for (field, edit) in cases {
        let mut p = pos_testkit::example_profile();
        edit(&mut p);
        let err = refused_unchanged(&app, ErrorCode::Validation, &format!("bad {field}"), || {
            app.update_profile(Actor::System, p)
        });
        assert_eq!(
            err.field.as_deref(),
            Some(*field),
            "the error names the field: {err:?}"
        );
    }
    assert_eq!(
        *app.profile().unwrap(),
        pos_testkit::example_profile(),
        "the profile is untouched"
    );
}

fn item(sku: &str, name: &str, price: i64, class: &str) -> MenuItemInput {
    MenuItemInput {
        sku: sku.into(),
        name: name.into(),
        category: "Specials".into(),
        price: m(price),
        tax_class: class.into(),
        active: true,
    }
}

#[test]
fn a_menu_import_is_all_or_nothing_and_names_the_bad_row() {
    let app = test_app();
    let menu_before = app.list_menu(true).unwrap();
    let err = refused_unchanged(&app, ErrorCode::Validation, "row 2 has an unknown class", || {
        app.import_menu(vec![
            item("SP-01", "Chef's Thali", 450_00, "GST5"),
            item("SP-02", "Imported Cheese", 900_00, "GST28"),
            item("SP-03", "Kesar Kulfi", 150_00, "GST5"),
        ])
    });
    assert!(
        err.message.contains("item 2"),
        "the message names the row: {err:?}"
    );
    assert_eq!(err.field.as_deref(), Some("tax_class"));
    assert_eq!(
        app.list_menu(true).unwrap(),
        menu_before,
        "not even row 1 was written"
    );

    let err = refused_unchanged(&app, ErrorCode::Validation, "row 3 repeats a SKU", || {
        app.import_menu(vec![
            item("SP-01", "Chef's Thali", 450_00, "GST5"),
            item("SP-02", "Masala Papad", 60_00, "GST5"),
            item("sp-01", "Thali again", 450_00, "GST5"),
        ])
    });
    assert!(err.message.contains("item 3"), "{err:?}");
    let err = refused_unchanged(&app, ErrorCode::Validation, "negative price", || {
        app.import_menu(vec![item("SP-01", "Thali", -1, "GST5")])
    });
    assert!(err.message.contains("item 1"), "{err:?}");
    assert_eq!(err.field.as_deref(), Some("price"));
    refused_unchanged(&app, ErrorCode::Validation, "a bad SKU", || {
        app.import_menu(vec![item("SP 01", "Thali", 1_00, "GST5")])
    });
    refused_unchanged(&app, ErrorCode::Validation, "an empty import", || {
        app.import_menu(vec![])
    });

    let n = app
        .import_menu(vec![
            item("SP-01", "Chef's Thali", 450_00, "GST5"),
            item("ST-01", "Paneer Tikka (new price)", 300_00, "GST5"),
        ])
        .expect("a good import is written");
    assert_eq!(n, 2);
    let menu = app.list_menu(true).unwrap();
    assert_eq!(menu.len(), menu_before.len() + 1, "one new item, one replaced");
    let tikka = menu.iter().find(|i| i.sku.as_str() == "ST-01").unwrap();
    assert_eq!(tikka.price, m(300_00), "an existing SKU is updated");
    let o = dine_in(&app, "T1");
    assert_eq!(
        add(&app, o.id, "SP-01", "1").lines[0].name,
        "Chef's Thali",
        "and sells at once"
    );
}

#[test]
fn an_inactive_item_cannot_be_sold() {
    let app = test_app();
    let mut off = item("ST-01", "Paneer Tikka", 280_00, "GST5");
    off.active = false;
    app.import_menu(vec![off]).unwrap();
    assert!(
        app.list_menu(false)
            .unwrap()
            .iter()
            .all(|i| i.sku.as_str() != "ST-01"),
        "the active menu hides it"
    );
    let o = dine_in(&app, "T1");
    let err = refused_unchanged(&app, ErrorCode::Validation, "an inactive item", || {
        app.add_line(line(o.id, "ST-01", "1"))
    });
    assert_eq!(err.field.as_deref(), Some("sku"));
}
