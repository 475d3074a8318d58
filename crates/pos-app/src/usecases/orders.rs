//! Orders: open, add and void lines, discounts, status, listings and the bill.

use std::sync::Arc;

use pos_core::bill::{self, TaxSettings};
use pos_core::order::NewOrder;
use pos_core::{Discount, LineId, Order, OrderId, OrderLine, OrderRecord, OrderStatus, Quantity, Sku};
use pos_protocol::Mutation;
use pos_store::{WriteTx, catalog, orders};

use crate::app::record_in;
use crate::views::{AddLine, BillView, ListOrders, OrdersPage};
use crate::{App, AppError, Result};

/// Loads an order inside a write transaction (never from the cache: the write must see
/// the committed state it changes).
pub(crate) fn load_for_write(tx: &WriteTx<'_>, id: OrderId) -> Result<Order> {
    orders::load_order(tx, id)?.ok_or_else(|| AppError::not_found(format!("order {id} does not exist")))
}

/// Whether the bills of this till's orders have their service charge waived: never yet.
/// The engine takes a waiver (`bill::BillContext`); a manager's waiver still has to be
/// recorded on the order (and synced) before the bill, the payment and the server's
/// recomputation can all honour it.
pub(crate) const SERVICE_CHARGE_WAIVED: bool = false;

impl App {
    /// Opens an order; it gets the next number of the business day on this till.
    #[tracing::instrument(skip_all, err)]
    pub fn create_order(&self, new: NewOrder) -> Result<Order> {
        let profile = self.require_profile()?;
        let id = OrderId::from_uuid(self.new_uuid());
        self.write_once(new.request_id, "create_order", &new, |w| {
            let day = self.day_of(&profile, w.now());
            let number = w.tx().next_counter(&format!("order_number:{day}"))?;
            let order = Order::open(id, number as u32, &new, &profile.country_code, day, w.now())?;
            let state = w.apply(Mutation::OrderCreate {
                order: Box::new(order),
            })?;
            Ok(record_in(state, id)?.order)
        })
        .inspect(|o| tracing::info!(order_id = %o.id, number = o.number, "order opened"))
    }

    /// One order with its lines and payments, the bill it was paid with and any bill
    /// that lost a race (two tills paid it).
    #[tracing::instrument(skip_all, fields(order_id = %id), err)]
    pub fn order(&self, id: OrderId) -> Result<Arc<OrderRecord>> {
        self.caches.order.get_or_load(&id, || {
            self.load_record(id)?
                .ok_or_else(|| AppError::not_found(format!("order {id} does not exist")))
        })
    }

    /// Adds an item to an order at its current menu price and tax.
    #[tracing::instrument(skip_all, fields(order_id = %input.order_id), err)]
    pub fn add_line(&self, input: AddLine) -> Result<Order> {
        let qty = Quantity::parse(&input.qty)?;
        let sku = Sku::parse(&input.sku)?;
        let profile = self.require_profile()?;
        let line_id = LineId::from_uuid(self.new_uuid());
        self.write_once(input.request_id, "add_line", &input, |w| {
            let mut order = load_for_write(w.tx(), input.order_id)?;
            order.ensure_editable()?;
            let item = catalog::menu_item(w.tx(), &sku)?
                .ok_or_else(|| AppError::validation("sku", format!("no menu item has SKU {sku}")))?;
            let line = OrderLine::new(
                line_id,
                &item,
                &profile,
                qty,
                input.discount,
                input.note.as_deref().unwrap_or(""),
                w.now(),
            )?;
            order.add_line(line.clone(), w.now())?;
            let state = w.apply(Mutation::OrderAddLine {
                order_id: order.id,
                line: Box::new(line),
            })?;
            Ok(record_in(state, order.id)?.order)
        })
    }

    /// Sets or removes the order-level discount.
    #[tracing::instrument(skip_all, fields(order_id = %order_id), err)]
    pub fn set_order_discount(&self, order_id: OrderId, discount: Option<Discount>) -> Result<Order> {
        let profile = self.require_profile()?;
        self.write(|w| {
            let mut order = load_for_write(w.tx(), order_id)?;
            order.set_discount(discount, w.now())?;
            // Refuse a discount larger than the order now, not at payment time.
            bill::calculate_order(&order, SERVICE_CHARGE_WAIVED, &TaxSettings::from(&*profile))?;
            let state = w.apply(Mutation::OrderSetDiscount {
                order_id,
                discount: order.discount,
                at_ms: w.now(),
            })?;
            Ok(record_in(state, order_id)?.order)
        })
    }

    /// Moves an order through the state machine (send to kitchen, served, billed, reopen,
    /// void). `paid` is reached by payments only.
    #[tracing::instrument(skip_all, fields(order_id = %order_id, to = %status), err)]
    pub fn set_status(&self, order_id: OrderId, status: OrderStatus) -> Result<Order> {
        self.write(|w| {
            let mut order = load_for_write(w.tx(), order_id)?;
            // Which lines this send puts in the kitchen's hands: every replica marks these.
            let sent_lines = (status == OrderStatus::SentToKitchen).then(|| {
                order
                    .live_lines()
                    .filter(|l| !l.sent_to_kitchen)
                    .map(|l| l.id)
                    .collect()
            });
            order.set_status(status, w.now())?;
            let state = w.apply(Mutation::OrderSetStatus {
                order_id,
                status,
                at_ms: w.now(),
                sent_lines,
            })?;
            Ok(record_in(state, order_id)?.order)
        })
    }

    /// Orders newest first. Active statuses are served from the cached snapshot of the
    /// floor; paid and void history is paged from SQLite.
    #[tracing::instrument(skip_all, err)]
    pub fn list_orders(&self, q: &ListOrders) -> Result<OrdersPage> {
        let limit = match q.limit {
            0 => 50,
            l @ 1..=200 => l,
            _ => {
                return Err(AppError::validation(
                    "limit",
                    "page size must be between 1 and 200",
                ));
            }
        };
        let page = q.page.max(1);
        let offset = u64::from(page - 1) * u64::from(limit);
        if q.attention {
            let (orders, total) = self.store.read(|c| orders::needing_attention(c, limit, offset))?;
            return Ok(OrdersPage {
                orders,
                page,
                limit,
                total,
            });
        }
        let statuses: Vec<OrderStatus> = if q.statuses.is_empty() {
            OrderStatus::ALL.into_iter().filter(|s| s.is_active()).collect()
        } else {
            q.statuses.clone()
        };
        if statuses.iter().all(|s| s.is_active()) {
            let all = self.active_orders()?;
            let mut total = 0u64;
            let mut rows = Vec::with_capacity(limit as usize);
            for o in all.iter().filter(|o| statuses.contains(&o.status)) {
                if total >= offset && rows.len() < limit as usize {
                    rows.push(o.clone());
                }
                total += 1;
            }
            return Ok(OrdersPage {
                orders: rows,
                page,
                limit,
                total,
            });
        }
        let (orders, total) = self.store.read(|c| orders::page(c, &statuses, limit, offset))?;
        Ok(OrdersPage {
            orders,
            page,
            limit,
            total,
        })
    }

    /// How many orders a person must act on (money to give back): shown beside the sync
    /// badge until a manager has refunded the excess.
    pub fn attention_count(&self) -> Result<u64> {
        Ok(self.store.read(|c| orders::needing_attention(c, 1, 0))?.1)
    }

    /// Every active order, newest first (the cached snapshot).
    pub fn active_orders(&self) -> Result<Arc<Vec<pos_store::orders::OrderSummary>>> {
        self.caches.active_orders.get_or_load(&(), || {
            self.store
                .read(|c| Ok::<_, AppError>(orders::active_summaries(c)?))
        })
    }

    /// The bill of an order: computed for open orders, the stored snapshot for paid ones.
    #[tracing::instrument(skip_all, fields(order_id = %order_id), err)]
    pub fn calculate_bill(&self, order_id: OrderId) -> Result<Arc<BillView>> {
        let record = self.order(order_id)?;
        self.caches.bill.get_or_load_if(
            &order_id,
            |b| b.order_version == record.order.version,
            || self.compute_bill(&record),
        )
    }

    /// The stored bill of a paid order; the bill computed now for any other.
    pub(crate) fn compute_bill(&self, record: &OrderRecord) -> Result<BillView> {
        let order = &record.order;
        if order.status == OrderStatus::Paid
            && let Some(paid) = &record.bill
        {
            return Ok(BillView::of(
                record,
                paid.bill.clone(),
                Some(paid.invoice_no.clone()),
            ));
        }
        let profile = self.require_profile()?;
        let bill = bill::calculate_order(order, SERVICE_CHARGE_WAIVED, &TaxSettings::from(&*profile))?;
        Ok(BillView::of(record, bill, None))
    }
}
