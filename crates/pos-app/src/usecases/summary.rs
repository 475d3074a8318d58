//! The business day's X/Z report.

use std::sync::Arc;

use pos_core::day::parse_day;
use pos_store::summary::{DaySummary, day_summary};

use crate::{App, AppError, Result};

impl App {
    /// The report of `day` (`YYYY-MM-DD`), or of the current business day.
    #[tracing::instrument(skip_all, err)]
    pub fn billing_summary(&self, day: Option<&str>) -> Result<Arc<DaySummary>> {
        let day = match day {
            Some(d) => pos_core::day::format_day(parse_day(d)?),
            None => self.today()?,
        };
        self.caches.day_summary.get_or_load(&day, || {
            self.store.read(|c| Ok::<_, AppError>(day_summary(c, &day)?))
        })
    }

    /// The current business day, `YYYY-MM-DD`.
    pub fn today(&self) -> Result<String> {
        let profile = self.require_profile()?;
        Ok(self.day_of(&profile, self.clock.now_ms()))
    }
}
