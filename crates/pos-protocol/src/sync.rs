//! The push and pull envelopes (see docs/SYNC.md).
//!
//! Push carries outbox rows in seq order; the server answers one result per mutation.
//! Pull returns the organisation's change log after an opaque cursor. A change carries
//! the applied [`Mutation`] itself, so a till applies another till's write with the same
//! code whatever its origin.

use pos_core::{MutationId, OrderRecord};
use serde::{Deserialize, Serialize};

use crate::Mutation;
use crate::rules::{Conflict, Refusal};

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
    /// Why it was rejected, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Why it was rejected, for code (absent from servers older than the rule codes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Refusal>,
    /// Applied, and flagged: what the rules could not merge (two tills paid one order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<Conflict>,
    /// With a rejection or a conflict on an order: the server's record of that order,
    /// which the till adopts so both converge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Box<OrderRecord>>,
    /// The change-log version `order` is as of: the till pulls again from there, so
    /// nothing it pulled after that is lost under the adopted copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_version: Option<i64>,
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
    /// What the server decided where the order of arrival mattered (this payment's bill
    /// was superseded, ...): every till replays the change with the same verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Conflict>,
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

/// The stable code of every error the server answers with. Clients match on these, never
/// on messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A push's seq is not the one after the device's last: `expected_seq` says where to
    /// resume.
    SeqGap,
    /// A mutation id came again with other content (or from another device).
    MutationConflict,
    /// More than [`MAX_PUSH_BATCH`] mutations in one push.
    BatchTooLarge,
    UnsupportedProtocolVersion,
    /// The enrollment code is unknown, used or expired.
    BadEnrollmentCode,
    InvalidDeviceName,
    MissingToken,
    /// The token is unknown or revoked.
    InvalidToken,
    /// The token's role may not do this.
    Forbidden,
    BodyTooLarge,
    NoRoute,
    MethodNotAllowed,
    UnsupportedMediaType,
    MalformedJson,
    /// A value out of range; `field` names it.
    InvalidInput,
    NotFound,
    ProfileMissing,
    /// The state forbids it (a paid order, a credit limit).
    Conflict,
    /// The server could not do it now; retrying helps.
    Internal,
    /// A code this build does not know (a newer server).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::SeqGap => "seq_gap",
            ErrorCode::MutationConflict => "mutation_conflict",
            ErrorCode::BatchTooLarge => "batch_too_large",
            ErrorCode::UnsupportedProtocolVersion => "unsupported_protocol_version",
            ErrorCode::BadEnrollmentCode => "bad_enrollment_code",
            ErrorCode::InvalidDeviceName => "invalid_device_name",
            ErrorCode::MissingToken => "missing_token",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::BodyTooLarge => "body_too_large",
            ErrorCode::NoRoute => "no_route",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::NotFound => "not_found",
            ErrorCode::ProfileMissing => "profile_missing",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Internal => "internal",
            ErrorCode::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every 4xx/5xx body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: ErrorCode,
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
                    sent_lines: None,
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
                    code: None,
                    conflict: None,
                    order: None,
                    order_version: None,
                },
                PushResult {
                    mutation_id: MutationId::from_uuid(id(2)),
                    seq: 2,
                    status: PushStatus::Rejected,
                    reason: Some("order is paid".into()),
                    code: Some(Refusal::OrderFinal),
                    conflict: None,
                    order: None,
                    order_version: None,
                },
            ],
            last_seq: 2,
        };
        let golden = json!({
            "results": [
                {"mutation_id": "00000000-0000-0000-0000-000000000001", "seq": 1, "status": "applied"},
                {"mutation_id": "00000000-0000-0000-0000-000000000002", "seq": 2, "status": "rejected", "reason": "order is paid", "code": "order_final"}
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
                    sent_lines: None,
                },
                verdict: None,
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
    fn a_conflict_and_a_verdict_match_the_golden_json() {
        let verdict = Conflict::Overpaid {
            excess: pos_core::Money::from_minor(420_00),
            superseded_invoice: Some("ST1-BBBB-000001".into()),
        };
        let golden = json!({"kind": "overpaid", "excess": 42000, "superseded_invoice": "ST1-BBBB-000001"});
        assert_eq!(
            serde_json::to_value(&verdict).unwrap(),
            golden,
            "wire format changed"
        );
        let change: Change = serde_json::from_value(json!({
            "version": 3,
            "mutation_id": "00000000-0000-0000-0000-000000000003",
            "intent": "order.set_status",
            "payload": {"order_id": "00000000-0000-0000-0000-000000000004", "status": "void", "at_ms": 1},
            "verdict": golden
        }))
        .unwrap();
        assert_eq!(change.verdict, Some(verdict));
        let old: Change = serde_json::from_value(json!({
            "version": 3,
            "mutation_id": "00000000-0000-0000-0000-000000000003",
            "intent": "order.set_status",
            "payload": {"order_id": "00000000-0000-0000-0000-000000000004", "status": "void", "at_ms": 1}
        }))
        .unwrap();
        assert_eq!(old.verdict, None, "changes from before verdicts still decode");
    }

    #[test]
    fn error_codes_are_typed_and_an_unknown_one_still_decodes() {
        let body: ErrorBody =
            serde_json::from_value(json!({"code": "seq_gap", "message": "m", "expected_seq": 4})).unwrap();
        assert_eq!((body.code, body.expected_seq), (ErrorCode::SeqGap, Some(4)));
        let newer: ErrorBody = serde_json::from_value(json!({"code": "teapot", "message": "m"})).unwrap();
        assert_eq!(newer.code, ErrorCode::Unknown);
        assert_eq!(
            serde_json::to_value(ErrorCode::BadEnrollmentCode).unwrap(),
            json!(ErrorCode::BadEnrollmentCode.as_str())
        );
    }

    #[test]
    fn cursors_round_trip_and_foreign_cursors_are_unknown() {
        assert_eq!(decode_cursor(&encode_cursor(42)), Some(42));
        assert_eq!(decode_cursor("garbage"), None);
        assert_eq!(decode_cursor("v1.-3"), None);
    }
}
