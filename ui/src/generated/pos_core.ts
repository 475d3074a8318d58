// Generated from the Rust types of pos-core by the tests of pos-app; do not edit.
// Rewrite with: UPDATE_TS=1 cargo test -p pos-app typescript

export type OrderId = string;

export type LineId = string;

export type PaymentId = string;

export type LedgerEntryId = string;

export type MutationId = string;

export type DeviceId = string;

export type StaffId = string;

export type Role = "cashier" | "manager";

export type Money = number;

export type Quantity = number;

export type Percent = number;

export type TaxRate = number;

export type Rounding = "half_up" | "half_even";

export type CashRounding = "nearest" | "up" | "down";

export type Currency = { code: string, exponent: number, };

export type Phone = string;

export type Sku = string;

export type PricingMode = "exclusive" | "inclusive";

export type TaxRoundingLevel = "per_line" | "per_document";

export type GstHalf = "cgst" | "sgst";

export type TaxSplit = "cgst_sgst" | "igst" | "single";

export type TaxesRounded = "together" | "separately";

export type RoundOffTo = "line" | "biggest_tax";

export type LevyCharge = { "kind": "percent", "value": TaxRate } | { "kind": "per_unit", "value": Money };

export type LevyKind = "tax" | "cess";

export type Levy = { 
/**
 * Short code, unique within its class, e.g. `CESS12`.
 */
code: string, 
/**
 * Shown on bills, e.g. `Compensation cess`.
 */
name: string, charge: LevyCharge, 
/**
 * Whether its base includes the class's tax and the levies before it (a tax on
 * tax). Percentages only.
 */
compound: boolean, kind: LevyKind, };

export type TaxClass = { 
/**
 * Short code menu items refer to, e.g. `GST5`.
 */
code: string, 
/**
 * Shown on bills, e.g. `GST 5%`.
 */
name: string, rate: TaxRate, split: TaxSplit, 
/**
 * Further taxes charged with the class's own, in this order (at most three).
 */
levies?: Array<Levy>, };

export type TaxRegistration = { 
/**
 * `GSTIN` numbers are checked for format and check digit; other schemes only for
 * length.
 */
scheme: string, number: string, };

export type Profile = { name: string, legal_name: string, address: string, phone: string, email: string, tax_registration: TaxRegistration | null, currency: Currency, 
/**
 * Calling code used to normalise phone numbers typed without one, e.g. `91`.
 */
country_code: string, 
/**
 * Offset of local time from UTC in minutes (India: 330).
 */
utc_offset_minutes: number, 
/**
 * Local hour at which a business day starts (sales before it count for the day before).
 */
day_starts_at_hour: number, tax_classes: Array<TaxClass>, pricing: PricingMode, tax_rounding: TaxRoundingLevel, 
/**
 * Whether a class's tax and its levies are rounded together or each on its own.
 */
taxes_rounded: TaxesRounded, rounding: Rounding, odd_paisa_to: GstHalf, 
/**
 * Bills are rounded to a multiple of this (100 paise = nearest rupee); 0 or 1: none.
 */
cash_rounding_increment: Money, 
/**
 * Whether the total goes to the nearest multiple, up or down.
 */
cash_rounding: CashRounding, 
/**
 * Whether the rounding difference is a round-off line or goes into the biggest tax.
 */
round_off_to: RoundOffTo, service_charge: Percent, service_charge_taxed: boolean, 
/**
 * Tax class of the service charge when it is taxed.
 */
service_charge_tax_class: string, 
/**
 * Order types that pay the service charge (all of them unless the profile says).
 */
service_charge_order_types: OrderTypes, receipt_header: string, receipt_footer: string, 
/**
 * Prefix of invoice numbers printed by this till, e.g. `T1-`.
 */
invoice_prefix: string, };

export type ProfileLite = { name: string, currency: Currency, prices_include_tax: boolean, service_charge: Percent, service_charge_taxed: boolean, cash_rounding_increment: Money, country_code: string, };

export type MenuItem = { sku: Sku, name: string, category: string, 
/**
 * Price of one unit, inclusive or exclusive of tax as the profile says.
 */
price: Money, tax_class: string, active: boolean, };

export type OrderType = "dine_in" | "takeaway" | "delivery";

export type OrderTypes = Array<"dine_in" | "takeaway" | "delivery">;

export type OrderStatus = "open" | "sent_to_kitchen" | "served" | "billed" | "paid" | "void";

export type Discount = { "kind": "percent", "value": Percent } | { "kind": "amount", "value": Money };

export type LineVoid = { reason: string, at_ms: number, 
/**
 * Who voided it (absent on voids made before staff logins existed).
 */
voided_by?: StaffId, 
/**
 * The manager who approved it: a void after the kitchen has the order needs one.
 */
approved_by?: StaffId, };

export type OrderLine = { id: LineId, sku: Sku, name: string, qty: Quantity, unit_price: Money, tax_class: string, tax_rate: TaxRate, tax_split: TaxSplit, 
/**
 * The class's levies (a cess, a city tax) when the line was added; empty for most.
 */
levies?: Array<Levy>, discount: Discount | null, note: string, sent_to_kitchen: boolean, added_at_ms: number, void: LineVoid | null, };

export type NewOrder = { order_type: OrderType | null, table: string | null, 
/**
 * As typed; normalised with the profile's country code.
 */
customer_phone: string | null, notes: string | null, 
/**
 * Made by the client once per user action; repeating it returns the first result.
 */
request_id: string | null, };

export type Order = { id: OrderId, 
/**
 * Per-till, per-day number printed on tickets (`#42`).
 */
number: number, order_type: OrderType, table: string | null, customer_phone: Phone | null, notes: string, status: OrderStatus, discount: Discount | null, lines: Array<OrderLine>, payments: Array<Payment>, 
/**
 * `YYYY-MM-DD`.
 */
business_day: string, created_at_ms: number, updated_at_ms: number, 
/**
 * Bumped by every change; bills are cached per version.
 */
version: number, };

export type PaymentMethod = "cash" | "card" | "upi" | "on_account";

export type Tender = { method: PaymentMethod, amount: Money, 
/**
 * Card slip or UPI reference, if any.
 */
reference: string | null, };

export type AppliedPayment = { method: PaymentMethod, 
/**
 * What this tender pays of the bill.
 */
amount: Money, 
/**
 * What was handed over (cash); equal to `amount` for other methods.
 */
tendered: Money, 
/**
 * Cash returned.
 */
change: Money, reference: string | null, };

export type Payment = { id: PaymentId, method: PaymentMethod, amount: Money, tendered: Money, change: Money, reference: string | null, 
/**
 * The customer charged, for on-account payments.
 */
customer_phone: Phone | null, at_ms: number, };

export type TaxComponent = "cgst" | "sgst" | "igst" | "tax" | "cess";

export type TaxLine = { 
/**
 * Tax class code.
 */
class: string, component: TaxComponent, 
/**
 * Rate of the whole class; a CGST or SGST half is charged at half of it.
 */
class_rate: TaxRate, 
/**
 * Net amount taxed (goods and, if taxed in this class, service charge); for a
 * compound levy, with the taxes before it.
 */
taxable: Money, amount: Money, 
/**
 * The levy this line charges; absent on the class's own tax.
 */
levy?: Levy | null, };

export type LineTax = { 
/**
 * Index of the tax line in [`Bill::tax_lines`].
 */
tax_line: number, amount: Money, };

export type BillLine = { line_id: LineId | null, sku: Sku, name: string, qty: Quantity, unit_price: Money, 
/**
 * `unit_price x qty`.
 */
gross: Money, line_discount: Money, 
/**
 * This line's share of the order discount.
 */
order_discount: Money, 
/**
 * `gross - line_discount - order_discount`, as priced (tax-inclusive if prices are).
 */
amount: Money, tax_class: string, tax_rate: TaxRate, 
/**
 * The line's taxable value: its amount without the tax inside it (the amount itself
 * when prices exclude tax). Zero on bills stored before per-line taxes.
 */
taxable: Money, 
/**
 * The line's share of each tax line it pays (an e-invoice prints them per item).
 * Empty on bills stored before per-line taxes.
 */
taxes: Array<LineTax>, };

export type Bill = { pricing: PricingMode, lines: Array<BillLine>, 
/**
 * Sum of line gross amounts, as priced.
 */
subtotal: Money, line_discounts: Money, order_discount: Money, discount_total: Money, 
/**
 * Taxable value of the goods after discounts, excluding tax.
 */
net_total: Money, 
/**
 * The rate charged (zero when this order pays no service charge).
 */
service_charge_rate: Percent, service_charge: Money, 
/**
 * A manager waived the service charge this order would have paid.
 */
service_charge_waived: boolean, 
/**
 * The service charge's share of each tax line it pays.
 */
service_charge_taxes: Array<LineTax>, tax_lines: Array<TaxLine>, tax_total: Money, 
/**
 * Part of `tax_total` already contained in inclusive prices (zero when exclusive).
 */
tax_included: Money, round_off: Money, 
/**
 * Cash rounding absorbed by the biggest tax: already inside `tax_total` and that
 * tax's lines; zero when the rounding is shown as `round_off`.
 */
round_off_in_tax: Money, total: Money, };

export type Customer = { phone: Phone, name: string, 
/**
 * Most the customer may owe; zero means no tab.
 */
credit_limit: Money, };

export type LedgerKind = "charge" | "settlement";

export type LedgerEntry = { id: LedgerEntryId, phone: Phone, kind: LedgerKind, amount: Money, order_id: OrderId | null, 
/**
 * How a settlement was paid.
 */
method: PaymentMethod | null, note: string, at_ms: number, };

export type PaidBill = { invoice_no: string, bill: Bill, 
/**
 * When the payment that settled it was taken (its business day follows from this).
 */
paid_at_ms: number, };

export type OrderRecord = { 
/**
 * The order's bill once it is paid: the first one the server recorded.
 */
bill?: PaidBill, 
/**
 * Bills of payments that reached an order already billed or voided elsewhere, by when
 * they were paid (then number). Printed, never reused, not sales.
 */
superseded: Array<PaidBill>, 
/**
 * The stored bill differs from what the lines and discount now compute (a change
 * that reached the server before the payment, made on a till that had not seen it).
 */
bill_mismatch: boolean, id: OrderId, 
/**
 * Per-till, per-day number printed on tickets (`#42`).
 */
number: number, order_type: OrderType, table: string | null, customer_phone: Phone | null, notes: string, status: OrderStatus, discount: Discount | null, lines: Array<OrderLine>, payments: Array<Payment>, 
/**
 * `YYYY-MM-DD`.
 */
business_day: string, created_at_ms: number, updated_at_ms: number, 
/**
 * Bumped by every change; bills are cached per version.
 */
version: number, };
