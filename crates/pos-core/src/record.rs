//! An order as every replica stores it: the order with its lines and payments, the bill it
//! was paid with, and the bills that lost a race.
//!
//! Two tills can take payment for one order while they are offline. Both payments are real
//! money, so both are kept; only one bill can be the order's bill (the one the server
//! recorded first), and the other is kept as *superseded*: its invoice number was printed
//! and is never reused, but it is not a sale. What was paid beyond the bill is the order's
//! [`OrderRecord::excess`], shown to the people who must give it back until a manager
//! refunds it. The sync rules (`pos_protocol::rules`) decide all of this; this module only
//! holds the data and the figures derived from it.

use serde::{Deserialize, Serialize};

use crate::bill::Bill;
use crate::money::Money;
use crate::order::{Order, OrderStatus};

/// A bill snapshot with the number it was printed under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaidBill {
    pub invoice_no: String,
    pub bill: Bill,
    /// When the payment that settled it was taken (its business day follows from this).
    pub paid_at_ms: i64,
}

/// An order and what it was paid with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderRecord {
    #[serde(flatten)]
    pub order: Order,
    /// The order's bill once it is paid: the first one the server recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub bill: Option<PaidBill>,
    /// Bills of payments that reached an order already billed or voided elsewhere, by when
    /// they were paid (then number). Printed, never reused, not sales.
    #[serde(default)]
    pub superseded: Vec<PaidBill>,
    /// The stored bill differs from what the lines and discount now compute (a change
    /// that reached the server before the payment, made on a till that had not seen it).
    #[serde(default)]
    pub bill_mismatch: bool,
}

impl OrderRecord {
    pub fn new(order: Order) -> OrderRecord {
        OrderRecord {
            order,
            bill: None,
            superseded: Vec::new(),
            bill_mismatch: false,
        }
    }

    /// What was paid beyond what the guest owes: everything paid on a void order, the
    /// payments beyond the bill on a paid one. Zero for an order still being paid.
    pub fn excess(&self) -> Money {
        let paid = self.order.amount_paid();
        match (&self.order.status, &self.bill) {
            (OrderStatus::Void, _) => paid,
            (_, Some(b)) => (paid - b.bill.total).max(Money::ZERO),
            _ => Money::ZERO,
        }
    }

    /// Whether a person must act on this order (money to give back).
    pub fn needs_attention(&self) -> bool {
        self.excess().is_positive()
    }

    /// The invoice number the order was paid under.
    pub fn invoice_no(&self) -> Option<&str> {
        self.bill.as_ref().map(|b| b.invoice_no.as_str())
    }

    /// Whether `invoice_no` names this order's bill or one of its superseded bills.
    pub fn knows_invoice(&self, invoice_no: &str) -> bool {
        self.invoice_no() == Some(invoice_no) || self.superseded.iter().any(|b| b.invoice_no == invoice_no)
    }
}
