//! Inputs and outputs of the use cases: the exact shapes the desktop commands carry.
//! Fields a person types (quantities, phones, SKUs) arrive as text and are parsed here,
//! at the edge, into domain types.

use pos_core::{
    Bill, Discount, LedgerEntry, Money, Order, OrderId, OrderRecord, OrderStatus, Payment, Phone, Profile,
    ProfileLite, Tender,
};
use pos_store::orders::OrderSummary;
use pos_store::summary::DaySummary;
use serde::{Deserialize, Serialize};

use crate::cache::{CacheStats, Weigh};

/// `add_line` input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AddLine {
    pub order_id: OrderId,
    pub sku: String,
    /// As typed: `2`, `0.5`.
    pub qty: String,
    #[serde(default)]
    pub discount: Option<Discount>,
    #[serde(default)]
    pub note: Option<String>,
    /// Made by the client once per user action; repeating it returns the first result
    /// and writes nothing.
    #[serde(default)]
    #[cfg_attr(test, ts(type = "string | null"))]
    pub request_id: Option<uuid::Uuid>,
}

/// `list_orders` input.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ListOrders {
    /// Statuses to include; empty means the active ones (open to billed).
    #[serde(default)]
    pub statuses: Vec<OrderStatus>,
    /// 1-based page number; 0 is treated as 1.
    #[serde(default)]
    pub page: u32,
    /// Page size, 1 to 200; 0 means 50.
    #[serde(default)]
    pub limit: u32,
    /// Only the orders a person must act on (paid beyond their bill: money to give back),
    /// whatever their status; `statuses` is ignored.
    #[serde(default)]
    pub attention: bool,
}

/// A page of orders, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct OrdersPage {
    pub orders: Vec<OrderSummary>,
    pub page: u32,
    pub limit: u32,
    pub total: u64,
}

/// A bill as the till shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BillView {
    pub order_id: OrderId,
    /// The order version the bill was computed for.
    pub order_version: u32,
    pub status: OrderStatus,
    pub bill: Bill,
    pub paid: Money,
    pub due: Money,
    /// Set once the order is paid (the bill is then the stored snapshot).
    pub invoice_no: Option<String>,
    /// Paid beyond what the guest owes (two tills took payment for the order, or a payment
    /// reached it after it was voided): to give back. Zero normally.
    pub excess: Money,
    /// Invoice numbers printed for this order that are not its bill (they lost the race).
    pub superseded: Vec<String>,
    /// The paid bill differs from what the order's lines and discount compute now.
    pub bill_mismatch: bool,
}

impl BillView {
    /// The view of `bill` for `record`: what is paid, what is still due, what is owed back.
    pub fn of(record: &OrderRecord, bill: Bill, invoice_no: Option<String>) -> BillView {
        let order = &record.order;
        let paid = order.amount_paid();
        BillView {
            order_id: order.id,
            order_version: order.version,
            status: order.status,
            due: if order.status.is_final() {
                Money::ZERO
            } else {
                (bill.total - paid).max(Money::ZERO)
            },
            bill,
            paid,
            invoice_no,
            excess: record.excess(),
            superseded: record.superseded.iter().map(|b| b.invoice_no.clone()).collect(),
            bill_mismatch: record.bill_mismatch,
        }
    }
}

/// `record_payment` input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RecordPayment {
    pub order_id: OrderId,
    pub tenders: Vec<Tender>,
    /// Made by the client once per user action; repeating it returns the first result
    /// and writes nothing.
    #[serde(default)]
    #[cfg_attr(test, ts(type = "string | null"))]
    pub request_id: Option<uuid::Uuid>,
}

/// What a payment call did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PaymentReceipt {
    pub order: Order,
    pub payments: Vec<Payment>,
    pub change: Money,
    pub due: Money,
    pub invoice_no: Option<String>,
}

/// `upsert_customer` input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerInput {
    pub phone: String,
    pub name: String,
    #[serde(default)]
    pub credit_limit: Money,
}

/// `settle_balance` input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SettleBalance {
    pub phone: String,
    pub amount: Money,
    pub method: pos_core::PaymentMethod,
    #[serde(default)]
    pub note: Option<String>,
    /// Made by the client once per user action; repeating it returns the first result
    /// and writes nothing.
    #[serde(default)]
    #[cfg_attr(test, ts(type = "string | null"))]
    pub request_id: Option<uuid::Uuid>,
}

/// A customer's balance and recent ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CustomerBalance {
    pub phone: Phone,
    pub name: String,
    pub credit_limit: Money,
    /// Owed by the customer (charges minus settlements).
    pub balance: Money,
    /// How much more may go on the tab.
    pub available_credit: Money,
    /// Newest first.
    pub recent: Vec<LedgerEntry>,
}

/// The cache panel's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CacheReport {
    pub enabled: bool,
    pub budget_bytes: u64,
    pub alert_below: f64,
    pub caches: Vec<CacheStats>,
    pub total_hits: u64,
    pub total_misses: u64,
    pub total_bytes: u64,
    /// Mutations waiting in the outbox: never touched by clearing the cache.
    pub outbox_pending: i64,
}

/// What `clear_cache` did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ClearReport {
    pub entries_cleared: u64,
    /// Unsynced mutations before and after: equal, by construction.
    pub outbox_pending: i64,
}

/// What `warm_up` loaded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct WarmUpReport {
    pub active_orders: usize,
    pub business_day: String,
    pub elapsed_ms: f64,
}

fn s(x: &str) -> usize {
    std::mem::size_of::<String>() + x.len()
}

impl Weigh for Profile {
    fn weigh(&self) -> usize {
        std::mem::size_of::<Profile>()
            + s(&self.name)
            + s(&self.legal_name)
            + s(&self.address)
            + s(&self.phone)
            + s(&self.email)
            + s(&self.receipt_header)
            + s(&self.receipt_footer)
            + self.tax_classes.len() * 96
    }
}

impl Weigh for ProfileLite {
    fn weigh(&self) -> usize {
        std::mem::size_of::<ProfileLite>() + s(&self.name)
    }
}

impl Weigh for OrderSummary {
    fn weigh(&self) -> usize {
        std::mem::size_of::<OrderSummary>() + self.table.as_deref().map_or(0, s) + 16
    }
}

impl Weigh for Order {
    fn weigh(&self) -> usize {
        std::mem::size_of::<Order>()
            + s(&self.notes)
            + self
                .lines
                .iter()
                .map(|l| std::mem::size_of_val(l) + s(&l.name) + s(&l.note) + s(&l.tax_class) + 32)
                .sum::<usize>()
            + self.payments.len() * (std::mem::size_of::<Payment>() + 32)
    }
}

/// Approximate size of a bill snapshot.
fn bill_weight(b: &Bill) -> usize {
    b.lines
        .iter()
        .map(|l| std::mem::size_of_val(l) + s(&l.name) + 32)
        .sum::<usize>()
        + b.tax_lines.len() * 96
}

impl Weigh for OrderRecord {
    fn weigh(&self) -> usize {
        let paid =
            |b: &pos_core::PaidBill| std::mem::size_of_val(b) + s(&b.invoice_no) + bill_weight(&b.bill);
        self.order.weigh()
            + self.bill.as_ref().map_or(0, paid)
            + self.superseded.iter().map(paid).sum::<usize>()
    }
}

impl Weigh for BillView {
    fn weigh(&self) -> usize {
        std::mem::size_of::<BillView>()
            + bill_weight(&self.bill)
            + self.superseded.iter().map(|n| s(n)).sum::<usize>()
    }
}

impl Weigh for CustomerBalance {
    fn weigh(&self) -> usize {
        std::mem::size_of::<CustomerBalance>()
            + s(&self.name)
            + self
                .recent
                .iter()
                .map(|e| std::mem::size_of_val(e) + s(&e.note) + 24)
                .sum::<usize>()
    }
}

impl Weigh for DaySummary {
    fn weigh(&self) -> usize {
        std::mem::size_of::<DaySummary>() + (self.payments.len() + self.settlements.len()) * 32
    }
}

impl Weigh for OrderId {
    fn weigh(&self) -> usize {
        16
    }
}

impl Weigh for Phone {
    fn weigh(&self) -> usize {
        s(self.e164())
    }
}
