//! The business profile and the menu.

use pos_core::{MenuItem, Money, Profile, Sku};
use rusqlite::{Connection, OptionalExtension, params};

use crate::{Result, WriteTx};

/// The stored profile and its version, if one was ever saved.
pub fn profile(conn: &Connection) -> Result<Option<(Profile, i64)>> {
    let row: Option<(String, i64)> = conn
        .prepare_cached("SELECT body, version FROM profile WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        Some((body, version)) => Ok(Some((crate::sql::json(&body)?, version))),
        None => Ok(None),
    }
}

/// Saves the profile and returns its new version.
pub fn save_profile(tx: &WriteTx<'_>, profile: &Profile, at_ms: i64) -> Result<i64> {
    let body = serde_json::to_string(profile)?;
    Ok(tx.query_row(
        "INSERT INTO profile (id, body, version, updated_at_ms) VALUES (1, ?1, 1, ?2)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body, version = version + 1,
             updated_at_ms = excluded.updated_at_ms
         RETURNING version",
        params![body, at_ms],
        |r| r.get(0),
    )?)
}

fn item_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, String, i64, String, bool)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
}

fn decode_item(row: (String, String, String, i64, String, bool)) -> Result<MenuItem> {
    let (sku, name, category, price, tax_class, active) = row;
    Ok(MenuItem {
        sku: crate::sql::domain(Sku::parse(&sku))?,
        name,
        category,
        price: Money::from_minor(price),
        tax_class,
        active,
    })
}

const ITEM_COLUMNS: &str = "sku, name, category, price, tax_class, active";

/// One menu item by SKU.
pub fn menu_item(conn: &Connection, sku: &Sku) -> Result<Option<MenuItem>> {
    let row = conn
        .prepare_cached(&format!("SELECT {ITEM_COLUMNS} FROM menu_items WHERE sku = ?1"))?
        .query_row([sku.as_str()], item_from_row)
        .optional()?;
    row.map(decode_item).transpose()
}

/// The menu, by category then name; inactive items only if asked.
pub fn menu(conn: &Connection, include_inactive: bool) -> Result<Vec<MenuItem>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} FROM menu_items WHERE active = 1 OR ?1 ORDER BY category, name"
    ))?;
    let rows = stmt.query_map([include_inactive], item_from_row)?;
    rows.map(|r| decode_item(r?)).collect()
}

/// Inserts or replaces menu items.
pub fn upsert_items(tx: &WriteTx<'_>, items: &[MenuItem], at_ms: i64) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO menu_items (sku, name, category, price, tax_class, active, updated_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (sku) DO UPDATE SET name = excluded.name, category = excluded.category,
             price = excluded.price, tax_class = excluded.tax_class, active = excluded.active,
             updated_at_ms = excluded.updated_at_ms",
    )?;
    for i in items {
        stmt.execute(params![
            i.sku.as_str(),
            i.name,
            i.category,
            i.price.minor(),
            i.tax_class,
            i.active,
            at_ms
        ])?;
    }
    Ok(())
}

/// Number of menu items.
pub fn menu_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM menu_items", [], |r| r.get(0))?)
}
