//! Identifiers. Every order, line, payment and ledger entry gets a UUIDv7 made on the till
//! that created it, so tills never need the server to name things and sorting by id sorts
//! by creation time. Generation needs a clock and randomness, so it lives in the app layer;
//! here are only the types.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::DomainError;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub struct $name(Uuid);

        impl $name {
            pub const fn from_uuid(u: Uuid) -> Self {
                $name(u)
            }

            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl FromStr for $name {
            type Err = DomainError;
            fn from_str(s: &str) -> Result<Self, DomainError> {
                Uuid::parse_str(s.trim())
                    .map($name)
                    .map_err(|_| DomainError::invalid($field, format!("{} is not a valid id", $field)))
            }
        }
    };
}

id_type!(
    /// An order.
    OrderId,
    "order_id"
);
id_type!(
    /// A line of an order.
    LineId,
    "line_id"
);
id_type!(
    /// A payment against an order.
    PaymentId,
    "payment_id"
);
id_type!(
    /// An entry of a customer's ledger.
    LedgerEntryId,
    "ledger_entry_id"
);
id_type!(
    /// A mutation in the outbox: the idempotency key of a push.
    MutationId,
    "mutation_id"
);
id_type!(
    /// A till.
    DeviceId,
    "device_id"
);
id_type!(
    /// A member of staff (cashier or manager).
    StaffId,
    "staff_id"
);
