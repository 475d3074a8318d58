//! `pos-server admin ...`: what an operator does before any till exists.

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

/// A one-time enrollment code for `org` (printed once; stored hashed).
pub async fn enrollment_code(db: &Db, org: Uuid) -> anyhow::Result<String> {
    let client = db.get().await?;
    let exists = client
        .query_opt("SELECT 1 FROM organisations WHERE id = $1", &[&org])
        .await?
        .is_some();
    anyhow::ensure!(exists, "no organisation {org}");
    let code = new_secret(16);
    client
        .execute(
            "INSERT INTO enrollment_codes (code_hash, org_id) VALUES ($1, $2)",
            &[&hash_secret(&code), &org],
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
