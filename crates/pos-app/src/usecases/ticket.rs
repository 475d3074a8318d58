//! A ticket of several lines added in one call: one commit for the whole ticket instead of
//! one per line. Each line still travels as its own `order.add_line` outbox row (so the
//! server and other tills apply it exactly like lines added one by one), but all of them,
//! the order header and the request record commit in one SQLite transaction: one `fsync`.

use pos_core::{LineId, Order, OrderId, OrderLine, Quantity, Sku};
use pos_protocol::Mutation;
use pos_store::catalog;
use serde::{Deserialize, Serialize};

use crate::app::record_in;
use crate::usecases::orders::load_for_write;
use crate::{App, AppError, Result};

/// One line of an [`AddLines`] ticket, as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketLine {
    pub sku: String,
    /// As typed: `2`, `0.5`.
    pub qty: String,
    #[serde(default)]
    pub discount: Option<pos_core::Discount>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `add_lines` input: several lines for one order, one user action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddLines {
    pub order_id: OrderId,
    pub lines: Vec<TicketLine>,
    /// One per user action; repeating it returns the first result and writes nothing.
    #[serde(default)]
    pub request_id: Option<uuid::Uuid>,
}

/// Most lines one call takes (a ticket, not an import).
pub const MAX_TICKET_LINES: usize = 100;

impl App {
    /// Adds every line of a ticket at its current menu price and tax, in one transaction.
    /// Either all lines are added or none (a bad SKU or quantity on any line refuses the
    /// whole ticket, naming the line).
    #[tracing::instrument(skip_all, fields(order_id = %input.order_id, lines = input.lines.len()), err)]
    pub fn add_lines(&self, input: AddLines) -> Result<Order> {
        if input.lines.is_empty() || input.lines.len() > MAX_TICKET_LINES {
            return Err(AppError::validation(
                "lines",
                format!("a ticket has 1 to {MAX_TICKET_LINES} lines"),
            ));
        }
        let mut parsed = Vec::with_capacity(input.lines.len());
        for (i, l) in input.lines.iter().enumerate() {
            let field = format!("lines[{i}]");
            let qty = Quantity::parse(&l.qty).map_err(|e| AppError::validation(&field, e.to_string()))?;
            let sku = Sku::parse(&l.sku).map_err(|e| AppError::validation(&field, e.to_string()))?;
            parsed.push((sku, qty, LineId::from_uuid(self.new_uuid())));
        }
        let profile = self.require_profile()?;
        self.write_once(input.request_id, "add_lines", &input, |w| {
            let mut order = load_for_write(w.tx(), input.order_id)?;
            order.ensure_editable()?;
            let mut state = None;
            for ((sku, qty, line_id), typed) in parsed.iter().zip(&input.lines) {
                let item = catalog::menu_item(w.tx(), sku)?
                    .ok_or_else(|| AppError::validation("sku", format!("no menu item has SKU {sku}")))?;
                let line = OrderLine::new(
                    *line_id,
                    &item,
                    &profile,
                    *qty,
                    typed.discount,
                    typed.note.as_deref().unwrap_or(""),
                    w.now(),
                )?;
                order.add_line(line.clone(), w.now())?;
                state = Some(w.apply(Mutation::OrderAddLine {
                    order_id: order.id,
                    line: Box::new(line),
                })?);
            }
            match state {
                Some(s) => Ok(record_in(s, order.id)?.order),
                None => Ok(order),
            }
        })
    }
}
