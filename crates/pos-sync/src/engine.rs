//! The sync engine: no clock, no network, no database. The driver feeds it events and
//! carries out its instructions, so every schedule (failures, retries, slow answers) can
//! be replayed in a test from a seed.
//!
//! Two lanes run independently: push (the outbox, FIFO, one request in flight) and pull
//! (the long-poll, one request in flight). A failed lane backs off exponentially with
//! jitter: `base * 2^(failures-1)` capped at `max`, then a random 50-100% of that.

use crate::{Connectivity, Rejection, SyncStatus};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineConfig {
    pub backoff_base_ms: i64,
    pub backoff_max_ms: i64,
    /// How long a pull waits on the server for a change.
    pub long_poll_ms: u64,
    /// Seed of the jitter; fixed in tests.
    pub seed: u64,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            backoff_base_ms: 250,
            backoff_max_ms: 30_000,
            long_poll_ms: 20_000,
            seed: 0x5eed,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Periodic: the time and the outbox depth.
    Tick {
        now_ms: i64,
        outbox_depth: i64,
    },
    /// "Sync now" (a person asked): backoff waits are cut short, then as a tick.
    Wake {
        now_ms: i64,
        outbox_depth: i64,
    },
    /// A push got its answer; rows through `last_seq` are acknowledged.
    PushDone {
        now_ms: i64,
        outbox_depth: i64,
        rejections: Vec<Rejection>,
    },
    PushFailed {
        now_ms: i64,
        error: String,
    },
    PullDone {
        now_ms: i64,
        has_more: bool,
    },
    PullFailed {
        now_ms: i64,
        error: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Instruction {
    /// Send the oldest pending outbox rows.
    Push,
    /// Pull after the stored cursor, waiting on the server up to `wait_ms`.
    Pull { wait_ms: u64 },
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Lane {
    in_flight: bool,
    failures: u32,
    retry_at_ms: i64,
}

impl Lane {
    fn ready(&self, now_ms: i64) -> bool {
        !self.in_flight && now_ms >= self.retry_at_ms
    }
}

#[derive(Clone, Debug)]
pub struct Engine {
    cfg: EngineConfig,
    push: Lane,
    pull: Lane,
    rng: u64,
    status: SyncStatus,
}

impl Engine {
    pub fn new(cfg: EngineConfig) -> Engine {
        Engine {
            cfg,
            push: Lane::default(),
            pull: Lane::default(),
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

    pub fn handle(&mut self, event: Event) -> Vec<Instruction> {
        let mut out = Vec::new();
        match event {
            Event::Wake { now_ms, outbox_depth } => {
                for lane in [&mut self.push, &mut self.pull] {
                    lane.retry_at_ms = lane.retry_at_ms.min(now_ms);
                }
                return self.handle(Event::Tick { now_ms, outbox_depth });
            }
            Event::Tick { now_ms, outbox_depth } => {
                self.status.outbox_depth = outbox_depth;
                if outbox_depth > 0 && self.push.ready(now_ms) {
                    self.push.in_flight = true;
                    out.push(Instruction::Push);
                }
                if self.pull.ready(now_ms) {
                    self.pull.in_flight = true;
                    out.push(Instruction::Pull {
                        wait_ms: if self.pull.failures > 0 {
                            0
                        } else {
                            self.cfg.long_poll_ms
                        },
                    });
                }
            }
            Event::PushDone {
                now_ms,
                outbox_depth,
                rejections,
            } => {
                self.push = Lane::default();
                self.succeeded(now_ms);
                self.status.outbox_depth = outbox_depth;
                self.status.rejected += rejections.len() as u64;
                if outbox_depth > 0 {
                    self.push.in_flight = true;
                    out.push(Instruction::Push);
                }
            }
            Event::PushFailed { now_ms, error } => {
                self.push.in_flight = false;
                self.push.failures += 1;
                self.push.retry_at_ms = now_ms + self.backoff_ms(self.push.failures);
                self.failed(error);
            }
            Event::PullDone { now_ms, has_more } => {
                self.pull = Lane::default();
                self.succeeded(now_ms);
                self.pull.in_flight = true;
                out.push(Instruction::Pull {
                    wait_ms: if has_more { 0 } else { self.cfg.long_poll_ms },
                });
            }
            Event::PullFailed { now_ms, error } => {
                self.pull.in_flight = false;
                self.pull.failures += 1;
                self.pull.retry_at_ms = now_ms + self.backoff_ms(self.pull.failures);
                self.failed(error);
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tick(now_ms: i64, depth: i64) -> Event {
        Event::Tick {
            now_ms,
            outbox_depth: depth,
        }
    }

    #[test]
    fn a_first_tick_pushes_a_non_empty_outbox_and_starts_pulling() {
        let mut e = Engine::new(EngineConfig::default());
        let out = e.handle(tick(0, 3));
        assert_eq!(
            out,
            vec![Instruction::Push, Instruction::Pull { wait_ms: 20_000 }]
        );
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
        assert!(
            !e.handle(tick(100, 1)).contains(&Instruction::Push),
            "inside the backoff"
        );
        assert!(
            e.handle(tick(300, 1)).contains(&Instruction::Push),
            "after at most base_ms"
        );
    }

    #[test]
    fn a_successful_push_with_more_pending_pushes_again_at_once() {
        let mut e = Engine::new(EngineConfig::default());
        e.handle(tick(0, 600));
        let out = e.handle(Event::PushDone {
            now_ms: 1,
            outbox_depth: 100,
            rejections: vec![],
        });
        assert_eq!(out, vec![Instruction::Push]);
        assert_eq!(e.status().connectivity, Connectivity::Syncing);
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
            !e.handle(tick(1_000, 1)).contains(&Instruction::Push),
            "a tick waits out the backoff (30 to 60 s)"
        );
        let wake = |now_ms| Event::Wake {
            now_ms,
            outbox_depth: 1,
        };
        assert!(
            e.handle(wake(1_001)).contains(&Instruction::Push),
            "a wake pushes at once"
        );
        assert!(
            !e.handle(wake(1_002)).contains(&Instruction::Push),
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

        #[test]
        fn any_schedule_of_answers_and_failures_keeps_at_most_one_request_per_lane(
            seed in any::<u64>(),
            steps in proptest::collection::vec(0u8..5, 1..200),
        ) {
            let mut e = Engine::new(EngineConfig { seed, ..EngineConfig::default() });
            let (mut push_out, mut pull_out) = (0i32, 0i32);
            let mut now = 0;
            for s in steps {
                now += 100;
                let ev = match s {
                    0 => tick(now, 5),
                    1 if push_out > 0 => { push_out -= 1; Event::PushDone { now_ms: now, outbox_depth: 0, rejections: vec![] } }
                    2 if push_out > 0 => { push_out -= 1; Event::PushFailed { now_ms: now, error: "x".into() } }
                    3 if pull_out > 0 => { pull_out -= 1; Event::PullDone { now_ms: now, has_more: false } }
                    4 if pull_out > 0 => { pull_out -= 1; Event::PullFailed { now_ms: now, error: "x".into() } }
                    _ => tick(now, 0),
                };
                for i in e.handle(ev) {
                    match i {
                        Instruction::Push => push_out += 1,
                        Instruction::Pull { .. } => pull_out += 1,
                    }
                }
                prop_assert!(push_out <= 1 && pull_out <= 1, "push {push_out}, pull {pull_out}");
            }
        }
    }
}
