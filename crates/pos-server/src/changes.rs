//! Wakes pull long-polls when an organisation's change log grows.
//!
//! One `watch` channel per organisation holding the newest version: a waiter subscribes
//! before it reads the log, so a change committed between its read and its wait still wakes
//! it (a `Notify` would lose that wake-up). A std `Mutex` is enough: it is held only to
//! look up or insert a channel, never across an `.await`.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::watch;
use uuid::Uuid;

#[derive(Debug, Default)]
pub struct ChangeFeed {
    orgs: Mutex<HashMap<Uuid, watch::Sender<i64>>>,
}

impl ChangeFeed {
    fn sender(&self, org: Uuid) -> watch::Sender<i64> {
        let mut orgs = self.orgs.lock().unwrap_or_else(|e| e.into_inner());
        orgs.entry(org).or_insert_with(|| watch::channel(0).0).clone()
    }

    pub fn subscribe(&self, org: Uuid) -> watch::Receiver<i64> {
        self.sender(org).subscribe()
    }

    /// Called after a commit that appended `version` to `org`'s log.
    pub fn published(&self, org: Uuid, version: i64) {
        self.sender(org).send_if_modified(|v| {
            let newer = version > *v;
            if newer {
                *v = version;
            }
            newer
        });
    }
}
