//! [`Till`]: the one managed state, and where the till keeps its data.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pos_app::{App, AppConfig, AppError, BackupPolicy, Need, Session, TillLock};
use pos_sync::Link;

/// The engine shared by every command. `App` is `Sync` and every call takes `&self`, so an
/// `Arc` is enough: no lock here (the store serialises writers itself).
#[derive(Debug, Clone)]
pub struct Till {
    pub app: Arc<App>,
    /// The link to the sync server (idle until enrolled); see [`crate::sync`].
    pub link: Arc<Link>,
    /// Where daily backups go and how many are kept; see [`crate::backups`].
    pub backups: BackupPolicy,
    /// Who is logged in at this till; checked before every command ([`crate::access`]).
    pub lock: Arc<TillLock>,
}

impl Till {
    /// Opens `dir/till.db` (creating the directory, and the demo restaurant on first
    /// start) and warms the caches the first screens read.
    pub fn open(dir: &Path) -> anyhow::Result<Till> {
        std::fs::create_dir_all(dir)?;
        let mut config = AppConfig::new(dir.join("till.db"));
        config.load_demo = true;
        let backups = BackupPolicy::for_database(&config.db_path);
        let app = App::open(config)?;
        match app.warm_up() {
            Ok(w) => tracing::info!(
                active_orders = w.active_orders,
                elapsed_ms = w.elapsed_ms,
                "caches warmed"
            ),
            Err(e) => tracing::warn!(error = %e, "warm-up failed; reads will fill the caches"),
        }
        tracing::info!(dir = %dir.display(), "till opened");
        let app = Arc::new(app);
        Ok(Till {
            link: Arc::new(Link::new(app.clone())),
            app,
            backups,
            lock: Arc::new(TillLock::from_env()),
        })
    }

    /// The session a command acts as (`locked` / `forbidden` otherwise).
    pub fn session(&self, need: Need) -> Result<Session, AppError> {
        self.lock.require(need, self.app.now_ms())
    }
}

/// The data directory asked for on the command line (`--data-dir DIR` or
/// `--data-dir=DIR`), else in `POS_DATA_DIR`; `None` means the OS app-data directory.
pub fn data_dir_override(args: impl IntoIterator<Item = String>, env: Option<OsString>) -> Option<PathBuf> {
    let mut args = args.into_iter();
    while let Some(a) = args.next() {
        if a == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(d) = a.strip_prefix("--data-dir=") {
            return Some(PathBuf::from(d));
        }
    }
    env.filter(|e| !e.is_empty()).map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_command_line_flag_wins_over_the_environment() {
        let d = data_dir_override(args(&["--data-dir", "/a"]), Some("/b".into()));
        assert_eq!(
            d,
            Some(PathBuf::from("/a")),
            "the flag is the more specific request"
        );
    }

    #[test]
    fn the_flag_may_be_written_with_an_equals_sign() {
        let d = data_dir_override(args(&["--data-dir=/x/y"]), None);
        assert_eq!(d, Some(PathBuf::from("/x/y")));
    }

    #[test]
    fn the_environment_is_used_when_there_is_no_flag() {
        let d = data_dir_override(args(&["--other"]), Some("/env".into()));
        assert_eq!(d, Some(PathBuf::from("/env")));
    }

    #[test]
    fn no_flag_and_no_variable_means_the_os_app_data_directory() {
        assert_eq!(
            data_dir_override(args(&[]), Some("".into())),
            None,
            "an empty variable is unset"
        );
    }
}
