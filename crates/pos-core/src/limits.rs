//! Bounds on input. They are generous for any restaurant and keep every intermediate sum
//! of the tax engine below 10^17 minor units (below 2 * 10^18 with three levies at 100%
//! and the highest fixed tax per unit), under `i64::MAX` (9.2 * 10^18); the
//! multiplications by rates are done in `i128`, checked.

/// Highest unit price: 10^10 minor units (Rs 10 crore, $100 million).
pub const MAX_UNIT_PRICE: i64 = 10_000_000_000;
/// Highest quantity on one line, in thousandths: 10,000 units.
pub const MAX_QUANTITY_MILLI: i64 = 10_000_000;
/// Most lines on one order, voided ones included.
pub const MAX_LINES_PER_ORDER: usize = 500;
/// Most tenders in one payment call.
pub const MAX_TENDERS: usize = 8;
/// Highest amount of one tender or settlement: 10^13 minor units.
pub const MAX_PAYMENT: i64 = 10_000_000_000_000;
/// Longest free text (notes, void reasons, receipt header/footer), in characters.
pub const MAX_NOTE_CHARS: usize = 500;
/// Longest short text (names, table, categories), in characters.
pub const MAX_NAME_CHARS: usize = 120;
/// Most levies (a cess, a city tax) a tax class may carry besides its own tax. Four taxes
/// per class keep every exact tax a whole number of 10^-16 minor units (bill.rs).
pub const MAX_LEVIES_PER_CLASS: usize = 3;
