//! What one committed change means for the caches of every instance: the [`Change`] sent
//! with `pg_notify` in the writing transaction, built from the sync rules' table and keys.

use pos_protocol::Mutation;
use pos_protocol::rules::Keys;
use pos_protocol::rules::table::{self, View};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rules::Cause;

/// One committed change, as sent over NOTIFY and applied by every instance.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub org: Uuid,
    /// The change-log version the write appended.
    pub version: i64,
    /// `None`: nothing cached changed (the version is still marked seen).
    pub cause: Option<Cause>,
    /// The kinds of view it dirtied (the rules' table row of its intent).
    #[serde(default)]
    pub views: Vec<View>,
    #[serde(default)]
    pub orders: Vec<Uuid>,
    /// Normalised (E.164) phones whose balance moved. Never logged.
    #[serde(default)]
    pub phones: Vec<String>,
    /// Business days touched, for the day summaries.
    #[serde(default)]
    pub days: Vec<String>,
    #[serde(default)]
    pub locations: Vec<Uuid>,
    /// The instance that made the write (it has already applied the change locally).
    pub instance: Uuid,
}

impl Change {
    /// The change `m` made, with the entries its effect named (`keys`) and the locations of
    /// its orders.
    pub fn of(instance: Uuid, org: Uuid, m: &Mutation, keys: Keys, locations: Vec<Uuid>) -> Change {
        let row = table::row(m.intent());
        let views: Vec<View> = row.dirties.to_vec();
        let cached = views.iter().any(|v| !super::rules::targets(*v).is_empty());
        Change {
            org,
            version: 0,
            cause: cached.then(|| row.cause.into()),
            views,
            orders: keys.orders.iter().map(|o| *o.as_uuid()).collect(),
            phones: keys.phones.iter().map(|p| p.e164().to_string()).collect(),
            days: keys.days,
            locations,
            instance,
        }
    }

    /// A change of the organisation's settings outside the rules (a new location).
    pub fn settings(instance: Uuid, org: Uuid) -> Change {
        Change {
            org,
            cause: Some(Cause::ProfileUpdated),
            views: vec![View::Profile],
            instance,
            ..Change::default()
        }
    }
}
