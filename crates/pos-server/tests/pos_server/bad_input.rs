//! Generated bad input against every back-office route: whatever arrives, the answer is a
//! 2xx or a 4xx with the JSON error body, never a 5xx. And no token or phone number is
//! ever logged.

use std::sync::{Arc, Mutex};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::Method;
use serde_json::{Value, json};

use crate::api::channel_order;
use crate::helpers::{location, seeded_server};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop_oneof![Just(-1i64), Just(0), Just(1), Just(i64::MAX), Just(i64::MIN)].prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,40}".prop_map(Value::from),
        "[0-9 +()-]{0,20}".prop_map(Value::from),
        // NUL (PostgreSQL stores it in neither text nor jsonb) and other control characters.
        prop_oneof![Just("\0"), Just("x\0y"), Just("\u{7}"), Just("a\r\nb")].prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Percent-encodes everything but letters and digits, so any text fits in a path.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A valid body with one field (top level or in its first line/tender) replaced.
fn mutate(template: &Value, key: &str, nested: Option<&str>, replacement: Value) -> Value {
    let mut body = template.clone();
    match nested {
        Some(list) => {
            if let Some(first) = body[list].get_mut(0) {
                first[key] = replacement;
            }
        }
        None => body[key] = replacement,
    }
    body
}

/// A route, a valid body, the fields to replace and the list they sit in (if nested).
type Template = (Method, String, Value, Vec<&'static str>, Option<&'static str>);

#[derive(Clone, Debug)]
enum Probe {
    Body {
        method: Method,
        path: String,
        body: Value,
    },
    Raw {
        method: Method,
        path: String,
        body: String,
    },
    Get {
        path: String,
    },
}

#[test]
fn no_generated_input_gets_a_server_error_or_a_body_without_the_error_shape() {
    let logs = Arc::new(Mutex::new(Vec::<u8>::new()));
    let sink = logs.clone();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(pos_server::log_filter(Some("debug")))
        .with_writer(move || LogWriter(sink.clone()))
        .try_init();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (mut server, _t, device, manager, admin) = rt.block_on(seeded_server());
    let base = server.base.clone();
    let id = rt.block_on(channel_order(&server, &base, &manager, Some("98450 12345")));
    let loc = rt.block_on(location(&server, server.org)).to_string();
    let (_, profile) = rt.block_on(server.get_json(&base, "/business-profile", &device));

    let order_body = json!({"location_id": loc, "channel": "web", "customer_phone": "98450 12345",
        "lines": [{"sku": pos_testkit::example_menu()[0].sku.as_str(), "qty": 1, "note": "x"}]});
    // One minor unit at a time, so the order stays payable through thousands of probes.
    let pay_body = json!({"order_id": id, "tenders": [{"method": "cash", "amount": 1, "reference": null}]});
    let calc_body = json!({"lines": [{"name": "Dosa", "unit_price": 100, "qty": 1, "tax_class": "GST5", "discount": null}], "discount": null});
    let templates: Vec<Template> = vec![
        (
            Method::POST,
            "/orders".into(),
            order_body.clone(),
            vec![
                "location_id",
                "channel",
                "order_type",
                "table",
                "customer_phone",
                "notes",
                "lines",
            ],
            None,
        ),
        (
            Method::POST,
            "/orders".into(),
            order_body,
            vec!["sku", "qty", "note"],
            Some("lines"),
        ),
        (
            Method::POST,
            "/payments".into(),
            pay_body.clone(),
            vec!["order_id", "tenders"],
            None,
        ),
        (
            Method::POST,
            "/payments".into(),
            pay_body,
            vec!["method", "amount", "reference"],
            Some("tenders"),
        ),
        (
            Method::POST,
            "/billing/calculate-bill".into(),
            calc_body.clone(),
            vec!["lines", "discount"],
            None,
        ),
        (
            Method::POST,
            "/billing/calculate-bill".into(),
            calc_body,
            vec!["name", "unit_price", "qty", "tax_class", "discount"],
            Some("lines"),
        ),
        (
            Method::PUT,
            format!("/orders/{id}"),
            json!({"status": "served"}),
            vec!["status"],
            None,
        ),
        (
            Method::POST,
            "/business-profile/update".into(),
            json!({"receipt_footer": "x"}),
            vec![
                "receipt_footer",
                "currency",
                "tax_classes",
                "country_code",
                "cash_rounding_increment",
            ],
            None,
        ),
        (
            Method::PUT,
            "/business-profile".into(),
            profile.clone(),
            vec![
                "name",
                "currency",
                "tax_classes",
                "service_charge",
                "rounding",
                "day_starts_at_hour",
            ],
            None,
        ),
    ];
    let n = templates.len();
    let field_probe = (0..n, 0..8usize, arb_json()).prop_map(move |(t, k, v)| {
        let (method, path, body, keys, nested) = &templates[t];
        let key = keys[k % keys.len()];
        Probe::Body {
            method: method.clone(),
            path: path.clone(),
            body: mutate(body, key, *nested, v),
        }
    });
    let write_paths = [
        (Method::POST, "/orders".to_string()),
        (Method::PUT, format!("/orders/{id}")),
        (Method::POST, "/payments".into()),
        (Method::POST, "/billing/calculate-bill".into()),
        (Method::POST, "/business-profile/update".into()),
        (Method::PUT, "/business-profile".into()),
        (Method::POST, "/sync/push".into()),
        (Method::POST, "/sync/enroll".into()),
    ];
    let whole_body = (0..write_paths.len(), arb_json()).prop_map({
        let w = write_paths.clone();
        move |(i, body)| Probe::Body {
            method: w[i].0.clone(),
            path: w[i].1.clone(),
            body,
        }
    });
    let raw_body = (0..write_paths.len(), ".{0,60}").prop_map({
        let w = write_paths.clone();
        move |(i, body)| Probe::Raw {
            method: w[i].0.clone(),
            path: w[i].1.clone(),
            body,
        }
    });
    let gets = (0..6usize, ".{0,30}", ".{0,30}").prop_map(|(i, a, b)| Probe::Get {
        path: match i {
            0 => format!("/orders/{}", encode(&a)),
            1 => format!("/billing/customer-balance/{}", encode(&a)),
            2 => format!("/orders?status={}&from={}", encode(&a), encode(&b)),
            3 => format!(
                "/orders?limit={}&offset={}&location={}",
                encode(&a),
                encode(&b),
                encode(&a)
            ),
            4 => format!("/billing/summary?day={}&location={}", encode(&a), encode(&b)),
            _ => format!("/orders?to={}&{}={}", encode(&a), encode(&b), encode(&a)),
        },
    });
    let probes = prop_oneof![4 => field_probe, 2 => whole_body, 1 => raw_body, 2 => gets];

    let mut runner = TestRunner::new(Config {
        // BAD_INPUT_CASES=20000 for a longer hunt than CI's.
        cases: std::env::var("BAD_INPUT_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(400),
        failure_persistence: None,
        ..Config::default()
    });
    let http = server.http.clone();
    let result = runner.run(&probes, |probe| {
        let (status, text) = rt.block_on(async {
            let req = match &probe {
                Probe::Body { method, path, body } => {
                    http.request(method.clone(), format!("{base}{path}")).json(body)
                }
                Probe::Raw { method, path, body } => http
                    .request(method.clone(), format!("{base}{path}"))
                    .header("content-type", "application/json")
                    .body(body.clone()),
                Probe::Get { path } => http.get(format!("{base}{path}")),
            };
            let resp = req
                .bearer_auth(&manager)
                .send()
                .await
                .expect("the server answers");
            (resp.status().as_u16(), resp.text().await.unwrap_or_default())
        });
        prop_assert!(status < 500, "{probe:?} got {status}: {text}");
        if status >= 400 {
            let body: Value = serde_json::from_str(&text).unwrap_or_default();
            prop_assert!(
                body["code"].is_string() && body["message"].is_string(),
                "{probe:?} got {status} without the JSON error shape: {text}"
            );
        }
        Ok(())
    });
    result.unwrap();

    // Oversized bodies (over the limit the server runs with) are refused with the same shape.
    let big = json!({"lines": [{"name": "x".repeat(server.settings.max_body_bytes + 1024), "unit_price": 1, "qty": 1, "tax_class": "GST5"}]});
    let (s, body) =
        rt.block_on(server.send_json(Method::POST, &base, "/billing/calculate-bill", &manager, &big));
    assert_eq!((s, body["code"].as_str()), (413, Some("body_too_large")));

    // A body that does not say it is JSON.
    let (s, text) = rt.block_on(async {
        let r = server
            .http
            .post(format!("{base}/payments"))
            .bearer_auth(&manager)
            .header("content-type", "text/plain")
            .body("{}")
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    });
    assert_eq!(s, 415, "{text}");
    assert!(text.contains("unsupported_media_type"), "{text}");

    rt.block_on(server.stop());
    let logs = String::from_utf8_lossy(&logs.lock().unwrap()).to_string();
    assert!(
        logs.contains("payment") || logs.contains("request"),
        "the logs were captured"
    );
    for secret in [&device, &manager, &admin] {
        let leaks: Vec<&str> = logs
            .lines()
            .filter(|l| l.contains(secret.as_str()))
            .take(3)
            .collect();
        assert!(leaks.is_empty(), "a token appeared in the logs: {leaks:?}");
    }
    for phone in ["9845012345", "98450 12345", "919845012345"] {
        let leaks: Vec<&str> = logs.lines().filter(|l| l.contains(phone)).take(3).collect();
        assert!(leaks.is_empty(), "a phone number appeared in the logs: {leaks:?}");
    }
}

#[derive(Clone)]
struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
