//! Billing: a customer's balance by phone (any formatting), the business day's summary
//! (per location or for the whole organisation), and the stateless bill calculation with
//! the shared tax engine.

use std::sync::Arc;

use pos_core::bill::{self, TaxSettings};
use pos_core::summary::DaySummary;
use pos_core::{
    Bill, Customer, LedgerEntry, LedgerKind, LineId, MenuItem, Money, Order, OrderLine, OrderStatus, Payment,
    Phone, Quantity,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ApiFailure, Result, now_ms, orders, profile};
use crate::auth::Principal;
use crate::state::AppState;

/// A customer's tab: the sum of their ledger entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
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
            let (customer, entries) = account(&client, org, &phone).await?;
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

/// A customer's account: the customer, if known, and every ledger entry of the phone.
/// The balance route and on-account payments (inside their transaction) read it alike.
pub(crate) async fn account<C: deadpool_postgres::GenericClient>(
    c: &C,
    org: Uuid,
    phone: &Phone,
) -> Result<(Option<Customer>, Vec<LedgerEntry>)> {
    let customer = match crate::db::cached::query_opt(
        c,
        "SELECT data FROM customers WHERE org_id = $1 AND phone = $2",
        &[&org, &phone.e164()],
    )
    .await?
    {
        Some(r) => Some(serde_json::from_value(r.get(0))?),
        None => None,
    };
    let entries = crate::db::cached::query(
        c,
        "SELECT data FROM ledger WHERE org_id = $1 AND phone = $2",
        &[&org, &phone.e164()],
    )
    .await?
    .into_iter()
    .map(|r| serde_json::from_value(r.get(0)))
    .collect::<std::result::Result<_, _>>()?;
    Ok((customer, entries))
}

/// One business day of the organisation, or of one location: the tills' X/Z report
/// ([`DaySummary`], computed by the same code from the rows the tills pushed) plus what
/// only the server knows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BillingSummary {
    #[serde(flatten)]
    pub day: DaySummary,
    pub location_id: Option<Uuid>,
    /// Orders opened this day.
    pub orders: u32,
    /// Orders opened this day that are paid.
    pub orders_paid: u32,
    /// Bills settled this day whose till total disagreed with the server's recomputation.
    pub bill_mismatches: u32,
}

/// `GET /billing/summary` query.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// `YYYY-MM-DD`; default: the business day now, in the profile's time zone.
    pub day: Option<String>,
    /// A location id; default: the whole organisation.
    #[param(value_type = Option<uuid::Uuid>)]
    pub location: Option<String>,
}

/// `GET /billing/summary`: the day's report under the tills' rules
/// ([`pos_core::summary`]): payments, and the bills they settle, on the business day they
/// were taken; order counts and voids on the day each order was opened. Tab settlements
/// belong to no location, so only the whole-organisation report has them.
pub async fn summary(state: &AppState, who: &Principal, q: &SummaryQuery) -> Result<Arc<BillingSummary>> {
    let (_, profile) = profile::require(state, who).await?;
    let day = match q.day.as_deref() {
        Some(d) => pos_core::day::parse_day(d)
            .map_err(|_| ApiFailure::invalid("day", "day must be a date like 2026-11-24"))?,
        None => pos_core::day::business_day(now_ms(), profile.utc_offset_minutes, profile.day_starts_at_hour),
    };
    let location = match q.location.as_deref() {
        Some(l) => Some(orders::location_of(state, who, l).await?),
        None => None,
    };
    let org = who.org_id;
    let fresh = state.caches.is_current(org, who.data_version);
    let key = (org, pos_core::day::format_day(day), location);
    // The business day's instants: [start, end).
    let (offset, hour) = (profile.utc_offset_minutes, profile.day_starts_at_hour);
    let span = (
        pos_core::day::day_start_ms(day, offset, hour),
        pos_core::day::day_start_ms(pos_core::day::next_day(day), offset, hour),
    );
    state
        .caches
        .day_summary
        .get_or_load_async(
            &key,
            fresh,
            load_summary(state, org, key.1.clone(), span, location),
        )
        .await
}

async fn load_summary(
    state: &AppState,
    org: Uuid,
    day: String,
    (start, end): (i64, i64),
    location: Option<Uuid>,
) -> Result<BillingSummary> {
    let mut s = BillingSummary {
        day: DaySummary::new(day),
        location_id: location,
        orders: 0,
        orders_paid: 0,
        bill_mismatches: 0,
    };
    let client = state.db.get().await?;
    for r in client
        .query(
            "SELECT data FROM orders WHERE org_id = $1 AND data->>'business_day' = $2
               AND ($3::uuid IS NULL OR location_id = $3)",
            &[&org, &s.day.business_day, &location],
        )
        .await?
    {
        let o: Order = serde_json::from_value(r.get(0))?;
        s.orders += 1;
        if o.status == OrderStatus::Paid {
            s.orders_paid += 1;
        }
        s.day.add_opened_order(&o);
    }
    // A bill counts on the day of the payment that settled it: its order's last payment.
    for r in client
        .query(
            "SELECT b.data, b.mismatch FROM bills b
             JOIN orders o ON o.org_id = b.org_id AND o.id = b.order_id
             WHERE b.org_id = $1 AND ($4::uuid IS NULL OR o.location_id = $4)
               AND b.order_id IN (SELECT order_id FROM payments WHERE org_id = $1
                   AND (data->>'at_ms')::bigint >= $2 AND (data->>'at_ms')::bigint < $3)
               AND (SELECT max((p.data->>'at_ms')::bigint) FROM payments p
                    WHERE p.org_id = $1 AND p.order_id = b.order_id) < $3",
            &[&org, &start, &end, &location],
        )
        .await?
    {
        let b: Bill = serde_json::from_value(r.get(0))?;
        s.day.add_bill(&b);
        if r.get::<_, bool>(1) {
            s.bill_mismatches += 1;
        }
    }
    for r in client
        .query(
            "SELECT p.data FROM payments p
             JOIN orders o ON o.org_id = p.org_id AND o.id = p.order_id
             WHERE p.org_id = $1 AND ($4::uuid IS NULL OR o.location_id = $4)
               AND (p.data->>'at_ms')::bigint >= $2 AND (p.data->>'at_ms')::bigint < $3",
            &[&org, &start, &end, &location],
        )
        .await?
    {
        let p: Payment = serde_json::from_value(r.get(0))?;
        s.day.add_payment(p.method, p.amount);
    }
    if location.is_none() {
        for r in client
            .query(
                "SELECT data FROM ledger WHERE org_id = $1
                   AND (data->>'at_ms')::bigint >= $2 AND (data->>'at_ms')::bigint < $3",
                &[&org, &start, &end],
            )
            .await?
        {
            let e: LedgerEntry = serde_json::from_value(r.get(0))?;
            if e.kind == LedgerKind::Settlement {
                s.day.add_settlement(e.method, e.amount);
            }
        }
    }
    Ok(s)
}

/// One line of a bill to calculate: an item priced by the caller, taxed with one of the
/// profile's tax classes.
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CalcLine {
    pub name: String,
    /// Price of one unit in minor units, inclusive or exclusive of tax as the profile says.
    pub unit_price: i64,
    /// Units, as a number or text (`2`, `"0.5"`).
    #[schema(schema_with = crate::openapi::quantity_input)]
    pub qty: serde_json::Value,
    pub tax_class: String,
    #[serde(default)]
    pub discount: Option<pos_core::Discount>,
}

/// `POST /billing/calculate-bill` body.
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CalcInput {
    pub lines: Vec<CalcLine>,
    #[serde(default)]
    pub discount: Option<pos_core::Discount>,
    /// The order's type; without it a service charge the profile limits to some order
    /// types is not charged.
    #[serde(default)]
    pub order_type: Option<pos_core::OrderType>,
    /// Price the bill as if a manager waived the service charge (nothing is stored).
    #[serde(default)]
    pub service_charge_waived: bool,
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
    let ctx = bill::BillContext {
        order_type: input.order_type,
        service_charge_waived: input.service_charge_waived,
    };
    Ok(bill::calculate_with(
        &lines,
        discount,
        &ctx,
        &TaxSettings::from(&profile),
    )?)
}
