//! Benchmark and load tools for the till and the sync server. The binary (`pos-bench`)
//! is a thin CLI over these modules; the smoke tests call them at tiny sizes.
//!
//! # Layout
//! - [`stats`]: timing calls into HDR histograms, result rows, tables, RSS, JSON output.
//! - [`till`]: the till's hot paths next to the goals and the seed's targets; the same
//!   reads as a cache hit, a direct SQLite read and a Redis GET; a till with years of
//!   paid history and its resident memory.
//! - [`replay`]: the seeded restaurant day (`pos_testkit::workload`) at several sizes.
//! - [`server`]: many real tills syncing with a real server on PostgreSQL: push
//!   throughput, till-to-till propagation, stale answers, memory.
//! - [`redis_server`]: a throwaway `redis-server` on a free loopback port.

pub mod redis_server;
pub mod replay;
pub mod server;
pub mod stats;
pub mod till;
