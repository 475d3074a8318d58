//! Orders, their lines and the status state machine.
//!
//! ```text
//! open ──> sent_to_kitchen ──> served ──> billed ──> paid
//!   │            │  ^ (more items) │        │ │
//!   │            └──┴──────────────┘        │ └─> open (reopen, before any payment)
//!   └──────────────┴──────────┴─────────────┴───> void (before any payment)
//! ```
//! Skipping forward is allowed (a takeaway goes from open straight to billed). `paid` and
//! `void` are final: nothing changes a paid or void order, and under sync they win over any
//! other status. Lines are appended and voided with a reason, never deleted or edited, so
//! two tills' edits to one order merge as sets.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{LineId, OrderId, StaffId};
use crate::limits::{MAX_LINES_PER_ORDER, MAX_NAME_CHARS, MAX_NOTE_CHARS, MAX_UNIT_PRICE};
use crate::menu::{MenuItem, Sku};
use crate::money::{Money, Percent, Quantity, TaxRate};
use crate::payment::Payment;
use crate::phone::Phone;
use crate::profile::{Levy, Profile, TaxSplit};
use crate::text::clean;
use crate::{DomainError, Result};

/// How the guest is served.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderType {
    DineIn,
    Takeaway,
    Delivery,
}

impl OrderType {
    pub const ALL: [OrderType; 3] = [OrderType::DineIn, OrderType::Takeaway, OrderType::Delivery];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderType::DineIn => "dine_in",
            OrderType::Takeaway => "takeaway",
            OrderType::Delivery => "delivery",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "dine_in" => OrderType::DineIn,
            "takeaway" => OrderType::Takeaway,
            "delivery" => OrderType::Delivery,
            _ => {
                return Err(DomainError::invalid(
                    "order_type",
                    "order type must be dine_in, takeaway or delivery",
                ));
            }
        })
    }
}

/// A set of order types, e.g. the ones a service charge applies to. Written as a list
/// (`["dine_in"]`); the default is every type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(as = "Vec<OrderType>"))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = Vec<OrderType>))]
#[serde(from = "Vec<OrderType>", into = "Vec<OrderType>")]
pub struct OrderTypes(u8);

impl OrderTypes {
    pub const ALL: OrderTypes = OrderTypes(0b111);
    pub const NONE: OrderTypes = OrderTypes(0);

    fn bit(t: OrderType) -> u8 {
        match t {
            OrderType::DineIn => 1,
            OrderType::Takeaway => 2,
            OrderType::Delivery => 4,
        }
    }

    pub fn only(types: &[OrderType]) -> OrderTypes {
        OrderTypes(types.iter().fold(0, |acc, t| acc | Self::bit(*t)))
    }

    pub fn contains(self, t: OrderType) -> bool {
        self.0 & Self::bit(t) != 0
    }

    pub fn is_all(self) -> bool {
        self == Self::ALL
    }
}

impl Default for OrderTypes {
    fn default() -> Self {
        OrderTypes::ALL
    }
}

impl From<Vec<OrderType>> for OrderTypes {
    fn from(types: Vec<OrderType>) -> Self {
        OrderTypes::only(&types)
    }
}

impl From<OrderTypes> for Vec<OrderType> {
    fn from(set: OrderTypes) -> Self {
        OrderType::ALL.into_iter().filter(|t| set.contains(*t)).collect()
    }
}

/// Where an order is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Open,
    SentToKitchen,
    Served,
    Billed,
    Paid,
    Void,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 6] = [
        OrderStatus::Open,
        OrderStatus::SentToKitchen,
        OrderStatus::Served,
        OrderStatus::Billed,
        OrderStatus::Paid,
        OrderStatus::Void,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Open => "open",
            OrderStatus::SentToKitchen => "sent_to_kitchen",
            OrderStatus::Served => "served",
            OrderStatus::Billed => "billed",
            OrderStatus::Paid => "paid",
            OrderStatus::Void => "void",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        OrderStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| {
                DomainError::invalid(
                    "status",
                    format!(
                        "status must be one of open, sent_to_kitchen, served, billed, paid, void; got {s:?}"
                    ),
                )
            })
    }

    /// Active orders are the ones on the floor: not yet paid or voided.
    pub fn is_active(self) -> bool {
        !self.is_final()
    }

    pub fn is_final(self) -> bool {
        matches!(self, OrderStatus::Paid | OrderStatus::Void)
    }

    /// Whether lines may be added or voided in this status.
    pub fn accepts_line_edits(self) -> bool {
        matches!(
            self,
            OrderStatus::Open | OrderStatus::SentToKitchen | OrderStatus::Served
        )
    }

    /// The transition table (payments and line state are checked by [`Order::set_status`]).
    pub fn can_become(self, to: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, to),
            (Open, SentToKitchen | Served | Billed | Void)
                | (SentToKitchen, SentToKitchen | Served | Billed | Void)
                | (Served, SentToKitchen | Billed | Void)
                | (Billed, Open | Paid | Void)
        )
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A discount on a line or on the whole order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Discount {
    /// A percentage of the amount (basis points).
    Percent(Percent),
    /// A fixed amount in minor units; never more than what it discounts.
    Amount(Money),
}

impl Discount {
    pub fn validated(self) -> Result<Discount> {
        if let Discount::Amount(m) = self
            && (m.is_negative() || m.minor() > MAX_UNIT_PRICE)
        {
            return Err(DomainError::invalid(
                "discount",
                "discount amount must be zero or more",
            ));
        }
        Ok(self)
    }
}

/// Why and when a line was voided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineVoid {
    pub reason: String,
    pub at_ms: i64,
    /// Who voided it (absent on voids made before staff logins existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub voided_by: Option<StaffId>,
    /// The manager who approved it: a void after the kitchen has the order needs one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub approved_by: Option<StaffId>,
}

impl LineVoid {
    /// A void with no staff recorded (imports, pulled mutations of old tills).
    pub fn new(reason: String, at_ms: i64) -> Self {
        LineVoid {
            reason,
            at_ms,
            voided_by: None,
            approved_by: None,
        }
    }
}

/// A line of an order. The item's name, price and tax are copied when the line is added,
/// so later menu or profile edits never change an order already taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderLine {
    pub id: LineId,
    pub sku: Sku,
    pub name: String,
    pub qty: Quantity,
    pub unit_price: Money,
    pub tax_class: String,
    pub tax_rate: TaxRate,
    pub tax_split: TaxSplit,
    /// The class's levies (a cess, a city tax) when the line was added; empty for most.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levies: Vec<Levy>,
    pub discount: Option<Discount>,
    pub note: String,
    pub sent_to_kitchen: bool,
    pub added_at_ms: i64,
    pub void: Option<LineVoid>,
}

impl OrderLine {
    /// A new line for `item`, with the profile's current rate for its tax class.
    pub fn new(
        id: LineId,
        item: &MenuItem,
        profile: &Profile,
        qty: Quantity,
        discount: Option<Discount>,
        note: &str,
        at_ms: i64,
    ) -> Result<OrderLine> {
        if !item.active {
            return Err(DomainError::invalid(
                "sku",
                format!("{} ({}) is not available", item.name, item.sku),
            ));
        }
        let class = profile.tax_class(&item.tax_class).ok_or_else(|| {
            DomainError::conflict(format!(
                "item {} has tax class {:?}, which the profile no longer has",
                item.sku, item.tax_class
            ))
        })?;
        let discount = discount.map(Discount::validated).transpose()?;
        if let Some(Discount::Amount(d)) = discount
            && d > qty.times(item.price, profile.rounding)
        {
            return Err(DomainError::invalid(
                "discount",
                "the discount is larger than the line amount",
            ));
        }
        Ok(OrderLine {
            id,
            sku: item.sku.clone(),
            name: item.name.clone(),
            qty,
            unit_price: item.price,
            tax_class: class.code.clone(),
            tax_rate: class.rate,
            tax_split: class.split,
            levies: class.levies.clone(),
            discount,
            note: clean("note", note, MAX_NAME_CHARS, false)?,
            sent_to_kitchen: false,
            added_at_ms: at_ms,
            void: None,
        })
    }

    pub fn is_live(&self) -> bool {
        self.void.is_none()
    }
}

/// What a cashier fills in to open an order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewOrder {
    pub order_type: Option<OrderType>,
    pub table: Option<String>,
    /// As typed; normalised with the profile's country code.
    pub customer_phone: Option<String>,
    pub notes: Option<String>,
    /// Made by the client once per user action; repeating it returns the first result.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub request_id: Option<uuid::Uuid>,
}

/// An order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Order {
    pub id: OrderId,
    /// Per-till, per-day number printed on tickets (`#42`).
    pub number: u32,
    pub order_type: OrderType,
    pub table: Option<String>,
    pub customer_phone: Option<Phone>,
    pub notes: String,
    pub status: OrderStatus,
    pub discount: Option<Discount>,
    pub lines: Vec<OrderLine>,
    pub payments: Vec<Payment>,
    /// `YYYY-MM-DD`.
    pub business_day: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    /// Bumped by every change; bills are cached per version.
    pub version: u32,
}

impl Order {
    /// Opens an order from what the cashier typed.
    pub fn open(
        id: OrderId,
        number: u32,
        new: &NewOrder,
        country_code: &str,
        business_day: String,
        at_ms: i64,
    ) -> Result<Order> {
        let order_type = new.order_type.unwrap_or(OrderType::DineIn);
        let table = match new.table.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() => Some(clean("table", t, 20, true)?),
            _ => None,
        };
        if order_type == OrderType::DineIn && table.is_none() {
            return Err(DomainError::invalid("table", "a dine-in order needs a table"));
        }
        let customer_phone = match new.customer_phone.as_deref().map(str::trim) {
            Some(p) if !p.is_empty() => Some(Phone::parse(p, country_code)?),
            _ => None,
        };
        Ok(Order {
            id,
            number,
            order_type,
            table,
            customer_phone,
            notes: clean("notes", new.notes.as_deref().unwrap_or(""), MAX_NOTE_CHARS, false)?,
            status: OrderStatus::Open,
            discount: None,
            lines: Vec::new(),
            payments: Vec::new(),
            business_day,
            created_at_ms: at_ms,
            updated_at_ms: at_ms,
            version: 1,
        })
    }

    pub fn live_lines(&self) -> impl Iterator<Item = &OrderLine> {
        self.lines.iter().filter(|l| l.is_live())
    }

    pub fn amount_paid(&self) -> Money {
        self.payments.iter().map(|p| p.amount).sum()
    }

    fn touch(&mut self, at_ms: i64) {
        self.version += 1;
        self.updated_at_ms = self.updated_at_ms.max(at_ms);
    }

    /// Lines can change only before billing and before any payment.
    pub fn ensure_editable(&self) -> Result<()> {
        if !self.status.accepts_line_edits() {
            return Err(DomainError::conflict(format!(
                "order #{} is {}; it can no longer be edited",
                self.number, self.status
            )));
        }
        if !self.payments.is_empty() {
            return Err(DomainError::conflict(format!(
                "order #{} has payments; it can no longer be edited",
                self.number
            )));
        }
        Ok(())
    }

    pub fn add_line(&mut self, line: OrderLine, at_ms: i64) -> Result<()> {
        self.ensure_editable()?;
        if self.lines.len() >= MAX_LINES_PER_ORDER {
            return Err(DomainError::conflict(format!(
                "an order can have at most {MAX_LINES_PER_ORDER} lines"
            )));
        }
        if self.lines.iter().any(|l| l.id == line.id) {
            return Err(DomainError::conflict("this line was already added"));
        }
        self.lines.push(line);
        self.touch(at_ms);
        Ok(())
    }

    pub fn void_line(&mut self, line_id: LineId, reason: &str, at_ms: i64) -> Result<&OrderLine> {
        self.void_line_by(line_id, reason, at_ms, None, None)
    }

    /// Whether voiding `line_id` needs a manager's approval: the kitchen already has the
    /// order (it was sent, or the line itself was). An unknown line needs none here: the
    /// void itself reports it.
    pub fn void_needs_approval(&self, line_id: LineId) -> bool {
        let sent = self
            .lines
            .iter()
            .find(|l| l.id == line_id)
            .is_some_and(|l| l.sent_to_kitchen);
        sent || self.status != OrderStatus::Open
    }

    /// [`Order::void_line`] recording who voided the line and who approved it.
    pub fn void_line_by(
        &mut self,
        line_id: LineId,
        reason: &str,
        at_ms: i64,
        voided_by: Option<StaffId>,
        approved_by: Option<StaffId>,
    ) -> Result<&OrderLine> {
        self.ensure_editable()?;
        let reason = clean("reason", reason, 200, true)?;
        let number = self.number;
        let idx =
            self.lines.iter().position(|l| l.id == line_id).ok_or_else(|| {
                DomainError::invalid("line_id", format!("order #{number} has no such line"))
            })?;
        if self.lines[idx].void.is_some() {
            return Err(DomainError::conflict("this line is already voided"));
        }
        self.lines[idx].void = Some(LineVoid {
            reason,
            at_ms,
            voided_by,
            approved_by,
        });
        self.touch(at_ms);
        Ok(&self.lines[idx])
    }

    pub fn set_discount(&mut self, discount: Option<Discount>, at_ms: i64) -> Result<()> {
        self.ensure_editable()?;
        self.discount = discount.map(Discount::validated).transpose()?;
        self.touch(at_ms);
        Ok(())
    }

    /// Moves the order to `to` under the state machine. `paid` is reached only by
    /// payments ([`Order::mark_paid`]).
    pub fn set_status(&mut self, to: OrderStatus, at_ms: i64) -> Result<()> {
        let from = self.status;
        if !from.can_become(to) {
            return Err(DomainError::conflict(format!(
                "order #{} cannot go from {from} to {to}",
                self.number
            )));
        }
        match to {
            OrderStatus::Paid => {
                return Err(DomainError::conflict(
                    "an order becomes paid when its payments cover the bill",
                ));
            }
            OrderStatus::Void | OrderStatus::Open if !self.payments.is_empty() => {
                return Err(DomainError::conflict(format!(
                    "order #{} has payments; refund them instead",
                    self.number
                )));
            }
            OrderStatus::SentToKitchen | OrderStatus::Served | OrderStatus::Billed
                if self.live_lines().next().is_none() =>
            {
                return Err(DomainError::conflict(format!(
                    "order #{} has no items",
                    self.number
                )));
            }
            _ => {}
        }
        if to == OrderStatus::SentToKitchen {
            for line in self.lines.iter_mut().filter(|l| l.void.is_none()) {
                line.sent_to_kitchen = true;
            }
        }
        self.status = to;
        self.touch(at_ms);
        Ok(())
    }

    /// Records payments already checked against the bill; the order becomes billed, and
    /// paid once `total` is covered.
    pub fn add_payments(&mut self, payments: Vec<Payment>, total: Money, at_ms: i64) -> Result<()> {
        if self.status.is_final() {
            return Err(DomainError::conflict(format!(
                "order #{} is {}; it takes no more payments",
                self.number, self.status
            )));
        }
        if self.live_lines().next().is_none() {
            return Err(DomainError::conflict(format!(
                "order #{} has no items",
                self.number
            )));
        }
        self.payments.extend(payments);
        self.status = if self.amount_paid() >= total {
            OrderStatus::Paid
        } else {
            OrderStatus::Billed
        };
        self.touch(at_ms);
        Ok(())
    }

    /// Whether `to` is a status this order may still take under sync: paid and void win.
    pub fn merge_status(current: OrderStatus, incoming: OrderStatus) -> OrderStatus {
        if current.is_final() { current } else { incoming }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::example_profile;
    use uuid::Uuid;

    fn order() -> Order {
        let new = NewOrder {
            order_type: Some(OrderType::DineIn),
            table: Some("T4".into()),
            ..NewOrder::default()
        };
        Order::open(
            OrderId::from_uuid(Uuid::nil()),
            1,
            &new,
            "91",
            "2026-11-24".into(),
            0,
        )
        .unwrap()
    }

    fn item(price: i64) -> MenuItem {
        MenuItem {
            sku: Sku::parse("DAL").unwrap(),
            name: "Dal Makhani".into(),
            category: "Mains".into(),
            price: Money::from_minor(price),
            tax_class: "GST5".into(),
            active: true,
        }
    }

    fn line(n: u128) -> OrderLine {
        OrderLine::new(
            LineId::from_uuid(Uuid::from_u128(n)),
            &item(24_000),
            &example_profile(),
            Quantity::ONE,
            None,
            "",
            0,
        )
        .unwrap()
    }

    #[test]
    fn dine_in_orders_need_a_table() {
        let new = NewOrder {
            order_type: Some(OrderType::DineIn),
            ..NewOrder::default()
        };
        let err = Order::open(OrderId::from_uuid(Uuid::nil()), 1, &new, "91", "d".into(), 0).unwrap_err();
        assert_eq!(err.field(), Some("table"));
    }

    #[test]
    fn the_state_machine_allows_the_happy_path_and_refuses_going_back() {
        let mut o = order();
        assert!(o.set_status(OrderStatus::Billed, 1).is_err(), "no items, no bill");
        o.add_line(line(1), 1).unwrap();
        o.set_status(OrderStatus::SentToKitchen, 2).unwrap();
        assert!(o.lines[0].sent_to_kitchen);
        o.set_status(OrderStatus::Served, 3).unwrap();
        assert!(
            o.set_status(OrderStatus::Open, 4).is_err(),
            "served cannot go back to open"
        );
        o.set_status(OrderStatus::Billed, 4).unwrap();
        assert!(o.add_line(line(2), 5).is_err(), "billed orders take no lines");
        assert!(
            o.set_status(OrderStatus::Paid, 5).is_err(),
            "paid only through payments"
        );
        o.set_status(OrderStatus::Open, 6).unwrap();
        o.add_line(line(2), 7).unwrap();
        assert_eq!(o.version, 7, "every change bumps the version");
    }

    #[test]
    fn paid_and_void_orders_are_final() {
        for to in OrderStatus::ALL {
            assert!(!OrderStatus::Paid.can_become(to));
            assert!(!OrderStatus::Void.can_become(to));
        }
        let mut o = order();
        o.add_line(line(1), 1).unwrap();
        o.set_status(OrderStatus::Void, 2).unwrap();
        assert!(o.add_line(line(2), 3).is_err());
        assert!(o.void_line(o.lines[0].id, "x", 3).is_err());
        assert_eq!(
            Order::merge_status(OrderStatus::Void, OrderStatus::Open),
            OrderStatus::Void
        );
        assert_eq!(
            Order::merge_status(OrderStatus::Open, OrderStatus::Paid),
            OrderStatus::Paid
        );
    }

    #[test]
    fn voiding_needs_a_reason_and_keeps_the_line() {
        let mut o = order();
        o.add_line(line(1), 1).unwrap();
        let id = o.lines[0].id;
        assert!(o.void_line(id, "  ", 2).is_err());
        o.void_line(id, "guest changed mind", 2).unwrap();
        assert_eq!(o.lines.len(), 1, "voided lines are kept");
        assert!(o.void_line(id, "again", 3).is_err());
    }

    #[test]
    fn a_new_line_copies_its_class_levies_so_later_profile_edits_leave_it_alone() {
        let mut profile = example_profile();
        let cess = crate::profile::Levy {
            code: "CESS12".into(),
            name: "Compensation cess".into(),
            charge: crate::profile::LevyCharge::Percent(TaxRate::from_bps(1200).unwrap()),
            compound: false,
            kind: crate::profile::LevyKind::Cess,
        };
        profile.tax_classes[0].levies = vec![cess.clone()];
        let l = OrderLine::new(
            LineId::from_uuid(Uuid::nil()),
            &item(4000),
            &profile,
            Quantity::ONE,
            None,
            "",
            0,
        )
        .unwrap();
        assert_eq!(l.levies, [cess], "the line carries the cess it was sold with");
        profile.tax_classes[0].levies.clear();
        assert_eq!(l.levies.len(), 1, "and keeps it when the profile drops it");
    }

    #[test]
    fn order_type_sets_read_and_write_as_lists() {
        let dine_in: OrderTypes = serde_json::from_str(r#"["dine_in"]"#).unwrap();
        assert!(dine_in.contains(OrderType::DineIn) && !dine_in.contains(OrderType::Takeaway));
        assert_eq!(
            serde_json::to_string(&OrderTypes::ALL).unwrap(),
            r#"["dine_in","takeaway","delivery"]"#
        );
        assert_eq!(
            OrderTypes::default(),
            OrderTypes::ALL,
            "every type unless the profile says"
        );
        let none: OrderTypes = serde_json::from_str("[]").unwrap();
        assert_eq!(none, OrderTypes::NONE, "an empty list is no type at all");
    }

    #[test]
    fn an_amount_discount_larger_than_the_line_is_refused() {
        let r = OrderLine::new(
            LineId::from_uuid(Uuid::nil()),
            &item(1000),
            &example_profile(),
            Quantity::ONE,
            Some(Discount::Amount(Money::from_minor(1001))),
            "",
            0,
        );
        assert!(r.is_err());
    }
}
