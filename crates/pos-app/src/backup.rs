//! Daily copies of the till's database.
//!
//! A backup is `<dir>/till-YYYY-MM-DD.db` (the till's local date, from the profile's UTC
//! offset), made with SQLite's online backup API ([`pos_store::Store::backup_to`]): one
//! step from a reader connection's snapshot, so in WAL mode the writer (and therefore
//! selling) is never blocked. The copy is written to a `.partial` file and
//! renamed into place, so a failed or interrupted backup never destroys the last good
//! one. Backups older than [`BackupPolicy::keep_days`] days are deleted after each new one.
//!
//! Restoring is a file copy while the till is stopped (see the README): a backup is a
//! complete till database, outbox and sync cursor included.

use std::path::{Path, PathBuf};

use pos_core::day::{business_day, format_day, parse_day};
use serde::{Deserialize, Serialize};

use crate::{App, AppError, Result};

/// Default number of daily backups kept.
pub const DEFAULT_KEEP_DAYS: u32 = 14;

/// Where backups go and how many days are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupPolicy {
    pub dir: PathBuf,
    /// Backups of the last `keep_days` days (today included) are kept; at least 1.
    pub keep_days: u32,
}

impl BackupPolicy {
    /// `<directory of db_path>/backups`, keeping `POS_BACKUP_KEEP_DAYS` days (default
    /// [`DEFAULT_KEEP_DAYS`]; a value that is not a positive number is ignored with a warning).
    pub fn for_database(db_path: &Path) -> BackupPolicy {
        let dir = db_path
            .parent()
            .map(|p| p.join("backups"))
            .unwrap_or_else(|| PathBuf::from("backups"));
        let keep_days = match std::env::var("POS_BACKUP_KEEP_DAYS") {
            Ok(v) => match v.trim().parse::<u32>() {
                Ok(n) if n > 0 => n,
                _ => {
                    tracing::warn!(value = %v, "POS_BACKUP_KEEP_DAYS must be a positive number of days; using {DEFAULT_KEEP_DAYS}");
                    DEFAULT_KEEP_DAYS
                }
            },
            Err(_) => DEFAULT_KEEP_DAYS,
        };
        BackupPolicy { dir, keep_days }
    }
}

/// One backup file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BackupInfo {
    /// `till-2026-11-24.db`
    pub file_name: String,
    /// `2026-11-24`
    pub day: String,
    pub bytes: u64,
    /// When the file was last written (Unix ms).
    pub modified_ms: i64,
}

/// What [`App::backup_now`] did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BackupReport {
    pub backup: BackupInfo,
    /// Files deleted because they were older than the retention.
    pub pruned: Vec<String>,
    pub elapsed_ms: f64,
}

fn io_error(what: &str, e: std::io::Error) -> AppError {
    tracing::error!(error = %e, "{what}");
    AppError {
        retryable: true,
        ..AppError::new(crate::ErrorCode::Storage, format!("{what}: {e}"))
    }
}

fn day_of_file(name: &str) -> Option<String> {
    let day = name.strip_prefix("till-")?.strip_suffix(".db")?;
    parse_day(day).ok().map(format_day)
}

impl App {
    /// The till's local date (profile's UTC offset; UTC before there is a profile).
    fn backup_day(&self) -> String {
        let offset = self.profile().map(|p| p.utc_offset_minutes).unwrap_or(0);
        format_day(business_day(self.now_ms(), offset, 0))
    }

    /// Copies the database to today's backup file now (replacing an earlier copy of
    /// today), then prunes backups older than the policy keeps.
    // Manager only at the till (the desktop's `access::RULES`).
    #[tracing::instrument(skip_all, err)]
    pub fn backup_now(&self, policy: &BackupPolicy) -> Result<BackupReport> {
        let started = std::time::Instant::now();
        std::fs::create_dir_all(&policy.dir)
            .map_err(|e| io_error("the backup directory could not be created", e))?;
        let day = self.backup_day();
        let file_name = format!("till-{day}.db");
        let dest = policy.dir.join(&file_name);
        let partial = policy.dir.join(format!("{file_name}.partial"));
        let _ = std::fs::remove_file(&partial);
        self.store.backup_to(&partial)?;
        std::fs::rename(&partial, &dest)
            .map_err(|e| io_error("the backup could not be moved into place", e))?;
        let pruned = prune_backups(policy, &day)?;
        let backup = list_backups(policy)?
            .into_iter()
            .find(|b| b.file_name == file_name)
            .ok_or_else(|| AppError::internal("the backup just written is missing"))?;
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        tracing::info!(file = %file_name, bytes = backup.bytes, pruned = pruned.len(), elapsed_ms, "backup written");
        Ok(BackupReport {
            backup,
            pruned,
            elapsed_ms,
        })
    }

    /// Today's backup if it is missing (at start, then once a day); `None` if it exists.
    #[tracing::instrument(skip_all, err)]
    pub fn daily_backup(&self, policy: &BackupPolicy) -> Result<Option<BackupReport>> {
        let day = self.backup_day();
        if policy.dir.join(format!("till-{day}.db")).exists() {
            return Ok(None);
        }
        self.backup_now(policy).map(Some)
    }

    /// The backups in the policy's directory, newest day first.
    pub fn list_backups(&self, policy: &BackupPolicy) -> Result<Vec<BackupInfo>> {
        list_backups(policy)
    }
}

/// The backups in `policy.dir`, newest day first (an absent directory has none).
pub fn list_backups(policy: &BackupPolicy) -> Result<Vec<BackupInfo>> {
    let entries = match std::fs::read_dir(&policy.dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error("the backup directory could not be read", e)),
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(day) = day_of_file(&name) else { continue };
        let Ok(meta) = entry.metadata() else { continue };
        let modified_ms = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        out.push(BackupInfo {
            file_name: name,
            day,
            bytes: meta.len(),
            modified_ms,
        });
    }
    out.sort_by(|a, b| b.day.cmp(&a.day));
    Ok(out)
}

/// Deletes backups whose day is `keep_days` or more days before `today`; returns their
/// names. Files that are not `till-YYYY-MM-DD.db` are never touched.
pub fn prune_backups(policy: &BackupPolicy, today: &str) -> Result<Vec<String>> {
    let today = parse_day(today)?.to_julian_day();
    let keep = i32::try_from(policy.keep_days.max(1)).unwrap_or(i32::MAX);
    let mut pruned = Vec::new();
    for b in list_backups(policy)? {
        let day = parse_day(&b.day)?.to_julian_day();
        if today - day >= keep {
            std::fs::remove_file(policy.dir.join(&b.file_name))
                .map_err(|e| io_error("an old backup could not be deleted", e))?;
            pruned.push(b.file_name);
        }
    }
    pruned.sort();
    Ok(pruned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_named_like_a_daily_backup_count() {
        assert_eq!(day_of_file("till-2026-11-24.db").as_deref(), Some("2026-11-24"));
        assert_eq!(
            day_of_file("till-2026-11-24.db.partial"),
            None,
            "an unfinished copy is not a backup"
        );
        assert_eq!(day_of_file("till.db"), None);
        assert_eq!(day_of_file("till-2026-13-01.db"), None, "not a date");
    }
}
