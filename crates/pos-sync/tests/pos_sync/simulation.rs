//! A seeded simulation of three tills and a server over the I/O-free [`Engine`]: random
//! sales, partitions, server outages, lost requests, lost and duplicated answers and till
//! restarts, then a heal. The server here is a model of the real one's push rules
//! (mutation id dedupe, per-device seq with gap refusal, an append-only change log), so the
//! test checks the protocol and the engine's liveness together. Invariants after the
//! heal: every sale applied on the server exactly once, nothing acknowledged that the
//! server lacks, every replica equal, money conserved. A failing case prints its seed.

use std::collections::{BTreeMap, HashMap, VecDeque};

use pos_sync::{Engine, EngineConfig, Event, Instruction};
use proptest::prelude::*;

const TILLS: usize = 3;

#[derive(Debug, Default)]
struct Server {
    up: bool,
    last_seq: HashMap<usize, i64>,
    processed: HashMap<u64, (usize, i64)>,
    log: Vec<(u64, i64)>,
}

enum PushAnswer {
    Ok { last_seq: i64 },
    Gap { expected: i64 },
}

impl Server {
    fn push(&mut self, device: usize, batch: &[(i64, u64, i64)]) -> PushAnswer {
        for &(seq, id, amount) in batch {
            if let Some(&(d, s)) = self.processed.get(&id) {
                assert_eq!(
                    (d, s),
                    (device, seq),
                    "a mutation id came back with other content"
                );
                continue;
            }
            let last = self.last_seq.entry(device).or_default();
            if seq != *last + 1 {
                return PushAnswer::Gap { expected: *last + 1 };
            }
            *last = seq;
            self.processed.insert(id, (device, seq));
            self.log.push((id, amount));
        }
        PushAnswer::Ok {
            last_seq: *self.last_seq.get(&device).unwrap_or(&0),
        }
    }
}

#[derive(Debug)]
enum Request {
    Push(Vec<(i64, u64, i64)>),
    Pull,
}

#[derive(Debug)]
struct Till {
    engine: Engine,
    /// (seq, id, amount, acked)
    outbox: Vec<(i64, u64, i64, bool)>,
    applied: BTreeMap<u64, i64>,
    cursor: usize,
    partitioned: bool,
    in_flight: VecDeque<Request>,
}

impl Till {
    fn new(seed: u64) -> Till {
        Till {
            engine: engine(seed),
            outbox: Vec::new(),
            applied: BTreeMap::new(),
            cursor: 0,
            partitioned: false,
            in_flight: VecDeque::new(),
        }
    }
    fn depth(&self) -> i64 {
        self.outbox.iter().filter(|r| !r.3).count() as i64
    }
}

fn engine(seed: u64) -> Engine {
    Engine::new(EngineConfig {
        backoff_base_ms: 100,
        backoff_max_ms: 2_000,
        long_poll_ms: 0,
        seed,
    })
}

#[derive(Clone, Copy, Debug)]
enum Op {
    Sell(usize, i64),
    Tick(usize),
    Deliver {
        till: usize,
        lose_request: bool,
        lose_answer: bool,
        duplicate: bool,
    },
    TogglePartition(usize),
    ToggleServer,
    RestartTill(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => ((0..TILLS), 1i64..10_000).prop_map(|(t, a)| Op::Sell(t, a)),
        4 => (0..TILLS).prop_map(Op::Tick),
        6 => ((0..TILLS), prop::bool::weighted(0.1), prop::bool::weighted(0.15), prop::bool::weighted(0.1))
            .prop_map(|(till, lose_request, lose_answer, duplicate)| Op::Deliver { till, lose_request, lose_answer, duplicate }),
        1 => (0..TILLS).prop_map(Op::TogglePartition),
        1 => Just(Op::ToggleServer),
        1 => (0..TILLS).prop_map(Op::RestartTill),
    ]
}

struct World {
    server: Server,
    tills: Vec<Till>,
    now: i64,
    next_id: u64,
    sold: BTreeMap<u64, i64>,
    seed: u64,
}

impl World {
    fn new(seed: u64) -> World {
        World {
            server: Server {
                up: true,
                ..Server::default()
            },
            tills: (0..TILLS)
                .map(|i| Till::new(seed.wrapping_add(i as u64)))
                .collect(),
            now: 0,
            next_id: 1,
            sold: BTreeMap::new(),
            seed,
        }
    }

    fn feed(&mut self, t: usize, ev: Event) {
        let till = &mut self.tills[t];
        for i in till.engine.handle(ev) {
            till.in_flight.push_back(match i {
                Instruction::Push => {
                    let batch: Vec<_> = till
                        .outbox
                        .iter()
                        .filter(|r| !r.3)
                        .take(4)
                        .map(|r| (r.0, r.1, r.2))
                        .collect();
                    Request::Push(batch)
                }
                Instruction::Pull { .. } => Request::Pull,
            });
        }
    }

    fn apply(&mut self, op: Op) {
        self.now += 50;
        match op {
            Op::Sell(t, amount) => {
                let id = self.next_id;
                self.next_id += 1;
                let till = &mut self.tills[t];
                let seq = till.outbox.last().map(|r| r.0).unwrap_or(0) + 1;
                till.outbox.push((seq, id, amount, false));
                till.applied.insert(id, amount);
                self.sold.insert(id, amount);
            }
            Op::Tick(t) => {
                let depth = self.tills[t].depth();
                self.feed(
                    t,
                    Event::Tick {
                        now_ms: self.now,
                        outbox_depth: depth,
                    },
                );
            }
            Op::Deliver {
                till: t,
                lose_request,
                lose_answer,
                duplicate,
            } => self.deliver(t, lose_request, lose_answer, duplicate),
            Op::TogglePartition(t) => self.tills[t].partitioned = !self.tills[t].partitioned,
            Op::ToggleServer => self.server.up = !self.server.up,
            Op::RestartTill(t) => {
                let till = &mut self.tills[t];
                till.engine = engine(self.seed ^ self.now as u64);
                till.in_flight.clear();
            }
        }
    }

    fn deliver(&mut self, t: usize, lose_request: bool, lose_answer: bool, duplicate: bool) {
        let Some(req) = self.tills[t].in_flight.pop_front() else {
            return;
        };
        let reachable = self.server.up && !self.tills[t].partitioned && !lose_request;
        let now = self.now;
        match req {
            Request::Push(batch) => {
                if !reachable {
                    return self.feed(
                        t,
                        Event::PushFailed {
                            now_ms: now,
                            error: "unreachable".into(),
                        },
                    );
                }
                let mut answer = self.server.push(t, &batch);
                if duplicate {
                    answer = self.server.push(t, &batch);
                }
                if lose_answer {
                    return self.feed(
                        t,
                        Event::PushFailed {
                            now_ms: now,
                            error: "answer lost".into(),
                        },
                    );
                }
                let till = &mut self.tills[t];
                match answer {
                    PushAnswer::Ok { last_seq } => {
                        for r in till.outbox.iter_mut().filter(|r| r.0 <= last_seq) {
                            r.3 = true;
                        }
                        let depth = till.depth();
                        self.feed(
                            t,
                            Event::PushDone {
                                now_ms: now,
                                outbox_depth: depth,
                                rejections: vec![],
                            },
                        );
                    }
                    PushAnswer::Gap { expected } => {
                        for r in till.outbox.iter_mut() {
                            r.3 = r.0 < expected;
                        }
                        self.feed(
                            t,
                            Event::PushFailed {
                                now_ms: now,
                                error: "seq gap".into(),
                            },
                        );
                    }
                }
            }
            Request::Pull => {
                if !reachable {
                    return self.feed(
                        t,
                        Event::PullFailed {
                            now_ms: now,
                            error: "unreachable".into(),
                        },
                    );
                }
                let changes: Vec<_> = self.server.log[self.tills[t].cursor..].to_vec();
                if lose_answer {
                    return self.feed(
                        t,
                        Event::PullFailed {
                            now_ms: now,
                            error: "answer lost".into(),
                        },
                    );
                }
                let till = &mut self.tills[t];
                for (id, amount) in changes {
                    till.applied.insert(id, amount);
                }
                till.cursor = self.server.log.len();
                self.feed(
                    t,
                    Event::PullDone {
                        now_ms: now,
                        has_more: false,
                    },
                );
            }
        }
    }

    /// Network healed, server up: run until every till is drained and caught up.
    fn heal(&mut self) -> bool {
        self.server.up = true;
        for t in &mut self.tills {
            t.partitioned = false;
        }
        for _ in 0..2_000 {
            self.now += 500;
            for t in 0..TILLS {
                let depth = self.tills[t].depth();
                self.feed(
                    t,
                    Event::Tick {
                        now_ms: self.now,
                        outbox_depth: depth,
                    },
                );
                // Only what is in flight now: a pull's answer always starts the next pull.
                for _ in 0..self.tills[t].in_flight.len() {
                    self.deliver(t, false, false, false);
                }
            }
            let drained = self.tills.iter().all(|t| t.depth() == 0);
            let caught_up = self.tills.iter().all(|t| t.cursor == self.server.log.len());
            if drained && caught_up {
                return true;
            }
        }
        false
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

    #[test]
    fn any_schedule_of_faults_heals_to_equal_replicas_with_every_sale_applied_once(
        seed in any::<u64>(),
        ops in prop::collection::vec(op(), 1..120),
    ) {
        let mut w = World::new(seed);
        for op in ops {
            w.apply(op);
            // Safety at every step: nothing acknowledged that the server lacks.
            for (t, till) in w.tills.iter().enumerate() {
                for r in till.outbox.iter().filter(|r| r.3) {
                    prop_assert!(w.server.processed.contains_key(&r.1), "seed {seed}: till {t} acked seq {} the server lacks", r.0);
                }
            }
        }
        prop_assert!(w.heal(), "seed {seed}: no convergence after the heal");
        let mut ids: Vec<u64> = w.server.log.iter().map(|c| c.0).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        prop_assert_eq!(ids.len(), n, "seed {}: a mutation applied twice", seed);
        let server: BTreeMap<u64, i64> = w.server.log.iter().copied().collect();
        prop_assert_eq!(&server, &w.sold, "seed {}: the server lost or invented a sale", seed);
        for (t, till) in w.tills.iter().enumerate() {
            prop_assert_eq!(&till.applied, &w.sold, "seed {}: till {} differs", seed, t);
        }
        let money: i64 = w.server.log.iter().map(|c| c.1).sum();
        prop_assert_eq!(money, w.sold.values().sum::<i64>(), "seed {}: money not conserved", seed);
    }
}
