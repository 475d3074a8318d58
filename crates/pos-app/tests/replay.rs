//! The replayed restaurant day: every cached answer equals SQLite, and the caches earn
//! their place (hit ratio over all lookups).

use std::sync::Arc;

use pos_app::workload::{DaySpec, replay};
use pos_app::{App, AppConfig, CacheConfig, ManualClock};

/// A scratch directory on tmpfs when there is one: the replay checks cache behaviour, not
/// the disk, and ~7,000 `synchronous=FULL` commits on a slow virtual disk would dominate.
fn scratch() -> tempfile::TempDir {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(d) = tempfile::tempdir_in(shm)
    {
        return d;
    }
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn a_replayed_day_has_no_stale_answers_and_a_high_hit_ratio() {
    let dir = scratch();
    let config = AppConfig {
        db_path: dir.path().join("till.db"),
        cache: CacheConfig {
            enabled: true,
            refresh_on_write: true,
            ..CacheConfig::default()
        },
        load_demo: false,
        warm_up: false,
    };
    let spec = DaySpec::default();
    let clock = Arc::new(ManualClock::new(spec.start_ms));
    let app = App::open_with_clock(config, clock.clone()).expect("open the till");
    let report = replay(&app, &clock, &spec).expect("replay the day");
    println!("{}", report.summary());
    assert!(
        report.checks > 20_000,
        "the day checked too little:\n{}",
        report.summary()
    );
    assert!(
        report.writes > 4_000,
        "the day wrote too little:\n{}",
        report.summary()
    );
    assert_eq!(report.stale, 0, "stale answers:\n{}", report.summary());
    assert!(
        report.hit_ratio >= 0.95,
        "hit ratio {:.4} is under 0.95:\n{}",
        report.hit_ratio,
        report.summary()
    );
}
