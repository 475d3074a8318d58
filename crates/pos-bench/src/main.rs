//! `pos-bench`: the project's benchmarks. See docs/PERFORMANCE.md for what each prints.
//!
//! ```text
//! cargo run --release -p pos-bench -- till                     # hot paths, SQLite, Redis
//! cargo run --release -p pos-bench -- till --history 1000000   # + a till with 1M paid orders
//! cargo run --release -p pos-bench -- replay                   # replayed days, 600-20,000 orders
//! cargo run --release -p pos-bench -- server                   # 100 tills against the server
//! ```
//! Results go to the screen as tables and to `target/bench/<command>.json`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use pos_bench::replay::{self, Size};
use pos_bench::server::{self, ReadBack, ServerMode, ServerOptions};
use pos_bench::stats::write_json;
use pos_bench::till::{self, TillOptions};
use pos_testkit::large::LargeData;

#[derive(Parser, Debug)]
#[command(name = "pos-bench", about = "Benchmarks of the till and the sync server")]
struct Cli {
    /// Where the JSON results go.
    #[arg(long, global = true, default_value = "target/bench")]
    out: PathBuf,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// The till's hot paths next to the goals and the seed's targets, and the same reads
    /// as a cache hit, a direct SQLite read and a Redis GET on the loopback.
    Till {
        /// Divide every iteration count by this (10 for a quick look).
        #[arg(long, default_value_t = 1)]
        scale: u64,
        /// Also generate a till with this many paid orders of history, open it in a fresh
        /// process and report its latency and resident memory.
        #[arg(long)]
        history: Option<usize>,
        /// Directory for the SQLite files (default: the system temp dir, on disk).
        #[arg(long)]
        db_dir: Option<PathBuf>,
        /// Skip the Redis comparison.
        #[arg(long)]
        no_redis: bool,
        /// Caches that only invalidate on writes (no write-through), for comparison.
        #[arg(long)]
        no_refresh: bool,
        /// With --history: skip the standard till and measure only the history till.
        #[arg(long)]
        only_history: bool,
        /// Measure an existing till (made by --history) instead of generating one.
        #[arg(long, hide = true)]
        existing: Option<PathBuf>,
    },
    /// The seeded restaurant day at several sizes: hit ratio, stale answers, latency,
    /// cache memory.
    Replay {
        /// Orders a day, comma-separated [600,2000,20000].
        #[arg(long, value_delimiter = ',')]
        orders: Vec<usize>,
        /// Tills' worth of reads, comma-separated [1,4,16].
        #[arg(long, value_delimiter = ',')]
        tills: Vec<usize>,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long)]
        no_refresh: bool,
        /// Start no new day after this many seconds.
        #[arg(long, default_value_t = 1_800)]
        max_seconds: u64,
    },
    /// N real tills (App + sync driver) against a real server on PostgreSQL.
    Server {
        #[arg(long, default_value_t = 100)]
        tills: usize,
        #[arg(long, default_value_t = 10)]
        orgs: usize,
        #[arg(long, default_value_t = 30)]
        orders_per_till: usize,
        #[arg(long, default_value_t = 12)]
        open_per_till: usize,
        #[arg(long, default_value_t = 3)]
        lines: usize,
        #[arg(long, default_value_t = 200)]
        probes: usize,
        /// Orders a second each till sells during the live phase.
        #[arg(long, default_value_t = 0.2)]
        live_rate: f64,
        /// A running server (then --database-url must be its database, for enrollment).
        #[arg(long)]
        url: Option<String>,
        /// PostgreSQL admin URL (default: DATABASE_URL, else a private cluster started
        /// with scripts/pg.sh in target/bench/pg).
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
        /// Run the server in this process instead of a child process.
        #[arg(long)]
        in_process: bool,
        #[arg(long, default_value_t = 32)]
        pool_size: usize,
        #[arg(long, default_value_t = 600)]
        max_seconds: u64,
        /// Read what one till wrote back through `other-till` (its cached App after its
        /// pull) or `server-api` (that, then the server's cached `GET /orders/{id}` with an
        /// admin token the tool creates for each organisation on the server's database).
        #[arg(long, default_value = "server-api")]
        read_back: String,
    },
    /// Runs the server until stdin closes (used by `server`).
    #[command(hide = true)]
    ServerChild {
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 32)]
        pool_size: usize,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Cmd::Till {
            scale,
            history,
            db_dir,
            no_redis,
            no_refresh,
            only_history,
            existing,
        } => {
            let mut opts = TillOptions {
                scale: scale.max(1),
                db_dir: db_dir.clone(),
                redis: !no_redis,
                ..TillOptions::default()
            };
            opts.cache.refresh_on_write = !no_refresh;
            if let Some(path) = existing {
                let report = till::run_existing(&path, &opts)?;
                report.print();
                let out = write_json(&cli.out, "till-history", &report)?;
                println!("wrote {}", out.display());
                return Ok(());
            }
            if !(only_history && history.is_some()) {
                let report = till::run(&opts)?;
                report.print();
                println!("wrote {}", write_json(&cli.out, "till", &report)?.display());
            }
            if let Some(n) = history {
                history_run(n, db_dir, scale, no_redis, &cli.out)?;
            }
        }
        Cmd::Replay {
            orders,
            tills,
            seed,
            no_refresh,
            max_seconds,
        } => {
            let sizes: Vec<Size> = if orders.is_empty() && tills.is_empty() {
                replay::standard_sizes()
            } else {
                let orders = if orders.is_empty() { vec![600] } else { orders };
                let tills = if tills.is_empty() { vec![1] } else { tills };
                orders
                    .iter()
                    .flat_map(|&o| tills.iter().map(move |&t| Size { orders: o, tills: t }))
                    .collect()
            };
            let set = replay::run(&sizes, seed, !no_refresh, Duration::from_secs(max_seconds))?;
            set.print();
            println!("wrote {}", write_json(&cli.out, "replay", &set)?.display());
            let stale: u64 = set.runs.iter().map(|r| r.report.stale).sum();
            anyhow::ensure!(stale == 0, "{stale} stale answers");
        }
        Cmd::Server {
            tills,
            orgs,
            orders_per_till,
            open_per_till,
            lines,
            probes,
            live_rate,
            url,
            database_url,
            in_process,
            pool_size,
            max_seconds,
            read_back,
        } => {
            let read_back = match read_back.as_str() {
                "other-till" => ReadBack::OtherTill,
                "server-api" => ReadBack::ServerApi,
                other => anyhow::bail!("--read-back is other-till or server-api, not {other}"),
            };
            let mode = match (&url, in_process) {
                (Some(u), _) => {
                    anyhow::ensure!(
                        database_url.is_some(),
                        "--url needs --database-url (its database)"
                    );
                    ServerMode::Running(u.clone())
                }
                (None, true) => ServerMode::InProcess,
                (None, false) => ServerMode::Child(std::env::current_exe()?),
            };
            let opts = ServerOptions {
                tills,
                orgs,
                orders_per_till,
                open_per_till,
                lines,
                probes,
                live_rate,
                database_url,
                mode,
                pool_size,
                time_limit: Duration::from_secs(max_seconds),
                read_back,
                ..ServerOptions::default()
            };
            let report = runtime()?.block_on(server::run(&opts))?;
            report.print();
            println!("wrote {}", write_json(&cli.out, "server", &report)?.display());
            anyhow::ensure!(report.stale == 0, "{} stale answers", report.stale);
        }
        Cmd::ServerChild {
            database_url,
            pool_size,
        } => runtime()?.block_on(server::serve_child(database_url, pool_size))?,
    }
    Ok(())
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}

/// Generates the history till here, then measures it in a fresh process of this binary so
/// the resident memory reported is the till's, not the generator's.
fn history_run(
    n: usize,
    db_dir: Option<PathBuf>,
    scale: u64,
    no_redis: bool,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    let dir = match &db_dir {
        Some(d) => tempfile::tempdir_in(d)?,
        None => tempfile::tempdir()?,
    };
    let path = dir.path().join("history.db");
    let sizes = LargeData {
        paid_orders: n,
        ..LargeData::default()
    };
    let secs = till::generate(&path, sizes)?;
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "\ngenerated a till with {n} paid orders of history in {secs:.1} s ({:.0} orders/s), {:.0} MB",
        n as f64 / secs.max(1e-9),
        bytes as f64 / 1e6
    );
    let mut cmd = std::process::Command::new(std::env::current_exe()?);
    cmd.arg("--out").arg(out).arg("till").arg("--existing").arg(&path);
    cmd.arg("--scale").arg(scale.to_string());
    if no_redis {
        cmd.arg("--no-redis");
    }
    let status = cmd.status()?;
    anyhow::ensure!(status.success(), "the history run failed");
    Ok(())
}
