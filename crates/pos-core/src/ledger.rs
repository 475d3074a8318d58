//! Customers and their ledger.
//!
//! A balance is never stored: it is the sum of the ledger (charges on account minus
//! settlements). Entries are insert-only, so ledgers from several tills merge as sets and
//! every till computes the same balance.

use serde::{Deserialize, Serialize};

use crate::ids::{LedgerEntryId, OrderId};
use crate::limits::{MAX_NAME_CHARS, MAX_PAYMENT};
use crate::money::{Currency, Money};
use crate::payment::PaymentMethod;
use crate::phone::Phone;
use crate::text::clean;
use crate::{DomainError, Result};

/// A customer, known by phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    pub phone: Phone,
    pub name: String,
    /// Most the customer may owe; zero means no tab.
    pub credit_limit: Money,
}

impl Customer {
    pub fn validated(mut self) -> Result<Customer> {
        self.name = clean("name", &self.name, MAX_NAME_CHARS, false)?;
        if self.credit_limit.is_negative() || self.credit_limit.minor() > MAX_PAYMENT {
            return Err(DomainError::invalid(
                "credit_limit",
                "credit limit must be zero or more",
            ));
        }
        Ok(self)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LedgerKind {
    /// A sale put on the customer's tab: the customer owes more.
    Charge,
    /// The customer paid towards the tab: owes less.
    Settlement,
}

impl LedgerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LedgerKind::Charge => "charge",
            LedgerKind::Settlement => "settlement",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "charge" => Ok(LedgerKind::Charge),
            "settlement" => Ok(LedgerKind::Settlement),
            _ => Err(DomainError::invalid(
                "kind",
                "ledger kind must be charge or settlement",
            )),
        }
    }
}

/// One entry of a customer's ledger. `amount` is always positive; `kind` gives the sign.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerEntry {
    pub id: LedgerEntryId,
    pub phone: Phone,
    pub kind: LedgerKind,
    pub amount: Money,
    pub order_id: Option<OrderId>,
    /// How a settlement was paid.
    pub method: Option<PaymentMethod>,
    pub note: String,
    pub at_ms: i64,
}

impl LedgerEntry {
    /// What the entry adds to the balance owed.
    pub fn signed(&self) -> Money {
        match self.kind {
            LedgerKind::Charge => self.amount,
            LedgerKind::Settlement => -self.amount,
        }
    }
}

/// The balance owed: charges minus settlements.
pub fn balance<'a>(entries: impl IntoIterator<Item = &'a LedgerEntry>) -> Money {
    entries.into_iter().map(LedgerEntry::signed).sum()
}

/// Refuses a charge that would take the balance above the credit limit.
pub fn check_credit(customer: &Customer, balance: Money, charge: Money, currency: &Currency) -> Result<()> {
    let after = balance + charge;
    if after > customer.credit_limit {
        return Err(DomainError::conflict(format!(
            "over the credit limit: {} owes {}, limit {}, this charge {}",
            if customer.name.is_empty() {
                "the customer"
            } else {
                &customer.name
            },
            balance.format(currency),
            customer.credit_limit.format(currency),
            charge.format(currency)
        )));
    }
    Ok(())
}

/// Checks a settlement: positive and not more than is owed.
pub fn check_settlement(balance: Money, amount: Money, currency: &Currency) -> Result<()> {
    if !amount.is_positive() || amount.minor() > MAX_PAYMENT {
        return Err(DomainError::invalid(
            "amount",
            "settlement amount must be greater than zero",
        ));
    }
    if amount > balance {
        return Err(DomainError::invalid(
            "amount",
            format!(
                "settlement of {} is more than the balance owed ({})",
                amount.format(currency),
                balance.format(currency)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn phone() -> Phone {
        Phone::parse("9876543210", "91").unwrap()
    }

    fn entry(kind: LedgerKind, amount: i64) -> LedgerEntry {
        LedgerEntry {
            id: LedgerEntryId::from_uuid(Uuid::nil()),
            phone: phone(),
            kind,
            amount: Money::from_minor(amount),
            order_id: None,
            method: None,
            note: String::new(),
            at_ms: 0,
        }
    }

    #[test]
    fn balance_is_charges_minus_settlements() {
        let e = [
            entry(LedgerKind::Charge, 500),
            entry(LedgerKind::Charge, 300),
            entry(LedgerKind::Settlement, 200),
        ];
        assert_eq!(balance(&e).minor(), 600);
    }

    #[test]
    fn the_credit_limit_is_enforced() {
        let c = Customer {
            phone: phone(),
            name: "Asha".into(),
            credit_limit: Money::from_minor(1000),
        };
        let inr = Currency::inr();
        check_credit(&c, Money::from_minor(600), Money::from_minor(400), &inr).unwrap();
        assert!(check_credit(&c, Money::from_minor(600), Money::from_minor(401), &inr).is_err());
    }

    #[test]
    fn settling_more_than_owed_is_refused() {
        let inr = Currency::inr();
        check_settlement(Money::from_minor(500), Money::from_minor(500), &inr).unwrap();
        assert!(check_settlement(Money::from_minor(500), Money::from_minor(501), &inr).is_err());
        assert!(check_settlement(Money::from_minor(500), Money::ZERO, &inr).is_err());
    }
}
