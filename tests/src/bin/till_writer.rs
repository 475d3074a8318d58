//! A till that sells forever (or `--sales N` times): each sale is a takeaway order with
//! three lines paid in cash. After `record_payment` returns (the commit is on disk) it
//! prints `ACK <order id> <total>` and flushes, so the parent test knows which sales were
//! acknowledged to the cashier before it kills this process.

use std::io::Write;

use pos_app::{AddLine, RecordPayment};
use pos_core::order::NewOrder;
use pos_core::{OrderType, PaymentMethod, Tender};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: till-writer DB [SALES]"))?;
    let sales: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(u64::MAX);
    let app = pos_testkit::till::open_demo_till(std::path::Path::new(&path))?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "READY")?;
    out.flush()?;
    for i in 0..sales {
        let order = app.create_order(NewOrder {
            order_type: Some(OrderType::Takeaway),
            ..NewOrder::default()
        })?;
        let drink = format!("BV-{:02}", i % 9 + 1);
        for (sku, qty) in [("MV-01", "1"), ("BD-04", "2"), (drink.as_str(), "1")] {
            app.add_line(AddLine {
                order_id: order.id,
                sku: sku.into(),
                qty: qty.into(),
                discount: None,
                note: None,
                request_id: None,
            })?;
        }
        let bill = app.calculate_bill(order.id)?;
        app.record_payment(RecordPayment {
            order_id: order.id,
            tenders: vec![Tender {
                method: PaymentMethod::Cash,
                amount: bill.due,
                reference: None,
            }],
            request_id: None,
        })?;
        writeln!(out, "ACK {} {}", order.id, bill.bill.total.minor())?;
        out.flush()?;
    }
    Ok(())
}
