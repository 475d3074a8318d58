//! From what a write changed to the cache entries it clears.
//!
//! Which *kinds* of view an intent dirties is the sync rules' table
//! (`pos_protocol::rules::table::TABLE`), read by the server's caches too; which *entries*
//! (orders, days, phones) come from the rules' [`Keys`] of the effect. This module adds
//! only what belongs to the till: which of its caches hold each kind of view, and whether
//! an entry is reloaded at once or dropped ([`Scope`]). Local writes and sync pulls go
//! through the same [`Invalidation`]; adding an intent adds no code here.

use pos_protocol::Mutation;
use pos_protocol::rules::Keys;
use pos_protocol::rules::table::{self, View};
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
    StaffChanged = 8,
}

impl Cause {
    pub const ALL: [Cause; 9] = [
        Cause::OrderCreated,
        Cause::OrderChanged,
        Cause::PaymentRecorded,
        Cause::ProfileUpdated,
        Cause::MenuChanged,
        Cause::CustomerChanged,
        Cause::SyncBatchApplied,
        Cause::Manual,
        Cause::StaffChanged,
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
            Cause::StaffChanged => "staff_changed",
        }
    }
}

impl From<table::Cause> for Cause {
    fn from(c: table::Cause) -> Cause {
        match c {
            table::Cause::OrderCreated => Cause::OrderCreated,
            table::Cause::OrderChanged => Cause::OrderChanged,
            table::Cause::PaymentRecorded => Cause::PaymentRecorded,
            table::Cause::CustomerChanged => Cause::CustomerChanged,
            table::Cause::ProfileUpdated => Cause::ProfileUpdated,
            table::Cause::MenuChanged => Cause::MenuChanged,
            table::Cause::StaffChanged => Cause::StaffChanged,
        }
    }
}

/// Where a change came from: this till's own write (the cashier is about to look at it:
/// reload) or a pull (another till's: drop).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Local,
    Pulled,
}

/// What one committed write (or one applied pull batch) dirtied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalidation {
    pub cause: Cause,
    pub origin: Origin,
    /// The kinds of view dirtied (the table's rows of the intents applied).
    pub views: Vec<View>,
    /// Which entries.
    pub keys: Keys,
}

impl Invalidation {
    /// The invalidation of `m`, applied by this till, with the entries its effect named.
    pub fn local(m: &Mutation, keys: Keys) -> Invalidation {
        let row = table::row(m.intent());
        Invalidation {
            cause: row.cause.into(),
            origin: Origin::Local,
            views: row.dirties.to_vec(),
            keys,
        }
    }

    /// An empty invalidation for a pulled batch: [`Invalidation::add`] each change.
    pub fn pulled() -> Invalidation {
        Invalidation {
            cause: Cause::SyncBatchApplied,
            origin: Origin::Pulled,
            views: Vec::new(),
            keys: Keys::default(),
        }
    }

    /// Adds what `m` dirtied to a pulled batch's invalidation.
    pub fn add(&mut self, m: &Mutation, keys: Keys) {
        self.add_views(table::row(m.intent()).dirties, keys);
    }

    /// Adds `views` and `keys` (a whole record adopted from the server).
    pub fn add_views(&mut self, views: &[View], keys: Keys) {
        for v in views {
            if !self.views.contains(v) {
                self.views.push(*v);
            }
        }
        self.keys.merge(keys);
    }

    /// Whether nothing cached was dirtied.
    pub fn is_empty(&self) -> bool {
        self.views.is_empty()
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

/// Which entries of a cache are cleared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The entries named by the keys (their orders, phones or days).
    Named,
    /// Every entry.
    All,
    /// The entries named by the keys are reloaded from SQLite right after the commit
    /// instead of dropped (write-through); the active-orders snapshot is patched with the
    /// named orders' rows. With `CacheConfig::refresh_on_write` off this acts as `Named`
    /// (and as `All` for the single-entry active-orders snapshot).
    Refresh,
}

use CacheKind::*;
use Scope::*;

/// The till's caches holding each kind of view.
///
/// - The active-orders snapshot is one entry holding every active order: any order change
///   patches the rows of its orders (re-read from SQLite) into it, local or pulled. Dropping
///   it instead made the floor, polled every 2 s by every till, miss after nearly every
///   write at the peaks (replayed day: 80% hits on that cache, 85% overall) and rebuilt the
///   whole list (one row per active order) for one changed order.
/// - Orders and bills changed by this till are reloaded after the commit (the cashier is
///   looking at them); orders pulled from other tills are only dropped.
/// - Bills are computed from the order and the profile's tax settings, so a profile
///   change clears them all; summaries come from stored paid-bill snapshots and do not
///   depend on the profile.
/// - Menu and staff: no cache holds them.
pub fn targets(view: View, origin: Origin) -> &'static [(CacheKind, Scope)] {
    match (view, origin) {
        (View::Floor, _) => &[(ActiveOrders, Refresh)],
        (View::Order, Origin::Local) => &[(Order, Refresh)],
        (View::Order, Origin::Pulled) => &[(Order, Named)],
        (View::Bill, Origin::Local) => &[(Bill, Refresh)],
        (View::Bill, Origin::Pulled) => &[(Bill, Named)],
        (View::DaySummary, _) => &[(DaySummary, Named)],
        (View::Balance, _) => &[(Balance, Named)],
        (View::Profile, _) => &[(Profile, All), (ProfileLite, All), (Bill, All)],
        (View::Menu | View::Staff, _) => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_cause_maps_to_a_till_cause_with_its_own_name() {
        let mut names: Vec<&str> = Cause::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Cause::ALL.len(), "cause names are unique");
        for (i, c) in Cause::ALL.iter().enumerate() {
            assert_eq!(*c as usize, i, "Cause::ALL is in index order");
        }
    }

    #[test]
    fn a_profile_change_clears_every_bill_whatever_its_origin() {
        for origin in [Origin::Local, Origin::Pulled] {
            assert!(targets(View::Profile, origin).contains(&(Bill, All)));
        }
    }
}
