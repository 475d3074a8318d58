//! Which location an order belongs to. A till belongs to the location its enrollment code
//! named (`devices.location_id`); an order it creates belongs there too. The location
//! comes from the pushing device's row, never from the mutation body, and the first
//! location recorded for an order stays (a replay or another till cannot move it).

use deadpool_postgres::Transaction;
use pos_protocol::Mutation;
use uuid::Uuid;

use crate::auth::Device;
use crate::error::Internal;

/// After `m` was applied for `device`: stamps the device's location on the order an
/// `order.create` made, and returns it. Does nothing (`None`) for other mutations or an
/// order that already had a location.
pub async fn stamp_order(
    tx: &Transaction<'_>,
    device: Device,
    m: &Mutation,
) -> Result<Option<Uuid>, Internal> {
    let Mutation::OrderCreate { order } = m else {
        return Ok(None);
    };
    Ok(crate::db::cached::query_opt(
        tx,
        "UPDATE orders SET location_id = d.location_id FROM devices d
         WHERE orders.org_id = $1 AND orders.id = $2 AND orders.location_id IS NULL
           AND d.id = $3 AND d.org_id = $1
         RETURNING orders.location_id",
        &[&device.org_id, order.id.as_uuid(), &device.device_id],
    )
    .await?
    .and_then(|r| r.get(0)))
}
