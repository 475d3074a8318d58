// Day summary: the business day's X/Z report, printable.
import { api, type AppError } from "../api";
import { errorSlot, h, replace, showError } from "../dom";
import { methodLabel } from "../format";
import { money, shared } from "../state";

export function mountSummary(host: HTMLElement): void {
  const body = h("div", { class: "report", "data-testid": "summary" });
  const err = errorSlot("summary");
  replace(
    host,
    h("section", { class: "page narrow" },
      h("div", { class: "page-head" }, h("h1", {}, "Day summary"), h("button", { class: "secondary", onclick: () => window.print() }, "Print")),
      err, body),
  );
  void (async () => {
    try {
      const s = await api.billingSummary(null);
      const row = (l: string, v: string, cls = "") => h("div", { class: `bill-row ${cls}` }, h("span", {}, l), h("span", { class: "amount" }, v));
      replace(
        body,
        h("p", { class: "muted" }, `${shared.profile?.name ?? ""} · business day ${s.business_day}`),
        h("div", { class: "stats" },
          h("div", {}, h("span", { class: "muted" }, "Bills"), h("strong", { class: "big-num", "data-testid": "summary-bills" }, String(s.bills))),
          h("div", {}, h("span", { class: "muted" }, "Sales"), h("strong", { class: "big-num", "data-testid": "summary-total" }, money(s.total))),
          h("div", {}, h("span", { class: "muted" }, "Open orders"), h("strong", { class: "big-num" }, String(s.orders_open))),
        ),
        h("div", { class: "card" },
          row("Gross", money(s.gross)),
          row("Discounts", money(-s.discounts)),
          row("Service charge", money(s.service_charge)),
          row("CGST", money(s.cgst), "tax"),
          row("SGST", money(s.sgst), "tax"),
          s.igst ? row("IGST", money(s.igst), "tax") : null,
          s.other_tax ? row("Other tax", money(s.other_tax), "tax") : null,
          row("Round-off", money(s.round_off)),
          row("Total sales", money(s.total), "total"),
        ),
        h("h3", {}, "Payments"),
        h("div", { class: "card" },
          s.payments.length === 0 ? h("p", { class: "empty" }, "No payments yet.") : null,
          s.payments.map((p) => row(`${methodLabel(p.method)} (${p.count})`, money(p.amount))),
          s.settlements.map((p) => row(`Tab settlements, ${methodLabel(p.method)} (${p.count})`, money(p.amount))),
        ),
        h("h3", {}, "Voids"),
        h("div", { class: "card" }, row("Voided orders", String(s.orders_void)), row("Voided lines", String(s.voided_lines)), row("Voided amount", money(s.voided_amount))),
      );
    } catch (e) {
      showError(err, e as AppError);
    }
  })();
}
