//! The push and pull envelopes (see docs/SYNC.md).
//!
//! Push carries outbox rows in seq order; the server answers one result per mutation.
//! Pull returns the organisation's change log after an opaque cursor. A change carries
//! the applied [`Mutation`] itself, so a till applies another till's write with the same
//! code whatever its origin.

use pos_core::MutationId;
use serde::{Deserialize, Serialize};

use crate::Mutation;

/// Most mutations one push may carry; larger pushes are refused with 413.
pub const MAX_PUSH_BATCH: usize = 500;
/// Most changes one pull returns; `has_more` says when to ask again at once.
pub const MAX_PULL_BATCH: usize = 1000;

/// One outbox row on the wire. `intent` and `payload` are [`Mutation`]'s tagged form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushMutation {
    pub mutation_id: MutationId,
    pub seq: i64,
    #[serde(flatten)]
    pub mutation: Mutation,
}

/// `POST /sync/push`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequest {
    pub protocol_version: u32,
    pub mutations: Vec<PushMutation>,
}

/// What became of one pushed mutation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PushStatus {
    /// Applied now.
    Applied,
    /// Seen before; `status`/`reason` of the first outcome are in `first`.
    Duplicate,
    /// A business rule refused it (recorded; the till shows the reason and moves on).
    Rejected,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResult {
    pub mutation_id: MutationId,
    pub seq: i64,
    pub status: PushStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// With a rejected order edit: the server's order, which the till adopts so both
    /// converge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Box<pos_core::Order>>,
}

/// Answer to a push: one result per mutation, in order, and the device's last applied seq.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    pub results: Vec<PushResult>,
    pub last_seq: i64,
}

/// Query of `GET /sync/pull`. No cursor means "from the beginning".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct PullRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Long-poll: wait up to this many milliseconds for a change (server caps it at 25 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_ms: Option<u64>,
}

/// One applied mutation in the organisation's change log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    pub version: i64,
    pub mutation_id: MutationId,
    #[serde(flatten)]
    pub mutation: Mutation,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    /// Opaque: send it back as is.
    pub cursor: String,
    pub changes: Vec<Change>,
    /// The cursor was unknown: drop the sync state and apply `changes` as a snapshot.
    #[serde(default)]
    pub reset: bool,
    /// More changes wait; pull again without waiting.
    #[serde(default)]
    pub has_more: bool,
    /// The device's last applied seq, read after `changes` (at least as new as they are).
    pub last_seq: i64,
}

/// `POST /sync/enroll`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollRequest {
    pub code: String,
    pub device_name: String,
}

/// The device token is shown once; the server keeps only its hash.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollResponse {
    pub device_id: uuid::Uuid,
    pub token: String,
}

/// Every 4xx/5xx body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    /// For `seq_gap`: the seq the server expects next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_seq: Option<i64>,
    /// For invalid input: the field at fault (`tenders[0].amount`, `phone`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// Cursor encoding kept in one place so both sides treat it as opaque text.
pub fn encode_cursor(version: i64) -> String {
    format!("v1.{version}")
}

/// `None` for a cursor this server did not make.
pub fn decode_cursor(cursor: &str) -> Option<i64> {
    cursor.strip_prefix("v1.")?.parse().ok().filter(|v: &i64| *v >= 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pos_core::OrderStatus;
    use pos_core::ids::OrderId;
    use serde_json::json;

    fn id(n: u128) -> uuid::Uuid {
        uuid::Uuid::from_u128(n)
    }

    #[test]
    fn push_request_matches_the_golden_json() {
        let req = PushRequest {
            protocol_version: 1,
            mutations: vec![PushMutation {
                mutation_id: MutationId::from_uuid(id(1)),
                seq: 7,
                mutation: Mutation::OrderSetStatus {
                    order_id: OrderId::from_uuid(id(2)),
                    status: OrderStatus::Paid,
                    at_ms: 5,
                },
            }],
        };
        let golden = json!({
            "protocol_version": 1,
            "mutations": [{
                "mutation_id": "00000000-0000-0000-0000-000000000001",
                "seq": 7,
                "intent": "order.set_status",
                "payload": {"order_id": "00000000-0000-0000-0000-000000000002", "status": "paid", "at_ms": 5}
            }]
        });
        assert_eq!(serde_json::to_value(&req).unwrap(), golden, "wire format changed");
        assert_eq!(serde_json::from_value::<PushRequest>(golden).unwrap(), req);
    }

    #[test]
    fn push_response_matches_the_golden_json() {
        let resp = PushResponse {
            results: vec![
                PushResult {
                    mutation_id: MutationId::from_uuid(id(1)),
                    seq: 1,
                    status: PushStatus::Applied,
                    reason: None,
                    order: None,
                },
                PushResult {
                    mutation_id: MutationId::from_uuid(id(2)),
                    seq: 2,
                    status: PushStatus::Rejected,
                    reason: Some("order is paid".into()),
                    order: None,
                },
            ],
            last_seq: 2,
        };
        let golden = json!({
            "results": [
                {"mutation_id": "00000000-0000-0000-0000-000000000001", "seq": 1, "status": "applied"},
                {"mutation_id": "00000000-0000-0000-0000-000000000002", "seq": 2, "status": "rejected", "reason": "order is paid"}
            ],
            "last_seq": 2
        });
        assert_eq!(
            serde_json::to_value(&resp).unwrap(),
            golden,
            "wire format changed"
        );
    }

    #[test]
    fn pull_response_matches_the_golden_json() {
        let resp = PullResponse {
            cursor: encode_cursor(9),
            changes: vec![Change {
                version: 9,
                mutation_id: MutationId::from_uuid(id(3)),
                mutation: Mutation::OrderSetStatus {
                    order_id: OrderId::from_uuid(id(4)),
                    status: OrderStatus::Void,
                    at_ms: 1,
                },
            }],
            reset: false,
            has_more: false,
            last_seq: 0,
        };
        let golden = json!({
            "cursor": "v1.9",
            "changes": [{
                "version": 9,
                "mutation_id": "00000000-0000-0000-0000-000000000003",
                "intent": "order.set_status",
                "payload": {"order_id": "00000000-0000-0000-0000-000000000004", "status": "void", "at_ms": 1}
            }],
            "reset": false,
            "has_more": false,
            "last_seq": 0
        });
        assert_eq!(
            serde_json::to_value(&resp).unwrap(),
            golden,
            "wire format changed"
        );
        assert_eq!(serde_json::from_value::<PullResponse>(golden).unwrap(), resp);
    }

    #[test]
    fn cursors_round_trip_and_foreign_cursors_are_unknown() {
        assert_eq!(decode_cursor(&encode_cursor(42)), Some(42));
        assert_eq!(decode_cursor("garbage"), None);
        assert_eq!(decode_cursor("v1.-3"), None);
    }
}
