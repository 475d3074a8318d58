import { describe, expect, it } from "vitest";
import type { Order, OrderLine } from "./api";
import { idleExpired, pinDots, pinPress, pinReady, shouldTouch, voidNeedsApproval } from "./session";
import type { Session } from "./staff-api";
import { canEditLines } from "./ticket";

const cashier: Session = { staff_id: "c", name: "Ravi", role: "cashier" };
const manager: Session = { staff_id: "m", name: "Meera", role: "manager" };

function line(id: string, sent: boolean): OrderLine {
  return { id, sku: "SI-01", name: "Idli", qty: 1000, unit_price: 6000, tax_class: "GST5", tax_rate: 500, discount: null, note: "", sent_to_kitchen: sent, added_at_ms: 0, void: null };
}
function order(status: Order["status"], lines: OrderLine[], paid = false): Order {
  return {
    id: "o", number: 1, order_type: "dine_in", table: "T1", customer_phone: null, notes: "", status, discount: null, lines,
    payments: paid ? [{ id: "p", method: "cash", amount: 100, tendered: 100, change: 0, reference: null, customer_phone: null, at_ms: 0 }] : [],
    business_day: "2026-11-24", created_at_ms: 0, updated_at_ms: 0, version: 1,
  };
}

describe("the PIN pad", () => {
  it("takes digits up to eight, deletes and clears", () => {
    let pin = "";
    for (const k of "123456789") pin = pinPress(pin, k);
    expect(pin).toBe("12345678");
    expect(pinPress(pin, "back")).toBe("1234567");
    expect(pinPress(pin, "Backspace")).toBe("1234567");
    expect(pinPress(pin, "clear")).toBe("");
    expect(pinPress("12", "a")).toBe("12");
    expect(pinPress("12", "Enter")).toBe("12");
  });
  it("is ready from four digits and shows dots, never digits", () => {
    expect(pinReady("123")).toBe(false);
    expect(pinReady("1234")).toBe(true);
    expect(pinDots("1234")).toBe("●●●●");
    expect(pinDots("1234")).not.toContain("1");
  });
});

describe("the idle lock", () => {
  it("locks after the configured quiet time, not before", () => {
    expect(idleExpired(0, 299_999, 300_000)).toBe(false);
    expect(idleExpired(0, 300_000, 300_000)).toBe(true);
  });
  it("touches the backend at most once per interval", () => {
    expect(shouldTouch(0, 14_999)).toBe(false);
    expect(shouldTouch(0, 15_000)).toBe(true);
  });
});

describe("void approval", () => {
  it("is needed by a cashier once the kitchen has the order or the line", () => {
    expect(voidNeedsApproval(order("open", [line("a", false)]), ["a"], cashier)).toBe(false);
    expect(voidNeedsApproval(order("open", [line("a", true)]), ["a"], cashier)).toBe(true);
    expect(voidNeedsApproval(order("sent_to_kitchen", [line("a", true)]), ["a"], cashier)).toBe(true);
    expect(voidNeedsApproval(order("served", [line("a", true)]), ["a"], cashier)).toBe(true);
  });
  it("is never asked of a manager's session", () => {
    expect(voidNeedsApproval(order("sent_to_kitchen", [line("a", true)]), ["a"], manager)).toBe(false);
  });
});

describe("ticket controls", () => {
  it("offer qty and discount only while the engine accepts line edits", () => {
    expect(canEditLines(order("open", []))).toBe(true);
    expect(canEditLines(order("sent_to_kitchen", []))).toBe(true);
    expect(canEditLines(order("served", []))).toBe(true);
    expect(canEditLines(order("billed", []))).toBe(false);
    expect(canEditLines(order("paid", []))).toBe(false);
    expect(canEditLines(order("void", []))).toBe(false);
    expect(canEditLines(order("served", [], true))).toBe(false);
  });
});
