// The receipt at receipt-printer width, shown on screen and printed with window.print.
import type { BillView, Order, Payment, Profile } from "../api";
import { h, replace } from "../dom";
import { formatBps, formatQty, methodLabel, taxLineLabel } from "../format";
import { money } from "../state";

export function receiptView(p: Profile, o: Order, b: BillView, payments: Payment[]): HTMLElement {
  const row = (l: string, r: string, cls = "") => h("div", { class: `r-row ${cls}` }, h("span", {}, l), h("span", {}, r));
  const bill = b.bill;
  const paid = o.payments.length ? o.payments : payments;
  return h(
    "div",
    { class: "receipt", "data-testid": "receipt" },
    p.receipt_header.split("\n").map((l, i) => h(i === 0 ? "strong" : "div", { class: "r-center" }, l)),
    h("div", { class: "r-center small" }, p.address),
    p.tax_registration ? h("div", { class: "r-center small" }, `${p.tax_registration.scheme} ${p.tax_registration.number}`) : null,
    h("hr"),
    row(b.invoice_no ? `Invoice ${b.invoice_no}` : "Bill (unpaid)", `#${o.number}`),
    row(new Date(o.updated_at_ms).toLocaleString(), o.table ? `Table ${o.table}` : ""),
    h("hr"),
    bill.lines.map((l) =>
      h(
        "div",
        { class: "r-line" },
        h("div", {}, l.name),
        row(`  ${formatQty(l.qty)} × ${money(l.unit_price)}`, money(l.amount)),
        l.line_discount ? row("  discount", `−${money(l.line_discount)}`, "small") : null,
      ),
    ),
    h("hr"),
    row("Subtotal", money(bill.subtotal)),
    bill.discount_total ? row("Discounts", `−${money(bill.discount_total)}`) : null,
    bill.service_charge ? row(`Service ${formatBps(bill.service_charge_rate)}`, money(bill.service_charge)) : null,
    bill.service_charge_waived ? row("Service charge waived", money(0), "small") : null,
    bill.tax_lines.map((t) => row(`${taxLineLabel(t, p.currency)} on ${money(t.taxable)}`, money(t.amount), "small")),
    bill.round_off ? row("Round-off", money(bill.round_off)) : null,
    row("TOTAL", money(bill.total), "r-total"),
    paid.map((pm) => row(methodLabel(pm.method), money(pm.method === "cash" ? pm.tendered : pm.amount))),
    paid.some((pm) => pm.change > 0) ? row("Change", money(paid.reduce((s, pm) => s + pm.change, 0))) : null,
    attention(b, row),
    h("hr"),
    h("div", { class: "r-center" }, p.receipt_footer),
  );
}

/**
 * What the sync rules could not merge, for the people who must act: money paid beyond
 * the bill (two tills took payment for this order, or a payment reached it after it was
 * voided), the numbers printed for it that are not its bill, a bill that no longer
 * matches the order.
 */
function attention(b: BillView, row: (l: string, r: string, cls?: string) => HTMLElement): HTMLElement | null {
  if (!b.excess && b.superseded.length === 0 && !b.bill_mismatch) return null;
  const reason = b.status === "void" ? "Paid after it was voided" : "Paid twice";
  return h(
    "div",
    { class: "r-attention", "data-testid": "receipt-attention" },
    b.excess ? row(`${reason}: refund`, money(b.excess), "r-total") : null,
    b.superseded.length ? row("Also printed", b.superseded.join(", "), "small") : null,
    b.bill_mismatch ? h("div", { class: "small" }, "The bill paid differs from the order as it is now.") : null,
  );
}

/** Prints `view` alone (the print stylesheet hides everything but #print-area). */
export function printReceipt(view: HTMLElement): void {
  const area = document.getElementById("print-area");
  if (!area) return;
  replace(area, view);
  document.body.classList.add("printing-receipt");
  window.print();
  document.body.classList.remove("printing-receipt");
}
