//! Staff: who may use the till and what they may do.
//!
//! A member of staff is a cashier or a manager and logs in with a PIN of 4 to 8 digits.
//! The PIN itself never leaves the till that typed it: only its argon2id hash (a PHC
//! string made by the app layer, which owns randomness) is stored and synced.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::StaffId;
use crate::limits::MAX_NAME_CHARS;
use crate::text::clean;
use crate::{DomainError, Result};

/// Fewest and most digits in a PIN.
pub const PIN_MIN_DIGITS: usize = 4;
pub const PIN_MAX_DIGITS: usize = 8;

/// What a member of staff may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sells: orders, payments, customers, the day summary.
    Cashier,
    /// Everything a cashier does, plus the profile, caches, staff, and approvals (voids
    /// after the kitchen has the order).
    Manager,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cashier => "cashier",
            Role::Manager => "manager",
        }
    }

    pub fn parse(s: &str) -> Result<Role> {
        match s {
            "cashier" => Ok(Role::Cashier),
            "manager" => Ok(Role::Manager),
            other => Err(DomainError::invalid(
                "role",
                format!("role must be cashier or manager; got {other:?}"),
            )),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A PIN as typed: only ever held briefly to hash or verify it. Its `Debug` never shows
/// the digits, so a PIN cannot reach a log through `{:?}`.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

impl Pin {
    /// 4 to 8 ASCII digits; surrounding spaces are ignored. The error names the rule that
    /// failed and never repeats the input.
    pub fn parse(s: &str) -> Result<Pin> {
        let t = s.trim();
        if t.is_empty() {
            return Err(DomainError::invalid("pin", "enter a PIN"));
        }
        if !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::invalid("pin", "a PIN is digits only (0-9)"));
        }
        if !(PIN_MIN_DIGITS..=PIN_MAX_DIGITS).contains(&t.len()) {
            return Err(DomainError::invalid(
                "pin",
                format!("a PIN has {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits"),
            ));
        }
        Ok(Pin(t.to_owned()))
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(****)")
    }
}

/// A member of staff as stored and synced: the PIN only as its hash.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMember {
    pub id: StaffId,
    pub name: String,
    pub role: Role,
    /// argon2id PHC string (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`), salt per member.
    pub pin_hash: String,
    pub active: bool,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

impl fmt::Debug for StaffMember {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaffMember")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

/// A staff name: trimmed, required, at most [`MAX_NAME_CHARS`].
pub fn staff_name(s: &str) -> Result<String> {
    clean("name", s, MAX_NAME_CHARS, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_four_to_eight_digits() {
        assert!(Pin::parse("1234").is_ok());
        assert!(Pin::parse(" 12345678 ").is_ok(), "spaces around are ignored");
        for bad in ["", "123", "123456789", "12a4", "12 34", "١٢٣٤"] {
            let e = Pin::parse(bad).unwrap_err();
            assert!(
                matches!(&e, DomainError::Invalid { field, .. } if field == "pin"),
                "{bad:?} must be refused on the pin field"
            );
            assert!(
                bad.is_empty() || !e.to_string().contains(bad),
                "the error never repeats the input"
            );
        }
    }

    #[test]
    fn a_pin_never_shows_in_debug_output() {
        let p = Pin::parse("4321").unwrap();
        assert!(!format!("{p:?}").contains("4321"));
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for r in [Role::Cashier, Role::Manager] {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
        assert!(Role::parse("owner").is_err());
    }
}
