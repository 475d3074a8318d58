//! `POST /payments`: the till's payment rules (`pos_core::payment::apply_tenders`, the
//! credit check for on-account tenders) on the server, stored and logged exactly like a
//! pushed `payment.record`, which the tills pull.

use pos_core::bill::{self, TaxSettings};
use pos_core::ledger::{self, LedgerKind};
use pos_core::payment::apply_tenders;
use pos_core::{
    Customer, LedgerEntry, LedgerEntryId, Money, Order, OrderStatus, Payment, PaymentId, PaymentMethod,
    Tender,
};
use pos_protocol::Mutation;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ApiFailure, Result, now_ms, orders, parse_id, profile, write};
use crate::auth::Principal;
use crate::startup::AppState;

/// One tender, as text and integers so each gets a precise error.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct TenderInput {
    /// `cash`, `card`, `upi` or `on_account`.
    pub method: String,
    /// Minor units (paise, cents), greater than zero.
    pub amount: i64,
    #[serde(default)]
    pub reference: Option<String>,
}

/// `POST /payments` body.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct PaymentInput {
    pub order_id: String,
    pub tenders: Vec<TenderInput>,
}

/// What a payment did.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PaymentReceipt {
    pub order: Order,
    pub payments: Vec<Payment>,
    /// Cash returned.
    pub change: Money,
    /// Still due after these payments.
    pub due: Money,
    /// Set when the order became paid.
    pub invoice_no: Option<String>,
}

fn tenders(input: &[TenderInput]) -> Result<Vec<Tender>> {
    input
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let method = PaymentMethod::parse(t.method.trim())
                .map_err(|e| ApiFailure::invalid(format!("tenders[{i}].method"), e.to_string()))?;
            if t.amount <= 0 {
                return Err(ApiFailure::invalid(
                    format!("tenders[{i}].amount"),
                    "payment amounts must be greater than zero",
                ));
            }
            Ok(Tender {
                method,
                amount: Money::from_minor(t.amount),
                reference: t.reference.clone(),
            })
        })
        .collect()
}

pub async fn record(state: &AppState, who: &Principal, input: PaymentInput) -> Result<PaymentReceipt> {
    let order_id = parse_id("order_id", &input.order_id)?;
    let tenders = tenders(&input.tenders)?;
    let (_, profile) = profile::require(state, who).await?;
    let org = who.org_id;
    let now = now_ms();
    let mut client = state.db.get().await?;
    let tx = write::begin(&mut client, org).await?;
    let mut order = orders::load_for_update(&tx, org, order_id).await?;
    if order.status.is_final() {
        return Err(ApiFailure::Conflict(format!(
            "order #{} is {}; it takes no more payments",
            order.number, order.status
        )));
    }
    let bill = bill::calculate(&order.lines, order.discount, &TaxSettings::from(&profile))?;
    let due = bill.total - order.amount_paid();
    let applied = apply_tenders(due, &tenders, &profile.currency)?;
    let on_account: Money = applied
        .iter()
        .filter(|a| a.method == PaymentMethod::OnAccount)
        .map(|a| a.amount)
        .sum();
    let mut ledger_entries = Vec::new();
    if on_account.is_positive() {
        let phone = order.customer_phone.clone().ok_or_else(|| {
            ApiFailure::invalid(
                "customer_phone",
                "an on-account payment needs the customer's phone on the order",
            )
        })?;
        let customer: Customer = match tx
            .query_opt(
                "SELECT data FROM customers WHERE org_id = $1 AND phone = $2",
                &[&org, &phone.e164()],
            )
            .await?
        {
            Some(r) => serde_json::from_value(r.get(0))?,
            None => {
                return Err(ApiFailure::invalid(
                    "customer_phone",
                    "this customer has no account; add them first",
                ));
            }
        };
        let entries: Vec<LedgerEntry> = tx
            .query(
                "SELECT data FROM ledger WHERE org_id = $1 AND phone = $2",
                &[&org, &phone.e164()],
            )
            .await?
            .into_iter()
            .map(|r| serde_json::from_value(r.get(0)))
            .collect::<Result<_, _>>()?;
        ledger::check_credit(
            &customer,
            ledger::balance(&entries),
            on_account,
            &profile.currency,
        )?;
        ledger_entries.push(LedgerEntry {
            id: LedgerEntryId::from_uuid(Uuid::now_v7()),
            phone,
            kind: LedgerKind::Charge,
            amount: on_account,
            order_id: Some(order.id),
            method: None,
            note: format!("order #{}", order.number),
            at_ms: now,
        });
    }
    let payments: Vec<Payment> = applied
        .iter()
        .map(|a| Payment {
            id: PaymentId::from_uuid(Uuid::now_v7()),
            method: a.method,
            amount: a.amount,
            tendered: a.tendered,
            change: a.change,
            reference: a.reference.clone(),
            customer_phone: (a.method == PaymentMethod::OnAccount)
                .then(|| order.customer_phone.clone())
                .flatten(),
            at_ms: now,
        })
        .collect();
    // The till's rule for the order's new status (and its checks: lines, final status).
    order.add_payments(payments.clone(), bill.total, now)?;
    let paid = order.status == OrderStatus::Paid;
    let invoice_no = if paid {
        let n: i64 = tx
            .query_one("SELECT COUNT(*) + 1 FROM bills WHERE org_id = $1", &[&org])
            .await?
            .get(0);
        Some(format!("{}S{:06}", profile.invoice_prefix, n))
    } else {
        None
    };
    let m = Mutation::PaymentRecord {
        order_id: order.id,
        payments: payments.clone(),
        bill: paid.then(|| Box::new(bill.clone())),
        invoice_no: invoice_no.clone(),
        ledger: ledger_entries,
    };
    let entity = write::apply_checked(&tx, org, &m).await?;
    let stored = orders::load_for_update(&tx, org, order_id).await?;
    write::finish(state, tx, org, &m, &entity).await?;
    tracing::info!(%org, order = %order_id, tenders = payments.len(), paid, "payment recorded");
    Ok(PaymentReceipt {
        change: payments.iter().map(|p| p.change).sum(),
        due: (bill.total - stored.amount_paid()).max(Money::ZERO),
        payments,
        invoice_no,
        order: stored,
    })
}
