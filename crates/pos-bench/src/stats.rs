//! Timing one call at a time into HDR histograms, the result rows, and the table printer.

use std::time::Instant;

use hdrhistogram::Histogram;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

/// Nanoseconds, 1 ns to 60 s, 3 significant digits.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000_000, 3).unwrap_or_else(|_| unreachable!("static bounds"))
}

/// Records `ns` (at least 1) into `h`; values above the bound are clamped.
pub fn record(h: &mut Histogram<u64>, ns: u64) {
    let _ = h.record(ns.clamp(1, 60_000_000_000));
}

/// A progress bar on stderr (hidden when stderr is not a terminal, as under nextest).
pub fn progress(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg:>34} [{bar:30}] {pos}/{len} {elapsed_precise} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar
}

/// Times `n` calls of `call`, each after an untimed `setup(i)`, after a warm-up of
/// `n / 20` calls (10 to 2,000) that faults in pages and fills statement caches.
pub fn measure(what: &str, n: u64, mut setup: impl FnMut(u64), mut call: impl FnMut(u64)) -> Histogram<u64> {
    let mut h = histogram();
    for i in 0..(n / 20).clamp(10, 2_000) {
        setup(i);
        call(i);
    }
    let bar = progress(n, what);
    for i in 0..n {
        setup(i);
        let started = Instant::now();
        call(i);
        record(&mut h, started.elapsed().as_nanos() as u64);
        if i % 1024 == 0 {
            bar.set_position(i);
        }
    }
    bar.finish_and_clear();
    h
}

/// One measured path: percentiles in microseconds, the goal and the seed's target.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub scenario: String,
    pub n: u64,
    pub p50_us: f64,
    pub p99_us: f64,
    pub p999_us: f64,
    pub max_us: f64,
    pub mean_us: f64,
    /// Our goal for the p99, when there is one.
    pub goal_p99_us: Option<f64>,
    /// What the original specification promised (text, as it was written).
    pub seed_target: String,
}

impl Row {
    pub fn of(scenario: &str, h: &Histogram<u64>, goal_p99_us: Option<f64>, seed_target: &str) -> Row {
        let us = |ns: u64| ns as f64 / 1000.0;
        Row {
            scenario: scenario.to_owned(),
            n: h.len(),
            p50_us: us(h.value_at_quantile(0.5)),
            p99_us: us(h.value_at_quantile(0.99)),
            p999_us: us(h.value_at_quantile(0.999)),
            max_us: us(h.max()),
            mean_us: h.mean() / 1000.0,
            goal_p99_us,
            seed_target: seed_target.to_owned(),
        }
    }

    pub fn verdict(&self) -> &'static str {
        match self.goal_p99_us {
            Some(g) if self.p99_us <= g => "ok",
            Some(_) => "OVER",
            None => "",
        }
    }
}

/// The rows as a table for a terminal.
pub fn table(rows: &[Row]) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<46} {:>8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>11}  verdict",
        "scenario", "n", "p50 us", "p99 us", "p999 us", "max us", "goal p99", "seed target"
    );
    for r in rows {
        let goal = r
            .goal_p99_us
            .map_or_else(|| "-".to_owned(), |g| format!("{g} us"));
        let _ = writeln!(
            s,
            "{:<46} {:>8} {:>10.2} {:>10.2} {:>10.2} {:>10.2} {:>10} {:>11}  {}",
            r.scenario,
            r.n,
            r.p50_us,
            r.p99_us,
            r.p999_us,
            r.max_us,
            goal,
            r.seed_target,
            r.verdict()
        );
    }
    s
}

/// Resident memory of process `pid` in bytes (`VmRSS` of `/proc/<pid>/status`).
pub fn rss_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Peak resident memory of process `pid` in bytes (`VmHWM`).
pub fn peak_rss_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// One line describing the machine and its load, printed with every run.
pub fn machine() -> Machine {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_default();
    Machine { cpu, cores, load }
}

#[derive(Clone, Debug, Serialize)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    /// 1-minute load average when the run started (the machine may be shared).
    pub load: String,
}

impl std::fmt::Display for Machine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} x {}, load average {}", self.cores, self.cpu, self.load)
    }
}

/// Writes `value` as pretty JSON to `target/bench/<name>.json` (or `dir`), returns the path.
pub fn write_json(
    dir: &std::path::Path,
    name: &str,
    value: &impl Serialize,
) -> anyhow::Result<std::path::PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(value)?)?;
    Ok(path)
}

/// Microseconds from a histogram of nanoseconds at quantile `q`.
pub fn us_at(h: &Histogram<u64>, q: f64) -> f64 {
    h.value_at_quantile(q) as f64 / 1000.0
}
