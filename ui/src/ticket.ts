// Pure logic of the sell screen: grouping lines for the ticket, menu search, tenders.
import type { BillView, Discount, MenuItem, Money, Order, OrderLine, PaymentMethod, Tender } from "./api";

/**
 * Whether the ticket offers qty +/- and discounts: the engine accepts line edits while
 * the order is open, with the kitchen or served, and nothing has been paid yet. Billed,
 * paid, void and part-paid orders show their lines read-only.
 */
export function canEditLines(o: Order): boolean {
  return (o.status === "open" || o.status === "sent_to_kitchen" || o.status === "served") && o.payments.length === 0;
}

/** Live lines of one SKU at one discount, shown as one ticket row. */
export interface TicketRow {
  key: string;
  sku: string;
  name: string;
  qty: number;
  discount: Discount | null;
  lineIds: string[];
  amount: Money;
  unitPrice: Money;
}

export function discountKey(d: Discount | null): string {
  return d ? `${d.kind}:${d.value}` : "none";
}

/** Groups live lines by SKU and discount, in the order first added. */
export function ticketRows(lines: OrderLine[], bill: BillView | null): TicketRow[] {
  const amounts = new Map<string, Money>();
  for (const bl of bill?.bill.lines ?? []) {
    if (bl.line_id) amounts.set(bl.line_id, bl.amount);
  }
  const rows = new Map<string, TicketRow>();
  for (const l of lines) {
    if (l.void) continue;
    const key = `${l.sku}|${discountKey(l.discount)}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        key,
        sku: l.sku,
        name: l.name,
        qty: 0,
        discount: l.discount,
        lineIds: [],
        amount: 0,
        unitPrice: l.unit_price,
      };
      rows.set(key, row);
    }
    row.qty += l.qty;
    row.lineIds.push(l.id);
    row.amount += amounts.get(l.id) ?? Math.round((l.unit_price * l.qty) / 1000);
  }
  return [...rows.values()];
}

/** Case-insensitive match on name, SKU or category; every word must match. */
export function searchMenu(items: MenuItem[], query: string, category: string | null): MenuItem[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return items.filter((it) => {
    if (category && it.category !== category) return false;
    if (words.length === 0) return true;
    const hay = `${it.name} ${it.sku} ${it.category}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** An exact SKU typed or scanned (`st-01` is `ST-01`). */
export function findBySku(items: MenuItem[], typed: string): MenuItem | undefined {
  const sku = typed.trim().toUpperCase();
  return sku ? items.find((it) => it.sku === sku) : undefined;
}

export function categories(items: MenuItem[]): string[] {
  return [...new Set(items.map((i) => i.category))];
}

/** A tender row of the payment dialog, amount as typed. */
export interface TenderDraft {
  method: PaymentMethod;
  amount: Money | null;
}

/** What the dialog shows while the cashier types: still due, and cash change. */
export function tenderPreview(due: Money, drafts: TenderDraft[]): { remaining: Money; change: Money } {
  const nonCash = drafts.filter((d) => d.method !== "cash").reduce((s, d) => s + (d.amount ?? 0), 0);
  const cash = drafts.filter((d) => d.method === "cash").reduce((s, d) => s + (d.amount ?? 0), 0);
  const afterNonCash = due - nonCash;
  const remaining = Math.max(0, afterNonCash - cash);
  const change = Math.max(0, cash - Math.max(0, afterNonCash));
  return { remaining, change };
}

export function toTenders(drafts: TenderDraft[]): Tender[] {
  return drafts
    .filter((d) => d.amount !== null && d.amount > 0)
    .map((d) => ({ method: d.method, amount: d.amount ?? 0, reference: null }));
}
