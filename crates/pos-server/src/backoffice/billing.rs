//! Billing: a customer's balance by phone (any formatting), the business day's summary
//! (per location or for the whole organisation), and the stateless bill calculation with
//! the shared tax engine.

use std::collections::BTreeMap;
use std::sync::Arc;

use pos_core::bill::{self, TaxSettings};
use pos_core::{
    Bill, Customer, LedgerEntry, LineId, MenuItem, Money, Order, OrderLine, OrderStatus, Phone, Quantity,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ApiFailure, Result, now_ms, orders, profile};
use crate::auth::Principal;
use crate::startup::AppState;

/// A customer's tab: the sum of their ledger entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    /// E.164.
    pub phone: String,
    pub name: Option<String>,
    /// What the customer owes (negative: in credit).
    pub balance: Money,
    pub credit_limit: Money,
    pub entries: u32,
}

/// `GET /billing/customer-balance/{phone}`: the phone as typed, normalised with the
/// profile's country code.
pub async fn customer_balance(state: &AppState, who: &Principal, phone: &str) -> Result<Arc<Balance>> {
    let (_, profile) = profile::require(state, who).await?;
    let phone = Phone::parse(phone, &profile.country_code)
        .map_err(|e| ApiFailure::invalid("phone", e.to_string()))?;
    let org = who.org_id;
    let key = (org, phone.e164().to_string());
    let fresh = state.caches.is_current(org, who.data_version);
    state
        .caches
        .balance
        .get_or_load_async(&key, fresh, async {
            let client = state.db.get().await?;
            let customer: Option<Customer> = match client
                .query_opt(
                    "SELECT data FROM customers WHERE org_id = $1 AND phone = $2",
                    &[&org, &phone.e164()],
                )
                .await?
            {
                Some(r) => Some(serde_json::from_value(r.get(0))?),
                None => None,
            };
            let entries: Vec<LedgerEntry> = client
                .query(
                    "SELECT data FROM ledger WHERE org_id = $1 AND phone = $2",
                    &[&org, &phone.e164()],
                )
                .await?
                .into_iter()
                .map(|r| serde_json::from_value(r.get(0)))
                .collect::<Result<_, _>>()?;
            if customer.is_none() && entries.is_empty() {
                return Err(ApiFailure::NotFound("customer"));
            }
            Ok(Balance {
                phone: phone.e164().to_string(),
                name: customer.as_ref().map(|c| c.name.clone()),
                balance: pos_core::ledger::balance(&entries),
                credit_limit: customer.map_or(Money::ZERO, |c| c.credit_limit),
                entries: entries.len() as u32,
            })
        })
        .await
}

/// Totals of one payment method.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodTotal {
    pub method: String,
    pub amount: Money,
    pub count: u32,
}

/// One business day of the organisation, or of one location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingSummary {
    pub business_day: String,
    pub location_id: Option<Uuid>,
    pub orders: u32,
    pub orders_open: u32,
    pub orders_paid: u32,
    pub orders_void: u32,
    /// Paid bills.
    pub bills: u32,
    /// Sum of paid bills' totals (their stored snapshots).
    pub sales: Money,
    pub tax_total: Money,
    pub discounts: Money,
    pub service_charge: Money,
    pub round_off: Money,
    /// Payments against this day's orders, per method (amount applied, change excluded).
    pub payments: Vec<MethodTotal>,
    /// Paid bills whose till total disagreed with the server's recomputation.
    pub bill_mismatches: u32,
}

/// `GET /billing/summary` query.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SummaryQuery {
    /// `YYYY-MM-DD`; default: the business day now, in the profile's time zone.
    pub day: Option<String>,
    /// A location id; default: the whole organisation.
    pub location: Option<String>,
}

/// `GET /billing/summary`: the orders of a business day (the day each order was opened),
/// their paid bills and payments.
pub async fn summary(state: &AppState, who: &Principal, q: &SummaryQuery) -> Result<Arc<BillingSummary>> {
    let (_, profile) = profile::require(state, who).await?;
    let day = match q.day.as_deref() {
        Some(d) => pos_core::day::parse_day(d)
            .map_err(|_| ApiFailure::invalid("day", "day must be a date like 2026-11-24"))?,
        None => pos_core::day::business_day(now_ms(), profile.utc_offset_minutes, profile.day_starts_at_hour),
    };
    let day = pos_core::day::format_day(day);
    let location = match q.location.as_deref() {
        Some(l) => Some(orders::location_of(state, who, l).await?),
        None => None,
    };
    let org = who.org_id;
    let fresh = state.caches.is_current(org, who.data_version);
    let key = (org, day.clone(), location);
    state
        .caches
        .day_summary
        .get_or_load_async(&key, fresh, async {
            let client = state.db.get().await?;
            let rows = client
                .query(
                    "SELECT o.data, b.data, o.bill_mismatch FROM orders o
                     LEFT JOIN bills b ON b.org_id = o.org_id AND b.order_id = o.id
                     WHERE o.org_id = $1 AND o.data->>'business_day' = $2
                       AND ($3::uuid IS NULL OR o.location_id = $3)",
                    &[&org, &day, &location],
                )
                .await?;
            let mut s = BillingSummary {
                business_day: day.clone(),
                location_id: location,
                orders: 0,
                orders_open: 0,
                orders_paid: 0,
                orders_void: 0,
                bills: 0,
                sales: Money::ZERO,
                tax_total: Money::ZERO,
                discounts: Money::ZERO,
                service_charge: Money::ZERO,
                round_off: Money::ZERO,
                payments: Vec::new(),
                bill_mismatches: 0,
            };
            let mut methods: BTreeMap<String, (Money, u32)> = BTreeMap::new();
            for r in rows {
                let o: Order = serde_json::from_value(r.get(0))?;
                s.orders += 1;
                match o.status {
                    OrderStatus::Paid => s.orders_paid += 1,
                    OrderStatus::Void => s.orders_void += 1,
                    _ => s.orders_open += 1,
                }
                if let Some(b) = r.get::<_, Option<serde_json::Value>>(1) {
                    let b: Bill = serde_json::from_value(b)?;
                    s.bills += 1;
                    s.sales += b.total;
                    s.tax_total += b.tax_total;
                    s.discounts += b.discount_total;
                    s.service_charge += b.service_charge;
                    s.round_off += b.round_off;
                    if r.get::<_, bool>(2) {
                        s.bill_mismatches += 1;
                    }
                }
                for p in &o.payments {
                    let e = methods.entry(p.method.as_str().to_string()).or_default();
                    e.0 += p.amount;
                    e.1 += 1;
                }
            }
            s.payments = methods
                .into_iter()
                .map(|(method, (amount, count))| MethodTotal {
                    method,
                    amount,
                    count,
                })
                .collect();
            Ok(s)
        })
        .await
}

/// One line of a bill to calculate: an item priced by the caller, taxed with one of the
/// profile's tax classes.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct CalcLine {
    pub name: String,
    /// Price of one unit in minor units, inclusive or exclusive of tax as the profile says.
    pub unit_price: i64,
    /// Units, as a number or text (`2`, `"0.5"`).
    pub qty: serde_json::Value,
    pub tax_class: String,
    #[serde(default)]
    pub discount: Option<pos_core::Discount>,
}

/// `POST /billing/calculate-bill` body.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct CalcInput {
    pub lines: Vec<CalcLine>,
    #[serde(default)]
    pub discount: Option<pos_core::Discount>,
}

fn line_error(i: usize, e: pos_core::DomainError) -> ApiFailure {
    match e {
        pos_core::DomainError::Invalid { field, message } => {
            ApiFailure::invalid(format!("lines[{i}].{field}"), message)
        }
        other => other.into(),
    }
}

/// `POST /billing/calculate-bill`: the tills' tax engine on the caller's lines and the
/// organisation's profile; stores nothing.
pub async fn calculate(state: &AppState, who: &Principal, input: CalcInput) -> Result<Bill> {
    let (_, profile) = profile::require(state, who).await?;
    if input.lines.is_empty() {
        return Err(ApiFailure::invalid("lines", "a bill needs at least one line"));
    }
    if input.lines.len() > pos_core::limits::MAX_LINES_PER_ORDER {
        return Err(ApiFailure::invalid("lines", "too many lines"));
    }
    let mut lines = Vec::with_capacity(input.lines.len());
    for (i, l) in input.lines.iter().enumerate() {
        let price = Money::parse_price("unit_price", l.unit_price).map_err(|e| line_error(i, e))?;
        let qty_text = match &l.qty {
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::String(s) => s.clone(),
            _ => {
                return Err(ApiFailure::invalid(
                    format!("lines[{i}].qty"),
                    "qty must be a number",
                ));
            }
        };
        let qty = Quantity::parse(&qty_text).map_err(|e| line_error(i, e))?;
        if profile.tax_class(&l.tax_class).is_none() {
            return Err(ApiFailure::invalid(
                format!("lines[{i}].tax_class"),
                format!("{:?} is not one of the profile's tax classes", l.tax_class),
            ));
        }
        let item = MenuItem {
            sku: pos_core::Sku::parse(&format!("CALC{i}")).map_err(|e| line_error(i, e))?,
            name: l.name.clone(),
            category: String::new(),
            price,
            tax_class: l.tax_class.clone(),
            active: true,
        };
        let line = OrderLine::new(
            LineId::from_uuid(Uuid::nil()),
            &item,
            &profile,
            qty,
            l.discount,
            "",
            0,
        )
        .map_err(|e| line_error(i, e))?;
        lines.push(line);
    }
    let discount = input.discount.map(pos_core::Discount::validated).transpose()?;
    Ok(bill::calculate(&lines, discount, &TaxSettings::from(&profile))?)
}
