//! The taxes of one tax class on a set of amounts (its bill lines and perhaps the service
//! charge): exact values, rounding per line or per document, together or separately, and
//! each amount's share of each tax. [`crate::bill`] groups the lines and builds the bill.
//!
//! # Exact taxes
//!
//! A class charges its own tax and up to three levies, in order. Each is an affine
//! function of the net amount `A` (minor units) and the quantity `Q` (thousandths):
//!
//! ```text
//! tax_k x D = a_k x A + u_k x Q            D = 10^16
//! percentage r (basis points):   a_k = r x D / 10^4               u_k = 0
//! compound percentage:           a_k = r x (D + sum a_j) / 10^4    u_k = r x (sum u_j) / 10^4
//! fixed f minor units per unit:  a_k = 0                           u_k = f x D / 1000
//! ```
//!
//! (`j < k`). With at most four taxes every coefficient is an integer: a chain divides by
//! 10^4 at most four times and by 10^3 at most once before three more, and 10^16 absorbs
//! both. So with exclusive prices a tax is a fraction over `D`; with inclusive prices the
//! net is solved from the price `G = A + sum tax_k`, `A = (G x D - U x Q) / (D + S)` with
//! `S = sum a_k`, `U = sum u_k`, and a tax is a fraction over `D x (D + S)`.
//!
//! Sizes: amounts are below 2 x 10^17 (limits.rs), `a_k <= 8 x D`, `D + S <= 16 x D`,
//! `u_k x Q <= 8 x 10^23 x 5 x 10^9`; every product below stays under 10^35, far from
//! `i128::MAX` (1.7 x 10^38). The products are checked anyway: an overflow is an error,
//! never a wrong bill.

use crate::money::{Rounding, div_round};
use crate::profile::{TaxRoundingLevel, TaxesRounded};
use crate::{DomainError, Result};

const D: i128 = 10_000_000_000_000_000;
const BPS: i128 = 10_000;
const MILLI: i128 = 1000;

fn too_large() -> DomainError {
    DomainError::invalid("lines", "the bill is too large to compute")
}

fn mul(a: i128, b: i128) -> Result<i128> {
    a.checked_mul(b).ok_or_else(too_large)
}

fn add(a: i128, b: i128) -> Result<i128> {
    a.checked_add(b).ok_or_else(too_large)
}

/// An exact amount of minor units, `whole + rem / den` with `0 <= rem < den`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Exact {
    whole: i128,
    rem: i128,
    den: i128,
}

impl Exact {
    fn ratio(num: i128, den: i128) -> Exact {
        Exact {
            whole: num.div_euclid(den),
            rem: num.rem_euclid(den),
            den,
        }
    }

    fn zero(den: i128) -> Exact {
        Exact {
            whole: 0,
            rem: 0,
            den,
        }
    }

    /// Rounded to a minor unit under `rule`, as [`div_round`] would.
    fn round(self, rule: Rounding) -> i128 {
        // rem < den <= 1.6 x 10^33, so twice the remainder cannot overflow.
        let twice = 2 * self.rem;
        if twice < self.den {
            self.whole
        } else if twice > self.den {
            self.whole + 1
        } else {
            match rule {
                Rounding::HalfUp if self.whole >= 0 => self.whole + 1,
                Rounding::HalfUp => self.whole,
                Rounding::HalfEven if self.whole % 2 == 0 => self.whole,
                Rounding::HalfEven => self.whole + 1,
            }
        }
    }

    fn plus(self, o: Exact) -> Exact {
        debug_assert_eq!(
            self.den, o.den,
            "exact amounts of one computation share a denominator"
        );
        let rem = self.rem + o.rem;
        if rem >= self.den {
            Exact {
                whole: self.whole + o.whole + 1,
                rem: rem - self.den,
                den: self.den,
            }
        } else {
            Exact {
                whole: self.whole + o.whole,
                rem,
                den: self.den,
            }
        }
    }
}

/// What one tax of a class charges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Charge {
    /// Basis points of its base.
    Percent(i128),
    /// Minor units per whole unit.
    PerUnit(i128),
}

/// One tax of a class: its own tax (first) or a levy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TaxDef {
    pub charge: Charge,
    /// The base includes the taxes before it.
    pub compound: bool,
}

impl TaxDef {
    /// A tax that can never charge anything prints no line.
    pub fn is_zero(&self) -> bool {
        matches!(self.charge, Charge::Percent(0) | Charge::PerUnit(0))
    }
}

/// The coefficients `a_k`, `u_k` of a class's taxes (module documentation).
#[derive(Debug)]
struct Coefs {
    a: Vec<i128>,
    u: Vec<i128>,
}

impl Coefs {
    fn of(taxes: &[TaxDef]) -> Result<Coefs> {
        let mut a: Vec<i128> = Vec::with_capacity(taxes.len());
        let mut u: Vec<i128> = Vec::with_capacity(taxes.len());
        for t in taxes {
            let (ak, uk) = match t.charge {
                Charge::Percent(r) => {
                    let (base_a, base_u) = if t.compound {
                        (D + a.iter().sum::<i128>(), u.iter().sum::<i128>())
                    } else {
                        (D, 0)
                    };
                    (exact_div(mul(r, base_a)?, BPS)?, exact_div(mul(r, base_u)?, BPS)?)
                }
                Charge::PerUnit(f) => (0, mul(f, D / MILLI)?),
            };
            a.push(ak);
            u.push(uk);
        }
        Ok(Coefs { a, u })
    }
}

/// `num / den` when it divides exactly; with more than four taxes per class it may not.
fn exact_div(num: i128, den: i128) -> Result<i128> {
    if num % den != 0 {
        return Err(DomainError::invalid(
            "tax_class",
            "a tax class has more taxes than the engine can compute exactly",
        ));
    }
    Ok(num / den)
}

/// One amount a class taxes: a bill line (as priced) or the service charge (quantity 0,
/// so fixed per-unit taxes do not apply to it).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Member {
    pub amount: i128,
    pub qty_milli: i128,
}

/// The exact taxes of one amount.
fn exact_taxes(c: &Coefs, m: Member, inclusive: bool) -> Result<Vec<Exact>> {
    if !inclusive {
        return c
            .a
            .iter()
            .zip(&c.u)
            .map(|(a, u)| Ok(Exact::ratio(add(mul(*a, m.amount)?, mul(*u, m.qty_milli)?)?, D)))
            .collect();
    }
    let y = D + c.a.iter().sum::<i128>();
    let x = mul(m.amount, D)? - mul(c.u.iter().sum::<i128>(), m.qty_milli)?;
    if x < 0 {
        return Err(DomainError::invalid(
            "unit_price",
            "the price is lower than the fixed tax it includes",
        ));
    }
    // The exact net is q + r / y. tax_k x D = a_k x q + a_k x r / y + u_k x Q, whose
    // whole part w and leftover (a_k x r) mod y give tax_k over the denominator D x y.
    let (q, r) = (x / y, x % y);
    let den = mul(D, y)?;
    c.a.iter()
        .zip(&c.u)
        .map(|(a, u)| {
            let ar = mul(*a, r)?;
            let w = add(add(mul(*a, q)?, ar / y)?, mul(*u, m.qty_milli)?)?;
            Ok(Exact {
                whole: w.div_euclid(D),
                rem: add(mul(w.rem_euclid(D), y)?, ar % y)?,
                den,
            })
        })
        .collect()
}

/// Splits `target` into parts that follow the exact `quotas`: each part starts at its
/// quota's whole minor units and the units left go one each to the largest remainders
/// (ties to the earlier quota). When `target` is the rounded sum of the quotas, every part
/// is its quota rounded up or down. (A compound tax rounded on rounded bases may differ
/// from the sum of its lines' exact shares by a unit or two: the same order then gives or
/// takes the difference, never leaving a part below zero.)
fn apportion(target: i128, quotas: &[Exact]) -> Vec<i128> {
    let mut parts: Vec<i128> = quotas.iter().map(|q| q.whole).collect();
    if parts.is_empty() {
        return parts;
    }
    let mut order: Vec<usize> = (0..quotas.len()).collect();
    order.sort_by(|&i, &j| quotas[j].rem.cmp(&quotas[i].rem).then(i.cmp(&j)));
    let mut left = target - parts.iter().sum::<i128>();
    if left > 0 {
        let n = parts.len() as i128;
        let (each, extra) = (left / n, left % n);
        for (rank, &i) in order.iter().enumerate() {
            parts[i] += each + i128::from((rank as i128) < extra);
        }
        left = 0;
    }
    // Taking back: from the smallest remainders first, a unit at a time, never below zero.
    while left < 0 {
        let before = left;
        for &i in order.iter().rev() {
            if left == 0 {
                break;
            }
            if parts[i] > 0 {
                parts[i] -= 1;
                left += 1;
            }
        }
        if left == before {
            // Nothing left to take (a negative target): the first part carries it.
            parts[order[0]] += left;
            left = 0;
        }
    }
    parts
}

/// The taxes of one amount (a line, or the sum of a class) rounded to minor units.
fn rounded(
    taxes: &[TaxDef],
    exact: &[Exact],
    m: Member,
    inclusive: bool,
    mode: TaxesRounded,
    rule: Rounding,
) -> Result<Vec<i128>> {
    match mode {
        TaxesRounded::Together => {
            let den = exact.first().map_or(D, |e| e.den);
            let sum = exact.iter().fold(Exact::zero(den), |acc, e| acc.plus(*e));
            Ok(apportion(sum.round(rule), exact))
        }
        // A compound tax on exclusive prices is charged on the rounded taxes before it,
        // the figures a reader of the bill checks it against.
        TaxesRounded::Separately if !inclusive && taxes.iter().any(|t| t.compound) => {
            let mut out: Vec<i128> = Vec::with_capacity(taxes.len());
            for t in taxes {
                let tax = match t.charge {
                    Charge::Percent(r) => {
                        let base = if t.compound {
                            add(m.amount, out.iter().sum::<i128>())?
                        } else {
                            m.amount
                        };
                        div_round(mul(base, r)?, BPS, rule)
                    }
                    Charge::PerUnit(f) => div_round(mul(f, m.qty_milli)?, MILLI, rule),
                };
                out.push(tax);
            }
            Ok(out)
        }
        TaxesRounded::Separately => Ok(exact.iter().map(|e| e.round(rule)).collect()),
    }
}

/// The taxes of a class on its members of one pricing (all inclusive or all exclusive).
#[derive(Debug)]
pub(crate) struct PartTaxes {
    /// Per tax, the total.
    pub totals: Vec<i128>,
    /// Per member, per tax, its share; the shares of a tax sum to its total.
    pub shares: Vec<Vec<i128>>,
}

/// How a class's taxes are rounded.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rules {
    pub level: TaxRoundingLevel,
    pub mode: TaxesRounded,
    pub rule: Rounding,
}

pub(crate) fn part_taxes(
    taxes: &[TaxDef],
    members: &[Member],
    inclusive: bool,
    rules: Rules,
) -> Result<PartTaxes> {
    let n = taxes.len();
    if members.is_empty() {
        return Ok(PartTaxes {
            totals: vec![0; n],
            shares: Vec::new(),
        });
    }
    let coefs = Coefs::of(taxes)?;
    let exact: Vec<Vec<Exact>> = members
        .iter()
        .map(|m| exact_taxes(&coefs, *m, inclusive))
        .collect::<Result<_>>()?;
    let shares = match rules.level {
        TaxRoundingLevel::PerLine => members
            .iter()
            .zip(&exact)
            .map(|(m, e)| rounded(taxes, e, *m, inclusive, rules.mode, rules.rule))
            .collect::<Result<Vec<_>>>()?,
        TaxRoundingLevel::PerDocument => {
            let sum = members.iter().try_fold(
                Member {
                    amount: 0,
                    qty_milli: 0,
                },
                |acc, m| -> Result<Member> {
                    Ok(Member {
                        amount: add(acc.amount, m.amount)?,
                        qty_milli: add(acc.qty_milli, m.qty_milli)?,
                    })
                },
            )?;
            let exact_sum = exact_taxes(&coefs, sum, inclusive)?;
            let totals = rounded(taxes, &exact_sum, sum, inclusive, rules.mode, rules.rule)?;
            // Each tax's total is spread over the members by their exact shares of it.
            let mut shares = vec![vec![0; n]; members.len()];
            for (k, total) in totals.iter().enumerate() {
                let quotas: Vec<Exact> = exact.iter().map(|e| e[k]).collect();
                for (i, part) in apportion(*total, &quotas).into_iter().enumerate() {
                    shares[i][k] = part;
                }
            }
            shares
        }
    };
    let totals = (0..n).map(|k| shares.iter().map(|s| s[k]).sum()).collect();
    Ok(PartTaxes { totals, shares })
}

/// Splits each member's share of a CGST/SGST tax into halves so that every member's
/// halves sum to its share and differ by at most a unit, and the halves of all members sum
/// to the halves of the total (`low = floor(total / 2)`, `high = total - low`; the
/// configured half is the high one). Members with an odd share give their odd unit to the
/// high half, earliest first, until it has its total; the rest go to the low half.
pub(crate) fn split_halves(shares: &[i128]) -> Vec<(i128, i128)> {
    let total: i128 = shares.iter().sum();
    let high_total = total - total.div_euclid(2);
    let mut high_left = high_total - shares.iter().map(|s| s.div_euclid(2)).sum::<i128>();
    shares
        .iter()
        .map(|s| {
            let low = s.div_euclid(2);
            let odd = s - 2 * low;
            let to_high = i128::from(odd == 1 && high_left > 0);
            high_left -= to_high;
            (low + to_high, low + odd - to_high)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(bps: i128) -> TaxDef {
        TaxDef {
            charge: Charge::Percent(bps),
            compound: false,
        }
    }

    fn rules(level: TaxRoundingLevel, mode: TaxesRounded) -> Rules {
        Rules {
            level,
            mode,
            rule: Rounding::HalfUp,
        }
    }

    fn member(amount: i128) -> Member {
        Member {
            amount,
            qty_milli: 1000,
        }
    }

    #[test]
    fn two_ten_percent_taxes_on_five_paise_make_one_paisa_together_and_two_separately() {
        let taxes = [pct(1000), pct(1000)];
        let together = part_taxes(
            &taxes,
            &[member(5)],
            false,
            rules(TaxRoundingLevel::PerLine, TaxesRounded::Together),
        )
        .unwrap();
        assert_eq!(
            together.totals,
            [1, 0],
            "0.5 + 0.5 rounds once to 1, the first tax takes it"
        );
        let separately = part_taxes(
            &taxes,
            &[member(5)],
            false,
            rules(TaxRoundingLevel::PerLine, TaxesRounded::Separately),
        )
        .unwrap();
        assert_eq!(separately.totals, [1, 1], "each 0.5 rounds up on its own");
    }

    #[test]
    fn a_single_tax_rounds_exactly_as_the_one_division_does() {
        for amount in [0, 1, 5, 1010, 1030, 70_450, 25_000, 11_800] {
            for (bps, inclusive) in [(500, false), (500, true), (1800, true), (2000, false)] {
                let t = part_taxes(
                    &[pct(bps)],
                    &[member(amount)],
                    inclusive,
                    rules(TaxRoundingLevel::PerDocument, TaxesRounded::Together),
                )
                .unwrap();
                let den = if inclusive { BPS + bps } else { BPS };
                assert_eq!(
                    t.totals[0],
                    div_round(amount * bps, den, Rounding::HalfUp),
                    "{amount} at {bps} inclusive={inclusive}"
                );
            }
        }
    }

    #[test]
    fn an_inclusive_price_with_a_cess_is_split_back_into_net_and_both_taxes() {
        // Rs 40.00 including GST 28% and cess 12%: net 28.5714..., GST 8.0000, cess 3.4285...
        let t = part_taxes(
            &[pct(2800), pct(1200)],
            &[member(40_00)],
            true,
            rules(TaxRoundingLevel::PerDocument, TaxesRounded::Together),
        )
        .unwrap();
        assert_eq!(
            t.totals,
            [8_00, 3_43],
            "11.4286 rounds to 11.43; the cess has the larger remainder"
        );
    }

    #[test]
    fn apportion_gives_leftover_units_to_the_largest_remainders_and_takes_from_the_smallest() {
        let q = |w, r| Exact {
            whole: w,
            rem: r,
            den: 10,
        };
        assert_eq!(apportion(3, &[q(1, 5), q(1, 6), q(0, 0)]), [1, 2, 0]);
        assert_eq!(
            apportion(1, &[q(1, 5), q(1, 6)]),
            [0, 1],
            "the smaller remainder gives back"
        );
        assert_eq!(
            apportion(7, &[q(1, 0), q(1, 0)]),
            [4, 3],
            "a large difference is spread evenly"
        );
    }

    #[test]
    fn halves_of_every_member_sum_to_its_share_and_to_the_halves_of_the_total() {
        for shares in [
            vec![2400, 675, 448],
            vec![1, 1, 1],
            vec![3, 5],
            vec![0, 7],
            vec![],
        ] {
            let halves = split_halves(&shares);
            let total: i128 = shares.iter().sum();
            let high: i128 = halves.iter().map(|h| h.0).sum();
            let low: i128 = halves.iter().map(|h| h.1).sum();
            assert_eq!((high, low), (total - total / 2, total / 2), "{shares:?}");
            for (s, (h, l)) in shares.iter().zip(&halves) {
                assert_eq!(h + l, *s, "a member's halves sum to its share");
                assert!((h - l).abs() <= 1, "and differ by at most a unit");
            }
        }
    }
}
