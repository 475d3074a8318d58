//! The one table from domain events to the cache entries they clear.
//!
//! Local writes and sync pulls raise the same [`DomainEvent`]s after their transaction
//! commits, and [`RULES`] alone decides what each clears. Adding a cache or an event means
//! adding a row here, not another call site.

use pos_core::{OrderId, Phone};
use serde::{Deserialize, Serialize};

/// Why entries were invalidated; counted per cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    OrderCreated = 0,
    OrderChanged = 1,
    PaymentRecorded = 2,
    ProfileUpdated = 3,
    MenuChanged = 4,
    CustomerChanged = 5,
    SyncBatchApplied = 6,
    Manual = 7,
}

impl Cause {
    pub const ALL: [Cause; 8] = [
        Cause::OrderCreated,
        Cause::OrderChanged,
        Cause::PaymentRecorded,
        Cause::ProfileUpdated,
        Cause::MenuChanged,
        Cause::CustomerChanged,
        Cause::SyncBatchApplied,
        Cause::Manual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Cause::OrderCreated => "order_created",
            Cause::OrderChanged => "order_changed",
            Cause::PaymentRecorded => "payment_recorded",
            Cause::ProfileUpdated => "profile_updated",
            Cause::MenuChanged => "menu_changed",
            Cause::CustomerChanged => "customer_changed",
            Cause::SyncBatchApplied => "sync_batch_applied",
            Cause::Manual => "manual",
        }
    }
}

/// Something that changed in the database, raised after the commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomainEvent {
    OrderCreated {
        order: OrderId,
        days: Vec<String>,
    },
    OrderChanged {
        order: OrderId,
        days: Vec<String>,
    },
    /// `phones`: customers whose tab the payment charged.
    PaymentRecorded {
        order: OrderId,
        days: Vec<String>,
        phones: Vec<Phone>,
    },
    ProfileUpdated,
    MenuChanged,
    CustomerChanged {
        phone: Phone,
        days: Vec<String>,
    },
    /// A pulled batch from other tills, applied in one transaction.
    SyncBatchApplied {
        orders: Vec<OrderId>,
        days: Vec<String>,
        phones: Vec<Phone>,
        profile: bool,
    },
}

impl DomainEvent {
    pub fn cause(&self) -> Cause {
        match self {
            DomainEvent::OrderCreated { .. } => Cause::OrderCreated,
            DomainEvent::OrderChanged { .. } => Cause::OrderChanged,
            DomainEvent::PaymentRecorded { .. } => Cause::PaymentRecorded,
            DomainEvent::ProfileUpdated => Cause::ProfileUpdated,
            DomainEvent::MenuChanged => Cause::MenuChanged,
            DomainEvent::CustomerChanged { .. } => Cause::CustomerChanged,
            DomainEvent::SyncBatchApplied { .. } => Cause::SyncBatchApplied,
        }
    }

    pub fn orders(&self) -> &[OrderId] {
        match self {
            DomainEvent::OrderCreated { order, .. }
            | DomainEvent::OrderChanged { order, .. }
            | DomainEvent::PaymentRecorded { order, .. } => std::slice::from_ref(order),
            DomainEvent::SyncBatchApplied { orders, .. } => orders,
            _ => &[],
        }
    }

    pub fn days(&self) -> &[String] {
        match self {
            DomainEvent::OrderCreated { days, .. }
            | DomainEvent::OrderChanged { days, .. }
            | DomainEvent::PaymentRecorded { days, .. }
            | DomainEvent::CustomerChanged { days, .. }
            | DomainEvent::SyncBatchApplied { days, .. } => days,
            _ => &[],
        }
    }

    pub fn phones(&self) -> &[Phone] {
        match self {
            DomainEvent::PaymentRecorded { phones, .. } | DomainEvent::SyncBatchApplied { phones, .. } => {
                phones
            }
            DomainEvent::CustomerChanged { phone, .. } => std::slice::from_ref(phone),
            _ => &[],
        }
    }

    /// Whether the profile changed (a pull can carry a profile update).
    pub fn touches_profile(&self) -> bool {
        matches!(
            self,
            DomainEvent::ProfileUpdated | DomainEvent::SyncBatchApplied { profile: true, .. }
        )
    }
}

/// The caches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CacheKind {
    Profile,
    ProfileLite,
    ActiveOrders,
    Order,
    Bill,
    Balance,
    DaySummary,
}

/// Which entries of a cache an event clears.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The entries named by the event (its orders, phones or days).
    Named,
    /// Every entry.
    All,
    /// Every entry, only if the event changed the profile.
    AllIfProfile,
    /// The entries named by the event are reloaded from SQLite right after the commit
    /// instead of dropped (write-through); the active-orders snapshot is patched with the
    /// named orders' rows. The till that made a change is the one about to show it, so its
    /// next read is a hit. With `CacheConfig::refresh_on_write` off this acts as `Named`
    /// (and as `All` for the single-entry active-orders snapshot).
    Refresh,
}

use CacheKind::*;
use Scope::*;

/// The invalidation table.
///
/// - The active-orders snapshot is one entry holding every active order: any order event
///   patches the rows of its orders (re-read from SQLite) into it. Dropping it instead
///   made the floor, polled every 2 s by every till, miss after nearly every write at the
///   peaks (replayed day: 80% hits on that cache, 85% overall) and rebuilt the whole list
///   (one row per active order) for one changed order.
/// - Orders and bills changed by this till are reloaded after the commit (the cashier is
///   looking at them); orders pulled from other tills are only dropped.
/// - Bills are computed from the order and the profile's tax settings, so a profile
///   change clears them all; summaries come from stored paid-bill snapshots and do not
///   depend on the profile.
/// - The day summary includes ledger settlements, so a customer change clears its day.
pub const RULES: &[(Cause, &[(CacheKind, Scope)])] = &[
    (
        Cause::OrderCreated,
        &[(ActiveOrders, Refresh), (Order, Refresh), (DaySummary, Named)],
    ),
    (
        Cause::OrderChanged,
        &[
            (ActiveOrders, Refresh),
            (Order, Refresh),
            (Bill, Refresh),
            (DaySummary, Named),
        ],
    ),
    (
        Cause::PaymentRecorded,
        &[
            (ActiveOrders, Refresh),
            (Order, Refresh),
            (Bill, Refresh),
            (DaySummary, Named),
            (Balance, Named),
        ],
    ),
    (
        Cause::ProfileUpdated,
        &[(Profile, All), (ProfileLite, All), (Bill, All)],
    ),
    (Cause::MenuChanged, &[]),
    (Cause::CustomerChanged, &[(Balance, Named), (DaySummary, Named)]),
    (
        Cause::SyncBatchApplied,
        &[
            (ActiveOrders, Refresh),
            (Order, Named),
            (Bill, Named),
            (DaySummary, Named),
            (Balance, Named),
            (Profile, AllIfProfile),
            (ProfileLite, AllIfProfile),
            (Bill, AllIfProfile),
        ],
    ),
];

/// The rows of [`RULES`] for `cause`.
pub fn targets(cause: Cause) -> &'static [(CacheKind, Scope)] {
    RULES
        .iter()
        .find(|(c, _)| *c == cause)
        .map(|(_, t)| *t)
        .unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cause_except_manual_has_exactly_one_row() {
        for cause in Cause::ALL {
            let rows = RULES.iter().filter(|(c, _)| *c == cause).count();
            let want = usize::from(cause != Cause::Manual);
            assert_eq!(rows, want, "{cause:?} must appear {want} time(s) in RULES");
        }
    }
}
