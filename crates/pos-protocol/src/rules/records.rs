//! The rules of everything that is not an order: customers, the ledger, the profile, the
//! menu and staff.
//!
//! - Customers are keyed by the normalised phone; a change replaces the stored customer
//!   (last writer in the server's order: every till replays the log, so all end on it).
//! - Ledger entries are insert-only by id: ledgers merge as sets, balances are sums.
//! - The profile and the menu: last writer in the server's order. A profile change needs
//!   an active manager when it names one (`by`).
//! - Staff: last writer by `updated_at_ms` (an older change arriving late changes nothing).

use pos_core::{Customer, LedgerEntry, MenuItem, Profile, Role, StaffId, StaffMember};

use super::{Changes, Effect, Mode, Refusal, State};

pub(super) fn upsert_customer(state: &mut State, customer: &Customer) -> Effect {
    if state.customer.as_ref() == Some(customer) {
        return Effect::Duplicate;
    }
    state.customer = Some(customer.clone());
    Effect::Changed(Changes {
        customer: true,
        ..Changes::default()
    })
}

pub(super) fn settle(entry: &LedgerEntry) -> Effect {
    Effect::Changed(Changes {
        ledger: vec![entry.clone()],
        ..Changes::default()
    })
}

pub(super) fn update_profile(
    state: &mut State,
    profile: &Profile,
    by: Option<&StaffId>,
    mode: Mode<'_>,
) -> Effect {
    if mode == Mode::Decide
        && let Some(by) = by
    {
        let refusal = match &state.actor {
            None => Some(format!(
                "staff member {by} is unknown to the server; the profile change was not applied"
            )),
            Some(a) if a.role != Role::Manager || !a.active => Some(format!(
                "{} is not an active manager; the profile change was not applied",
                a.name
            )),
            Some(_) => None,
        };
        if let Some(message) = refusal {
            return Effect::reject(Refusal::NotAManager, message);
        }
    }
    state.profile = Some(profile.clone());
    Effect::Changed(Changes {
        profile: true,
        ..Changes::default()
    })
}

pub(super) fn upsert_menu(items: &[MenuItem]) -> Effect {
    Effect::Changed(Changes {
        menu: items.to_vec(),
        ..Changes::default()
    })
}

pub(super) fn upsert_staff(state: &mut State, member: &StaffMember) -> Effect {
    match &state.staff {
        Some(s) if s.updated_at_ms > member.updated_at_ms || s == member => Effect::Duplicate,
        _ => {
            state.staff = Some(member.clone());
            Effect::Changed(Changes {
                staff: true,
                ..Changes::default()
            })
        }
    }
}
