//! Which of the server's caches hold each kind of view the sync rules' table names
//! (`pos_protocol::rules::table`, the table the tills read too), and the causes the
//! server counts.

use pos_cache::InvalidationCause;
use pos_protocol::rules::table::{self, View};
use serde::{Deserialize, Serialize};

/// Why entries were invalidated; counted per cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    OrderChanged = 0,
    PaymentRecorded = 1,
    ProfileUpdated = 2,
    CustomerChanged = 3,
    MenuChanged = 4,
    /// The listener reconnected: notifications may have been missed.
    Resync = 5,
    /// `POST /admin/cache-clear`.
    Manual = 6,
    StaffChanged = 7,
}

impl InvalidationCause for Cause {
    fn all() -> &'static [Self] {
        &[
            Cause::OrderChanged,
            Cause::PaymentRecorded,
            Cause::ProfileUpdated,
            Cause::CustomerChanged,
            Cause::MenuChanged,
            Cause::Resync,
            Cause::Manual,
            Cause::StaffChanged,
        ]
    }
    fn index(self) -> usize {
        self as usize
    }
    fn name(self) -> &'static str {
        match self {
            Cause::OrderChanged => "order_changed",
            Cause::PaymentRecorded => "payment_recorded",
            Cause::ProfileUpdated => "profile_updated",
            Cause::CustomerChanged => "customer_changed",
            Cause::MenuChanged => "menu_changed",
            Cause::Resync => "resync",
            Cause::Manual => "manual",
            Cause::StaffChanged => "staff_changed",
        }
    }
}

impl From<table::Cause> for Cause {
    fn from(c: table::Cause) -> Cause {
        match c {
            table::Cause::OrderCreated | table::Cause::OrderChanged => Cause::OrderChanged,
            table::Cause::PaymentRecorded => Cause::PaymentRecorded,
            table::Cause::CustomerChanged => Cause::CustomerChanged,
            table::Cause::ProfileUpdated => Cause::ProfileUpdated,
            table::Cause::MenuChanged => Cause::MenuChanged,
            table::Cause::StaffChanged => Cause::StaffChanged,
        }
    }
}

/// The server's caches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheKind {
    /// Profile and locations of an organisation (settings, profile, lite).
    Profile,
    /// Every active order of an organisation, as list rows.
    ActiveOrders,
    Order,
    Balance,
    DaySummary,
}

/// The caches holding `view`. Every key starts with the organisation; which entries come
/// from the [`super::Change`]:
///
/// - day summaries are keyed by day and location; a change names its orders' days and
///   locations, and the whole-organisation summary of those days;
/// - a payment can charge a customer's tab: it names the phones whose balance moved;
/// - payments and tab settlements count on the day they were taken: a change names those
///   days too (a settlement has no location, so only the whole-organisation summary);
/// - no server cache holds a bill by itself (the order holds its record), the menu or staff.
pub fn targets(view: View) -> &'static [CacheKind] {
    match view {
        View::Floor => &[CacheKind::ActiveOrders],
        View::Order => &[CacheKind::Order],
        View::DaySummary => &[CacheKind::DaySummary],
        View::Balance => &[CacheKind::Balance],
        View::Profile => &[CacheKind::Profile],
        View::Bill | View::Menu | View::Staff => &[],
    }
}
