//! What sync left for the cashier: mutations the server refused.
//!
//! Acknowledging a rejection is local bookkeeping (the server already knows), so it
//! writes no outbox row.

use pos_core::MutationId;
use pos_store::rejections::{self, Rejection};

use crate::{App, AppError, Result};

impl App {
    /// Rejections the cashier has not acknowledged, oldest first.
    #[tracing::instrument(skip_all, err)]
    pub fn sync_rejections(&self) -> Result<Vec<Rejection>> {
        Ok(self.store.read(rejections::unacknowledged)?)
    }

    /// Marks one rejection as seen; acknowledging it again changes nothing.
    #[tracing::instrument(skip_all, err)]
    pub fn acknowledge_rejection(&self, mutation_id: MutationId) -> Result<Rejection> {
        let now = self.now_ms();
        self.store
            .write(|tx| rejections::acknowledge(tx, mutation_id, now))?
            .ok_or_else(|| AppError::not_found("no such rejected change"))
    }
}
