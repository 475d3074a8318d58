import { describe, expect, it } from "vitest";
import type { TaxLine } from "./api";
import { formatMoney, formatQty, parseAmount, parsePercent, taxLineLabel, toPlain } from "./format";

const INR = { code: "INR", exponent: 2 };

describe("amounts", () => {
  it("formats rupees with Indian grouping and paise", () => {
    expect(formatMoney(12345678, INR)).toBe("₹1,23,456.78");
  });
  it("parses what a cashier types into paise", () => {
    expect(parseAmount("1,050.5", 2)).toBe(105050);
    expect(parseAmount("₹ 200", 2)).toBe(20000);
    expect(parseAmount("7", 2)).toBe(700);
  });
  it("refuses letters, negatives and too many decimals", () => {
    expect(parseAmount("12a", 2)).toBeNull();
    expect(parseAmount("-5", 2)).toBeNull();
    expect(parseAmount("1.234", 2)).toBeNull();
    expect(parseAmount("", 2)).toBeNull();
  });
  it("round-trips minor units through the editable form", () => {
    expect(toPlain(105050, 2)).toBe("1050.50");
    expect(parseAmount(toPlain(105050, 2), 2)).toBe(105050);
  });
});

describe("quantities and percentages", () => {
  it("shows thousandths as plain quantities", () => {
    expect(formatQty(2000)).toBe("2");
    expect(formatQty(500)).toBe("0.5");
  });
  it("reads a percentage into basis points and refuses out-of-range values", () => {
    expect(parsePercent("10")).toBe(1000);
    expect(parsePercent("12.5%")).toBe(1250);
    expect(parsePercent("0")).toBeNull();
    expect(parsePercent("101")).toBeNull();
    expect(parsePercent("ten")).toBeNull();
  });
});

describe("tax lines", () => {
  const line = (t: Partial<TaxLine>): TaxLine => ({ class: "GST28", component: "cgst", class_rate: 2800, taxable: 9999, amount: 1400, ...t });
  it("prints a CGST or SGST half at half the class's rate and IGST at the whole", () => {
    expect(taxLineLabel(line({}), INR)).toBe("CGST 14%");
    expect(taxLineLabel(line({ component: "sgst" }), INR)).toBe("SGST 14%");
    expect(taxLineLabel(line({ component: "igst", class_rate: 1800 }), INR)).toBe("IGST 18%");
  });
  it("prints a levy under its own name and rate, not the class's", () => {
    const cess = line({
      component: "cess",
      levy: { code: "CESS12", name: "Compensation cess", charge: { kind: "percent", value: 1200 }, compound: false, kind: "cess" },
    });
    expect(taxLineLabel(cess, INR)).toBe("Compensation cess 12%");
  });
  it("prints a fixed tax per unit as an amount per unit", () => {
    const bottle = line({
      component: "tax",
      levy: { code: "BOTTLE", name: "Bottle tax", charge: { kind: "per_unit", value: 5 }, compound: false, kind: "tax" },
    });
    expect(taxLineLabel(bottle, INR)).toBe("Bottle tax ₹0.05/unit");
  });
});
