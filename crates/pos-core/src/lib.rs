//! The till's domain: money, the tax engine, orders, bills, payments and customers.
//!
//! Nothing here does I/O or reads a clock: time arrives as an argument (milliseconds since
//! the Unix epoch) so every rule can be tested with exact, repeatable inputs. The same
//! engine runs on the till and on the server, which is how both agree to the paisa.
//!
//! # Layout
//! - [`error`]: [`DomainError`], the one error type of the domain.
//! - [`money`]: [`Money`] (integer minor units), [`Currency`], [`Quantity`], [`TaxRate`],
//!   [`Percent`], [`Rounding`] and the integer division that every rounding goes through.
//! - [`phone`]: [`Phone`], a normalised phone number that masks itself in logs.
//! - [`ids`]: UUID newtypes for orders, lines, payments, ledger entries, mutations, devices.
//! - [`day`]: the business day an instant belongs to (restaurants trade past midnight).
//! - [`profile`]: the business [`Profile`], its tax classes and rounding settings, the lite view.
//! - [`staff`]: [`StaffMember`], [`Role`] and the [`Pin`] rules (hashing lives in the app).
//! - [`menu`]: [`MenuItem`] and [`Sku`].
//! - [`order`]: [`Order`], its lines and the status state machine.
//! - [`record`]: [`OrderRecord`]: an order with the bill it was paid with and the bills
//!   that lost a race (two tills paid it offline), and the excess to give back.
//! - [`bill`]: the tax engine: [`bill::calculate_with`] turns lines, the order's context and
//!   settings into a [`Bill`], with every line's share of every tax.
//! - `tax` (private): the taxes of one class (its own tax and its levies) as exact
//!   fractions, rounded per line or per document, together or separately.
//! - [`payment`]: tenders, split payments, cash change.
//! - [`ledger`]: customers, their ledger and the derived balance.
//! - [`summary`]: the day's X/Z report ([`summary::DaySummary`]) and which day each sale,
//!   payment and void counts on; till and server fold their rows through it.
//! - [`limits`]: the bounds on input that keep every sum far from overflow.

pub mod bill;
pub mod day;
pub mod error;
pub mod ids;
pub mod ledger;
pub mod limits;
pub mod menu;
pub mod money;
pub mod order;
pub mod payment;
pub mod phone;
pub mod profile;
pub mod record;
pub mod staff;
pub mod summary;
mod tax;
pub mod text;

pub use bill::{Bill, BillContext, BillLine, LineTax, TaxLine};
pub use error::{DomainError, Result};
pub use ids::{DeviceId, LedgerEntryId, LineId, MutationId, OrderId, PaymentId, StaffId};
pub use ledger::{Customer, LedgerEntry, LedgerKind};
pub use menu::{MenuItem, Sku};
pub use money::{CashRounding, Currency, Money, Percent, Quantity, Rounding, TaxRate};
pub use order::{Discount, Order, OrderLine, OrderStatus, OrderType, OrderTypes};
pub use payment::{AppliedPayment, Payment, PaymentMethod, Tender};
pub use phone::Phone;
pub use profile::{Levy, LevyCharge, LevyKind, Profile, ProfileLite, TaxClass, TaxSplit};
pub use record::{OrderRecord, PaidBill};
pub use staff::{Pin, Role, StaffMember};
