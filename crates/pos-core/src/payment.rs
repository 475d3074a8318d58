//! Payments: tenders, split payments and cash change.
//!
//! A payment call carries one or more tenders (split across methods). Non-cash tenders
//! must fit in what is due: a card can never be charged more than the bill. Cash may be
//! more than due; the difference is change. Payments are append-only; a mistake is
//! corrected by a refund, never by editing a payment.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::PaymentId;
use crate::limits::{MAX_PAYMENT, MAX_TENDERS};
use crate::money::{Currency, Money};
use crate::phone::Phone;
use crate::{DomainError, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    Card,
    Upi,
    /// Charged to the customer's tab; needs a customer and respects the credit limit.
    OnAccount,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 4] = [
        PaymentMethod::Cash,
        PaymentMethod::Card,
        PaymentMethod::Upi,
        PaymentMethod::OnAccount,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Card => "card",
            PaymentMethod::Upi => "upi",
            PaymentMethod::OnAccount => "on_account",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        PaymentMethod::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                DomainError::invalid("method", "payment method must be cash, card, upi or on_account")
            })
    }
}

impl fmt::Display for PaymentMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the guest hands over: for cash the notes tendered, for other methods the amount
/// to charge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tender {
    pub method: PaymentMethod,
    pub amount: Money,
    /// Card slip or UPI reference, if any.
    #[serde(default)]
    pub reference: Option<String>,
}

/// A tender after it was checked against what is due.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppliedPayment {
    pub method: PaymentMethod,
    /// What this tender pays of the bill.
    pub amount: Money,
    /// What was handed over (cash); equal to `amount` for other methods.
    pub tendered: Money,
    /// Cash returned.
    pub change: Money,
    pub reference: Option<String>,
}

/// A recorded payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payment {
    pub id: PaymentId,
    pub method: PaymentMethod,
    pub amount: Money,
    pub tendered: Money,
    pub change: Money,
    pub reference: Option<String>,
    /// The customer charged, for on-account payments.
    pub customer_phone: Option<Phone>,
    pub at_ms: i64,
}

/// Checks `tenders` against `due` and works out what each pays and the change.
///
/// Non-cash tenders are applied first and together may not exceed `due`; cash then covers
/// what is left, and any excess cash is change. Paying less than due is allowed (the rest
/// stays due); paying when nothing is due is not.
pub fn apply_tenders(due: Money, tenders: &[Tender], currency: &Currency) -> Result<Vec<AppliedPayment>> {
    if tenders.is_empty() {
        return Err(DomainError::invalid("tenders", "add at least one payment"));
    }
    if tenders.len() > MAX_TENDERS {
        return Err(DomainError::invalid(
            "tenders",
            format!("at most {MAX_TENDERS} payments at once"),
        ));
    }
    if !due.is_positive() {
        return Err(DomainError::conflict("nothing is due on this order"));
    }
    for t in tenders {
        if !t.amount.is_positive() {
            return Err(DomainError::invalid(
                "amount",
                "payment amounts must be greater than zero",
            ));
        }
        if t.amount.minor() > MAX_PAYMENT {
            return Err(DomainError::invalid("amount", "payment amount is too large"));
        }
        if let Some(r) = &t.reference {
            crate::text::clean("reference", r, 64, false)?;
        }
    }
    let non_cash: Money = tenders
        .iter()
        .filter(|t| t.method != PaymentMethod::Cash)
        .map(|t| t.amount)
        .sum();
    if non_cash > due {
        return Err(DomainError::invalid(
            "amount",
            format!(
                "card, UPI and on-account payments ({}) cannot exceed the amount due ({}); only cash gives change",
                non_cash.format(currency),
                due.format(currency)
            ),
        ));
    }
    let mut remaining = due - non_cash;
    let mut applied = Vec::with_capacity(tenders.len());
    for t in tenders.iter().filter(|t| t.method != PaymentMethod::Cash) {
        applied.push(AppliedPayment {
            method: t.method,
            amount: t.amount,
            tendered: t.amount,
            change: Money::ZERO,
            reference: t.reference.clone(),
        });
    }
    for t in tenders.iter().filter(|t| t.method == PaymentMethod::Cash) {
        let amount = t.amount.min(remaining);
        if amount.is_zero() {
            return Err(DomainError::invalid(
                "amount",
                "this cash payment is not needed: the bill is already covered",
            ));
        }
        remaining -= amount;
        applied.push(AppliedPayment {
            method: PaymentMethod::Cash,
            amount,
            tendered: t.amount,
            change: t.amount - amount,
            reference: t.reference.clone(),
        });
    }
    Ok(applied)
}

/// A payment of `tenders` against an order, worked out before anything is stored: the
/// bill from the order's committed lines, how the tenders apply to what is still due, and
/// the on-account part with the phone it is charged to. The till and the server record
/// payments through it, so both apply the same rules; each then checks the customer's
/// credit against its own ledger and stores the rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentPlan {
    pub bill: crate::bill::Bill,
    pub applied: Vec<AppliedPayment>,
    /// The part paid on account and the customer it is charged to; `None` when no tender
    /// is on account.
    pub on_account: Option<(Phone, Money)>,
}

impl PaymentPlan {
    /// Refuses a final order (paid or void), recomputes the bill (for the order's type,
    /// with the service charge waived if the caller says a manager waived it), applies the
    /// tenders to what is due, and finds the phone an on-account part is charged to.
    pub fn new(
        order: &crate::Order,
        tenders: &[Tender],
        settings: &crate::bill::TaxSettings,
        service_charge_waived: bool,
        currency: &Currency,
    ) -> Result<PaymentPlan> {
        if order.status.is_final() {
            return Err(DomainError::conflict(format!(
                "order #{} is {}; it takes no more payments",
                order.number, order.status
            )));
        }
        let bill = crate::bill::calculate_order(order, service_charge_waived, settings)?;
        let due = bill.total - order.amount_paid();
        let applied = apply_tenders(due, tenders, currency)?;
        let on_account: Money = applied
            .iter()
            .filter(|a| a.method == PaymentMethod::OnAccount)
            .map(|a| a.amount)
            .sum();
        let on_account = if on_account.is_positive() {
            let phone = order.customer_phone.clone().ok_or_else(|| {
                DomainError::invalid(
                    "customer_phone",
                    "an on-account payment needs the customer's phone on the order",
                )
            })?;
            Some((phone, on_account))
        } else {
            None
        };
        Ok(PaymentPlan {
            bill,
            applied,
            on_account,
        })
    }

    /// The payment rows, one per applied tender, with the ids given in order.
    pub fn payments(
        &self,
        order: &crate::Order,
        mut ids: impl FnMut() -> PaymentId,
        at_ms: i64,
    ) -> Vec<Payment> {
        self.applied
            .iter()
            .map(|a| Payment {
                id: ids(),
                method: a.method,
                amount: a.amount,
                tendered: a.tendered,
                change: a.change,
                reference: a.reference.clone(),
                customer_phone: (a.method == PaymentMethod::OnAccount)
                    .then(|| order.customer_phone.clone())
                    .flatten(),
                at_ms,
            })
            .collect()
    }

    /// The charge to the customer's tab for the on-account part, if any.
    pub fn charge(
        &self,
        order: &crate::Order,
        id: crate::ids::LedgerEntryId,
        at_ms: i64,
    ) -> Option<crate::ledger::LedgerEntry> {
        self.on_account
            .as_ref()
            .map(|(phone, amount)| crate::ledger::LedgerEntry {
                id,
                phone: phone.clone(),
                kind: crate::ledger::LedgerKind::Charge,
                amount: *amount,
                order_id: Some(order.id),
                method: None,
                note: format!("order #{}", order.number),
                at_ms,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(method: PaymentMethod, amount: i64) -> Tender {
        Tender {
            method,
            amount: Money::from_minor(amount),
            reference: None,
        }
    }

    #[test]
    fn split_cash_and_card_gives_change_from_cash_only() {
        let applied = apply_tenders(
            Money::from_minor(1_050_00),
            &[t(PaymentMethod::Cash, 600_00), t(PaymentMethod::Card, 500_00)],
            &Currency::inr(),
        )
        .unwrap();
        let card = applied.iter().find(|a| a.method == PaymentMethod::Card).unwrap();
        let cash = applied.iter().find(|a| a.method == PaymentMethod::Cash).unwrap();
        assert_eq!(card.amount.minor(), 500_00);
        assert_eq!(cash.amount.minor(), 550_00);
        assert_eq!(cash.change.minor(), 50_00);
    }

    #[test]
    fn overpaying_by_card_is_refused() {
        let err = apply_tenders(
            Money::from_minor(100),
            &[t(PaymentMethod::Card, 101)],
            &Currency::inr(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("cannot exceed"), "{err}");
    }

    #[test]
    fn partial_payment_leaves_the_rest_due() {
        let applied = apply_tenders(
            Money::from_minor(1000),
            &[t(PaymentMethod::Upi, 400)],
            &Currency::inr(),
        )
        .unwrap();
        assert_eq!(applied[0].amount.minor(), 400);
    }

    #[test]
    fn zero_or_negative_tenders_and_nothing_due_are_refused() {
        let inr = Currency::inr();
        assert!(apply_tenders(Money::from_minor(100), &[t(PaymentMethod::Cash, 0)], &inr).is_err());
        assert!(apply_tenders(Money::from_minor(100), &[t(PaymentMethod::Cash, -5)], &inr).is_err());
        assert!(apply_tenders(Money::ZERO, &[t(PaymentMethod::Cash, 5)], &inr).is_err());
        assert!(apply_tenders(Money::from_minor(100), &[], &inr).is_err());
    }
}
