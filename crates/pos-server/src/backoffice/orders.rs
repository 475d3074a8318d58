//! Orders: filtered, paginated lists (active orders from cache), one order, orders from
//! outside channels (delivery platforms) that reach the tills through pull, and status
//! changes under pos-core's state machine.

use std::sync::Arc;

use pos_core::order::NewOrder;
use pos_core::{
    LineId, MenuItem, Money, Order, OrderId, OrderLine, OrderRecord, OrderStatus, OrderType, Quantity, Sku,
};
use pos_protocol::Mutation;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ApiFailure, Result, now_ms, parse_id, profile};
use crate::auth::Principal;
use crate::org_tx::OrgTx;
use crate::state::AppState;

/// Largest page of `GET /orders`.
pub const MAX_PAGE: u32 = 200;

/// One order in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderRow {
    pub id: Uuid,
    pub number: u32,
    pub order_type: OrderType,
    pub table: Option<String>,
    pub status: OrderStatus,
    pub business_day: String,
    pub location_id: Option<Uuid>,
    /// Lines not voided.
    pub lines: u32,
    pub paid: Money,
    /// Paid beyond the bill (two tills took payment for it, or a payment reached it after
    /// it was voided): money to give back. Zero normally.
    pub excess: Money,
    /// The invoice number it was paid under.
    pub invoice_no: Option<String>,
    pub updated_at_ms: i64,
    pub version: u32,
}

impl OrderRow {
    fn of(r: &OrderRecord, location_id: Option<Uuid>) -> OrderRow {
        let o = &r.order;
        OrderRow {
            id: *o.id.as_uuid(),
            number: o.number,
            order_type: o.order_type,
            table: o.table.clone(),
            status: o.status,
            business_day: o.business_day.clone(),
            location_id,
            lines: o.live_lines().count() as u32,
            paid: o.amount_paid(),
            excess: r.excess(),
            invoice_no: r.invoice_no().map(str::to_owned),
            updated_at_ms: o.updated_at_ms,
            version: o.version,
        }
    }

    fn sort_key(&self) -> (&str, u32, Uuid) {
        (&self.business_day, self.number, self.id)
    }
}

/// `GET /orders` query parameters, as text so each gets a precise error.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    /// `active`, or a comma-separated list of statuses (`open,billed`).
    pub status: Option<String>,
    /// First business day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last business day, `YYYY-MM-DD`.
    pub to: Option<String>,
    /// A location id of the organisation.
    #[param(value_type = Option<uuid::Uuid>)]
    pub location: Option<String>,
    /// 1 to 200, default 50.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// Default 0.
    #[param(value_type = Option<u32>)]
    pub offset: Option<String>,
    /// `true`: only orders that need a person (paid beyond their bill: money to give back).
    pub attention: Option<String>,
}

/// A page of orders and the number of orders matching the filter.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderPage {
    pub total: u64,
    pub limit: u32,
    pub offset: u32,
    pub orders: Vec<OrderRow>,
}

struct Filter {
    statuses: Vec<OrderStatus>,
    from: Option<String>,
    to: Option<String>,
    location: Option<Uuid>,
    attention: bool,
    limit: u32,
    offset: u32,
}

fn number(field: &str, s: Option<&str>, default: u32, min: u32, max: u32) -> Result<u32> {
    let Some(s) = s else { return Ok(default) };
    match s.trim().parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ApiFailure::invalid(
            field,
            format!("{field} must be a whole number from {min} to {max}"),
        )),
    }
}

fn day(field: &str, s: Option<&str>) -> Result<Option<String>> {
    s.map(|s| {
        pos_core::day::parse_day(s)
            .map(pos_core::day::format_day)
            .map_err(|_| ApiFailure::invalid(field, format!("{field} must be a date like 2026-11-24")))
    })
    .transpose()
}

async fn filter(state: &AppState, who: &Principal, q: &OrderQuery) -> Result<Filter> {
    let statuses = match q.status.as_deref().map(str::trim) {
        None | Some("") => Vec::new(),
        Some("active") => OrderStatus::ALL.into_iter().filter(|s| s.is_active()).collect(),
        Some(list) => list
            .split(',')
            .map(|s| OrderStatus::parse(s.trim()).map_err(ApiFailure::from))
            .collect::<Result<_>>()?,
    };
    let from = day("from", q.from.as_deref())?;
    let to = day("to", q.to.as_deref())?;
    if let (Some(f), Some(t)) = (&from, &to)
        && f > t
    {
        return Err(ApiFailure::invalid("to", "to must not be before from"));
    }
    let location = match q.location.as_deref() {
        Some(l) => Some(location_of(state, who, l).await?),
        None => None,
    };
    let attention = match q.attention.as_deref().map(str::trim) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ApiFailure::invalid(
                "attention",
                "attention must be true or false",
            ));
        }
    };
    Ok(Filter {
        statuses,
        from,
        to,
        location,
        attention,
        limit: number("limit", q.limit.as_deref(), 50, 1, MAX_PAGE)?,
        offset: number("offset", q.offset.as_deref(), 0, 0, 10_000_000)?,
    })
}

/// A location id of the caller's organisation (anything else is `not_found`).
pub async fn location_of(state: &AppState, who: &Principal, id: &str) -> Result<Uuid> {
    let id = parse_id("location", id)?;
    let org = profile::org_profile(state, who).await?;
    if org.locations.iter().any(|l| l.id == id) {
        Ok(id)
    } else {
        Err(ApiFailure::NotFound("location"))
    }
}

/// `GET /orders`. A filter on active statuses only, without dates, is answered from the
/// organisation's cached active-order list; anything else reads PostgreSQL.
pub async fn list(state: &AppState, who: &Principal, q: &OrderQuery) -> Result<OrderPage> {
    let f = filter(state, who, q).await?;
    let only_active = !f.statuses.is_empty() && f.statuses.iter().all(|s| s.is_active());
    if only_active && f.from.is_none() && f.to.is_none() && !f.attention {
        let all = active(state, who).await?;
        let matching: Vec<&OrderRow> = all
            .iter()
            .filter(|r| f.statuses.contains(&r.status))
            .filter(|r| f.location.is_none() || r.location_id == f.location)
            .collect();
        return Ok(OrderPage {
            total: matching.len() as u64,
            limit: f.limit,
            offset: f.offset,
            orders: matching
                .into_iter()
                .skip(f.offset as usize)
                .take(f.limit as usize)
                .cloned()
                .collect(),
        });
    }
    query(state, who.org_id, &f).await
}

const ORDER_BY: &str = "ORDER BY data->>'business_day', (data->>'number')::bigint, id";

async fn query(state: &AppState, org: Uuid, f: &Filter) -> Result<OrderPage> {
    let client = state.db.get().await?;
    let statuses: Option<Vec<String>> =
        (!f.statuses.is_empty()).then(|| f.statuses.iter().map(|s| s.as_str().to_string()).collect());
    let filter = "org_id = $1 AND ($2::text[] IS NULL OR status = ANY($2))
        AND ($3::text IS NULL OR data->>'business_day' >= $3)
        AND ($4::text IS NULL OR data->>'business_day' <= $4)
        AND ($5::uuid IS NULL OR location_id = $5)
        AND (NOT $8 OR excess_minor > 0)";
    let total: i64 = client
        .query_one(
            &format!("SELECT COUNT(*) FROM orders WHERE {filter}").replace("$8", "$6"),
            &[&org, &statuses, &f.from, &f.to, &f.location, &f.attention],
        )
        .await?
        .get(0);
    let rows = client
        .query(
            &format!("SELECT data, location_id FROM orders WHERE {filter} {ORDER_BY} LIMIT $6 OFFSET $7"),
            &[
                &org,
                &statuses,
                &f.from,
                &f.to,
                &f.location,
                &i64::from(f.limit),
                &i64::from(f.offset),
                &f.attention,
            ],
        )
        .await?;
    let mut orders = Vec::with_capacity(rows.len());
    for r in rows {
        let o: OrderRecord = serde_json::from_value(r.get(0))?;
        orders.push(OrderRow::of(&o, r.get(1)));
    }
    Ok(OrderPage {
        total: total as u64,
        limit: f.limit,
        offset: f.offset,
        orders,
    })
}

/// Every active order of the organisation, sorted, from cache when current.
async fn active(state: &AppState, who: &Principal) -> Result<Arc<Vec<OrderRow>>> {
    let org = who.org_id;
    let fresh = state.caches.is_current(org, who.data_version);
    state
        .caches
        .active_orders
        .get_or_load_async(&org, fresh, async {
            let all = OrderStatus::ALL.into_iter().filter(|s| s.is_active()).collect();
            let f = Filter {
                statuses: all,
                from: None,
                to: None,
                location: None,
                attention: false,
                limit: u32::MAX,
                offset: 0,
            };
            let client = state.db.get().await?;
            let rows = client
                .query(
                    &format!(
                        "SELECT data, location_id FROM orders WHERE org_id = $1 AND status = ANY($2) {ORDER_BY}"
                    ),
                    &[&org, &f.statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>()],
                )
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let o: OrderRecord = serde_json::from_value(r.get(0))?;
                out.push(OrderRow::of(&o, r.get(1)));
            }
            out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            Ok::<_, ApiFailure>(out)
        })
        .await
}

/// `GET /orders/{id}`: the order with the bill it was paid with and any bill that lost a
/// race (two tills paid it), and what is owed back.
pub async fn get(state: &AppState, who: &Principal, id: &str) -> Result<Arc<OrderRecord>> {
    let id = parse_id("id", id)?;
    let org = who.org_id;
    let fresh = state.caches.is_current(org, who.data_version);
    state
        .caches
        .order
        .get_or_load_async(&(org, id), fresh, async {
            let client = state.db.get().await?;
            let row = client
                .query_opt(
                    "SELECT data FROM orders WHERE org_id = $1 AND id = $2",
                    &[&org, &id],
                )
                .await?
                .ok_or(ApiFailure::NotFound("order"))?;
            Ok(serde_json::from_value(row.get(0))?)
        })
        .await
}

/// A line of an order from an outside channel: a menu item of the organisation.
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ChannelLine {
    pub sku: String,
    /// Units, as a number or text (`2`, `"0.5"`).
    #[schema(schema_with = crate::openapi::quantity_input)]
    pub qty: serde_json::Value,
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST /orders` body.
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ChannelOrder {
    /// The location whose tills receive the order.
    #[schema(value_type = uuid::Uuid)]
    pub location_id: String,
    /// Where the order comes from (`swiggy`, `zomato`, `website`): 1 to 40 characters.
    pub channel: String,
    /// `dine_in`, `takeaway` or `delivery` (default `delivery`).
    #[serde(default)]
    #[schema(value_type = Option<pos_core::OrderType>)]
    pub order_type: Option<String>,
    #[serde(default)]
    pub table: Option<String>,
    #[serde(default)]
    pub customer_phone: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    pub lines: Vec<ChannelLine>,
}

fn quantity(field: &str, v: &serde_json::Value) -> Result<Quantity> {
    let text = match v {
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => s.clone(),
        _ => {
            return Err(ApiFailure::invalid(
                field,
                "qty must be a number like 2 or \"0.5\"",
            ));
        }
    };
    Quantity::parse(&text).map_err(|e| ApiFailure::invalid(field, e.to_string()))
}

/// `POST /orders`: checks the order with pos-core, stores it and logs an `order.create`
/// that the location's tills pull.
pub async fn create(state: &AppState, who: &Principal, input: ChannelOrder) -> Result<Order> {
    let (_, profile) = profile::require(state, who).await?;
    let location = location_of(state, who, &input.location_id).await?;
    let channel = pos_core::text::clean("channel", &input.channel, 40, true)?;
    if input.lines.is_empty() {
        return Err(ApiFailure::invalid("lines", "an order needs at least one line"));
    }
    if input.lines.len() > pos_core::limits::MAX_LINES_PER_ORDER {
        return Err(ApiFailure::invalid("lines", "too many lines"));
    }
    let order_type = match input.order_type.as_deref() {
        None => OrderType::Delivery,
        Some(t) => OrderType::parse(t)?,
    };
    let mut wanted = Vec::with_capacity(input.lines.len());
    for (i, l) in input.lines.iter().enumerate() {
        let sku =
            Sku::parse(&l.sku).map_err(|e| ApiFailure::invalid(format!("lines[{i}].sku"), e.to_string()))?;
        wanted.push((sku, quantity(&format!("lines[{i}].qty"), &l.qty)?));
    }
    let now = now_ms();
    let day = pos_core::day::format_day(pos_core::day::business_day(
        now,
        profile.utc_offset_minutes,
        profile.day_starts_at_hour,
    ));
    let notes = match input.notes.as_deref().map(str::trim) {
        Some(n) if !n.is_empty() => format!("[{channel}] {n}"),
        _ => format!("[{channel}]"),
    };
    let org = who.org_id;
    let mut client = state.db.get().await?;
    let mut otx = OrgTx::begin(&mut client, org).await?;
    let number: i64 = otx
        .tx()
        .query_one(
            "SELECT COALESCE(MAX((data->>'number')::bigint), 0) + 1 FROM orders
             WHERE org_id = $1 AND data->>'business_day' = $2",
            &[&org, &day],
        )
        .await?
        .get(0);
    let new = NewOrder {
        order_type: Some(order_type),
        table: input.table.clone(),
        customer_phone: input.customer_phone.clone(),
        notes: Some(notes),
        request_id: None,
    };
    let id = OrderId::from_uuid(Uuid::now_v7());
    let mut order = Order::open(
        id,
        u32::try_from(number).unwrap_or(u32::MAX),
        &new,
        &profile.country_code,
        day,
        now,
    )
    .map_err(|e| match e {
        // The input names it `customer_phone`.
        pos_core::DomainError::Invalid { field, message } if field == "phone" => {
            ApiFailure::invalid("customer_phone", message)
        }
        other => other.into(),
    })?;
    for (i, ((sku, qty), l)) in wanted.into_iter().zip(&input.lines).enumerate() {
        let item: MenuItem = match otx
            .tx()
            .query_opt(
                "SELECT data FROM menu_items WHERE org_id = $1 AND sku = $2",
                &[&org, &sku.as_str()],
            )
            .await?
        {
            Some(r) => serde_json::from_value(r.get(0))?,
            None => {
                return Err(ApiFailure::invalid(
                    format!("lines[{i}].sku"),
                    format!("{sku} is not on this organisation's menu"),
                ));
            }
        };
        let line = OrderLine::new(
            LineId::from_uuid(Uuid::now_v7()),
            &item,
            &profile,
            qty,
            None,
            l.note.as_deref().unwrap_or(""),
            now,
        )
        .map_err(|e| match e {
            pos_core::DomainError::Invalid { field, message } => {
                ApiFailure::invalid(format!("lines[{i}].{field}"), message)
            }
            other => other.into(),
        })?;
        order.add_line(line, now)?;
    }
    let m = Mutation::OrderCreate {
        order: Box::new(order.clone()),
    };
    super::apply(&mut otx, &m).await?;
    otx.tx()
        .execute(
            "UPDATE orders SET location_id = $3 WHERE org_id = $1 AND id = $2",
            &[&org, id.as_uuid(), &location],
        )
        .await?;
    otx.stamped(id.as_uuid(), location);
    otx.commit(state).await?;
    tracing::info!(%org, order = %id, channel, "order taken from an outside channel");
    Ok(order)
}

/// `PUT /orders/{id}` body.
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct StatusChange {
    /// `sent_to_kitchen`, `served`, `billed`, `open` (from billed) or `void`. `paid` comes
    /// only from payments.
    #[schema(value_type = pos_core::OrderStatus)]
    pub status: String,
}

/// `PUT /orders/{id}`: moves the order under pos-core's state machine (the tills' rules)
/// and logs an `order.set_status` the tills pull.
pub async fn set_status(state: &AppState, who: &Principal, id: &str, input: StatusChange) -> Result<Order> {
    let id = parse_id("id", id)?;
    let to = OrderStatus::parse(input.status.trim())?;
    let org = who.org_id;
    let now = now_ms();
    let mut client = state.db.get().await?;
    let mut otx = OrgTx::begin(&mut client, org).await?;
    let id = OrderId::from_uuid(id);
    let (record, _) = otx.record(id).await?.ok_or(ApiFailure::NotFound("order"))?;
    let mut order = record.order;
    let sent_lines = (to == OrderStatus::SentToKitchen).then(|| {
        order
            .live_lines()
            .filter(|l| !l.sent_to_kitchen)
            .map(|l| l.id)
            .collect()
    });
    order.set_status(to, now)?;
    let m = Mutation::OrderSetStatus {
        order_id: order.id,
        status: to,
        at_ms: now,
        sent_lines,
    };
    let mut stored = super::apply(&mut otx, &m).await?;
    otx.commit(state).await?;
    stored
        .orders
        .remove(&id)
        .map(|r| r.order)
        .ok_or(ApiFailure::NotFound("order"))
}
