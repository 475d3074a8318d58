//! Payments, split across methods, with change and on-account charges.

use pos_core::bill::{self, TaxSettings};
use pos_core::ledger::{self, LedgerKind};
use pos_core::payment::apply_tenders;
use pos_core::{LedgerEntry, LedgerEntryId, Money, OrderStatus, Payment, PaymentId, PaymentMethod};
use pos_protocol::Mutation;
use pos_store::{customers, orders};

use crate::cache::DomainEvent;
use crate::usecases::orders::load_for_write;
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
        self.write_once(input.request_id, "record_payment", &input, |tx, now| {
            let mut order = load_for_write(tx, input.order_id)?;
            if order.status.is_final() {
                return Err(AppError::from(pos_core::DomainError::conflict(format!(
                    "order #{} is {}; it takes no more payments",
                    order.number, order.status
                ))));
            }
            let bill = bill::calculate(&order.lines, order.discount, &TaxSettings::from(&*profile))?;
            let due = bill.total - order.amount_paid();
            let applied = apply_tenders(due, &input.tenders, &profile.currency)?;
            let pay_day = self.day_of(&profile, now);

            let on_account: Money = applied
                .iter()
                .filter(|a| a.method == PaymentMethod::OnAccount)
                .map(|a| a.amount)
                .sum();
            let mut ledger_entries = Vec::new();
            let mut phones = Vec::new();
            if on_account.is_positive() {
                let phone = order.customer_phone.clone().ok_or_else(|| {
                    AppError::validation(
                        "customer_phone",
                        "an on-account payment needs the customer's phone on the order",
                    )
                })?;
                let customer = customers::customer(tx, &phone)?.ok_or_else(|| {
                    AppError::validation("customer_phone", "this customer has no account; add them first")
                })?;
                let balance = customers::balance(tx, &phone)?;
                ledger::check_credit(&customer, balance, on_account, &profile.currency)?;
                let entry = LedgerEntry {
                    id: ids[0].1,
                    phone: phone.clone(),
                    kind: LedgerKind::Charge,
                    amount: on_account,
                    order_id: Some(order.id),
                    method: None,
                    note: format!("order #{}", order.number),
                    at_ms: now,
                };
                customers::insert_entry(tx, &entry, &pay_day)?;
                ledger_entries.push(entry);
                phones.push(phone);
            }

            let payments: Vec<Payment> = applied
                .iter()
                .zip(&ids)
                .map(|(a, (pid, _))| Payment {
                    id: *pid,
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
            order.add_payments(payments.clone(), bill.total, now)?;
            for p in &payments {
                orders::insert_payment(tx, order.id, p, &pay_day)?;
            }
            orders::update_header(tx, &order)?;
            let mut invoice_no = None;
            let mut snapshot = None;
            if order.status == OrderStatus::Paid {
                let n = tx.next_counter("invoice")?;
                // This till's own series: numbers never collide across tills.
                let no = format!("{}{}-{:06}", profile.invoice_prefix, tx.invoice_series()?, n);
                orders::insert_bill(tx, order.id, &no, &pay_day, &bill, now)?;
                invoice_no = Some(no);
                snapshot = Some(Box::new(bill.clone()));
            }
            let receipt = PaymentReceipt {
                change: payments.iter().map(|p| p.change).sum(),
                due: (bill.total - order.amount_paid()).max(Money::ZERO),
                payments: payments.clone(),
                invoice_no: invoice_no.clone(),
                order: order.clone(),
            };
            let mut days = vec![order.business_day.clone()];
            if pay_day != order.business_day {
                days.push(pay_day);
            }
            let m = Mutation::PaymentRecord {
                order_id: order.id,
                payments,
                bill: snapshot,
                invoice_no,
                ledger: ledger_entries,
            };
            Ok((
                receipt,
                m,
                DomainEvent::PaymentRecorded {
                    order: order.id,
                    days,
                    phones,
                },
            ))
        })
    }
}
