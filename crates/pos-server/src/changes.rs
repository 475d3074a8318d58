//! Wakes pull long-polls when an organisation's change log grows, and lets the pulls it
//! wakes share one read of the log.
//!
//! One `watch` channel per organisation holding the newest version: a waiter subscribes
//! before it reads the log, so a change committed between its read and its wait still wakes
//! it (a `Notify` would lose that wake-up). A std `Mutex` is enough: it is held only to
//! look up or insert a channel, never across an `.await`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OnceCell, watch};
use uuid::Uuid;

use crate::error::Internal;
use crate::sync::pull::Pulled;

/// A read of `org`'s log after a cursor (`None`: an unknown one), by a pull that had seen
/// the feed at `seen`.
type ReadKey = (Uuid, Option<i64>, i64);

#[derive(Debug, Default)]
pub struct ChangeFeed {
    orgs: Mutex<HashMap<Uuid, watch::Sender<i64>>>,
    reads: Mutex<HashMap<ReadKey, Arc<OnceCell<Pulled>>>>,
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

    /// Runs `read` once for every pull that asks for the same `key` while it runs: when a
    /// push wakes 100 tills of an organisation, PostgreSQL sees one read, not 100.
    ///
    /// The key holds the feed version the pull saw before reading, and a read starts only
    /// after its first asker saw that version, so it sees every change published up to it.
    /// A pull that saw a newer version never joins an older read (it could miss a change
    /// and then wait on a wake-up it has already consumed).
    pub async fn shared_read<F, Fut>(&self, key: ReadKey, read: F) -> Result<Pulled, Internal>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Pulled, Internal>>,
    {
        let cell = {
            let mut reads = self.reads.lock().unwrap_or_else(|e| e.into_inner());
            reads.entry(key).or_default().clone()
        };
        // The first asker to finish, or to be dropped (its client went away), retires the
        // key, so the map never keeps a key; later askers start a fresh read.
        let _retire = Retire {
            reads: &self.reads,
            key,
            cell: cell.clone(),
        };
        cell.get_or_try_init(read).await.cloned()
    }
}

struct Retire<'a> {
    reads: &'a Mutex<HashMap<ReadKey, Arc<OnceCell<Pulled>>>>,
    key: ReadKey,
    cell: Arc<OnceCell<Pulled>>,
}

impl Drop for Retire<'_> {
    fn drop(&mut self) {
        let mut reads = self.reads.lock().unwrap_or_else(|e| e.into_inner());
        if reads.get(&self.key).is_some_and(|c| Arc::ptr_eq(c, &self.cell)) {
            reads.remove(&self.key);
        }
    }
}
