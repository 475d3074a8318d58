//! Sync, as the till carries it out: what the sync engine (`pos_sync::Engine`) decided,
//! done in one SQLite transaction each, through the same rules and the same invalidation
//! path as the till's own writes.
//!
//! - [`App::apply_pull`]: a page of the server's change log, replayed in its order (this
//!   till's own changes included: they come back like everyone else's) with
//!   [`Mode::Replay`] and each change's verdict, and the new cursor.
//! - [`App::settle_push`]: a push's answer: acknowledge, record rejections, and adopt the
//!   server's record of every order the server refused a change to (or flagged), then lay
//!   this till's own unanswered changes to it back on top and pull again from the record's
//!   version, so nothing pulled since is lost under it.
//! - Rejections the cashier has not seen yet, the cursor, the outbox and the enrollment,
//!   for the driver and the desktop.

use pos_core::{MutationId, OrderRecord};
use pos_protocol::Mutation;
use pos_protocol::rules::table::View;
use pos_protocol::rules::{self, Changes, Conflict, Envelope, Mode, OrderChange, RecordWrite};
use pos_protocol::sync::PullResponse;
use pos_store::outbox::{self, OutboxEntry};
use pos_store::rejections::{self, NewRejection, Rejection};
use pos_store::sync_config::{self, SyncConfig};
use pos_store::{WriteTx, records, sync};

use crate::cache::Invalidation;
use crate::{App, AppError, Result};

/// What a push's answer means for this till (decided by the sync engine).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settlement {
    /// The server has every mutation up to this seq.
    pub ack_through: Option<i64>,
    /// The server lacks the mutations from this seq on (restored from a backup): send
    /// them again.
    pub unack_from: Option<i64>,
    /// Mutations the server refused, to show the cashier.
    pub rejections: Vec<NewRejection>,
    /// The server's records of orders it refused or flagged a change to.
    pub adopt: Vec<Adoption>,
}

/// The server's record of one order, as of a change-log version.
#[derive(Clone, Debug, PartialEq)]
pub struct Adoption {
    pub record: OrderRecord,
    /// Every change after this version is pulled and replayed again on top of it.
    pub version: i64,
}

/// What applying a pulled page did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Changes that changed something here (replays of what is already here excluded).
    pub changed: usize,
    /// The page was pulled after a cursor this till has since moved back from (it adopted
    /// a server record): nothing was applied; pull again.
    pub stale: bool,
}

/// Everything an adopted record may have changed.
const ORDER_VIEWS: &[View] = &[
    View::Floor,
    View::Order,
    View::Bill,
    View::DaySummary,
    View::Balance,
];

/// Replays `m` (a change the server accepted) in `tx`; returns what it dirtied.
fn replay(
    tx: &WriteTx<'_>,
    id: MutationId,
    m: &Mutation,
    verdict: Option<&Conflict>,
    now: i64,
) -> Result<Option<rules::Keys>> {
    let (state, effect) = records::apply(tx, Envelope { id, mutation: m }, Mode::Replay { verdict }, now)?;
    Ok(effect.changes().map(|changes| rules::keys(&state, changes)))
}

impl App {
    /// Replays a pulled page in one transaction and stores its cursor. `from` is the
    /// cursor the page was asked for: if the stored one has moved since (an adoption
    /// moved it back), the page is dropped and the next pull asks again.
    #[tracing::instrument(skip_all, fields(changes = page.changes.len()), err)]
    pub fn apply_pull(&self, from: Option<&str>, page: &PullResponse) -> Result<Applied> {
        let now = self.now_ms();
        let (applied, inv) = self.store.write(|tx| {
            if sync::cursor(tx)?.as_deref() != from {
                return Ok::<_, AppError>((
                    Applied {
                        changed: 0,
                        stale: true,
                    },
                    None,
                ));
            }
            let mut inv = Invalidation::pulled();
            let mut changed = 0;
            for c in &page.changes {
                if let Some(keys) = replay(tx, c.mutation_id, &c.mutation, c.verdict.as_ref(), now)? {
                    inv.add(&c.mutation, keys);
                    changed += 1;
                }
            }
            sync::save_cursor(tx, &page.cursor)?;
            Ok((
                Applied {
                    changed,
                    stale: false,
                },
                Some(inv),
            ))
        })?;
        if let Some(inv) = inv.filter(|i| !i.is_empty()) {
            self.invalidate(&inv);
        }
        Ok(applied)
    }

    /// Carries out a push's answer in one transaction (acknowledged means recorded and
    /// adopted) and returns the outbox depth after it.
    #[tracing::instrument(skip_all, fields(rejections = s.rejections.len(), adopt = s.adopt.len()), err)]
    pub fn settle_push(&self, s: &Settlement) -> Result<i64> {
        let now = self.now_ms();
        let (depth, inv) = self.store.write(|tx| {
            if let Some(through) = s.ack_through {
                sync::ack_through(tx, through, now)?;
            }
            if let Some(from) = s.unack_from {
                sync::unack_from(tx, from)?;
            }
            for r in &s.rejections {
                rejections::record(tx, r, now)?;
            }
            let mut inv = Invalidation::pulled();
            for a in &s.adopt {
                self.adopt(tx, a, now, &mut inv)?;
            }
            Ok::<_, AppError>((outbox::pending_count(tx)?, inv))
        })?;
        if !inv.is_empty() {
            self.invalidate(&inv);
        }
        Ok(depth)
    }

    /// Makes this till's copy of an order the server's record, then lays this till's own
    /// unanswered changes to it back on top (decided as the server will decide them), and
    /// moves the cursor back to the record's version.
    fn adopt(&self, tx: &WriteTx<'_>, a: &Adoption, now: i64, inv: &mut Invalidation) -> Result<()> {
        let id = a.record.order.id;
        let mut state = records::load(tx, &rules::Touches::default())?;
        let local = pos_store::orders::load_record(tx, id)?;
        let mut adopted = a.record.clone();
        // The local version keys this till's bill cache: keep it moving forward.
        adopted.order.version = local.map_or(0, |l| l.order.version).max(adopted.order.version) + 1;
        state.orders.insert(id, adopted);
        let changes = Changes {
            orders: vec![OrderChange::whole(id, RecordWrite::Replaced)],
            ..Changes::default()
        };
        records::write(tx, &state, &changes, now)?;
        inv.add_views(ORDER_VIEWS, rules::keys(&state, &changes));
        for pending in outbox::pending_for_order(tx, id)? {
            let m = pending.mutation()?;
            let env = Envelope {
                id: pending.mutation_id,
                mutation: &m,
            };
            let (state, effect) = records::apply(tx, env, Mode::Decide, now)?;
            if let Some(changes) = effect.changes() {
                inv.add(&m, rules::keys(&state, changes));
            }
        }
        sync::rewind_cursor(tx, a.version)?;
        tracing::info!(order_id = %id, version = a.version, "adopted the server's record of an order");
        Ok(())
    }

    /// The oldest `limit` mutations the server has not acknowledged.
    pub fn outbox_pending(&self, limit: usize) -> Result<Vec<OutboxEntry>> {
        Ok(self.store.read(|c| outbox::pending(c, limit))?)
    }

    /// How many mutations the server has not acknowledged.
    pub fn outbox_depth(&self) -> Result<i64> {
        Ok(self.store.read(outbox::pending_count)?)
    }

    /// The pull cursor, if this till has pulled before.
    pub fn sync_cursor(&self) -> Result<Option<String>> {
        Ok(self.store.read(sync::cursor)?)
    }

    /// The server this till is enrolled with, if any.
    pub fn sync_config(&self) -> Result<Option<SyncConfig>> {
        Ok(self.store.read(sync_config::load)?)
    }

    /// Stores a new enrollment; another server's (or device's) cursor means nothing here,
    /// so the next pull then starts from the beginning of the new log.
    pub fn save_sync_config(&self, config: &SyncConfig) -> Result<()> {
        Ok(self.store.write(|tx| {
            let previous = sync_config::load(tx)?;
            if previous
                .is_none_or(|p| p.server_url != config.server_url || p.server_device != config.server_device)
            {
                sync::reset_cursor(tx)?;
            }
            sync_config::save(tx, config)
        })?)
    }

    /// Forgets the enrollment (the outbox stays); whether there was one.
    pub fn forget_sync_config(&self) -> Result<bool> {
        Ok(self.store.write(sync_config::clear)?)
    }

    /// This till's device id (made at its first start).
    pub fn device_id(&self) -> pos_core::DeviceId {
        self.store.device_id()
    }

    /// Rejections the cashier has not acknowledged, oldest first.
    #[tracing::instrument(skip_all, err)]
    pub fn sync_rejections(&self) -> Result<Vec<Rejection>> {
        Ok(self.store.read(rejections::unacknowledged)?)
    }

    /// How many rejections the cashier has not acknowledged.
    pub fn unacknowledged_rejections(&self) -> Result<i64> {
        Ok(self.store.read(rejections::unacknowledged_count)?)
    }

    /// Marks one rejection as seen; acknowledging it again changes nothing. Local
    /// bookkeeping (the server already knows), so it writes no outbox row.
    #[tracing::instrument(skip_all, err)]
    pub fn acknowledge_rejection(&self, mutation_id: MutationId) -> Result<Rejection> {
        let now = self.now_ms();
        self.store
            .write(|tx| rejections::acknowledge(tx, mutation_id, now))?
            .ok_or_else(|| AppError::not_found("no such rejected change"))
    }
}
