//! The largest order the limits allow computes without overflow or panic.

use pos_core::bill::{self, TaxSettings};
use pos_core::limits::{MAX_LINES_PER_ORDER, MAX_QUANTITY_MILLI, MAX_UNIT_PRICE};
use pos_core::money::{Money, Rounding};
use pos_core::order::{Discount, OrderLine};
use pos_core::profile::{GstHalf, PricingMode, TaxRoundingLevel, TaxSplit};
use proptest::prelude::*;

use crate::support::{class, line, m, pct, with_discount};

fn all_settings() -> Vec<TaxSettings> {
    let mut out = Vec::new();
    for pricing in [PricingMode::Exclusive, PricingMode::Inclusive] {
        for level in [TaxRoundingLevel::PerLine, TaxRoundingLevel::PerDocument] {
            for rounding in [Rounding::HalfUp, Rounding::HalfEven] {
                out.push(TaxSettings {
                    pricing,
                    level,
                    rounding,
                    odd_paisa_to: GstHalf::Cgst,
                    cash_rounding_increment: m(100_000),
                    // 100% service charge taxed at 100%: the worst the types allow.
                    service_charge: pct(10_000),
                    service_charge_tax: Some((
                        "MAX".into(),
                        pos_core::TaxRate::from_bps(10_000).unwrap(),
                        TaxSplit::CgstSgst,
                    )),
                    ..TaxSettings::default()
                });
            }
        }
    }
    out
}

fn biggest_order(discounted: bool) -> Vec<OrderLine> {
    let classes = [
        class("MAX", 10_000, TaxSplit::CgstSgst),
        class("GST28", 2800, TaxSplit::CgstSgst),
        class("IGST18", 1800, TaxSplit::Igst),
    ];
    (0..MAX_LINES_PER_ORDER)
        .map(|i| {
            let l = line(i as u128, MAX_UNIT_PRICE, MAX_QUANTITY_MILLI, &classes[i % 3]);
            if discounted && i % 2 == 0 {
                with_discount(l, Discount::Percent(pct(1)))
            } else {
                l
            }
        })
        .collect()
}

#[test]
fn five_hundred_lines_at_the_highest_price_and_quantity_compute_without_overflow() {
    let max_subtotal = MAX_LINES_PER_ORDER as i64 * MAX_UNIT_PRICE * (MAX_QUANTITY_MILLI / 1000);
    assert_eq!(
        max_subtotal, 50_000_000_000_000_000,
        "5 x 10^16 paise, as limits.rs promises"
    );
    for s in all_settings() {
        for discounted in [false, true] {
            let od = discounted.then_some(Discount::Percent(pct(1)));
            let bill = bill::calculate(&biggest_order(discounted), od, &s)
                .expect("the largest valid order computes");
            assert!(bill.reconciles(), "the largest order still adds up under {s:?}");
            assert_eq!(bill.subtotal.minor(), max_subtotal, "no line lost or wrapped");
            assert!(bill.total > Money::ZERO, "no sum wrapped to negative under {s:?}");
            assert!(
                bill.total.minor() < 400_000_000_000_000_000,
                "even with 100% tax and service charge the total stays near 10^17"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn orders_near_the_limits_reconcile(
        prices in proptest::collection::vec((MAX_UNIT_PRICE - 10_000)..=MAX_UNIT_PRICE, 400..=MAX_LINES_PER_ORDER),
        qty in (MAX_QUANTITY_MILLI - 1000)..=MAX_QUANTITY_MILLI,
        s in proptest::sample::select(all_settings()),
    ) {
        let c = class("MAX", 10_000, TaxSplit::CgstSgst);
        let lines: Vec<OrderLine> = prices.iter().enumerate()
            .map(|(i, p)| line(i as u128, *p, qty, &c))
            .collect();
        let bill = bill::calculate(&lines, Some(Discount::Percent(pct(3))), &s)
            .expect("orders within the limits compute");
        prop_assert!(bill.reconciles(), "orders near the limits add up");
        prop_assert_eq!(bill.total.minor() % 100_000, 0, "and still round to the increment");
    }
}
