//! Integration tests of the money path of `pos-core`.
//!
//! - `bill_examples`: worked examples with hand-computed figures; every number quoted in
//!   docs/MONEY.md is checked here.
//! - `payment_examples`: split payments, change, credit limits, settlements, refunds.
//! - `properties`: proptest properties over random orders, settings and tenders.
//! - `limits`: the largest order the limits allow computes without overflow.
//!
//! Amounts are written in minor units grouped as rupees and paise, `740_00` for Rs 740.00,
//! so the figures read like the bill; the two lints below object to exactly that grouping.
#![allow(
    clippy::inconsistent_digit_grouping,
    clippy::mistyped_literal_suffixes,
    reason = "amounts are grouped as rupees_paise, e.g. 740_00 and 6_16"
)]

mod bill_examples;
mod limits;
mod payment_examples;
mod properties;
mod stored_json;
mod support;
mod tax_rule_examples;
mod tax_rule_properties;
