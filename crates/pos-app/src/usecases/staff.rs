//! Staff: the login list, logging in with a PIN (with lockout), managing staff (managers
//! only), and voids that need a manager's approval.
//!
//! Lockout state (wrong PINs in a row, locked until) is this till's own security state:
//! it is written without an outbox row and never synced. Every change to a member (create,
//! rename, role, active, PIN reset) is one transaction with its `staff.upsert` outbox row,
//! which carries the PIN's hash and never the PIN.

use pos_core::staff::staff_name;
use pos_core::{Order, Pin, Role, StaffId, StaffMember};
use pos_protocol::Mutation;
use pos_store::staff::{self as store_staff, StaffRow};
use pos_store::{WriteTx, orders};
use serde::Serialize;

use crate::staff::{
    MAX_FAILED_PINS, NewStaff, PIN_LOCK, Session, StaffList, StaffUpdate, StaffView, VoidLine, hash_pin,
    verify_nothing, verify_pin,
};
use crate::usecases::orders::load_for_write;
use crate::{Actor, App, AppError, ErrorCode, Result};

fn not_accepted() -> AppError {
    AppError {
        field: Some("pin".into()),
        ..AppError::new(ErrorCode::Unauthenticated, "PIN not accepted")
    }
}

fn session_of(m: &StaffMember) -> Session {
    Session {
        staff_id: m.id,
        name: m.name.clone(),
        role: m.role,
    }
}

/// What the request record of `create_staff` keeps: never the PIN.
#[derive(Serialize)]
struct NewStaffRecord<'a> {
    name: &'a str,
    role: Role,
}

impl App {
    /// Everybody who may log in (and those deactivated), for the login screen and the
    /// staff settings. Never returns a hash.
    #[tracing::instrument(skip_all, err)]
    pub fn list_staff(&self) -> Result<StaffList> {
        let now = self.now_ms();
        let rows = self.store.read(|c| Ok::<_, AppError>(store_staff::list(c)?))?;
        Ok(StaffList {
            needs_first_manager: rows.is_empty(),
            staff: rows
                .iter()
                .map(|r| StaffView::of(&r.member, r.locked_until_ms, now))
                .collect(),
        })
    }

    /// On a till with no staff at all: creates its first manager and logs them in.
    /// Refused once anybody exists (then a manager adds staff).
    #[tracing::instrument(skip_all, err)]
    pub fn create_first_manager(&self, name: &str, pin: &str) -> Result<Session> {
        let (name, pin) = (staff_name(name)?, Pin::parse(pin)?);
        let hash = hash_pin(&pin)?;
        let id = StaffId::from_uuid(self.new_uuid());
        self.write(|w| {
            if store_staff::count(w.tx())? > 0 {
                return Err(AppError::new(
                    ErrorCode::Conflict,
                    "this till already has staff: a manager adds new staff in Settings",
                ));
            }
            let m = member(id, name, Role::Manager, hash, w.now());
            let session = session_of(&m);
            w.apply(Mutation::StaffUpsert { staff: Box::new(m) })?;
            Ok(session)
        })
        .inspect(|s| tracing::info!(staff_id = %s.staff_id, "first manager created"))
    }

    /// Checks a member's PIN: the session on success. A wrong PIN, an unknown member and
    /// an inactive one get the same answer in about the same time; the fifth wrong PIN in
    /// a row locks that member's logins for five minutes.
    #[tracing::instrument(skip_all, fields(staff_id = %staff_id), err)]
    pub fn login(&self, staff_id: StaffId, pin: &str) -> Result<Session> {
        let pin = Pin::parse(pin)?;
        let now = self.now_ms();
        let row = self
            .store
            .read(|c| Ok::<_, AppError>(store_staff::get(c, staff_id)?))?;
        let Some(row) = row.filter(|r| r.member.active) else {
            verify_nothing(&pin);
            return Err(not_accepted());
        };
        if let Some(until) = row.locked_until_ms.filter(|&u| u > now) {
            return Err(self.pin_locked(&row, until));
        }
        if verify_pin(&row.member.pin_hash, &pin) {
            if row.failed_attempts > 0 || row.locked_until_ms.is_some() {
                self.store
                    .write(|tx| Ok::<_, AppError>(store_staff::record_success(tx, staff_id)?))?;
            }
            tracing::info!(role = %row.member.role, "staff logged in");
            return Ok(session_of(&row.member));
        }
        let lock_ms = i64::try_from(PIN_LOCK.as_millis()).unwrap_or(i64::MAX);
        let locked = self.store.write(|tx| {
            Ok::<_, AppError>(store_staff::record_failure(
                tx,
                staff_id,
                MAX_FAILED_PINS,
                now,
                lock_ms,
            )?)
        })?;
        match locked {
            Some(until) => {
                tracing::warn!("too many wrong PINs: logins locked");
                Err(self.pin_locked(&row, until))
            }
            None => Err(not_accepted()),
        }
    }

    fn pin_locked(&self, row: &StaffRow, until_ms: i64) -> AppError {
        let offset = self.profile().map(|p| p.utc_offset_minutes).unwrap_or(0);
        let minutes = (until_ms.div_euclid(60_000) + i64::from(offset)).rem_euclid(24 * 60);
        let seconds = until_ms.div_euclid(1000).rem_euclid(60);
        AppError {
            field: Some("pin".into()),
            ..AppError::new(
                ErrorCode::PinLocked,
                format!(
                    "too many wrong PINs: {}'s login is locked until {:02}:{:02}:{:02}",
                    row.member.name,
                    minutes / 60,
                    minutes % 60,
                    seconds
                ),
            )
        }
    }

    /// Adds a member: a manager does, or [`Actor::System`] (the demo restaurant's staff).
    #[tracing::instrument(skip_all, err)]
    pub fn create_staff(&self, actor: Actor<'_>, new: NewStaff) -> Result<StaffView> {
        let (name, pin) = (staff_name(&new.name)?, Pin::parse(&new.pin)?);
        let hash = hash_pin(&pin)?;
        let id = StaffId::from_uuid(self.new_uuid());
        let record = NewStaffRecord {
            name: &name,
            role: new.role,
        };
        self.write_once(new.request_id, "create_staff", &record, |w| {
            require_manager(w.tx(), actor)?;
            let m = member(id, name.clone(), new.role, hash, w.now());
            let view = StaffView::of(&m, None, w.now());
            w.apply(Mutation::StaffUpsert { staff: Box::new(m) })?;
            Ok(view)
        })
        .inspect(|v| tracing::info!(staff_id = %v.id, role = %v.role, "staff created"))
    }

    /// Renames a member, changes their role or (de)activates them (managers only). The
    /// till always keeps one active manager.
    #[tracing::instrument(skip_all, fields(staff_id = %update.staff_id), err)]
    pub fn update_staff(&self, actor: Actor<'_>, update: StaffUpdate) -> Result<StaffView> {
        let name = update.name.as_deref().map(staff_name).transpose()?;
        self.write(|w| {
            let (tx, now) = (w.tx(), w.now());
            require_manager(tx, actor)?;
            let row = load(tx, update.staff_id)?;
            let mut m = row.member.clone();
            if let Some(n) = name {
                m.name = n;
            }
            m.role = update.role.unwrap_or(m.role);
            m.active = update.active.unwrap_or(m.active);
            let was_manager = row.member.role == Role::Manager && row.member.active;
            let still_manager = m.role == Role::Manager && m.active;
            if was_manager && !still_manager && store_staff::other_active_managers(tx, m.id)? == 0 {
                return Err(AppError::new(
                    ErrorCode::Conflict,
                    format!(
                        "{} is the till's only active manager: make someone else a manager first",
                        m.name
                    ),
                ));
            }
            m.updated_at_ms = now.max(m.updated_at_ms + 1);
            let view = StaffView::of(&m, row.locked_until_ms, now);
            w.apply(Mutation::StaffUpsert { staff: Box::new(m) })?;
            Ok(view)
        })
    }

    /// Sets a member's new PIN (managers only) and lifts any lockout.
    #[tracing::instrument(skip_all, fields(staff_id = %staff_id), err)]
    pub fn reset_pin(&self, actor: Actor<'_>, staff_id: StaffId, pin: &str) -> Result<StaffView> {
        let hash = hash_pin(&Pin::parse(pin)?)?;
        self.write(|w| {
            let (tx, now) = (w.tx(), w.now());
            require_manager(tx, actor)?;
            let mut m = load(tx, staff_id)?.member;
            m.pin_hash = hash;
            m.updated_at_ms = now.max(m.updated_at_ms + 1);
            let view = StaffView::of(&m, None, now);
            w.apply(Mutation::StaffUpsert { staff: Box::new(m) })?;
            store_staff::record_success(tx, staff_id)?;
            Ok(view)
        })
        .inspect(|_| tracing::info!("PIN reset"))
    }

    /// Voids a line with a reason; the line stays on the order, struck out. Once the
    /// kitchen has the order (sent or later, or the line itself was sent) a cashier needs
    /// a manager's approval: their id and PIN, checked like a login (wrong PINs count
    /// towards the manager's lockout). A manager's own session approves by itself, and
    /// [`Actor::System`] (workloads, imports, tests) needs none and records nobody. The
    /// line records who voided it and who approved.
    #[tracing::instrument(skip_all, fields(order_id = %input.order_id), err)]
    pub fn void_line(&self, actor: Actor<'_>, input: VoidLine) -> Result<Order> {
        // Decided before the write: checking a PIN takes argon2's time, and the single
        // writer must not wait for it.
        let approved_by = match actor {
            Actor::System => None,
            Actor::Staff(by) if by.is_manager() => Some(by.staff_id),
            Actor::Staff(_) => {
                let order = self
                    .store
                    .read(|c| Ok::<_, AppError>(orders::load_order(c, input.order_id)?))?
                    .ok_or_else(|| AppError::not_found(format!("order {} does not exist", input.order_id)))?;
                if order.void_needs_approval(input.line_id) {
                    Some(self.approve(&input)?)
                } else {
                    None
                }
            }
        };
        self.write(|w| {
            let now = w.now();
            let mut order = load_for_write(w.tx(), input.order_id)?;
            // Checked again on the committed order: the kitchen may have got it meanwhile.
            let needs = order.void_needs_approval(input.line_id);
            if needs && approved_by.is_none() && actor != Actor::System {
                return Err(approval_required());
            }
            let approved_by = approved_by.filter(|_| needs);
            let line = order
                .void_line_by(input.line_id, &input.reason, now, actor.staff_id(), approved_by)?
                .clone();
            let state = w.apply(Mutation::OrderVoidLine {
                order_id: order.id,
                line_id: line.id,
                reason: line.void.as_ref().map(|v| v.reason.clone()).unwrap_or_default(),
                at_ms: now,
                voided_by: actor.staff_id(),
                approved_by,
            })?;
            Ok(crate::app::record_in(state, order.id)?.order)
        })
        .inspect(|_| tracing::info!(approved = approved_by.is_some(), "line voided"))
    }

    /// The approver of `input`, who must be an active manager with the right PIN.
    fn approve(&self, input: &VoidLine) -> Result<StaffId> {
        let Some(a) = &input.approver else {
            return Err(approval_required());
        };
        let approver = self.login(a.staff_id, &a.pin).map_err(|e| AppError {
            field: Some("approver".into()),
            ..e
        })?;
        if !approver.is_manager() {
            return Err(AppError {
                field: Some("approver".into()),
                ..AppError::forbidden(format!("{} is not a manager and cannot approve", approver.name))
            });
        }
        Ok(approver.staff_id)
    }
}

fn approval_required() -> AppError {
    AppError {
        field: Some("approver".into()),
        ..AppError::new(
            ErrorCode::ApprovalRequired,
            "the kitchen already has this order: a manager must approve the void with their PIN",
        )
    }
}

fn load(tx: &WriteTx<'_>, id: StaffId) -> Result<StaffRow> {
    store_staff::get(tx, id)?.ok_or_else(|| AppError::not_found(format!("staff member {id} does not exist")))
}

/// A member of staff as stored now (not as when they logged in): an active manager, or
/// `forbidden`. [`Actor::System`] passes: it is the till's own code, never a request.
pub(crate) fn require_manager(tx: &WriteTx<'_>, actor: Actor<'_>) -> Result<()> {
    let Actor::Staff(by) = actor else {
        return Ok(());
    };
    match store_staff::get(tx, by.staff_id)? {
        Some(r) if r.member.active && r.member.role == Role::Manager => Ok(()),
        _ => Err(AppError::forbidden(format!(
            "only a manager can do this; {} is not one",
            by.name
        ))),
    }
}

fn member(id: StaffId, name: String, role: Role, pin_hash: String, now: i64) -> StaffMember {
    StaffMember {
        id,
        name,
        role,
        pin_hash,
        active: true,
        created_at_ms: now,
        updated_at_ms: now,
    }
}
