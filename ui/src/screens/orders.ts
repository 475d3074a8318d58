// Orders: the floor, filtered by status chips and paged by the engine (list_orders).
import { api, type AppError, type OrderStatus } from "../api";
import { errorSlot, h, replace, showError } from "../dom";
import { formatPhone, orderTypeLabel, statusLabel } from "../format";
import { money } from "../state";

const FILTERS: { label: string; statuses: OrderStatus[]; attention?: boolean }[] = [
  { label: "All active", statuses: [] },
  { label: "Open", statuses: ["open"] },
  { label: "In kitchen", statuses: ["sent_to_kitchen"] },
  { label: "Served", statuses: ["served"] },
  { label: "Billed", statuses: ["billed"] },
  { label: "Paid", statuses: ["paid"] },
  { label: "Void", statuses: ["void"] },
  // Money to give back: orders two tills took payment for, or paid after a void.
  { label: "Needs attention", statuses: [], attention: true },
];
const ATTENTION = FILTERS.length - 1;
const PAGE_SIZE = 12;
const view = { filter: 0, page: 1 };

/** The next time the Orders screen opens, it shows the orders that need a person. */
export function showAttentionNext(): void {
  view.filter = ATTENTION;
  view.page = 1;
}

export function mountOrders(host: HTMLElement, open: (id: string) => void): void {
  const chips = h("div", { class: "chips", "data-testid": "order-filters" });
  const table = h("div", { class: "orders-table", "data-testid": "orders" });
  const pager = h("div", { class: "pager" });
  const err = errorSlot("orders");
  replace(host, h("section", { class: "page" }, h("h1", {}, "Orders"), chips, err, table, pager));

  const load = async () => {
    const f = FILTERS[view.filter] ?? FILTERS[0]!;
    replace(
      chips,
      FILTERS.map((c, i) =>
        h("button", { class: `chip${i === view.filter ? " active" : ""}`, "data-filter": c.label, onclick: () => { view.filter = i; view.page = 1; void load(); } }, c.label),
      ),
    );
    try {
      const page = await api.listOrders({ statuses: f.statuses, page: view.page, limit: PAGE_SIZE, attention: f.attention ?? false });
      showError(err, null);
      replace(
        table,
        page.orders.length === 0
          ? h("p", { class: "empty" }, "No orders here.")
          : h(
              "table",
              { class: "data" },
              h("thead", {}, h("tr", {}, ["#", "Type", "Table", "Status", "Items", "Items total", "Paid", "Opened", ""].map((t) => h("th", {}, t)))),
              h(
                "tbody",
                {},
                page.orders.map((o) =>
                  h(
                    "tr",
                    { "data-order": o.number, "data-status": o.status },
                    h("td", { class: "num" }, `#${o.number}`),
                    h("td", {}, orderTypeLabel(o.order_type), o.customer_phone ? h("div", { class: "muted small" }, formatPhone(o.customer_phone)) : null),
                    h("td", {}, o.table ?? "–"),
                    h("td", {}, h("span", { class: `badge status-${o.status}` }, statusLabel(o.status))),
                    h("td", { class: "num" }, String(o.item_count)),
                    h("td", { class: "num" }, money(o.items_total)),
                    h("td", { class: "num" }, money(o.paid),
                      o.excess > 0 ? h("div", { class: "badge attention", "data-testid": "excess" }, `Refund ${money(o.excess)}`) : null),
                    h("td", {}, new Date(o.created_at_ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })),
                    h("td", {}, o.status === "paid" || o.status === "void" ? null : h("button", { class: "secondary small", onclick: () => open(o.id) }, "Open")),
                  ),
                ),
              ),
            ),
      );
      const pages = Math.max(1, Math.ceil(page.total / page.limit));
      replace(
        pager,
        h("button", { class: "secondary", disabled: view.page <= 1, onclick: () => { view.page -= 1; void load(); } }, "‹ Previous"),
        h("span", { "data-testid": "page-info" }, `Page ${page.page} of ${pages} · ${page.total} orders`),
        h("button", { class: "secondary", disabled: view.page >= pages, onclick: () => { view.page += 1; void load(); } }, "Next ›"),
      );
    } catch (e) {
      showError(err, e as AppError);
    }
  };
  void load();
}
