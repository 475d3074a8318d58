//! Staff sessions, PIN hashing and the views of the staff use cases
//! ([`crate::usecases::staff`]).
//!
//! - PINs are hashed with argon2id ([`PIN_PARAMS`]), a fresh 16-byte salt per hash, stored
//!   as a PHC string. Verifying reads the parameters from the string, so changing them
//!   later never breaks existing PINs.
//! - [`TillLock`] is who is logged in at this till and when they last did something. The
//!   desktop keeps one in its managed state and asks it, before every command, for the
//!   session the command needs ([`Need`]); an idle session has ended.

use std::sync::OnceLock;
use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use parking_lot::Mutex;
use pos_core::{Pin, Role, StaffId, StaffMember};
use serde::{Deserialize, Serialize};

use crate::{AppError, Result};

/// Wrong PINs in a row that lock a member's logins.
pub const MAX_FAILED_PINS: u32 = 5;
/// How long such a lock lasts.
pub const PIN_LOCK: Duration = Duration::from_secs(5 * 60);
/// Inactivity after which the till locks itself, unless `POS_LOCK_AFTER_SECS` says otherwise.
pub const DEFAULT_LOCK_AFTER: Duration = Duration::from_secs(5 * 60);

/// argon2id with 19 MiB of memory, 2 passes, 1 lane: OWASP's minimum recommendation for
/// argon2id. A PIN has at most 10^8 values, so no hash setting makes a stolen database
/// safe on its own; what it buys is time, and the lockout is what protects the till.
/// Measured on the 2-core build machine: see docs/DESKTOP.md ("Staff and PINs").
pub const PIN_PARAMS: (u32, u32, u32) = (19 * 1024, 2, 1);

fn hasher() -> Argon2<'static> {
    let (m, t, p) = PIN_PARAMS;
    let params = Params::new(m, t, p, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes `pin` with a fresh random salt: a PHC string.
pub fn hash_pin(pin: &Pin) -> Result<String> {
    // Straight from the OS (the source uuid already uses), so the till's build needs no
    // userspace RNG crate.
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes).map_err(|e| AppError::internal(format!("no random salt: {e}")))?;
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| AppError::internal(format!("salt: {e}")))?;
    hasher()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(format!("hashing a PIN failed: {e}")))
}

/// Whether `pin` matches `phc` (argon2's own constant-time comparison). A damaged hash
/// matches nothing.
pub fn verify_pin(phc: &str, pin: &Pin) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => hasher().verify_password(pin.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A verification against a hash no PIN matches, so an unknown or inactive member takes
/// as long to refuse as a wrong PIN.
pub(crate) fn verify_nothing(pin: &Pin) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| {
        Pin::parse("00000000")
            .ok()
            .and_then(|p| hash_pin(&p).ok())
            .unwrap_or_default()
    });
    let _ = verify_pin(phc, pin);
}

/// Who is logged in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Session {
    pub staff_id: StaffId,
    pub name: String,
    pub role: Role,
}

impl Session {
    pub fn is_manager(&self) -> bool {
        self.role == Role::Manager
    }
}

/// Who a use case acts for. A use case that a staff rule governs has one entry point that
/// takes the actor (`void_line(actor, ..)`, `update_profile(actor, ..)`): the permission
/// is an argument, never an ungated twin beside a gated one, so no caller reaches the
/// ungated path by picking the other name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor<'a> {
    /// A member of staff logged in at the till. Their role is checked again against the
    /// database (a manager demoted mid-session loses the rights at once) and their id is
    /// recorded on what they change.
    Staff(&'a Session),
    /// The till's own automation, not a person: the demo loader, imports, the replayed
    /// workload, benchmarks and tests that are not about staff rules. No staff rule
    /// applies and nobody is recorded. The desktop never acts as it: every command acts
    /// as the session ([`TillLock`]).
    System,
}

impl<'a> Actor<'a> {
    /// The member to record, if a person acts.
    pub fn staff_id(self) -> Option<StaffId> {
        match self {
            Actor::Staff(s) => Some(s.staff_id),
            Actor::System => None,
        }
    }
}

impl<'a> From<&'a Session> for Actor<'a> {
    fn from(s: &'a Session) -> Self {
        Actor::Staff(s)
    }
}

/// A member as the till shows them: never the hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StaffView {
    pub id: StaffId,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// Logins refused until then (too many wrong PINs); absent when not locked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub locked_until_ms: Option<i64>,
}

impl StaffView {
    pub(crate) fn of(m: &StaffMember, locked_until_ms: Option<i64>, now_ms: i64) -> Self {
        StaffView {
            id: m.id,
            name: m.name.clone(),
            role: m.role,
            active: m.active,
            locked_until_ms: locked_until_ms.filter(|&u| u > now_ms),
        }
    }
}

/// `list_staff` output: the login screen's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StaffList {
    pub staff: Vec<StaffView>,
    /// Nobody exists yet: the till shows "create the first manager".
    pub needs_first_manager: bool,
}

/// `create_staff` input (also the first manager's, whose role is forced to manager).
#[derive(Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NewStaff {
    pub name: String,
    pub role: Role,
    /// As typed; hashed at once and never stored or logged.
    pub pin: String,
    #[serde(default)]
    #[cfg_attr(test, ts(type = "string | null"))]
    pub request_id: Option<uuid::Uuid>,
}

impl std::fmt::Debug for NewStaff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewStaff")
            .field("name", &self.name)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// `update_staff` input: the fields to change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StaffUpdate {
    pub staff_id: StaffId,
    #[serde(default)]
    #[cfg_attr(test, ts(optional = nullable))]
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(test, ts(optional = nullable))]
    pub role: Option<Role>,
    #[serde(default)]
    #[cfg_attr(test, ts(optional = nullable))]
    pub active: Option<bool>,
}

/// A manager's approval typed on the till: who and their PIN.
#[derive(Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Approval {
    pub staff_id: StaffId,
    pub pin: String,
}

impl std::fmt::Debug for Approval {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Approval")
            .field("staff_id", &self.staff_id)
            .finish_non_exhaustive()
    }
}

/// `void_line` input.
#[derive(Clone, Debug, Deserialize)]
pub struct VoidLine {
    pub order_id: pos_core::OrderId,
    pub line_id: pos_core::LineId,
    pub reason: String,
    /// Needed when the kitchen already has the order and the session is a cashier's.
    #[serde(default)]
    pub approver: Option<Approval>,
}

impl VoidLine {
    /// A void without an approval: enough for a manager, for [`Actor::System`], and for a
    /// cashier while the kitchen does not have the order.
    pub fn new(order_id: pos_core::OrderId, line_id: pos_core::LineId, reason: impl Into<String>) -> Self {
        VoidLine {
            order_id,
            line_id,
            reason: reason.into(),
            approver: None,
        }
    }
}

/// What a command needs from the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Anyone logged in.
    Staff,
    /// A manager logged in.
    Manager,
}

/// `session` output: who is logged in (if anyone) and the till's idle lock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SessionState {
    pub session: Option<Session>,
    pub lock_after_ms: i64,
}

/// Who is logged in at this till and when they last acted. `parking_lot::Mutex`: held
/// only for a comparison and a copy, never across I/O or an await.
#[derive(Debug)]
pub struct TillLock {
    lock_after_ms: i64,
    current: Mutex<Option<(Session, i64)>>,
}

impl TillLock {
    pub fn new(lock_after: Duration) -> Self {
        TillLock {
            lock_after_ms: i64::try_from(lock_after.as_millis()).unwrap_or(i64::MAX),
            current: Mutex::new(None),
        }
    }

    /// [`DEFAULT_LOCK_AFTER`], or `POS_LOCK_AFTER_SECS` when set to a positive number.
    pub fn from_env() -> Self {
        let secs = std::env::var("POS_LOCK_AFTER_SECS")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|&s| s > 0);
        Self::new(secs.map_or(DEFAULT_LOCK_AFTER, Duration::from_secs))
    }

    pub fn lock_after_ms(&self) -> i64 {
        self.lock_after_ms
    }

    /// Starts `session` (replacing any other).
    pub fn unlock(&self, session: Session, now_ms: i64) {
        *self.current.lock() = Some((session, now_ms));
    }

    /// Ends the session.
    pub fn lock(&self) {
        *self.current.lock() = None;
    }

    /// The session, unless there is none or it has been idle too long (then it ends).
    /// Does not count as activity.
    pub fn current(&self, now_ms: i64) -> Option<Session> {
        let mut cur = self.current.lock();
        match &*cur {
            Some((s, last)) if now_ms.saturating_sub(*last) < self.lock_after_ms => Some(s.clone()),
            Some(_) => {
                *cur = None;
                None
            }
            None => None,
        }
    }

    /// The session a command needs: `locked` when nobody is logged in (or the session
    /// went idle), `forbidden` when a manager is needed. Does not count as activity: the
    /// screens poll, and a poll is not a person at the till.
    pub fn require(&self, need: Need, now_ms: i64) -> Result<Session> {
        let session = self.current(now_ms).ok_or_else(AppError::locked)?;
        if need == Need::Manager && !session.is_manager() {
            return Err(AppError::forbidden(format!(
                "only a manager can do this; {} is logged in as a cashier",
                session.name
            )));
        }
        Ok(session)
    }

    /// Somebody did something (a tap, a key, a write): the idle time starts again.
    /// `locked` if the session had already ended.
    pub fn touch(&self, now_ms: i64) -> Result<()> {
        self.current(now_ms).ok_or_else(AppError::locked)?;
        if let Some((_, last)) = &mut *self.current.lock() {
            *last = (*last).max(now_ms);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    fn cashier() -> Session {
        Session {
            staff_id: StaffId::from_uuid(uuid::Uuid::nil()),
            name: "Ravi".into(),
            role: Role::Cashier,
        }
    }

    #[test]
    fn a_hash_verifies_its_own_pin_only_and_salts_differ() {
        let pin = Pin::parse("4821").unwrap();
        let a = hash_pin(&pin).unwrap();
        let b = hash_pin(&pin).unwrap();
        assert!(
            a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "PHC string: {a}"
        );
        assert_ne!(a, b, "a fresh salt per hash");
        assert!(verify_pin(&a, &pin));
        assert!(!verify_pin(&a, &Pin::parse("4822").unwrap()));
        assert!(!verify_pin("not a hash", &pin), "a damaged hash matches nothing");
    }

    #[test]
    fn the_lock_refuses_until_someone_logs_in_and_after_idling() {
        let lock = TillLock::new(Duration::from_secs(60));
        assert_eq!(lock.require(Need::Staff, 0).unwrap_err().code, ErrorCode::Locked);
        lock.unlock(cashier(), 1_000);
        assert!(lock.require(Need::Staff, 50_000).is_ok());
        lock.touch(50_000).unwrap();
        assert!(
            lock.require(Need::Staff, 109_000).is_ok(),
            "the touch at 50 s counted as activity"
        );
        assert!(
            lock.require(Need::Staff, 109_500).is_ok(),
            "a plain require (a poll) does not move the idle start"
        );
        assert_eq!(
            lock.require(Need::Staff, 110_000).unwrap_err().code,
            ErrorCode::Locked,
            "60 s idle ends the session"
        );
        assert_eq!(lock.current(110_001), None, "and it stays ended");
        assert_eq!(lock.touch(110_002).unwrap_err().code, ErrorCode::Locked);
    }

    #[test]
    fn a_cashier_is_forbidden_what_needs_a_manager() {
        let lock = TillLock::new(DEFAULT_LOCK_AFTER);
        lock.unlock(cashier(), 0);
        let e = lock.require(Need::Manager, 1).unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        lock.lock();
        assert_eq!(lock.require(Need::Staff, 2).unwrap_err().code, ErrorCode::Locked);
    }
}
