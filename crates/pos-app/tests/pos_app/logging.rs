//! Logs never carry a customer's phone number, even at TRACE.

use std::io::Write;
use std::sync::Arc;

use parking_lot::Mutex;
use pos_app::{CustomerInput, ErrorCode, SettleBalance};
use pos_core::PaymentMethod;
use tracing_subscriber::fmt::format::FmtSpan;

use crate::support::*;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock()).into_owned()
    }
}

/// Runs `f` with every span and event at TRACE written, without colours or times, to
/// the returned text.
fn capture(f: impl FnOnce()) -> String {
    let out = Captured::default();
    let writer = out.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::NEW)
        .with_ansi(false)
        .without_time()
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, f);
    out.text()
}

#[test]
fn use_cases_that_take_a_phone_never_log_its_digits() {
    let app = test_app();
    let log = capture(|| {
        app.upsert_customer(CustomerInput {
            phone: ASHA_TYPED.into(),
            name: "Asha Rao".into(),
            credit_limit: m(5_000_00),
        })
        .unwrap();
        let order = takeaway_for(&app, "+91-98450-12345");
        add(&app, order.id, "BV-01", "4");
        pay(&app, order.id, vec![tender(PaymentMethod::OnAccount, 210_00)]).unwrap();
        app.customer_balance("098450 12345").unwrap();
        app.settle_balance(SettleBalance {
            phone: ASHA_NATIONAL.into(),
            amount: m(10_00),
            method: PaymentMethod::Cash,
            note: None,
            request_id: None,
        })
        .unwrap();
        let over = takeaway_for(&app, ASHA_TYPED);
        add(&app, over.id, "MN-05", "20");
        let _ = expect_code(
            pay(&app, over.id, vec![tender(PaymentMethod::OnAccount, 8_820_00)]),
            ErrorCode::Conflict,
        );
        let _ = expect_code(app.customer_balance("98450-12345x"), ErrorCode::Validation);
        let _ = expect_code(app.customer_balance("98450 1234"), ErrorCode::Validation);
        let _ = expect_code(app.customer_balance("98450 54321"), ErrorCode::NotFound);
    });
    assert!(!log.is_empty(), "the subscriber must have captured something");
    for span in [
        "upsert_customer",
        "create_order",
        "record_payment",
        "customer_balance",
        "settle_balance",
    ] {
        assert!(log.contains(span), "the {span} span is logged:\n{log}");
    }
    assert!(
        log.contains("ERROR") || log.contains("error"),
        "refusals are logged:\n{log}"
    );
    for digits in [
        ASHA_NATIONAL,
        ASHA_E164,
        "98450 12345",
        "98450-12345",
        "9845054321",
        "919845054321",
        "984501234",
    ] {
        assert!(!log.contains(digits), "the log leaks {digits:?}:\n{log}");
    }
}
