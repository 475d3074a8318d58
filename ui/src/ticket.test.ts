import { describe, expect, it } from "vitest";
import type { MenuItem, OrderLine } from "./api";
import { findBySku, searchMenu, tenderPreview, ticketRows, toTenders } from "./ticket";

const item = (sku: string, name: string, category: string): MenuItem => ({
  sku,
  name,
  category,
  price: 10000,
  tax_class: "GST5",
  active: true,
});
const MENU = [
  item("ST-01", "Paneer Tikka", "Starters"),
  item("MV-03", "Paneer Butter Masala", "Mains - Veg"),
  item("BD-04", "Butter Naan", "Breads"),
];

const line = (id: string, sku: string, qty = 1000, voided = false): OrderLine => ({
  id,
  sku,
  name: sku,
  qty,
  unit_price: 10000,
  tax_class: "GST5",
  tax_rate: 500,
  tax_split: "cgst_sgst",
  discount: null,
  note: "",
  sent_to_kitchen: false,
  added_at_ms: 0,
  void: voided ? { reason: "x", at_ms: 0 } : null,
});

describe("menu search", () => {
  it("matches every typed word anywhere in name, sku or category", () => {
    expect(searchMenu(MENU, "paneer", null).map((i) => i.sku)).toEqual(["ST-01", "MV-03"]);
    expect(searchMenu(MENU, "butter paneer", null).map((i) => i.sku)).toEqual(["MV-03"]);
  });
  it("narrows to the chosen category", () => {
    expect(searchMenu(MENU, "butter", "Breads").map((i) => i.sku)).toEqual(["BD-04"]);
  });
  it("finds a scanned sku whatever its case", () => {
    expect(findBySku(MENU, " st-01 ")?.name).toBe("Paneer Tikka");
    expect(findBySku(MENU, "nope")).toBeUndefined();
  });
});

describe("ticket rows", () => {
  it("groups live lines of one sku and leaves voided lines out", () => {
    const rows = ticketRows([line("a", "ST-01"), line("b", "BD-04"), line("c", "ST-01"), line("d", "BD-04", 1000, true)], null);
    expect(rows.map((r) => [r.sku, r.qty, r.lineIds.length])).toEqual([
      ["ST-01", 2000, 2],
      ["BD-04", 1000, 1],
    ]);
  });
});

describe("tenders", () => {
  it("gives change from cash after card covers part of the bill", () => {
    const p = tenderPreview(105000, [
      { method: "card", amount: 50000 },
      { method: "cash", amount: 60000 },
    ]);
    expect(p).toEqual({ remaining: 0, change: 5000 });
  });
  it("shows what is still due when the tenders fall short", () => {
    expect(tenderPreview(105000, [{ method: "upi", amount: 5000 }])).toEqual({ remaining: 100000, change: 0 });
  });
  it("drops empty rows before sending", () => {
    expect(toTenders([{ method: "cash", amount: null }, { method: "card", amount: 100 }])).toEqual([
      { method: "card", amount: 100, reference: null },
    ]);
  });
});
