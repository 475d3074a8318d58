//! The OpenAPI 3 document at `/openapi.json`, generated from the code.
//!
//! Paths, methods, roles, parameters and error statuses come from
//! [`crate::routes::api::routes`], the same list the router is built from. Body schemas are
//! derived from example values of the real Rust types, serialised with serde exactly as
//! the server sends them ([`examples`]), so a field added to a type appears in the
//! document without anyone editing it. Every error shares the `Error` schema.

use std::collections::BTreeMap;

use pos_core::bill::TaxSettings;
use pos_core::order::NewOrder;
use pos_core::profile::example_profile;
use pos_core::{LineId, MenuItem, Money, Order, OrderId, OrderLine, OrderType, Profile, Quantity, Sku};
use serde::Serialize;
use serde_json::{Value, json};

use crate::routes::api::routes;

fn v<T: Serialize>(t: &T) -> Value {
    serde_json::to_value(t).unwrap_or(Value::Null)
}

fn example_order(profile: &Profile) -> Order {
    let mut order = Order::open(
        OrderId::from_uuid(uuid::Uuid::nil()),
        7,
        &NewOrder {
            order_type: Some(OrderType::Delivery),
            notes: Some("[swiggy] ring the bell".into()),
            ..NewOrder::default()
        },
        "91",
        "2026-11-24".into(),
        1_764_000_000_000,
    )
    .expect("the example order is valid");
    let item = MenuItem {
        sku: Sku::parse("MASALA-DOSA").expect("valid sku"),
        name: "Masala Dosa".into(),
        category: "Dosa".into(),
        price: Money::from_minor(120_00),
        tax_class: "GST5".into(),
        active: true,
    };
    let line = OrderLine::new(
        LineId::from_uuid(uuid::Uuid::nil()),
        &item,
        profile,
        Quantity::units(2).expect("valid quantity"),
        None,
        "",
        1_764_000_000_000,
    )
    .expect("the example line is valid");
    order
        .add_line(line, 1_764_000_000_000)
        .expect("the example order takes lines");
    order
}

/// Example values of every body, by schema name.
pub fn examples() -> BTreeMap<&'static str, Value> {
    use crate::backoffice::Location;
    use crate::backoffice::admin::{CacheReport, Cleared, Health};
    use crate::backoffice::billing::{Balance, BillingSummary, CalcInput, CalcLine};
    use crate::backoffice::orders::{ChannelLine, ChannelOrder, OrderPage, OrderRow, StatusChange};
    use crate::backoffice::payments::{PaymentInput, PaymentReceipt, TenderInput};
    use crate::backoffice::profile::BusinessSettings;
    use pos_core::summary::MethodTotal;

    let profile = example_profile();
    let order = example_order(&profile);
    let bill = pos_core::bill::calculate(&order.lines, None, &TaxSettings::from(&profile))
        .expect("the example bill computes");
    let id = uuid::Uuid::nil();
    let location = Location {
        id,
        name: "Main".into(),
    };
    let row = OrderRow {
        id,
        number: 7,
        order_type: OrderType::Delivery,
        table: None,
        status: pos_core::OrderStatus::Open,
        business_day: "2026-11-24".into(),
        location_id: Some(id),
        lines: 1,
        paid: Money::ZERO,
        updated_at_ms: 1_764_000_000_000,
        version: 2,
    };
    let cache = pos_cache::CacheStats {
        name: "profile".into(),
        enabled: true,
        hits: 90,
        misses: 10,
        hit_ratio: 0.9,
        loads: 10,
        load_failures: 0,
        stale_fills_dropped: 0,
        refreshes: 0,
        load_p50_us: 350.0,
        load_p99_us: 900.0,
        load_max_us: 1200.0,
        evictions_size: 0,
        evictions_expired: 0,
        invalidations: BTreeMap::from([("profile_updated".to_string(), 1)]),
        entries: 1,
        bytes: 900,
        capacity_bytes: 16 << 20,
        ttl_secs: 600,
        below_threshold: false,
    };
    let push = pos_protocol::sync::PushRequest {
        protocol_version: pos_protocol::PROTOCOL_VERSION,
        mutations: vec![pos_protocol::sync::PushMutation {
            mutation_id: pos_core::MutationId::from_uuid(id),
            seq: 1,
            mutation: pos_protocol::Mutation::OrderCreate {
                order: Box::new(order.clone()),
            },
        }],
    };
    let mut m = BTreeMap::new();
    m.insert("Text", json!("ok"));
    m.insert("Object", json!({}));
    m.insert(
        "Error",
        v(&pos_protocol::sync::ErrorBody {
            code: "invalid_input".into(),
            message: "payment amounts must be greater than zero".into(),
            expected_seq: Some(8),
            field: Some("tenders[0].amount".into()),
        }),
    );
    m.insert(
        "EnrollRequest",
        v(&pos_protocol::sync::EnrollRequest {
            code: "3f9c...".into(),
            device_name: "Till 1".into(),
        }),
    );
    m.insert(
        "EnrollResponse",
        v(&pos_protocol::sync::EnrollResponse {
            device_id: id,
            token: "64 hex characters".into(),
        }),
    );
    m.insert("PushRequest", v(&push));
    m.insert(
        "PushResponse",
        v(&pos_protocol::sync::PushResponse {
            results: vec![pos_protocol::sync::PushResult {
                mutation_id: pos_core::MutationId::from_uuid(id),
                seq: 1,
                status: pos_protocol::sync::PushStatus::Applied,
                reason: None,
                order: None,
            }],
            last_seq: 1,
        }),
    );
    m.insert(
        "PullResponse",
        v(&pos_protocol::sync::PullResponse {
            cursor: pos_protocol::sync::encode_cursor(42),
            changes: vec![pos_protocol::sync::Change {
                version: 42,
                mutation_id: pos_core::MutationId::from_uuid(id),
                mutation: push.mutations[0].mutation.clone(),
            }],
            reset: false,
            has_more: false,
            last_seq: 1,
        }),
    );
    m.insert(
        "BusinessSettings",
        v(&BusinessSettings {
            currency: profile.currency.clone(),
            country_code: profile.country_code.clone(),
            utc_offset_minutes: profile.utc_offset_minutes,
            day_starts_at_hour: profile.day_starts_at_hour,
            pricing: profile.pricing,
            tax_rounding: profile.tax_rounding,
            rounding: profile.rounding,
            cash_rounding_increment: profile.cash_rounding_increment,
            service_charge: profile.service_charge,
            service_charge_taxed: profile.service_charge_taxed,
            tax_classes: profile.tax_classes.clone(),
            locations: vec![location.clone()],
        }),
    );
    m.insert("Profile", v(&profile));
    m.insert("ProfileLite", v(&profile.lite()));
    m.insert(
        "ProfilePatch",
        json!({"receipt_footer": "Thank you!", "service_charge": 500}),
    );
    m.insert(
        "OrderPage",
        v(&OrderPage {
            total: 1,
            limit: 50,
            offset: 0,
            orders: vec![row],
        }),
    );
    m.insert("Order", v(&order));
    m.insert(
        "ChannelOrder",
        v(&ChannelOrder {
            location_id: id.to_string(),
            channel: "swiggy".into(),
            order_type: Some("delivery".into()),
            table: None,
            customer_phone: Some("98450 12345".into()),
            notes: Some("ring the bell".into()),
            lines: vec![ChannelLine {
                sku: "MASALA-DOSA".into(),
                qty: json!(2),
                note: None,
            }],
        }),
    );
    m.insert(
        "StatusChange",
        v(&StatusChange {
            status: "sent_to_kitchen".into(),
        }),
    );
    m.insert(
        "PaymentInput",
        v(&PaymentInput {
            order_id: id.to_string(),
            tenders: vec![TenderInput {
                method: "cash".into(),
                amount: 300_00,
                reference: None,
            }],
        }),
    );
    m.insert(
        "PaymentReceipt",
        v(&PaymentReceipt {
            order: order.clone(),
            payments: Vec::new(),
            change: Money::from_minor(48_00),
            due: Money::ZERO,
            invoice_no: Some(format!("{}S-000001", profile.invoice_prefix)),
        }),
    );
    m.insert(
        "Balance",
        v(&Balance {
            phone: "+919845012345".into(),
            name: Some("Asha".into()),
            balance: Money::from_minor(250_00),
            credit_limit: Money::from_minor(2000_00),
            entries: 3,
        }),
    );
    m.insert(
        "BillingSummary",
        v(&BillingSummary {
            day: pos_core::summary::DaySummary {
                business_day: "2026-11-24".into(),
                bills: 9,
                orders_open: 2,
                orders_void: 1,
                gross: Money::from_minor(4115_00),
                discounts: Money::ZERO,
                service_charge: Money::ZERO,
                cgst: Money::from_minor(102_88),
                sgst: Money::from_minor(102_88),
                igst: Money::ZERO,
                other_tax: Money::ZERO,
                tax_total: Money::from_minor(205_76),
                tax_included: Money::ZERO,
                round_off: Money::from_minor(24),
                total: Money::from_minor(4321_00),
                payments: vec![MethodTotal {
                    method: pos_core::PaymentMethod::Cash,
                    count: 9,
                    amount: Money::from_minor(4321_00),
                }],
                settlements: Vec::new(),
                voided_lines: 1,
                voided_amount: Money::from_minor(120_00),
            },
            location_id: None,
            orders: 12,
            orders_paid: 9,
            bill_mismatches: 0,
        }),
    );
    m.insert(
        "CalcInput",
        v(&CalcInput {
            lines: vec![CalcLine {
                name: "Masala Dosa".into(),
                unit_price: 120_00,
                qty: json!(2),
                tax_class: "GST5".into(),
                discount: None,
            }],
            discount: None,
        }),
    );
    m.insert("Bill", v(&bill));
    m.insert(
        "CacheReport",
        v(&CacheReport {
            instance: id,
            enabled: true,
            listening: true,
            caches: vec![cache],
        }),
    );
    m.insert("Cleared", v(&Cleared { entries_cleared: 12 }));
    m.insert(
        "Health",
        v(&Health {
            status: "ok".into(),
            database: true,
            cache_listener: true,
        }),
    );
    m
}

/// A JSON schema describing `value`'s shape (types, properties, items).
pub fn schema_of(value: &Value) -> Value {
    match value {
        Value::Null => json!({ "nullable": true }),
        Value::Bool(_) => json!({ "type": "boolean" }),
        Value::Number(n) if n.is_i64() || n.is_u64() => json!({ "type": "integer", "format": "int64" }),
        Value::Number(_) => json!({ "type": "number" }),
        Value::String(_) => json!({ "type": "string" }),
        Value::Array(items) => json!({
            "type": "array",
            "items": items.first().map(schema_of).unwrap_or_else(|| json!({})),
        }),
        Value::Object(fields) => {
            let properties: serde_json::Map<String, Value> =
                fields.iter().map(|(k, v)| (k.clone(), schema_of(v))).collect();
            let required: Vec<&String> = fields
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, _)| k)
                .collect();
            json!({ "type": "object", "properties": properties, "required": required })
        }
    }
}

fn error_text(status: u16) -> &'static str {
    match status {
        400 => "Malformed request: bad JSON, wrong types, bad query string.",
        401 => "Missing, unknown or revoked token.",
        403 => "The token's role may not call this route.",
        404 => "No such id in the caller's organisation.",
        409 => "The current state forbids it (paid order, no profile yet, seq gap).",
        413 => "Body larger than the server's limit.",
        415 => "A body without `content-type: application/json`.",
        422 => "Input out of range; `field` names it.",
        503 => "The database is unavailable; retry.",
        _ => "Error.",
    }
}

/// The document.
pub fn document() -> Value {
    let examples = examples();
    let mut paths: BTreeMap<&str, serde_json::Map<String, Value>> = BTreeMap::new();
    for (doc, _) in routes() {
        let mut responses = serde_json::Map::new();
        let body = |name: &str| json!({ "application/json": { "schema": { "$ref": format!("#/components/schemas/{name}") } } });
        responses.insert(
            doc.status.to_string(),
            json!({ "description": "Success.", "content": body(doc.response) }),
        );
        for e in doc.errors {
            responses.insert(
                e.to_string(),
                json!({ "description": error_text(*e), "content": body("Error") }),
            );
        }
        let mut op = json!({
            "summary": doc.summary,
            "operationId": format!("{}{}", doc.method.as_str().to_lowercase(), doc.path.replace(['/', '{', '}', '-', '.'], "_")),
            "responses": responses,
            "x-role": doc.role.map(|r| r.as_str()),
            "parameters": doc.params.iter().map(|(name, place, required, description)| json!({
                "name": name, "in": place, "required": required, "description": description,
                "schema": { "type": "string" },
            })).collect::<Vec<_>>(),
        });
        if doc.role.is_some() {
            op["security"] = json!([{ "bearer": [] }]);
        }
        if let Some(req) = doc.request {
            op["requestBody"] = json!({ "required": true, "content": body(req) });
        }
        paths
            .entry(doc.path)
            .or_default()
            .insert(doc.method.as_str().to_lowercase(), op);
    }
    let schemas: serde_json::Map<String, Value> = examples
        .iter()
        .map(|(name, ex)| {
            let mut s = schema_of(ex);
            s["example"] = ex.clone();
            (name.to_string(), s)
        })
        .collect();
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "pos-server",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Sync endpoints for tills and the back-office REST API. The organisation always comes from the bearer token. Money is integer minor units (paise, cents).",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_body_the_routes_name_has_a_schema() {
        let doc = document();
        let schemas = &doc["components"]["schemas"];
        for (route, _) in routes() {
            for name in route.request.into_iter().chain([route.response, "Error"]) {
                assert!(
                    schemas.get(name).is_some(),
                    "{} {} names {name}, which has no schema",
                    route.method,
                    route.path
                );
            }
        }
    }
}
