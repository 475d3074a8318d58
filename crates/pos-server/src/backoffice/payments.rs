//! `POST /payments`: the till's payment rules (`pos_core::payment::PaymentPlan`, the
//! credit check for on-account tenders) on the server, stored and logged exactly like a
//! pushed `payment.record`, which the tills pull.

use pos_core::bill::TaxSettings;
use pos_core::ledger;
use pos_core::payment::PaymentPlan;
use pos_core::{
    LedgerEntryId, Money, Order, OrderId, OrderStatus, Payment, PaymentId, PaymentMethod, Tender,
};
use pos_protocol::Mutation;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ApiFailure, Result, now_ms, parse_id, profile};
use crate::auth::Principal;
use crate::org_tx::OrgTx;
use crate::state::AppState;

/// One tender, as text and integers so each gets a precise error.
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct TenderInput {
    /// `cash`, `card`, `upi` or `on_account`.
    #[schema(value_type = pos_core::PaymentMethod)]
    pub method: String,
    /// Minor units (paise, cents), greater than zero.
    pub amount: i64,
    #[serde(default)]
    pub reference: Option<String>,
}

/// `POST /payments` body.
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct PaymentInput {
    #[schema(value_type = uuid::Uuid)]
    pub order_id: String,
    pub tenders: Vec<TenderInput>,
}

/// What a payment did.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
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
    let order_id = OrderId::from_uuid(parse_id("order_id", &input.order_id)?);
    let tenders = tenders(&input.tenders)?;
    let (_, profile) = profile::require(state, who).await?;
    let org = who.org_id;
    let now = now_ms();
    let mut client = state.db.get().await?;
    let mut otx = OrgTx::begin(&mut client, org).await?;
    let (record, _) = otx.record(order_id).await?.ok_or(ApiFailure::NotFound("order"))?;
    let order = record.order;
    // The till's rules: final orders refused, the bill recomputed, tenders applied to what
    // is due, the on-account part and its customer (`pos_core::payment::PaymentPlan`). No
    // route waives the service charge yet.
    let waived = false;
    let plan = PaymentPlan::new(
        &order,
        &tenders,
        &TaxSettings::from(&profile),
        waived,
        &profile.currency,
    )?;
    let bill = &plan.bill;
    let mut ledger_entries = Vec::new();
    if let Some((phone, on_account)) = &plan.on_account {
        let (customer, entries) = super::billing::account(otx.tx(), org, phone).await?;
        let Some(customer) = customer else {
            return Err(ApiFailure::invalid(
                "customer_phone",
                "this customer has no account; add them first",
            ));
        };
        ledger::check_credit(
            &customer,
            ledger::balance(&entries),
            *on_account,
            &profile.currency,
        )?;
        ledger_entries.extend(plan.charge(&order, LedgerEntryId::from_uuid(Uuid::now_v7()), now));
    }
    let payments = plan.payments(&order, || PaymentId::from_uuid(Uuid::now_v7()), now);
    // The till's rule for the order's new status (and its checks: lines, final status).
    let mut check = order.clone();
    check.add_payments(payments.clone(), bill.total, now)?;
    let paid = check.status == OrderStatus::Paid;
    let invoice_no = if paid {
        let n: i64 = otx
            .tx()
            .query_one("SELECT COUNT(*) + 1 FROM bills WHERE org_id = $1", &[&org])
            .await?
            .get(0);
        // The server's own series, `S`, beside the tills' (docs/SYNC.md).
        Some(format!("{}S-{:06}", profile.invoice_prefix, n))
    } else {
        None
    };
    let m = Mutation::PaymentRecord {
        order_id,
        payments: payments.clone(),
        bill: paid.then(|| Box::new(bill.clone())),
        invoice_no: invoice_no.clone(),
        ledger: ledger_entries,
    };
    let stored = super::apply(&mut otx, &m).await?;
    otx.commit(state).await?;
    tracing::info!(%org, order = %order_id, tenders = payments.len(), paid, "payment recorded");
    let stored = stored
        .orders
        .get(&order_id)
        .map(|r| r.order.clone())
        .ok_or(ApiFailure::NotFound("order"))?;
    Ok(PaymentReceipt {
        change: payments.iter().map(|p| p.change).sum(),
        due: (bill.total - stored.amount_paid()).max(Money::ZERO),
        payments,
        invoice_no,
        order: stored,
    })
}
