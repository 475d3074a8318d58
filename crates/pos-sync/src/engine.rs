//! The sync engine: no clock, no network, no database. The driver feeds it events (the
//! time, the outbox depth, the server's answers as they came) and carries out its
//! instructions (send, apply, settle), so every sync decision is here and every schedule
//! (failures, retries, slow or lost answers) can be replayed in a test from a seed.
//!
//! Two lanes run independently: push (the outbox, FIFO, one request in flight) and pull
//! (the long-poll, one request in flight). A lane stays busy from its request until the
//! driver reports that it carried out what the answer meant ([`Event::Settled`],
//! [`Event::Applied`]). A failed lane backs off exponentially with jitter:
//! `base * 2^(failures-1)` capped at `max`, then a random 50-100% of that.
//!
//! What each answer means:
//!
//! | answer | instruction |
//! |---|---|
//! | push `200` | [`Instruction::Settle`]: acknowledge through `last_seq`, record every rejection, adopt the server's record of each order it refused or flagged a change to; then push again while the outbox holds more |
//! | push `409 seq_gap` | settle: acknowledge below `expected_seq`, clear acknowledgements from it (a restored server), push again at once |
//! | push `413 batch_too_large` | halve the batch, push again |
//! | push `401`/`403` (the token is unknown or revoked) | stop pushing and say so; a person must enroll again ([`Event::Wake`] retries) |
//! | push `400 unsupported_protocol_version` | stop pushing and say so (the till needs an update) |
//! | anything else, or no answer | back off and retry |
//! | pull `200` | [`Instruction::Apply`] the page; then pull again at once if it was stale or `has_more`, else long-poll |
//! | pull error or no answer | back off and retry |

use pos_app::{Adoption, Settlement};
use pos_core::{MutationId, OrderId};
use pos_protocol::sync::{ErrorBody, ErrorCode, PullResponse, PushResponse, PushStatus};
use pos_store::rejections::NewRejection;

use crate::{Connectivity, Rejection, SyncStatus};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineConfig {
    pub backoff_base_ms: i64,
    pub backoff_max_ms: i64,
    /// How long a pull waits on the server for a change.
    pub long_poll_ms: u64,
    /// Most mutations one push carries (halved on `413 batch_too_large`).
    pub push_batch: usize,
    /// Seed of the jitter; fixed in tests.
    pub seed: u64,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            backoff_base_ms: 250,
            backoff_max_ms: 30_000,
            long_poll_ms: 20_000,
            push_batch: 200,
            seed: 0x5eed,
        }
    }
}

/// One outbox row a push carried, as the engine needs it to describe a rejection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    pub seq: i64,
    pub mutation_id: MutationId,
    pub intent: String,
    pub order_id: Option<OrderId>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// Periodic: the time and the outbox depth.
    Tick {
        now_ms: i64,
        outbox_depth: i64,
    },
    /// "Sync now" (a person asked): backoff waits are cut short, a stopped lane restarts,
    /// then as a tick.
    Wake {
        now_ms: i64,
        outbox_depth: i64,
    },
    /// A push was answered `200`.
    PushAnswered {
        now_ms: i64,
        sent: Vec<Sent>,
        answer: PushResponse,
    },
    /// A push was answered with an error body.
    PushRefused {
        now_ms: i64,
        status: u16,
        error: ErrorBody,
    },
    /// A push got no usable answer (network, timeout, a body that is not ours), or there
    /// was nothing to send after all.
    PushFailed {
        now_ms: i64,
        error: String,
    },
    /// The driver carried out a [`Instruction::Settle`].
    Settled {
        now_ms: i64,
        outbox_depth: i64,
    },
    /// A pull was answered `200`; `from` is the cursor it was asked with.
    PullAnswered {
        now_ms: i64,
        from: Option<String>,
        page: PullResponse,
    },
    PullRefused {
        now_ms: i64,
        status: u16,
        error: ErrorBody,
    },
    PullFailed {
        now_ms: i64,
        error: String,
    },
    /// The driver carried out an [`Instruction::Apply`]; `stale`: the page was dropped
    /// because the cursor had moved.
    Applied {
        now_ms: i64,
        stale: bool,
        has_more: bool,
    },
    /// Carrying out `Settle` or `Apply` failed (the till's database): retried after a
    /// backoff, from the outbox and the cursor as they are.
    LocalFailed {
        now_ms: i64,
        lane: Lane,
        error: String,
    },
}

/// Which lane an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    Push,
    Pull,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Instruction {
    /// Send the oldest `batch` pending outbox rows.
    Push { batch: usize },
    /// Pull after the stored cursor, waiting on the server up to `wait_ms`.
    Pull { wait_ms: u64 },
    /// Carry out what a push's answer means, in one transaction (`pos_app`'s
    /// `settle_push`), then report [`Event::Settled`].
    Settle(Settlement),
    /// Apply a pulled page in one transaction (`pos_app`'s `apply_pull`), then report
    /// [`Event::Applied`].
    Apply {
        from: Option<String>,
        page: PullResponse,
    },
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct LaneState {
    in_flight: bool,
    failures: u32,
    retry_at_ms: i64,
    /// Stopped until a person acts (a revoked token, an old protocol).
    stopped: bool,
}

impl LaneState {
    fn ready(&self, now_ms: i64) -> bool {
        !self.in_flight && !self.stopped && now_ms >= self.retry_at_ms
    }
}

#[derive(Clone, Debug)]
pub struct Engine {
    cfg: EngineConfig,
    push: LaneState,
    pull: LaneState,
    batch: usize,
    rng: u64,
    status: SyncStatus,
}

impl Engine {
    pub fn new(cfg: EngineConfig) -> Engine {
        Engine {
            cfg,
            push: LaneState::default(),
            pull: LaneState::default(),
            batch: cfg.push_batch.max(1),
            rng: cfg.seed | 1,
            status: SyncStatus::default(),
        }
    }

    pub fn status(&self) -> &SyncStatus {
        &self.status
    }

    /// Delay before retry number `failures` (1-based), with jitter in [50%, 100%].
    pub fn backoff_ms(&mut self, failures: u32) -> i64 {
        let exp = self
            .cfg
            .backoff_base_ms
            .saturating_mul(1i64 << failures.saturating_sub(1).min(20));
        let cap = exp.min(self.cfg.backoff_max_ms);
        // xorshift64: enough for jitter, reproducible from the seed.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        cap / 2 + (self.rng % (cap as u64 / 2 + 1)) as i64
    }

    fn push_now(&mut self, out: &mut Vec<Instruction>) {
        self.push.in_flight = true;
        out.push(Instruction::Push { batch: self.batch });
    }

    fn pull_now(&mut self, wait_ms: u64, out: &mut Vec<Instruction>) {
        self.pull.in_flight = true;
        out.push(Instruction::Pull { wait_ms });
    }

    fn lane_failed(&mut self, lane: Lane, now_ms: i64, error: String) {
        let l = match lane {
            Lane::Push => &mut self.push,
            Lane::Pull => &mut self.pull,
        };
        l.in_flight = false;
        l.failures += 1;
        let failures = l.failures;
        let delay = self.backoff_ms(failures);
        match lane {
            Lane::Push => self.push.retry_at_ms = now_ms + delay,
            Lane::Pull => self.pull.retry_at_ms = now_ms + delay,
        }
        self.failed(error);
    }

    pub fn handle(&mut self, event: Event) -> Vec<Instruction> {
        let mut out = Vec::new();
        match event {
            Event::Wake { now_ms, outbox_depth } => {
                for lane in [&mut self.push, &mut self.pull] {
                    lane.retry_at_ms = lane.retry_at_ms.min(now_ms);
                    lane.stopped = false;
                }
                return self.handle(Event::Tick { now_ms, outbox_depth });
            }
            Event::Tick { now_ms, outbox_depth } => {
                self.status.outbox_depth = outbox_depth;
                if outbox_depth > 0 && self.push.ready(now_ms) {
                    self.push_now(&mut out);
                }
                if self.pull.ready(now_ms) {
                    let wait = if self.pull.failures > 0 {
                        0
                    } else {
                        self.cfg.long_poll_ms
                    };
                    self.pull_now(wait, &mut out);
                }
            }
            Event::PushAnswered { now_ms, sent, answer } => {
                self.succeeded(now_ms);
                let settlement = settlement(&sent, answer);
                self.status.rejected += settlement.rejections.len() as u64;
                out.push(Instruction::Settle(settlement));
            }
            Event::PushRefused {
                now_ms,
                status,
                error,
            } => match error.code {
                ErrorCode::SeqGap if error.expected_seq.is_some() => {
                    let expected = error.expected_seq.unwrap_or(1);
                    // The server has everything below `expected`; if it lacks rows this
                    // till thought acknowledged (a restored server), they go again.
                    self.succeeded(now_ms);
                    out.push(Instruction::Settle(Settlement {
                        ack_through: Some(expected - 1),
                        unack_from: Some(expected),
                        ..Settlement::default()
                    }));
                }
                ErrorCode::BatchTooLarge if self.batch > 1 => {
                    self.batch = (self.batch / 2).max(1);
                    self.push_now(&mut out);
                }
                ErrorCode::MissingToken | ErrorCode::InvalidToken | ErrorCode::Forbidden => {
                    self.push = LaneState {
                        stopped: true,
                        ..LaneState::default()
                    };
                    self.failed(format!(
                        "the server no longer accepts this till ({status} {}): enroll it again",
                        error.code
                    ));
                }
                ErrorCode::UnsupportedProtocolVersion => {
                    self.push = LaneState {
                        stopped: true,
                        ..LaneState::default()
                    };
                    self.failed(format!("the server speaks another protocol: {}", error.message));
                }
                _ => self.lane_failed(
                    Lane::Push,
                    now_ms,
                    format!("server refused ({status}): {}: {}", error.code, error.message),
                ),
            },
            Event::PushFailed { now_ms, error } => self.lane_failed(Lane::Push, now_ms, error),
            Event::Settled { now_ms, outbox_depth } => {
                self.push = LaneState::default();
                self.status.outbox_depth = outbox_depth;
                self.status.last_sync_ms = Some(now_ms);
                if outbox_depth > 0 {
                    self.push_now(&mut out);
                }
            }
            Event::PullAnswered { now_ms, from, page } => {
                self.succeeded(now_ms);
                if page.changes.is_empty() && !page.reset {
                    self.pull = LaneState::default();
                    let wait = if page.has_more { 0 } else { self.cfg.long_poll_ms };
                    self.pull_now(wait, &mut out);
                } else {
                    out.push(Instruction::Apply { from, page });
                }
            }
            Event::Applied {
                now_ms,
                stale,
                has_more,
            } => {
                self.pull = LaneState::default();
                self.status.last_sync_ms = Some(now_ms);
                let wait = if stale || has_more {
                    0
                } else {
                    self.cfg.long_poll_ms
                };
                self.pull_now(wait, &mut out);
            }
            Event::PullRefused {
                now_ms,
                status,
                error,
            } => self.lane_failed(
                Lane::Pull,
                now_ms,
                format!("server refused ({status}): {}: {}", error.code, error.message),
            ),
            Event::PullFailed { now_ms, error } => self.lane_failed(Lane::Pull, now_ms, error),
            Event::LocalFailed { now_ms, lane, error } => {
                self.lane_failed(lane, now_ms, format!("till database: {error}"))
            }
        }
        self.status.connectivity = match self.status.connectivity {
            Connectivity::Offline => Connectivity::Offline,
            Connectivity::Unknown => Connectivity::Unknown,
            _ if self.status.outbox_depth > 0 => Connectivity::Syncing,
            _ => Connectivity::Online,
        };
        out
    }

    fn succeeded(&mut self, now_ms: i64) {
        self.status.connectivity = Connectivity::Online;
        self.status.last_sync_ms = Some(now_ms);
        self.status.last_error = None;
    }

    fn failed(&mut self, error: String) {
        self.status.connectivity = Connectivity::Offline;
        self.status.last_error = Some(error);
    }
}

/// What a push's `200` means: acknowledge through `last_seq`, show every rejection, adopt
/// every record the server sent back.
fn settlement(sent: &[Sent], answer: PushResponse) -> Settlement {
    let mut s = Settlement {
        ack_through: Some(answer.last_seq),
        ..Settlement::default()
    };
    for r in answer.results {
        let row = sent.iter().find(|x| x.seq == r.seq);
        // A duplicate of a rejected mutation (its first answer was lost) carries the reason too.
        if r.status == PushStatus::Rejected || r.reason.is_some() {
            let rejection = Rejection {
                mutation_id: r.mutation_id,
                seq: r.seq,
                intent: row.map(|x| x.intent.clone()).unwrap_or_default(),
                order_id: r
                    .order
                    .as_ref()
                    .map(|o| o.order.id)
                    .or(row.and_then(|x| x.order_id)),
                reason: r.reason.clone().unwrap_or_default(),
            };
            tracing::warn!(seq = rejection.seq, intent = %rejection.intent, reason = %rejection.reason, "server rejected a mutation");
            s.rejections.push(NewRejection {
                mutation_id: rejection.mutation_id,
                seq: rejection.seq,
                intent: rejection.intent,
                order_id: rejection.order_id,
                reason: rejection.reason,
            });
        }
        if let Some(c) = &r.conflict {
            tracing::warn!(
                seq = r.seq,
                conflict = c.summary(),
                "the server kept and flagged a mutation"
            );
        }
        if let (Some(record), Some(version)) = (r.order, r.order_version) {
            s.adopt.push(Adoption {
                record: *record,
                version,
            });
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use pos_protocol::sync::PushResult;
    use proptest::prelude::*;

    fn tick(now_ms: i64, depth: i64) -> Event {
        Event::Tick {
            now_ms,
            outbox_depth: depth,
        }
    }

    fn refused(code: ErrorCode, expected_seq: Option<i64>) -> Event {
        Event::PushRefused {
            now_ms: 1,
            status: 409,
            error: ErrorBody {
                code,
                message: "m".into(),
                expected_seq,
                field: None,
            },
        }
    }

    fn push(batch: usize) -> Instruction {
        Instruction::Push { batch }
    }

    #[test]
    fn a_first_tick_pushes_a_non_empty_outbox_and_starts_pulling() {
        let mut e = Engine::new(EngineConfig::default());
        let out = e.handle(tick(0, 3));
        assert_eq!(out, vec![push(200), Instruction::Pull { wait_ms: 20_000 }]);
        assert!(e.handle(tick(1, 3)).is_empty(), "one request per lane in flight");
    }

    #[test]
    fn a_failed_push_waits_for_its_backoff_then_retries() {
        let mut e = Engine::new(EngineConfig::default());
        e.handle(tick(0, 1));
        e.handle(Event::PushFailed {
            now_ms: 0,
            error: "connection refused".into(),
        });
        assert_eq!(e.status().connectivity, Connectivity::Offline);
        assert!(!e.handle(tick(100, 1)).contains(&push(200)), "inside the backoff");
        assert!(
            e.handle(tick(300, 1)).contains(&push(200)),
            "after at most base_ms"
        );
    }

    #[test]
    fn an_answered_push_is_settled_before_the_next_one_goes() {
        let mut e = Engine::new(EngineConfig::default());
        e.handle(tick(0, 600));
        let answer = PushResponse {
            results: vec![PushResult {
                mutation_id: MutationId::from_uuid(uuid::Uuid::from_u128(7)),
                seq: 7,
                status: PushStatus::Rejected,
                reason: Some("order #3 is already paid".into()),
                code: Some(pos_protocol::rules::Refusal::OrderFinal),
                conflict: None,
                order: None,
                order_version: None,
            }],
            last_seq: 7,
        };
        let sent = vec![Sent {
            seq: 7,
            mutation_id: MutationId::from_uuid(uuid::Uuid::from_u128(7)),
            intent: "order.add_line".into(),
            order_id: None,
        }];
        let out = e.handle(Event::PushAnswered {
            now_ms: 1,
            sent,
            answer,
        });
        let [Instruction::Settle(s)] = out.as_slice() else {
            panic!("expected one settle, got {out:?}");
        };
        assert_eq!(s.ack_through, Some(7));
        assert_eq!(
            s.rejections.len(),
            1,
            "the rejection is recorded with the acknowledgement"
        );
        assert_eq!(s.rejections[0].intent, "order.add_line");
        assert!(
            e.handle(tick(2, 600)).is_empty(),
            "no second push before the settle"
        );
        let out = e.handle(Event::Settled {
            now_ms: 3,
            outbox_depth: 100,
        });
        assert_eq!(out, vec![push(200)], "more pending: push again at once");
        assert_eq!(e.status().connectivity, Connectivity::Syncing);
    }

    #[test]
    fn a_seq_gap_acknowledges_below_the_expected_seq_and_resends_from_it() {
        let mut e = Engine::new(EngineConfig::default());
        e.handle(tick(0, 5));
        let out = e.handle(refused(ErrorCode::SeqGap, Some(4)));
        assert_eq!(
            out,
            vec![Instruction::Settle(Settlement {
                ack_through: Some(3),
                unack_from: Some(4),
                ..Settlement::default()
            })]
        );
        let out = e.handle(Event::Settled {
            now_ms: 2,
            outbox_depth: 2,
        });
        assert_eq!(out, vec![push(200)], "no backoff: the gap is resolved");
    }

    #[test]
    fn a_batch_too_large_halves_the_batch() {
        let mut e = Engine::new(EngineConfig::default());
        e.handle(tick(0, 500));
        assert_eq!(e.handle(refused(ErrorCode::BatchTooLarge, None)), vec![push(100)]);
    }

    #[test]
    fn a_revoked_token_stops_pushing_until_a_person_acts() {
        let mut e = Engine::new(EngineConfig::default());
        e.handle(tick(0, 5));
        assert!(e.handle(refused(ErrorCode::InvalidToken, None)).is_empty());
        assert!(
            e.status().last_error.as_deref().unwrap_or("").contains("enroll"),
            "{:?}",
            e.status().last_error
        );
        assert!(
            !e.handle(tick(10_000_000, 5)).contains(&push(200)),
            "no retry loop"
        );
        assert!(
            e.handle(Event::Wake {
                now_ms: 10_000_001,
                outbox_depth: 5
            })
            .contains(&push(200))
        );
    }

    #[test]
    fn a_stale_page_is_pulled_again_at_once() {
        let mut e = Engine::new(EngineConfig::default());
        e.handle(tick(0, 0));
        let page = PullResponse {
            cursor: "v1.9".into(),
            changes: vec![],
            reset: true,
            has_more: false,
            last_seq: 0,
        };
        let out = e.handle(Event::PullAnswered {
            now_ms: 1,
            from: None,
            page: page.clone(),
        });
        assert_eq!(out, vec![Instruction::Apply { from: None, page }]);
        let out = e.handle(Event::Applied {
            now_ms: 2,
            stale: true,
            has_more: false,
        });
        assert_eq!(out, vec![Instruction::Pull { wait_ms: 0 }]);
    }

    #[test]
    fn a_wake_cuts_a_long_backoff_short() {
        let mut e = Engine::new(EngineConfig {
            backoff_base_ms: 60_000,
            backoff_max_ms: 60_000,
            ..EngineConfig::default()
        });
        e.handle(tick(0, 1));
        e.handle(Event::PushFailed {
            now_ms: 0,
            error: "connection refused".into(),
        });
        assert!(
            !e.handle(tick(1_000, 1)).contains(&push(200)),
            "a tick waits out the backoff (30 to 60 s)"
        );
        let wake = |now_ms| Event::Wake {
            now_ms,
            outbox_depth: 1,
        };
        assert!(
            e.handle(wake(1_001)).contains(&push(200)),
            "a wake pushes at once"
        );
        assert!(
            !e.handle(wake(1_002)).contains(&push(200)),
            "still one push in flight"
        );
    }

    proptest! {
        #[test]
        fn backoff_stays_within_half_and_all_of_the_capped_exponential(seed in any::<u64>(), failures in 1u32..40) {
            let mut e = Engine::new(EngineConfig { seed, ..EngineConfig::default() });
            let d = e.backoff_ms(failures);
            let cap = (250i64 << (failures - 1).min(20)).min(30_000);
            prop_assert!(d >= cap / 2 && d <= cap, "{d} not in [{}, {cap}]", cap / 2);
        }

        /// Whatever the answers, a lane has at most one request or local step in flight,
        /// and a lane that is busy is never left without a way to finish.
        #[test]
        fn any_schedule_of_answers_keeps_at_most_one_step_per_lane(
            seed in any::<u64>(),
            steps in proptest::collection::vec(0u8..9, 1..300),
        ) {
            let mut e = Engine::new(EngineConfig { seed, ..EngineConfig::default() });
            // What each lane owes the engine: nothing, a network answer, or a local report.
            #[derive(Clone, Copy, PartialEq, Debug)]
            enum Owed { Nothing, Answer, Report }
            let (mut push, mut pull) = (Owed::Nothing, Owed::Nothing);
            let mut now = 0;
            for s in steps {
                now += 100;
                let ev = match (s, push, pull) {
                    (1, Owed::Answer, _) => { push = Owed::Nothing; Event::PushAnswered { now_ms: now, sent: vec![], answer: PushResponse { results: vec![], last_seq: 3 } } }
                    (2, Owed::Answer, _) => { push = Owed::Nothing; Event::PushFailed { now_ms: now, error: "x".into() } }
                    (3, Owed::Answer, _) => { push = Owed::Nothing; refused(ErrorCode::SeqGap, Some(2)) }
                    (4, Owed::Report, _) => { push = Owed::Nothing; Event::Settled { now_ms: now, outbox_depth: 1 } }
                    (5, _, Owed::Answer) => { pull = Owed::Nothing; Event::PullAnswered { now_ms: now, from: None, page: PullResponse { cursor: "v1.1".into(), changes: vec![], reset: true, has_more: false, last_seq: 0 } } }
                    (6, _, Owed::Answer) => { pull = Owed::Nothing; Event::PullFailed { now_ms: now, error: "x".into() } }
                    (7, _, Owed::Report) => { pull = Owed::Nothing; Event::Applied { now_ms: now, stale: s % 2 == 0, has_more: false } }
                    (8, Owed::Report, _) => { push = Owed::Nothing; Event::LocalFailed { now_ms: now, lane: Lane::Push, error: "busy".into() } }
                    _ => tick(now, 5),
                };
                for i in e.handle(ev) {
                    let lane = match i {
                        Instruction::Push { .. } | Instruction::Settle(_) => &mut push,
                        Instruction::Pull { .. } | Instruction::Apply { .. } => &mut pull,
                    };
                    prop_assert_eq!(*lane, Owed::Nothing, "a second step on a busy lane: {:?}", i);
                    *lane = match i {
                        Instruction::Push { .. } | Instruction::Pull { .. } => Owed::Answer,
                        Instruction::Settle(_) | Instruction::Apply { .. } => Owed::Report,
                    };
                }
            }
        }
    }
}
