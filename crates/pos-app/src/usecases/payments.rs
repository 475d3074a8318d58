//! Payments, split across methods, with change and on-account charges.

use pos_core::bill::TaxSettings;
use pos_core::ledger;
use pos_core::payment::PaymentPlan;
use pos_core::{LedgerEntryId, Money, OrderStatus, PaymentId};
use pos_protocol::Mutation;
use pos_store::customers;

use crate::app::record_in;
use crate::usecases::orders::{SERVICE_CHARGE_WAIVED, load_for_write};
use crate::views::{PaymentReceipt, RecordPayment};
use crate::{App, AppError, Result};

impl App {
    /// Records one or more tenders against an order. The bill is recomputed inside the
    /// transaction from the committed order, so a payment can never be checked against a
    /// stale bill. When the payments cover the total the order becomes paid, gets its
    /// invoice number, and the bill is stored as its snapshot.
    #[tracing::instrument(skip_all, fields(order_id = %input.order_id, tenders = input.tenders.len()), err)]
    pub fn record_payment(&self, input: RecordPayment) -> Result<PaymentReceipt> {
        let profile = self.require_profile()?;
        let ids: Vec<(PaymentId, LedgerEntryId)> = input
            .tenders
            .iter()
            .map(|_| {
                (
                    PaymentId::from_uuid(self.new_uuid()),
                    LedgerEntryId::from_uuid(self.new_uuid()),
                )
            })
            .collect();
        self.write_once(input.request_id, "record_payment", &input, |w| {
            let (tx, now) = (w.tx(), w.now());
            let order = load_for_write(tx, input.order_id)?;
            let plan = PaymentPlan::new(
                &order,
                &input.tenders,
                &TaxSettings::from(&*profile),
                SERVICE_CHARGE_WAIVED,
                &profile.currency,
            )?;
            let bill = &plan.bill;
            let mut ledger_entries = Vec::new();
            if let Some((phone, on_account)) = &plan.on_account {
                let customer = customers::customer(tx, phone)?.ok_or_else(|| {
                    AppError::validation("customer_phone", "this customer has no account; add them first")
                })?;
                let balance = customers::balance(tx, phone)?;
                ledger::check_credit(&customer, balance, *on_account, &profile.currency)?;
                ledger_entries.extend(plan.charge(&order, ids[0].1, now));
            }
            let mut payment_ids = ids.iter().map(|(p, _)| *p);
            let payments = plan.payments(
                &order,
                || {
                    payment_ids
                        .next()
                        .unwrap_or_else(|| PaymentId::from_uuid(self.new_uuid()))
                },
                now,
            );
            // The order's own rule checks what this call may do (a final order, no items).
            let mut check = order.clone();
            check.add_payments(payments.clone(), bill.total, now)?;
            let invoice_no = if check.status == OrderStatus::Paid {
                let n = tx.next_counter("invoice")?;
                // This till's own series: numbers never collide across tills.
                Some(format!(
                    "{}{}-{:06}",
                    profile.invoice_prefix,
                    tx.invoice_series()?,
                    n
                ))
            } else {
                None
            };
            let state = w.apply(Mutation::PaymentRecord {
                order_id: order.id,
                payments: payments.clone(),
                bill: invoice_no.is_some().then(|| Box::new(bill.clone())),
                invoice_no: invoice_no.clone(),
                ledger: ledger_entries,
            })?;
            let order = record_in(state, order.id)?.order;
            Ok(PaymentReceipt {
                change: payments.iter().map(|p| p.change).sum(),
                due: (bill.total - order.amount_paid()).max(Money::ZERO),
                payments,
                invoice_no,
                order,
            })
        })
    }
}
