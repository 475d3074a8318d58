// Customers: look up by phone as you type, see the tab and its ledger, settle it.
import { api, requestId, type AppError, type CustomerBalance, type PaymentMethod } from "../api";
import { busy, errorSlot, h, replace, showError, toast } from "../dom";
import { formatPhone, methodLabel, parseAmount, toPlain } from "../format";
import { currency, money } from "../state";

export function mountCustomers(host: HTMLElement): void {
  const input = h("input", { class: "search", type: "search", inputmode: "tel", placeholder: "Phone number, any format: 98450 12345", "aria-label": "Customer phone", "data-testid": "customer-phone" });
  const err = errorSlot("phone");
  const card = h("div", { class: "customer", "data-testid": "customer" });
  replace(host, h("section", { class: "page narrow" }, h("h1", {}, "Customers"), input, err, card));

  let seq = 0;
  const lookup = async () => {
    const typed = input.value;
    const digits = typed.replace(/\D/g, "");
    const mine = ++seq;
    if (digits.length < 8) {
      showError(err, null);
      replace(card, digits.length ? h("p", { class: "muted" }, "Keep typing…") : null);
      return;
    }
    try {
      const c = await api.customerBalance(typed);
      if (mine !== seq) return;
      showError(err, null);
      render(c);
    } catch (e) {
      if (mine !== seq) return;
      replace(card);
      showError(err, e as AppError);
    }
  };
  input.addEventListener("input", () => void lookup());
  input.focus();

  const render = (c: CustomerBalance) => {
    const exp = currency().exponent;
    const amount = h("input", { value: c.balance > 0 ? toPlain(c.balance, exp) : "", inputmode: "decimal", "aria-label": "Settle amount", "data-testid": "settle-amount" });
    const method = h("select", { "aria-label": "Method" }, (["cash", "card", "upi"] as PaymentMethod[]).map((m) => h("option", { value: m }, methodLabel(m))));
    const settleErr = errorSlot("amount");
    const settle = h("button", { class: "primary", "data-testid": "settle", disabled: c.balance <= 0 }, "Settle");
    settle.addEventListener("click", () =>
      void busy(settle, async () => {
        const minor = parseAmount(amount.value, exp);
        if (minor === null || minor <= 0) {
          showError(settleErr, "Enter an amount greater than zero");
          return;
        }
        try {
          const next = await api.settleBalance({ phone: c.phone, amount: minor, method: method.value as PaymentMethod, note: null, request_id: requestId() });
          toast(`Received ${money(minor)} from ${c.name}`);
          render(next);
        } catch (e) {
          showError(settleErr, e as AppError);
        }
      }),
    );
    replace(
      card,
      h("div", { class: "card" },
        h("h2", {}, c.name),
        h("p", { class: "muted" }, formatPhone(c.phone)),
        h("div", { class: "stats" },
          h("div", {}, h("span", { class: "muted" }, "Owes"), h("strong", { class: "big-num", "data-testid": "balance" }, money(c.balance))),
          h("div", {}, h("span", { class: "muted" }, "Credit limit"), h("strong", {}, money(c.credit_limit))),
          h("div", {}, h("span", { class: "muted" }, "Available"), h("strong", {}, money(c.available_credit))),
        ),
        h("div", { class: "settle-row" }, h("label", { class: "field" }, h("span", {}, "Amount"), amount), h("label", { class: "field" }, h("span", {}, "Method"), method), settle),
        settleErr,
      ),
      h("h3", {}, "Ledger"),
      c.recent.length === 0
        ? h("p", { class: "empty" }, "No entries yet.")
        : h("table", { class: "data" },
            h("thead", {}, h("tr", {}, ["When", "Entry", "Note", "Amount"].map((t) => h("th", {}, t)))),
            h("tbody", {}, c.recent.map((e) =>
              h("tr", {},
                h("td", {}, new Date(e.at_ms).toLocaleString()),
                h("td", {}, e.kind === "charge" ? "Charge" : `Settlement (${methodLabel(e.method ?? "")})`),
                h("td", {}, e.note),
                h("td", { class: `num ${e.kind}` }, e.kind === "charge" ? money(e.amount) : `−${money(e.amount)}`),
              ))),
          ),
    );
  };
}
