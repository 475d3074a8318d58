//! Customers, balances and settlements.

use std::sync::Arc;

use pos_core::ledger::{self, LedgerKind};
use pos_core::{Customer, LedgerEntry, LedgerEntryId, Money, PaymentMethod, Phone};
use pos_protocol::Mutation;
use pos_store::customers;

use crate::views::{CustomerBalance, CustomerInput, SettleBalance};
use crate::{App, AppError, Result};

/// Ledger entries shown with a balance.
pub const RECENT_LEDGER: usize = 20;

impl App {
    fn parse_phone(&self, typed: &str) -> Result<Phone> {
        let profile = self.profile_lite()?;
        Ok(Phone::parse(typed, &profile.country_code)?)
    }

    /// A customer's balance and recent ledger, by phone in any formatting.
    #[tracing::instrument(skip_all, err)]
    pub fn customer_balance(&self, phone: &str) -> Result<Arc<CustomerBalance>> {
        let phone = self.parse_phone(phone)?;
        tracing::debug!(phone = %phone.masked(), "balance lookup");
        self.caches.balance.get_or_load(&phone, || {
            self.store.read(|c| {
                let customer = customers::customer(c, &phone)?;
                let recent = customers::recent_entries(c, &phone, RECENT_LEDGER)?;
                let Some(customer) = customer else {
                    return Err(AppError::not_found("no customer with this phone number"));
                };
                let balance = customers::balance(c, &phone)?;
                Ok(CustomerBalance {
                    phone: phone.clone(),
                    name: customer.name,
                    credit_limit: customer.credit_limit,
                    available_credit: (customer.credit_limit - balance).max(Money::ZERO),
                    balance,
                    recent,
                })
            })
        })
    }

    /// Adds a customer or updates their name and credit limit.
    #[tracing::instrument(skip_all, err)]
    pub fn upsert_customer(&self, input: CustomerInput) -> Result<Customer> {
        let phone = self.parse_phone(&input.phone)?;
        let customer = Customer {
            phone: phone.clone(),
            name: input.name,
            credit_limit: input.credit_limit,
        }
        .validated()?;
        self.write(|w| {
            w.apply(Mutation::CustomerUpsert {
                customer: customer.clone(),
            })?;
            Ok(customer.clone())
        })
    }

    /// Records a payment towards a customer's tab. More than the balance is refused.
    #[tracing::instrument(skip_all, fields(method = %input.method), err)]
    pub fn settle_balance(&self, input: SettleBalance) -> Result<Arc<CustomerBalance>> {
        if input.method == PaymentMethod::OnAccount {
            return Err(AppError::validation(
                "method",
                "a tab cannot be settled on account",
            ));
        }
        let phone = self.parse_phone(&input.phone)?;
        let profile = self.require_profile()?;
        let id = LedgerEntryId::from_uuid(self.new_uuid());
        self.write_once(input.request_id, "settle_balance", &input, |w| {
            let (tx, now) = (w.tx(), w.now());
            if customers::customer(tx, &phone)?.is_none() {
                return Err(AppError::not_found("no customer with this phone number"));
            }
            let balance = customers::balance(tx, &phone)?;
            ledger::check_settlement(balance, input.amount, &profile.currency)?;
            let entry = LedgerEntry {
                id,
                phone: phone.clone(),
                kind: LedgerKind::Settlement,
                amount: input.amount,
                order_id: None,
                method: Some(input.method),
                note: pos_core::text::clean("note", input.note.as_deref().unwrap_or(""), 200, false)?,
                at_ms: now,
            };
            w.apply(Mutation::LedgerSettle { entry })?;
            Ok(())
        })?;
        // `+` and the full digits is the one spelling that parses back to this exact phone
        // whatever the country: bare digits get the country code prefixed again when the
        // country has no fixed national length, and the committed settlement would then
        // be reported as "no customer".
        self.customer_balance(&format!("+{}", phone.e164()))
    }
}
