//! `pos-server admin ...`: what an operator does before any till exists.

use anyhow::Context;
use uuid::Uuid;

use crate::auth::{hash_secret, new_secret};
use crate::db::Db;

/// Creates an organisation (and its first location) and returns its id.
pub async fn create_org(db: &Db, name: &str) -> anyhow::Result<Uuid> {
    let name = name.trim();
    anyhow::ensure!(!name.is_empty(), "the organisation needs a name");
    let mut client = db.get().await?;
    let tx = client.transaction().await?;
    let id = Uuid::now_v7();
    tx.execute(
        "INSERT INTO organisations (id, name) VALUES ($1, $2)",
        &[&id, &name],
    )
    .await?;
    tx.execute(
        "INSERT INTO locations (id, org_id, name) VALUES ($1, $2, 'Main')",
        &[&Uuid::now_v7(), &id],
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A new location of `org` (a restaurant of the organisation) and its id. Running servers
/// drop their cached location list at once (the same notification a profile change sends).
pub async fn create_location(db: &Db, org: Uuid, name: &str) -> anyhow::Result<Uuid> {
    let name = name.trim();
    anyhow::ensure!(
        !name.is_empty() && name.chars().count() <= 80,
        "the location needs a name of 1 to 80 characters"
    );
    let mut client = db.get().await?;
    let tx = client.transaction().await?;
    let exists = tx
        .query_opt("SELECT 1 FROM organisations WHERE id = $1", &[&org])
        .await?
        .is_some();
    anyhow::ensure!(exists, "no organisation {org}");
    let id = Uuid::now_v7();
    tx.execute(
        "INSERT INTO locations (id, org_id, name) VALUES ($1, $2, $3)",
        &[&id, &org, &name],
    )
    .await?;
    // From the command line, not an instance: every running instance applies it.
    let change = crate::cache::Change::settings(Uuid::nil(), org);
    crate::cache::notify(&tx, &change).await?;
    tx.commit().await?;
    Ok(id)
}

/// The organisation's default location: its first (the "Main" that [`create_org`] makes).
pub async fn default_location(db: &Db, org: Uuid) -> anyhow::Result<Uuid> {
    let client = db.get().await?;
    let row = client
        .query_opt(
            "SELECT id FROM locations WHERE org_id = $1 ORDER BY id LIMIT 1",
            &[&org],
        )
        .await?;
    Ok(row
        .with_context(|| format!("no organisation {org} (or it has no location)"))?
        .get(0))
}

/// A one-time enrollment code for a till of `org` at its default location.
pub async fn enrollment_code(db: &Db, org: Uuid) -> anyhow::Result<String> {
    let location = default_location(db, org).await?;
    enrollment_code_at(db, org, location).await
}

/// A one-time enrollment code for a till of `org` at `location` (printed once; stored
/// hashed). The device it enrolls belongs to that location.
pub async fn enrollment_code_at(db: &Db, org: Uuid, location: Uuid) -> anyhow::Result<String> {
    let client = db.get().await?;
    let exists = client
        .query_opt(
            "SELECT 1 FROM locations WHERE org_id = $1 AND id = $2",
            &[&org, &location],
        )
        .await?
        .is_some();
    anyhow::ensure!(exists, "no location {location} in organisation {org}");
    let code = new_secret(16);
    client
        .execute(
            "INSERT INTO enrollment_codes (code_hash, org_id, location_id) VALUES ($1, $2, $3)",
            &[&hash_secret(&code), &org, &location],
        )
        .await?;
    Ok(code)
}

/// A new manager or admin API token for `org`, returned once; only its sha256 is stored.
pub async fn create_token(db: &Db, org: Uuid, role: crate::auth::Role, name: &str) -> anyhow::Result<String> {
    let name = name.trim();
    anyhow::ensure!(
        !name.is_empty() && name.chars().count() <= 80,
        "the token needs a name of 1 to 80 characters"
    );
    anyhow::ensure!(
        role != crate::auth::Role::Device,
        "device tokens come from enrollment; create a manager or admin token"
    );
    let client = db.get().await?;
    let exists = client
        .query_opt("SELECT 1 FROM organisations WHERE id = $1", &[&org])
        .await?
        .is_some();
    anyhow::ensure!(exists, "no organisation {org}");
    let token = new_secret(32);
    client
        .execute(
            "INSERT INTO api_tokens (id, org_id, role, name, token_hash) VALUES ($1, $2, $3, $4, $5)",
            &[&Uuid::now_v7(), &org, &role.as_str(), &name, &hash_secret(&token)],
        )
        .await?;
    tracing::info!(%org, role = role.as_str(), "api token created");
    Ok(token)
}
