//! The PostgreSQL pool and the migrations in `migrations/server/`, embedded at build time
//! and applied in order at start under an advisory lock (so two servers starting at once
//! do not race).

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

pub type Db = Pool;

/// Forward-only; append, never edit.
pub const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../../../migrations/server/0001_init.sql")),
    (2, include_str!("../../../migrations/server/0002_backoffice.sql")),
    (3, include_str!("../../../migrations/server/0003_staff.sql")),
    (4, include_str!("../../../migrations/server/0004_locations.sql")),
    (5, include_str!("../../../migrations/server/0005_sync_rules.sql")),
];

pub fn pool(database_url: &str, size: usize) -> anyhow::Result<Db> {
    let config: tokio_postgres::Config = database_url.parse()?;
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Ok(Pool::builder(manager).max_size(size).build()?)
}

pub async fn migrate(db: &Db) -> anyhow::Result<()> {
    let mut client = db.get().await?;
    let tx = client.transaction().await?;
    tx.batch_execute(
        "SELECT pg_advisory_xact_lock(7311);
         CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now());",
    )
    .await?;
    for (version, sql) in MIGRATIONS {
        let done = tx
            .query_opt("SELECT 1 FROM schema_migrations WHERE version = $1", &[version])
            .await?
            .is_some();
        if !done {
            tx.batch_execute(sql).await?;
            tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[version])
                .await?;
            tracing::info!(version, "applied server migration");
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Creates a new, empty database `<prefix>_<random>` on the cluster `admin_url` points at
/// and returns its URL (the same URL with the database name replaced). Tests, the examples
/// and pos-bench each get a database of their own this way.
pub async fn create_database(admin_url: &str, prefix: &str) -> anyhow::Result<String> {
    let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
    let (base, _) = admin_url
        .rsplit_once('/')
        .ok_or_else(|| anyhow::anyhow!("a database URL ends in /dbname"))?;
    pool(admin_url, 1)?
        .get()
        .await?
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await?;
    Ok(format!("{base}/{name}"))
}

/// Statements through the connection's statement cache (deadpool's `prepare_cached`):
/// parsed and planned once per connection, then one round trip per execution. A plain
/// `query("SELECT ...")` costs two (parse and describe, then bind and execute) and a parse
/// in PostgreSQL every time. The hot paths (push, apply, pull, token lookup) use these.
pub mod cached {
    use deadpool_postgres::GenericClient;
    use tokio_postgres::types::ToSql;
    use tokio_postgres::{Error, Row};

    type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

    pub async fn query<C: GenericClient>(c: &C, sql: &str, params: Params<'_>) -> Result<Vec<Row>, Error> {
        let st = c.prepare_cached(sql).await?;
        c.query(&st, params).await
    }

    pub async fn query_one<C: GenericClient>(c: &C, sql: &str, params: Params<'_>) -> Result<Row, Error> {
        let st = c.prepare_cached(sql).await?;
        c.query_one(&st, params).await
    }

    pub async fn query_opt<C: GenericClient>(
        c: &C,
        sql: &str,
        params: Params<'_>,
    ) -> Result<Option<Row>, Error> {
        let st = c.prepare_cached(sql).await?;
        c.query_opt(&st, params).await
    }

    pub async fn execute<C: GenericClient>(c: &C, sql: &str, params: Params<'_>) -> Result<u64, Error> {
        let st = c.prepare_cached(sql).await?;
        c.execute(&st, params).await
    }
}
