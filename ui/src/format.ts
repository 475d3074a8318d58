// Pure formatting and parsing: amounts, quantities, rates. Unit-tested in format.test.ts.
import type { Currency, Money, TaxLine } from "./api";

const formatters = new Map<string, Intl.NumberFormat>();

/** The locale amounts are shown in: Indian grouping for rupees, else the system's. */
export function localeFor(currency: Currency): string | undefined {
  return currency.code === "INR" ? "en-IN" : undefined;
}

/** `123450` minor units of INR is `₹1,234.50`. */
export function formatMoney(minor: Money, currency: Currency): string {
  const key = `${currency.code}:${currency.exponent}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(localeFor(currency), {
      style: "currency",
      currency: currency.code,
      minimumFractionDigits: currency.exponent,
      maximumFractionDigits: currency.exponent,
    });
    formatters.set(key, f);
  }
  return f.format(minor / 10 ** currency.exponent);
}

/**
 * Parses an amount as typed (`1,050.5`, `₹ 200`) into minor units. `null` when it is not
 * a plain non-negative number with at most `exponent` decimals.
 */
export function parseAmount(text: string, exponent: number): Money | null {
  const t = text.replace(/[\s,₹$€£]/g, "");
  if (!/^\d+(\.\d*)?$/.test(t)) return null;
  const [whole = "0", frac = ""] = t.split(".");
  if (frac.length > exponent) return null;
  const minor = Number(whole) * 10 ** exponent + Number(frac.padEnd(exponent, "0") || "0");
  return Number.isSafeInteger(minor) ? minor : null;
}

/** Minor units as an editable plain number: `105050` is `1050.50`. */
export function toPlain(minor: Money, exponent: number): string {
  if (exponent === 0) return String(minor);
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 10 ** exponent);
  const frac = String(abs % 10 ** exponent).padStart(exponent, "0");
  return `${sign}${whole}.${frac}`;
}

/** Thousandths as shown: 2000 is `2`, 500 is `0.5`. */
export function formatQty(milli: number): string {
  return (milli / 1000).toLocaleString("en-US", { maximumFractionDigits: 3 });
}

/** Basis points as a percentage: 250 is `2.5%`. */
export function formatBps(bps: number): string {
  return `${(bps / 100).toLocaleString("en-US", { maximumFractionDigits: 2 })}%`;
}

/**
 * A tax line as printed: `CGST 2.5%` (a half at half the class's rate), `IGST 18%`,
 * `TAX 20%`; a levy under its own name and charge: `Compensation cess 12%`,
 * `Bottle tax ₹0.05/unit`.
 */
export function taxLineLabel(t: TaxLine, currency: Currency): string {
  if (t.levy) {
    const c = t.levy.charge;
    const charge = c.kind === "percent" ? formatBps(c.value) : `${formatMoney(c.value, currency)}/unit`;
    return `${t.levy.name} ${charge}`;
  }
  const half = t.component === "cgst" || t.component === "sgst";
  return `${t.component.toUpperCase()} ${formatBps(half ? t.class_rate / 2 : t.class_rate)}`;
}

/** `"12.5"` percent as basis points (1250); `null` unless 0 < p <= 100. */
export function parsePercent(text: string): number | null {
  const t = text.trim().replace(/%$/, "");
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null;
  const bps = Math.round(Number(t) * 100);
  return bps > 0 && bps <= 10_000 ? bps : null;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Microseconds as a short latency. */
export function formatMicros(us: number): string {
  if (us === 0) return "–";
  if (us < 1000) return `${us.toFixed(0)} µs`;
  return `${(us / 1000).toFixed(1)} ms`;
}

export function formatRatio(r: number, lookups: number): string {
  return lookups === 0 ? "–" : `${(r * 100).toFixed(1)}%`;
}

const STATUS_LABELS: Record<string, string> = {
  open: "Open",
  sent_to_kitchen: "In kitchen",
  served: "Served",
  billed: "Billed",
  paid: "Paid",
  void: "Void",
};
export function statusLabel(s: string): string {
  return STATUS_LABELS[s] ?? s;
}

const TYPE_LABELS: Record<string, string> = {
  dine_in: "Dine-in",
  takeaway: "Takeaway",
  delivery: "Delivery",
};
export function orderTypeLabel(t: string): string {
  return TYPE_LABELS[t] ?? t;
}

const METHOD_LABELS: Record<string, string> = {
  cash: "Cash",
  card: "Card",
  upi: "UPI",
  on_account: "On account",
};
export function methodLabel(m: string): string {
  return METHOD_LABELS[m] ?? m;
}

/** The last digits of a stored phone (`919845012345`), grouped for reading. */
export function formatPhone(e164: string): string {
  if (e164.startsWith("91") && e164.length === 12) return `+91 ${e164.slice(2, 7)} ${e164.slice(7)}`;
  return `+${e164}`;
}
