//! How the caches of several instances stay coherent: every write sends its [`Change`]
//! with `pg_notify` in its transaction (delivered only on commit, in commit order), and
//! each instance keeps one listener connection ([`run_listener`]) that applies the change
//! to its caches and then records the version as *seen* for the organisation (see the
//! parent module for why that makes reads on any instance current).

use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::Transaction;
use tokio_postgres::{AsyncMessage, NoTls};
use uuid::Uuid;

use super::{CHANNEL, Caches, Change};
use crate::error::Internal;

/// Sends `c` to every instance when `tx` commits.
pub async fn notify(tx: &Transaction<'_>, c: &Change) -> Result<(), Internal> {
    let payload = serde_json::to_string(c)?;
    crate::db::cached::execute(tx, "SELECT pg_notify($1, $2)", &[&CHANNEL, &payload]).await?;
    Ok(())
}

/// [`notify`] for each of `changes`, in order, in one statement.
pub async fn notify_all(tx: &Transaction<'_>, changes: &[Change]) -> Result<(), Internal> {
    let payloads = changes
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<Vec<_>, _>>()?;
    crate::db::cached::execute(
        tx,
        "SELECT pg_notify($1, c) FROM unnest($2::text[]) WITH ORDINALITY AS t(c, n) ORDER BY n",
        &[&CHANNEL, &payloads],
    )
    .await?;
    Ok(())
}

/// Keeps one `LISTEN` connection open until `stopping` flips, applying every change to
/// `caches` (and waking this instance's pull long-polls). Reconnects with a short backoff;
/// each (re)connection clears the caches first (see the module docs).
pub async fn run_listener(
    database_url: String,
    db: crate::db::Db,
    caches: Arc<Caches>,
    feed: Arc<crate::changes::ChangeFeed>,
    mut stopping: tokio::sync::watch::Receiver<bool>,
) {
    let mut backoff = Duration::from_millis(50);
    loop {
        if *stopping.borrow() {
            return;
        }
        match listen_once(&database_url, &db, &caches, &feed, &mut stopping).await {
            Ok(()) => return,
            Err(e) => {
                caches.lost();
                tracing::warn!(error = %e, "cache listener lost its connection; caches cleared");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            _ = stopping.changed() => return,
        }
        backoff = (backoff * 2).min(Duration::from_secs(2));
    }
}

async fn listen_once(
    database_url: &str,
    db: &crate::db::Db,
    caches: &Caches,
    feed: &crate::changes::ChangeFeed,
    stopping: &mut tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let mut config: tokio_postgres::Config = database_url.parse()?;
    config.application_name("pos-cache-listener");
    let (client, mut connection) = config.connect(NoTls).await?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let pump = tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(AsyncMessage::Notification(n))) => {
                    if tx.send(Some(n.payload().to_string())).is_err() {
                        return;
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => {
                    let _ = tx.send(None);
                    return;
                }
            }
        }
    });
    let result = async {
        client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
        let baseline = db
            .get()
            .await?
            .query("SELECT org_id, MAX(version) FROM change_log GROUP BY org_id", &[])
            .await?
            .into_iter()
            .map(|r| (r.get::<_, Uuid>(0), r.get::<_, i64>(1)))
            .collect();
        caches.resumed(baseline);
        tracing::info!("cache listener connected");
        loop {
            tokio::select! {
                msg = rx.recv() => match msg {
                    Some(Some(payload)) => match serde_json::from_str::<Change>(&payload) {
                        Ok(c) => {
                            caches.notified(&c);
                            feed.published(c.org, c.version);
                        }
                        Err(e) => tracing::warn!(error = %e, "unreadable cache notification ignored"),
                    },
                    _ => anyhow::bail!("listener connection closed"),
                },
                _ = stopping.changed() => return Ok(()),
            }
        }
    }
    .await;
    pump.abort();
    drop(client);
    result
}
