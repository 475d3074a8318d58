//! The replayed restaurant day: every cached answer equals SQLite, and the caches earn
//! their place (hit ratio over all lookups).

use pos_app::CacheConfig;
use pos_testkit::workload::{DaySpec, replay_fresh};

#[test]
fn a_replayed_day_has_no_stale_answers_and_a_high_hit_ratio() {
    let cache = CacheConfig {
        enabled: true,
        refresh_on_write: true,
        ..CacheConfig::default()
    };
    let report = replay_fresh(&DaySpec::default(), cache).expect("replay the day");
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
