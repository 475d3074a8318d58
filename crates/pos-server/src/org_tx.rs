//! [`OrgTx`]: one organisation's write transaction, shared by the push and every
//! back-office write. It takes the organisation's advisory lock (so change-log versions
//! commit in the order they were appended and a pull never skips one that commits later),
//! runs each mutation through the sync rules, writes its rows, appends the change-log
//! rows and their cache notifications in one statement each, and commits; then it clears
//! this instance's caches and wakes the organisation's long-polls.

use std::collections::HashMap;

use deadpool_postgres::{Object, Transaction};
use pos_core::{MutationId, OrderId, OrderRecord};
use pos_protocol::Mutation;
use pos_protocol::rules::{self, Conflict, Effect, Envelope, Keys, Mode, State};
use uuid::Uuid;

use crate::cache::Change;
use crate::error::Internal;
use crate::records::{self, Held};
use crate::state::AppState;

/// A change-log row waiting for the commit.
struct Logged {
    mutation_id: Uuid,
    intent: &'static str,
    entity: String,
    payload: serde_json::Value,
    verdict: Option<Conflict>,
    /// What the change dirtied; its locations are read from the held orders at commit
    /// (an `order.create` gets its location stamped after it is applied).
    keys: Keys,
    mutation: Mutation,
}

/// An organisation's open write transaction.
pub struct OrgTx<'c> {
    tx: Transaction<'c>,
    org: Uuid,
    held: Held,
    log: Vec<Logged>,
}

impl std::fmt::Debug for OrgTx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrgTx")
            .field("org", &self.org)
            .field("logged", &self.log.len())
            .finish_non_exhaustive()
    }
}

impl<'c> OrgTx<'c> {
    /// Opens the transaction and takes the organisation's lock.
    pub async fn begin(client: &'c mut Object, org: Uuid) -> Result<OrgTx<'c>, Internal> {
        let tx = client.transaction().await?;
        crate::db::cached::execute(
            &tx,
            "SELECT pg_advisory_xact_lock(hashtext($1::text))",
            &[&org.to_string()],
        )
        .await?;
        Ok(OrgTx {
            tx,
            org,
            held: Held::default(),
            log: Vec::new(),
        })
    }

    /// The transaction, for the caller's own reads and writes under the lock.
    pub fn tx(&self) -> &Transaction<'c> {
        &self.tx
    }

    pub fn org(&self) -> Uuid {
        self.org
    }

    /// An order's record as this transaction holds it (loaded under its row lock), and
    /// the change-log version it is as of.
    pub async fn record(&mut self, id: OrderId) -> Result<Option<(OrderRecord, i64)>, Internal> {
        self.held.record(&self.tx, self.org, id).await
    }

    /// The organisation's profile, read once per transaction.
    pub async fn profile(&mut self) -> Result<Option<pos_core::Profile>, Internal> {
        self.held.profile(&self.tx, self.org).await
    }

    /// Notes that a held order was stamped with `location`.
    pub fn stamped(&mut self, order: &Uuid, location: Uuid) {
        self.held.stamped(order, location);
    }

    /// Decides `m` (mutation `id`) with the sync rules, writes its rows and, if it changed
    /// anything, queues its change-log row with the verdict. Returns the effect and the
    /// state after it.
    pub async fn apply(&mut self, id: MutationId, m: &Mutation) -> Result<(Effect, State), Internal> {
        let mut state = records::load(&self.tx, self.org, &mut self.held, &rules::touches(m)).await?;
        let effect = rules::apply(&mut state, Envelope { id, mutation: m }, Mode::Decide);
        if let Some(changes) = effect.changes() {
            records::write(&self.tx, self.org, &mut self.held, &state, changes).await?;
            self.log.push(Logged {
                mutation_id: *id.as_uuid(),
                intent: m.intent(),
                entity: rules::entity(m),
                payload: m.payload_json(),
                verdict: effect.conflict().cloned(),
                keys: rules::keys(&state, changes),
                mutation: m.clone(),
            });
        }
        Ok((effect, state))
    }

    /// Appends the change-log rows (versions in the order they were applied), writes the
    /// held orders with their versions, queues the notifications and commits. Then this
    /// instance clears its caches (read-your-writes here; the others on the notification)
    /// and wakes the organisation's long-polls. Returns the changes with their versions.
    pub async fn commit(mut self, state: &AppState) -> Result<Vec<Change>, Internal> {
        let org = self.org;
        let mut changes = Vec::with_capacity(self.log.len());
        let mut versions: HashMap<Uuid, i64> = HashMap::new();
        if !self.log.is_empty() {
            let n = self.log.len();
            let (mut ids, mut kinds, mut entities, mut payloads, mut verdicts) = (
                Vec::with_capacity(n),
                Vec::with_capacity(n),
                Vec::with_capacity(n),
                Vec::with_capacity(n),
                Vec::with_capacity(n),
            );
            for l in &self.log {
                ids.push(l.mutation_id);
                kinds.push(l.intent);
                entities.push(l.entity.as_str());
                payloads.push(&l.payload);
                verdicts.push(l.verdict.as_ref().map(serde_json::to_value).transpose()?);
            }
            // Rows are inserted, and take their versions, in `ORDER BY n` order.
            let rows = crate::db::cached::query(
                &self.tx,
                "INSERT INTO change_log (org_id, mutation_id, kind, entity_id, payload, verdict)
                 SELECT $1, m, k, e, p, v
                 FROM unnest($2::uuid[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[])
                     WITH ORDINALITY AS t(m, k, e, p, v, n)
                 ORDER BY n
                 RETURNING mutation_id, version",
                &[&org, &ids, &kinds, &entities, &payloads, &verdicts],
            )
            .await?;
            let by_id: HashMap<Uuid, i64> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
            let mut previous = 0;
            for l in std::mem::take(&mut self.log) {
                let v = by_id.get(&l.mutation_id).copied().unwrap_or(0);
                // Tills apply changes in version order: the order of application must survive.
                if v <= previous {
                    return Err(Internal::Invariant(
                        "change-log versions out of the batch's order",
                    ));
                }
                previous = v;
                let locations = l
                    .keys
                    .orders
                    .iter()
                    .filter_map(|o| self.held.facts(o.as_uuid()).and_then(|(_, loc)| loc))
                    .collect();
                for o in &l.keys.orders {
                    versions.insert(*o.as_uuid(), v);
                }
                let mut c = Change::of(state.caches.instance, org, &l.mutation, l.keys, locations);
                c.version = v;
                changes.push(c);
            }
        }
        records::flush(&self.tx, org, &mut self.held, &versions).await?;
        if !changes.is_empty() {
            crate::cache::notify_all(&self.tx, &changes).await?;
        }
        self.tx.commit().await?;
        if let Some(c) = changes.last() {
            state.changes.published(org, c.version);
        }
        for c in &changes {
            state.caches.committed(c);
        }
        Ok(changes)
    }
}
