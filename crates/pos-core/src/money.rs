//! Money and the numbers that multiply it.
//!
//! [`Money`] is a count of the currency's minor units (paise, cents) in an `i64`. Rates and
//! percentages are basis points (1/100 of a percent). Quantities are thousandths of a unit.
//! Every division that can leave a remainder goes through [`div_round`], the single place
//! where a [`Rounding`] rule is applied, so the till and the server cannot disagree.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use serde::{Deserialize, Serialize};

use crate::limits::{MAX_QUANTITY_MILLI, MAX_UNIT_PRICE};
use crate::{DomainError, Result};

/// An amount in the currency's minor units. Negative only in refunds and round-off lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_minor(minor: i64) -> Self {
        Money(minor)
    }

    pub const fn minor(self) -> i64 {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn min(self, other: Money) -> Money {
        Money(self.0.min(other.0))
    }

    /// A unit price or other amount typed by a person: zero or more, at most the limit.
    pub fn parse_price(field: &str, minor: i64) -> Result<Money> {
        if minor < 0 {
            return Err(DomainError::invalid(field, format!("{field} cannot be negative")));
        }
        if minor > MAX_UNIT_PRICE {
            return Err(DomainError::invalid(field, format!("{field} is too large")));
        }
        Ok(Money(minor))
    }

    /// Formats the amount with the currency's decimal places, e.g. `1234.50` (no symbol).
    pub fn format(self, currency: &Currency) -> String {
        let exp = u32::from(currency.exponent);
        if exp == 0 {
            return self.0.to_string();
        }
        let div = 10i64.pow(exp);
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let div = div.unsigned_abs();
        format!("{sign}{}.{:0width$}", abs / div, abs % div, width = exp as usize)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

/// An ISO 4217 currency and the number of decimal places of its minor unit.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Currency {
    pub code: String,
    pub exponent: u8,
}

impl Currency {
    pub fn inr() -> Self {
        Currency {
            code: "INR".into(),
            exponent: 2,
        }
    }

    pub fn validate(&self) -> Result<()> {
        if self.code.len() != 3 || !self.code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(DomainError::invalid(
                "currency",
                "currency must be a three-letter ISO 4217 code such as INR",
            ));
        }
        if self.exponent > 3 {
            return Err(DomainError::invalid(
                "currency",
                "currency decimal places must be between 0 and 3",
            ));
        }
        Ok(())
    }
}

/// How a value exactly halfway between two minor units is rounded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Halves go away from zero (2.5 -> 3, -2.5 -> -3): what Indian invoices and most
    /// tills print.
    #[default]
    HalfUp,
    /// Halves go to the even neighbour (2.5 -> 2, 3.5 -> 4): banker's rounding, which
    /// some accounting systems use to avoid an upward drift.
    HalfEven,
}

/// `num / den` rounded to an integer under `rule`. `den` must be positive.
///
/// This is the only division in the money path.
pub fn div_round(num: i128, den: i128, rule: Rounding) -> i128 {
    assert!(den > 0, "div_round needs a positive denominator");
    let q = num.div_euclid(den);
    let r = num.rem_euclid(den);
    let twice = 2 * r;
    if twice < den {
        q
    } else if twice > den {
        q + 1
    } else {
        match rule {
            // q + 0.5: away from zero is up for positives, down (q) for negatives.
            Rounding::HalfUp => {
                if num >= 0 {
                    q + 1
                } else {
                    q
                }
            }
            Rounding::HalfEven => {
                if q % 2 == 0 {
                    q
                } else {
                    q + 1
                }
            }
        }
    }
}

/// Rounds `amount` to a multiple of `increment` (cash rounding). An increment of 0 or 1
/// leaves the amount as it is.
pub fn round_to_increment(amount: Money, increment: Money, rule: Rounding) -> Money {
    let inc = increment.minor();
    if inc <= 1 {
        return amount;
    }
    let units = div_round(i128::from(amount.minor()), i128::from(inc), rule);
    Money((units * i128::from(inc)) as i64)
}

/// Which way the total moves to a multiple of the cash rounding increment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CashRounding {
    /// To the nearest multiple; an exact half follows the profile's [`Rounding`].
    #[default]
    Nearest,
    /// Up to the next multiple (the guest never pays less than the bill).
    Up,
    /// Down to the multiple below (the guest never pays more than the bill).
    Down,
}

/// [`round_to_increment`] in the given direction. `Up` and `Down` go towards plus and
/// minus infinity; an increment of 0 or 1 leaves the amount as it is.
pub fn round_cash(amount: Money, increment: Money, direction: CashRounding, rule: Rounding) -> Money {
    let inc = i128::from(increment.minor());
    if inc <= 1 {
        return amount;
    }
    let a = i128::from(amount.minor());
    let units = match direction {
        CashRounding::Nearest => return round_to_increment(amount, increment, rule),
        CashRounding::Down => a.div_euclid(inc),
        CashRounding::Up => a.div_euclid(inc) + i128::from(a.rem_euclid(inc) != 0),
    };
    // |units x inc| <= |amount| + inc: the increment is at most 10^5, so no overflow.
    Money((units * inc) as i64)
}

/// `amount * bps / 10_000`, rounded.
pub fn apply_bps(amount: Money, bps: u32, rule: Rounding) -> Money {
    Money(div_round(i128::from(amount.minor()) * i128::from(bps), 10_000, rule) as i64)
}

macro_rules! bps_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(
            Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(as = "u32"))]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(try_from = "u32", into = "u32")]
        pub struct $name(u32);

        impl $name {
            pub const ZERO: $name = $name(0);

            /// From basis points (1% = 100). At most 100%.
            pub fn from_bps(bps: u32) -> Result<Self> {
                if bps > 10_000 {
                    return Err(DomainError::invalid(
                        $what,
                        format!("{} must be between 0% and 100%", $what),
                    ));
                }
                Ok($name(bps))
            }

            pub const fn bps(self) -> u32 {
                self.0
            }

            pub fn is_zero(self) -> bool {
                self.0 == 0
            }
        }

        impl TryFrom<u32> for $name {
            type Error = DomainError;
            fn try_from(bps: u32) -> Result<Self> {
                Self::from_bps(bps)
            }
        }

        impl From<$name> for u32 {
            fn from(v: $name) -> u32 {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let whole = self.0 / 100;
                let frac = self.0 % 100;
                if frac == 0 {
                    write!(f, "{whole}%")
                } else if frac % 10 == 0 {
                    write!(f, "{whole}.{}%", frac / 10)
                } else {
                    write!(f, "{whole}.{frac:02}%")
                }
            }
        }
    };
}

bps_type!(
    /// A tax rate in basis points: 5% is 500.
    TaxRate,
    "tax rate"
);
bps_type!(
    /// A percentage in basis points (discounts, service charge): 10% is 1000.
    Percent,
    "percentage"
);

/// A quantity in thousandths of a unit: 1 plate is 1000, 250 g sold by the kilo is 250.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "i64", into = "i64")]
#[cfg_attr(feature = "ts", ts(as = "i64"))]
pub struct Quantity(i64);

impl Quantity {
    pub const ONE: Quantity = Quantity(1000);

    /// From thousandths. Must be positive and at most the limit.
    pub fn from_milli(milli: i64) -> Result<Self> {
        if milli <= 0 {
            return Err(DomainError::invalid(
                "quantity",
                "quantity must be greater than zero",
            ));
        }
        if milli > MAX_QUANTITY_MILLI {
            return Err(DomainError::invalid(
                "quantity",
                format!("quantity must be at most {}", MAX_QUANTITY_MILLI / 1000),
            ));
        }
        Ok(Quantity(milli))
    }

    pub fn units(n: i64) -> Result<Self> {
        Self::from_milli(n.saturating_mul(1000))
    }

    /// Parses what a person typed: `2`, `0.5`, `1.250`. Letters, signs and more than three
    /// decimals are refused.
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        let bad = || {
            DomainError::invalid(
                "quantity",
                format!("quantity must be a number such as 2 or 0.5, not {t:?}"),
            )
        };
        if t.is_empty() || t.len() > 12 {
            return Err(bad());
        }
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, f),
            None => (t, ""),
        };
        if (whole.is_empty() && frac.is_empty())
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 3
        {
            return Err(bad());
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let mut milli_frac: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| bad())?
        };
        for _ in frac.len()..3 {
            milli_frac *= 10;
        }
        Self::from_milli(whole.saturating_mul(1000).saturating_add(milli_frac))
    }

    pub const fn milli(self) -> i64 {
        self.0
    }

    /// `unit_price * self`, rounded to a minor unit (exact for whole quantities).
    pub fn times(self, unit_price: Money, rule: Rounding) -> Money {
        Money(div_round(i128::from(unit_price.minor()) * i128::from(self.0), 1000, rule) as i64)
    }
}

impl TryFrom<i64> for Quantity {
    type Error = DomainError;
    fn try_from(milli: i64) -> Result<Self> {
        Self::from_milli(milli)
    }
}

impl From<Quantity> for i64 {
    fn from(q: Quantity) -> i64 {
        q.0
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 1000;
        let frac = self.0 % 1000;
        if frac == 0 {
            write!(f, "{whole}")
        } else {
            let s = format!("{frac:03}");
            write!(f, "{whole}.{}", s.trim_end_matches('0'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn div_round_half_up_goes_away_from_zero() {
        assert_eq!(div_round(5, 2, Rounding::HalfUp), 3);
        assert_eq!(div_round(-5, 2, Rounding::HalfUp), -3);
        assert_eq!(div_round(7, 3, Rounding::HalfUp), 2);
        assert_eq!(div_round(8, 3, Rounding::HalfUp), 3);
        assert_eq!(div_round(-7, 3, Rounding::HalfUp), -2);
    }

    #[test]
    fn div_round_half_even_goes_to_even_neighbour() {
        assert_eq!(div_round(5, 2, Rounding::HalfEven), 2);
        assert_eq!(div_round(7, 2, Rounding::HalfEven), 4);
        assert_eq!(div_round(-5, 2, Rounding::HalfEven), -2);
        assert_eq!(div_round(-7, 2, Rounding::HalfEven), -4);
    }

    #[test]
    fn cash_rounding_rounds_to_the_increment() {
        let rupee = Money::from_minor(100);
        assert_eq!(
            round_to_increment(Money::from_minor(10_549), rupee, Rounding::HalfUp).minor(),
            10_500
        );
        assert_eq!(
            round_to_increment(Money::from_minor(10_550), rupee, Rounding::HalfUp).minor(),
            10_600
        );
        assert_eq!(
            round_to_increment(Money::from_minor(10_550), rupee, Rounding::HalfEven).minor(),
            10_600
        );
        assert_eq!(
            round_to_increment(Money::from_minor(10_450), rupee, Rounding::HalfEven).minor(),
            10_400
        );
        assert_eq!(
            round_to_increment(Money::from_minor(10_549), Money::ZERO, Rounding::HalfUp).minor(),
            10_549
        );
    }

    #[test]
    fn cash_rounding_up_and_down_go_to_the_next_and_previous_multiple() {
        let rupee = Money::from_minor(100);
        let r = |a, d| round_cash(Money::from_minor(a), rupee, d, Rounding::HalfUp).minor();
        assert_eq!(r(73_973, CashRounding::Up), 74_000, "739.73 up");
        assert_eq!(r(73_973, CashRounding::Down), 73_900, "739.73 down");
        assert_eq!(r(73_973, CashRounding::Nearest), 74_000, "739.73 nearest");
        assert_eq!(r(74_000, CashRounding::Up), 74_000, "a multiple stays");
        assert_eq!(r(74_000, CashRounding::Down), 74_000, "a multiple stays");
        assert_eq!(
            r(-73_973, CashRounding::Up),
            -73_900,
            "up is towards plus infinity"
        );
        assert_eq!(
            r(-73_973, CashRounding::Down),
            -74_000,
            "down is towards minus infinity"
        );
        assert_eq!(
            round_cash(
                Money::from_minor(73_973),
                Money::from_minor(1),
                CashRounding::Up,
                Rounding::HalfUp
            )
            .minor(),
            73_973,
            "an increment of one paisa does not round"
        );
    }

    #[test]
    fn quantity_parses_what_cashiers_type() {
        assert_eq!(Quantity::parse("2").unwrap().milli(), 2000);
        assert_eq!(Quantity::parse("0.5").unwrap().milli(), 500);
        assert_eq!(Quantity::parse(".25").unwrap().milli(), 250);
        assert_eq!(Quantity::parse("1.125").unwrap().milli(), 1125);
        for bad in ["", "abc", "2x", "-1", "0", "1.2345", "1e3", "1,5", "10001"] {
            assert!(Quantity::parse(bad).is_err(), "{bad:?} must be refused");
        }
        assert_eq!(Quantity::parse("1.5").unwrap().to_string(), "1.5");
    }

    #[test]
    fn money_formats_with_the_currency_exponent() {
        let inr = Currency::inr();
        assert_eq!(Money::from_minor(123_450).format(&inr), "1234.50");
        assert_eq!(Money::from_minor(-5).format(&inr), "-0.05");
        let jpy = Currency {
            code: "JPY".into(),
            exponent: 0,
        };
        assert_eq!(Money::from_minor(500).format(&jpy), "500");
    }

    #[test]
    fn rates_display_as_percentages_and_refuse_over_100() {
        assert_eq!(TaxRate::from_bps(500).unwrap().to_string(), "5%");
        assert_eq!(TaxRate::from_bps(25).unwrap().to_string(), "0.25%");
        assert_eq!(Percent::from_bps(1250).unwrap().to_string(), "12.5%");
        assert!(Percent::from_bps(10_001).is_err());
    }
}
