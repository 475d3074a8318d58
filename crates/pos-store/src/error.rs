//! The store's error type.

use pos_core::DomainError;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed: disk full, I/O error, lock held too long. Retrying may help for
    /// `SQLITE_BUSY`; the others need a person.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file was written by a newer version of the till. Refusing to open it protects it.
    #[error(
        "the database schema is version {found}, newer than this till supports ({supported}); install the newer till software"
    )]
    SchemaTooNew { found: i64, supported: i64 },
    /// A row could not be decoded: the file was changed outside the till or is damaged.
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    /// A domain rule refused the write (propagated from inside a transaction).
    #[error(transparent)]
    Domain(#[from] DomainError),
}

impl StoreError {
    pub fn corrupt(what: impl std::fmt::Display) -> Self {
        StoreError::Corrupt(what.to_string())
    }

    /// Whether trying again later may succeed (the database was busy).
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(format!("stored JSON: {e}"))
    }
}
