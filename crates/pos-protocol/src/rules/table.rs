//! The intent table: for every intent, the cause its cache invalidations are counted under
//! and the kinds of cached views it dirties. The till's caches (`pos_app::cache`) and the
//! server's (`pos_server::cache`) both read this table and map each [`View`] to their own
//! caches; which entries (orders, days, phones) come from [`super::keys`].

/// Why cached entries were dropped, as both sides count it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cause {
    OrderCreated,
    OrderChanged,
    PaymentRecorded,
    CustomerChanged,
    ProfileUpdated,
    MenuChanged,
    StaffChanged,
}

/// A kind of cached view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// The list of active orders (the floor).
    Floor,
    /// One order, by id.
    Order,
    /// One order's bill (computed while open, the snapshot once paid).
    Bill,
    /// A business day's summary, by day (and location on the server).
    DaySummary,
    /// A customer's balance and recent ledger, by phone.
    Balance,
    /// The business profile and what is derived from it; on the till every open bill too
    /// (they are computed with the profile's tax settings).
    Profile,
    /// The menu.
    Menu,
    /// Staff.
    Staff,
}

/// One intent's row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    pub intent: &'static str,
    pub cause: Cause,
    pub dirties: &'static [View],
}

use Cause::*;
use View::*;

/// Every intent, once.
pub const TABLE: &[Row] = &[
    Row {
        intent: "order.create",
        cause: OrderCreated,
        dirties: &[Floor, Order, DaySummary],
    },
    Row {
        intent: "order.add_line",
        cause: OrderChanged,
        dirties: &[Floor, Order, Bill, DaySummary],
    },
    Row {
        intent: "order.void_line",
        cause: OrderChanged,
        dirties: &[Floor, Order, Bill, DaySummary],
    },
    Row {
        intent: "order.set_status",
        cause: OrderChanged,
        dirties: &[Floor, Order, Bill, DaySummary],
    },
    Row {
        intent: "order.set_discount",
        cause: OrderChanged,
        dirties: &[Floor, Order, Bill, DaySummary],
    },
    Row {
        intent: "payment.record",
        cause: PaymentRecorded,
        dirties: &[Floor, Order, Bill, DaySummary, Balance],
    },
    // The day summary counts tab settlements on their day.
    Row {
        intent: "customer.upsert",
        cause: CustomerChanged,
        dirties: &[Balance, DaySummary],
    },
    Row {
        intent: "ledger.settle",
        cause: CustomerChanged,
        dirties: &[Balance, DaySummary],
    },
    Row {
        intent: "profile.update",
        cause: ProfileUpdated,
        dirties: &[Profile],
    },
    Row {
        intent: "menu.upsert",
        cause: MenuChanged,
        dirties: &[Menu],
    },
    Row {
        intent: "staff.upsert",
        cause: StaffChanged,
        dirties: &[Staff],
    },
];

/// What an intent missing from [`TABLE`] would dirty: everything (a test checks that
/// every intent has its row, so this only guards against clearing too little).
const UNKNOWN: Row = Row {
    intent: "unknown",
    cause: OrderChanged,
    dirties: &[Floor, Order, Bill, DaySummary, Balance, Profile, Menu, Staff],
};

/// The row of `intent`.
pub fn row(intent: &str) -> &'static Row {
    TABLE.iter().find(|r| r.intent == intent).unwrap_or(&UNKNOWN)
}
