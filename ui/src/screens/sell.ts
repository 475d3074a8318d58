// Sell: menu by category with instant search, the ticket, the bill, payment and receipt.
import { api, requestId, type AppError, type BillView, type Order, type OrderType, type PaymentReceipt } from "../api";
import { busy, errorSlot, h, modal, replace, showError, toast } from "../dom";
import { formatBps, formatQty, methodLabel, orderTypeLabel, parseAmount, parsePercent, statusLabel, taxLineLabel, toPlain } from "../format";
import { currency, money, shared } from "../state";
import { categories, findBySku, searchMenu, tenderPreview, ticketRows, toTenders, type TenderDraft } from "../ticket";
import { printReceipt, receiptView } from "./receipt";
import { requestApproval } from "./approval";
import type { Approval } from "../staff-api";
import { current as staff, voidNeedsApproval } from "../session";
import { canEditLines } from "../ticket";

interface Draft {
  order_type: OrderType;
  table: string;
  customer_phone: string;
  notes: string;
}

const sell = {
  order: null as Order | null,
  bill: null as BillView | null,
  draft: { order_type: "dine_in", table: "", customer_phone: "", notes: "" } as Draft,
  category: null as string | null,
  query: "",
};

let root: HTMLElement;
let grid: HTMLElement;
let chips: HTMLElement;
let ticket: HTMLElement;
let search: HTMLInputElement;
let qtyInput: HTMLInputElement;
let addError: HTMLElement;

/** Opens an existing order on the sell screen (from the orders list). */
export async function openOrder(id: string): Promise<void> {
  sell.order = await api.getOrder(id);
  sell.bill = await api.calculateBill(id).catch(() => null);
  renderTicket();
}

export function mountSell(host: HTMLElement): void {
  root = host;
  search = h("input", {
    class: "search",
    type: "search",
    placeholder: "Search the menu or scan a SKU, then Enter",
    "aria-label": "Search menu",
    "data-testid": "search",
    autocomplete: "off",
    oninput: () => {
      sell.query = search.value;
      renderGrid();
    },
    onkeydown: (e: KeyboardEvent) => {
      if (e.key !== "Enter") return;
      e.preventDefault();
      const exact = findBySku(shared.menu, search.value);
      const only = searchMenu(shared.menu, sell.query, sell.category);
      const pick = exact ?? (only.length === 1 ? only[0] : undefined);
      if (pick) {
        void addItem(pick.sku).then((ok) => {
          if (ok) {
            search.value = "";
            sell.query = "";
            renderGrid();
          }
        });
      } else {
        showError(addError, `No item has SKU ${search.value.trim().toUpperCase()}`);
      }
    },
  });
  qtyInput = h("input", {
    class: "qty-input",
    value: "1",
    inputmode: "decimal",
    "aria-label": "Quantity for the next item",
    "data-testid": "qty",
  });
  addError = errorSlot("add");
  chips = h("div", { class: "chips", role: "tablist" });
  grid = h("div", { class: "menu-grid", "data-testid": "menu" });
  ticket = h("aside", { class: "ticket", "data-testid": "ticket" });
  replace(
    root,
    h(
      "section",
      { class: "sell-menu" },
      h("div", { class: "search-row" }, search, h("label", { class: "qty-label" }, "Qty", qtyInput)),
      addError,
      chips,
      grid,
    ),
    ticket,
  );
  renderChips();
  renderGrid();
  renderTicket();
  window.setTimeout(() => search.focus(), 0);
}

function renderChips(): void {
  const all = [null, ...categories(shared.menu)];
  replace(
    chips,
    all.map((c) =>
      h(
        "button",
        {
          class: `chip${sell.category === c ? " active" : ""}`,
          role: "tab",
          "aria-selected": String(sell.category === c),
          onclick: () => {
            sell.category = c;
            renderChips();
            renderGrid();
          },
        },
        c ?? "All",
      ),
    ),
  );
}

function renderGrid(): void {
  const items = searchMenu(shared.menu, sell.query, sell.category);
  replace(
    grid,
    items.length === 0 ? h("p", { class: "empty" }, "No item matches. Try fewer letters.") : null,
    items.slice(0, 300).map((it) =>
      h(
        "button",
        {
          class: "item",
          "data-sku": it.sku,
          onclick: (e: Event) => void busy(e.currentTarget as HTMLButtonElement, () => addItem(it.sku)),
        },
        h("span", { class: "item-name" }, it.name),
        h("span", { class: "item-meta" }, h("span", { class: "sku" }, it.sku), h("span", { class: "price" }, money(it.price))),
      ),
    ),
  );
}

/** Creates the order on first use with the header the cashier typed. */
async function ensureOrder(): Promise<Order | null> {
  if (sell.order && sell.order.status !== "paid" && sell.order.status !== "void") return sell.order;
  const d = sell.draft;
  try {
    sell.order = await api.createOrder({
      order_type: d.order_type,
      table: d.order_type === "dine_in" ? d.table.trim() || null : null,
      customer_phone: d.customer_phone.trim() || null,
      notes: d.notes.trim() || null,
      request_id: requestId(),
    });
    sell.bill = null;
    return sell.order;
  } catch (e) {
    const err = e as AppError;
    const slot = root.querySelector<HTMLElement>(`[data-error-for="${err.field ?? "header"}"]`) ??
      root.querySelector<HTMLElement>('[data-error-for="header"]');
    showError(slot, err);
    return null;
  }
}

async function addItem(sku: string, qty?: string, discount: import("../api").Discount | null = null): Promise<boolean> {
  showError(addError, null);
  root.querySelectorAll<HTMLElement>(".ticket .field-error").forEach((s) => showError(s, null));
  const order = await ensureOrder();
  if (!order) {
    renderTicket(false);
    return false;
  }
  try {
    sell.order = await api.addLine({
      order_id: order.id,
      sku,
      qty: qty ?? qtyInput.value.trim(),
      discount,
      note: null,
      request_id: requestId(),
    });
    if (qty === undefined) qtyInput.value = "1";
    await refreshBill();
    renderTicket();
    return true;
  } catch (e) {
    const err = e as AppError;
    showError(err.field === "quantity" ? addError : addError, err);
    renderTicket();
    return false;
  }
}

async function refreshBill(): Promise<void> {
  if (!sell.order) return;
  try {
    sell.bill = await api.calculateBill(sell.order.id);
  } catch (e) {
    sell.bill = null;
    toast((e as AppError).message, "error");
  }
}

function headerEditor(): HTMLElement {
  const d = sell.draft;
  const seg = (t: OrderType) =>
    h(
      "button",
      {
        class: `seg${d.order_type === t ? " active" : ""}`,
        "data-type": t,
        onclick: () => {
          d.order_type = t;
          renderTicket(false);
        },
      },
      orderTypeLabel(t),
    );
  const field = (name: keyof Draft, label: string, attrs: Record<string, unknown> = {}) =>
    h(
      "label",
      { class: "field" },
      h("span", {}, label),
      h("input", {
        value: d[name],
        name,
        "data-testid": `draft-${name}`,
        oninput: (e: Event) => {
          (d as unknown as Record<string, string>)[name] = (e.target as HTMLInputElement).value;
        },
        ...attrs,
      }),
      // The engine names the phone's field "phone": the slot carries that name.
      errorSlot(name === "customer_phone" ? "phone" : name),
    );
  return h(
    "div",
    { class: "ticket-head editable" },
    h("div", { class: "segmented" }, seg("dine_in"), seg("takeaway"), seg("delivery")),
    h(
      "div",
      { class: "head-fields" },
      d.order_type === "dine_in" ? field("table", "Table", { placeholder: "T4", class: "short" }) : null,
      field("customer_phone", "Customer phone", { inputmode: "tel", placeholder: "98450 12345" }),
    ),
    field("notes", "Notes", { placeholder: "No onion, birthday…" }),
    errorSlot("header"),
  );
}

function orderHeader(o: Order): HTMLElement {
  return h(
    "div",
    { class: "ticket-head" },
    h(
      "div",
      { class: "order-title" },
      h("h2", { "data-testid": "order-number" }, `Order #${o.number}`),
      h("span", { class: `badge status-${o.status}`, "data-testid": "order-status" }, statusLabel(o.status)),
    ),
    h(
      "p",
      { class: "muted" },
      [orderTypeLabel(o.order_type), o.table ? `Table ${o.table}` : null, o.customer_phone ? `☎ …${o.customer_phone.slice(-4)}` : null]
        .filter(Boolean)
        .join(" · "),
    ),
    o.notes ? h("p", { class: "notes" }, o.notes) : null,
  );
}

function renderTicket(clearErrors = true): void {
  const o = sell.order;
  // What the engine accepts: no line edits once billed, paid or part-paid.
  const editable = !o || canEditLines(o);
  const rows = o ? ticketRows(o.lines, sell.bill) : [];
  const lineError = errorSlot("line");
  const actionError = errorSlot("action");
  const kept = clearErrors ? null : [...ticket.querySelectorAll<HTMLElement>(".field-error.visible")].map((s) => [s.dataset.errorFor, s.textContent] as const);

  const lines = h(
    "ul",
    { class: "lines", "data-testid": "lines" },
    rows.length === 0 ? h("li", { class: "empty" }, "Tap an item or scan a barcode to start.") : null,
    rows.map((r) =>
      h(
        "li",
        { class: "line", "data-sku": r.sku },
        h(
          "div",
          { class: "line-main" },
          h("span", { class: "line-name" }, r.name),
          r.discount ? h("span", { class: "badge discount" }, r.discount.kind === "percent" ? `−${formatBps(r.discount.value)}` : `−${money(r.discount.value)}`) : null,
          h("span", { class: "line-amount" }, money(r.amount)),
        ),
        h(
          "div",
          { class: "line-controls" },
          h(
            "button",
            {
              class: "step",
              "aria-label": `One less ${r.name}`,
              "data-action": "minus",
              disabled: !editable,
              onclick: (e: Event) =>
                void busy(e.currentTarget as HTMLButtonElement, async () => {
                  const last = r.lineIds[r.lineIds.length - 1];
                  if (!o || !last) return;
                  const voidOne = async (approver: Approval | null) => {
                    sell.order = await api.voidLine(o.id, last, "removed by cashier", approver);
                    await refreshBill();
                    renderTicket();
                  };
                  try {
                    if (voidNeedsApproval(o, [last], staff.session)) {
                      await requestApproval(`Remove one ${r.name} from order #${o.number}`, voidOne);
                    } else {
                      await voidOne(null);
                    }
                  } catch (err) {
                    showError(lineError, err as AppError);
                  }
                }),
            },
            "−",
          ),
          h("span", { class: "line-qty", "data-testid": "line-qty" }, formatQty(r.qty)),
          h(
            "button",
            {
              class: "step",
              "aria-label": `One more ${r.name}`,
              "data-action": "plus",
              disabled: !editable,
              onclick: (e: Event) => void busy(e.currentTarget as HTMLButtonElement, () => addItem(r.sku, "1", r.discount)),
            },
            "+",
          ),
          h(
            "button",
            {
              class: "ghost small",
              "data-action": "discount",
              disabled: !editable,
              onclick: () => lineDiscountDialog(r.sku, r.name, r.qty, r.lineIds),
            },
            "Discount",
          ),
          h("span", { class: "muted unit" }, `@ ${money(r.unitPrice)}`),
        ),
      ),
    ),
  );

  replace(
    ticket,
    o && o.status !== "paid" ? orderHeader(o) : headerEditor(),
    lines,
    lineError,
    billPreview(),
    actionError,
    h(
      "div",
      { class: "actions" },
      h(
        "button",
        {
          class: "secondary",
          "data-testid": "send-kitchen",
          disabled: !o || rows.length === 0 || !editable,
          onclick: (e: Event) => void status(e, "sent_to_kitchen", actionError),
        },
        "Send to kitchen",
      ),
      h(
        "button",
        {
          class: "secondary",
          "data-testid": "bill",
          disabled: !o || rows.length === 0 || o.status === "billed" || !editable,
          onclick: (e: Event) => void status(e, "billed", actionError),
        },
        "Bill",
      ),
      h(
        "button",
        {
          class: "primary",
          "data-testid": "pay",
          disabled: !o || !sell.bill || sell.bill.due <= 0,
          onclick: () => paymentDialog(),
        },
        sell.bill && sell.bill.due > 0 ? `Pay ${money(sell.bill.due)}` : "Pay",
      ),
    ),
    h(
      "button",
      {
        class: "ghost new-order",
        "data-testid": "new-order",
        onclick: () => {
          sell.order = null;
          sell.bill = null;
          sell.draft = { order_type: "dine_in", table: "", customer_phone: "", notes: "" };
          renderTicket();
          search.focus();
        },
      },
      "New order",
    ),
  );
  if (kept) for (const [name, text] of kept) showError(ticket.querySelector<HTMLElement>(`[data-error-for="${name}"]`), text ?? "");
}

async function status(e: Event, to: "sent_to_kitchen" | "billed", slot: HTMLElement): Promise<void> {
  const o = sell.order;
  if (!o) return;
  await busy(e.currentTarget as HTMLButtonElement, async () => {
    try {
      sell.order = await api.setStatus(o.id, to);
      await refreshBill();
      renderTicket();
      toast(to === "billed" ? `Order #${o.number} billed` : `Order #${o.number} sent to the kitchen`);
    } catch (err) {
      showError(slot, err as AppError);
    }
  });
}

function billPreview(): HTMLElement | null {
  const b = sell.bill;
  if (!b || b.bill.lines.length === 0) return null;
  const bill = b.bill;
  const row = (label: string, amount: number, cls = "") =>
    h("div", { class: `bill-row ${cls}` }, h("span", {}, label), h("span", { class: "amount" }, money(amount)));
  return h(
    "div",
    { class: "bill", "data-testid": "bill-preview" },
    row("Subtotal", bill.subtotal),
    bill.discount_total ? row("Discounts", -bill.discount_total) : null,
    bill.service_charge ? row(`Service charge ${formatBps(bill.service_charge_rate)}`, bill.service_charge) : null,
    bill.service_charge_waived ? row("Service charge waived", 0) : null,
    bill.tax_lines.map((t) => row(taxLineLabel(t, currency()), t.amount, "tax")),
    bill.round_off ? row("Round-off", bill.round_off) : null,
    h("div", { class: "bill-row total", "data-testid": "bill-total" }, h("span", {}, "Total"), h("span", { class: "amount" }, money(bill.total))),
    b.paid ? row("Paid", b.paid) : null,
    b.paid ? row("Due", b.due, "due") : null,
  );
}

function lineDiscountDialog(sku: string, name: string, qty: number, lineIds: string[]): void {
  const input = h("input", { inputmode: "decimal", placeholder: "10", "aria-label": "Discount percent", "data-testid": "discount-input" });
  const err = errorSlot("discount");
  const apply = h("button", { class: "primary", "data-testid": "discount-apply" }, "Apply");
  const body = h(
    "div",
    { class: "dialog-body" },
    h("p", {}, `Discount on ${formatQty(qty)} × ${name}`),
    h("label", { class: "field" }, h("span", {}, "Percent off"), input, err),
    h("div", { class: "actions" }, apply),
  );
  const m = modal("Line discount", body, { testid: "discount-dialog" });
  const run = () =>
    void busy(apply, async () => {
      const bps = parsePercent(input.value);
      if (bps === null) {
        showError(err, "Enter a percentage between 0.01 and 100");
        return;
      }
      const o = sell.order;
      if (!o) return;
      // The engine sets a discount when a line is added: re-add the quantity with the
      // discount, then void the undiscounted lines. Add first so a refusal changes nothing.
      // Once the kitchen has the order a cashier's voids need a manager: then the voids go
      // first (a wrong manager PIN refuses the first one, before anything changed).
      const addDiscounted = async () => {
        sell.order = await api.addLine({
          order_id: o.id,
          sku,
          qty: String(qty / 1000),
          discount: { kind: "percent", value: bps },
          note: null,
          request_id: requestId(),
        });
      };
      const voidAll = async (approver: Approval | null) => {
        for (const id of lineIds) sell.order = await api.voidLine(o.id, id, "re-priced with a discount", approver);
      };
      try {
        if (voidNeedsApproval(o, lineIds, staff.session)) {
          m.close();
          const done = await requestApproval(`Discount ${formatQty(qty)} × ${name} on order #${o.number}`, async (a) => {
            await voidAll(a);
            await addDiscounted();
          });
          if (done) {
            await refreshBill();
            renderTicket();
          }
          return;
        }
        await addDiscounted();
        await voidAll(null);
        await refreshBill();
        renderTicket();
        m.close();
      } catch (e) {
        showError(err, e as AppError);
      }
    });
  apply.addEventListener("click", run);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") run();
  });
}

function paymentDialog(): void {
  const o = sell.order;
  const b = sell.bill;
  if (!o || !b) return;
  const exp = currency().exponent;
  const drafts: (TenderDraft & { text: string })[] = [{ method: "cash", amount: b.due, text: toPlain(b.due, exp) }];
  const err = errorSlot("payment");
  const rowsHost = h("div", { class: "tenders" });
  const summary = h("div", { class: "tender-summary", "data-testid": "tender-summary" });
  const pay = h("button", { class: "primary big", "data-testid": "confirm-pay" }, "Record payment");

  const refresh = () => {
    const p = tenderPreview(b.due, drafts);
    replace(
      summary,
      h("div", { class: "bill-row" }, h("span", {}, "Due"), h("span", { class: "amount" }, money(b.due))),
      h("div", { class: "bill-row" }, h("span", {}, "Still to pay"), h("span", { class: "amount", "data-testid": "remaining" }, money(p.remaining))),
      h("div", { class: "bill-row total" }, h("span", {}, "Change"), h("span", { class: "amount", "data-testid": "change" }, money(p.change))),
    );
  };
  const renderRows = () => {
    replace(
      rowsHost,
      drafts.map((d, i) =>
        h(
          "div",
          { class: "tender-row", "data-method": d.method },
          h("span", { class: "method" }, methodLabel(d.method)),
          h("input", {
            value: d.text,
            inputmode: "decimal",
            "aria-label": `${methodLabel(d.method)} amount`,
            "data-testid": `tender-${d.method}`,
            oninput: (e: Event) => {
              d.text = (e.target as HTMLInputElement).value;
              d.amount = parseAmount(d.text, exp);
              refresh();
            },
          }),
          h("button", { class: "icon-btn", "aria-label": "Remove", onclick: () => { drafts.splice(i, 1); renderRows(); refresh(); } }, "✕"),
        ),
      ),
    );
  };
  const addMethod = (m: TenderDraft["method"]) => {
    const remaining = tenderPreview(b.due, drafts).remaining;
    drafts.push({ method: m, amount: remaining, text: toPlain(remaining, exp) });
    renderRows();
    refresh();
  };
  const body = h(
    "div",
    { class: "dialog-body" },
    h("p", { class: "muted" }, `Order #${o.number} · total ${money(b.bill.total)}`),
    rowsHost,
    h(
      "div",
      { class: "add-methods" },
      (["cash", "card", "upi", "on_account"] as const).map((m) =>
        h("button", { class: "secondary", "data-add-method": m, onclick: () => addMethod(m) }, `+ ${methodLabel(m)}`),
      ),
    ),
    summary,
    err,
    h("div", { class: "actions" }, pay),
  );
  renderRows();
  refresh();
  const m = modal("Payment", body, { testid: "payment-dialog" });
  const rid = requestId();
  pay.addEventListener("click", () =>
    void busy(pay, async () => {
      if (drafts.some((d) => d.amount === null && d.text.trim() !== "")) {
        showError(err, "An amount is not a number; use digits and at most two decimals");
        return;
      }
      try {
        const receipt = await api.recordPayment({ order_id: o.id, tenders: toTenders(drafts), request_id: rid });
        sell.order = receipt.order;
        sell.bill = await api.calculateBill(o.id).catch(() => null);
        m.close();
        renderTicket();
        showReceipt(receipt);
      } catch (e) {
        showError(err, e as AppError);
      }
    }),
  );
}

function showReceipt(r: PaymentReceipt): void {
  const b = sell.bill;
  if (!b || !shared.profile) return;
  const view = receiptView(shared.profile, r.order, b, r.payments);
  const body = h(
    "div",
    { class: "dialog-body" },
    r.change > 0 ? h("p", { class: "change-due", "data-testid": "receipt-change" }, `Change due: ${money(r.change)}`) : null,
    h("div", { class: "receipt-frame" }, view),
    h(
      "div",
      { class: "actions" },
      h("button", { class: "secondary", onclick: () => printReceipt(receiptView(shared.profile!, r.order, b, r.payments)) }, "Print"),
      h(
        "button",
        {
          class: "primary",
          "data-testid": "receipt-done",
          onclick: () => {
            m.close();
            sell.order = null;
            sell.bill = null;
            sell.draft = { order_type: "dine_in", table: "", customer_phone: "", notes: "" };
            renderTicket();
            search.focus();
          },
        },
        "Next order",
      ),
    ),
  );
  const m = modal(r.invoice_no ? `Receipt ${r.invoice_no}` : "Part payment recorded", body, { testid: "receipt-dialog" });
}
