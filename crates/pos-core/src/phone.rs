//! Phone numbers, normalised so that every way a cashier types a number finds the same
//! customer: `98765 43210`, `098765-43210`, `+91 98765 43210` and `0091 9876543210` are all
//! `919876543210` for a restaurant whose profile says country code 91.
//!
//! A [`Phone`] never prints its digits through `Debug` or `Display`: both show only the
//! last two digits, so a phone cannot leak into logs by accident. Use [`Phone::e164`] where
//! the real number is needed (storage, the wire, the receipt).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{DomainError, Result};

/// A normalised phone number: the country calling code and the national number, digits only.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "ts", ts(as = "String"))]
pub struct Phone(String);

/// Length of the national significant number for calling codes we know. For others we
/// accept numbers in full international form or with a trunk `0`.
fn national_length(country_code: &str) -> Option<usize> {
    Some(match country_code {
        "91" | "1" | "44" | "92" | "977" | "880" | "63" | "86" => 10,
        "971" | "966" | "61" | "94" | "27" | "33" => 9,
        "65" | "852" | "974" | "973" | "968" => 8,
        _ => return None,
    })
}

impl Phone {
    /// Parses what a person typed, using `country_code` (digits, e.g. `91`) when the
    /// number has no international prefix.
    pub fn parse(input: &str, country_code: &str) -> Result<Phone> {
        let bad = |why: &str| DomainError::invalid("phone", format!("phone number {why}"));
        let t = input.trim();
        if t.is_empty() {
            return Err(bad("is empty"));
        }
        if t.len() > 32 {
            return Err(bad("is too long"));
        }
        let (international, rest) = match t.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let mut digits = String::with_capacity(16);
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '(' | ')' | '.' => {}
                _ => return Err(bad("may contain only digits, spaces, dashes and a leading +")),
            }
        }
        let cc = country_code;
        let full = if international {
            digits
        } else if let Some(intl) = digits.strip_prefix("00") {
            intl.to_owned()
        } else {
            let national = digits.trim_start_matches('0');
            match national_length(cc) {
                Some(len) if national.len() == len => format!("{cc}{national}"),
                Some(len) if digits.len() == cc.len() + len && digits.starts_with(cc) => digits,
                Some(len) => {
                    return Err(bad(&format!(
                        "must have {len} digits (or start with +{cc}), got {}",
                        national.len()
                    )));
                }
                None => format!("{cc}{national}"),
            }
        };
        if !(8..=15).contains(&full.len()) {
            return Err(bad(
                "must have between 8 and 15 digits including the country code",
            ));
        }
        if full.starts_with('0') {
            return Err(bad("has an invalid country code"));
        }
        Ok(Phone(full))
    }

    /// Digits in international form without the `+` (`919876543210`). Not for logs.
    pub fn e164(&self) -> &str {
        &self.0
    }

    /// The number with all but the last two digits hidden: `**********10`.
    pub fn masked(&self) -> String {
        mask_digits(&self.0)
    }
}

/// Hides all but the last two characters of `s`; for logging anything that may be a phone.
pub fn mask_digits(s: &str) -> String {
    let n = s.chars().count();
    s.chars()
        .enumerate()
        .map(|(i, c)| if i + 2 < n { '*' } else { c })
        .collect()
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl TryFrom<String> for Phone {
    type Error = DomainError;
    /// Accepts only an already normalised number (what storage and the wire carry).
    fn try_from(s: String) -> Result<Phone> {
        if (8..=15).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with('0') {
            Ok(Phone(s))
        } else {
            Err(DomainError::invalid("phone", "phone number is not normalised"))
        }
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_indian_spelling_finds_the_same_number() {
        let want = "919876543210";
        for typed in [
            "9876543210",
            "98765 43210",
            "98765-43210",
            "098765 43210",
            "+91 98765 43210",
            "+91-98765-43210",
            "0091 9876543210",
            "919876543210",
            "+91 (98765) 43210",
        ] {
            assert_eq!(Phone::parse(typed, "91").unwrap().e164(), want, "typed {typed:?}");
        }
    }

    #[test]
    fn a_national_number_starting_with_the_country_code_is_not_mistaken() {
        // 10 digits that happen to start with 91 are a national number.
        assert_eq!(Phone::parse("9123456789", "91").unwrap().e164(), "919123456789");
    }

    #[test]
    fn malformed_numbers_are_refused_with_a_reason() {
        for bad in [
            "",
            "abc",
            "98765",
            "98765432101234",
            "9876x43210",
            "+12",
            "++919876543210",
        ] {
            assert!(Phone::parse(bad, "91").is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn phones_never_print_their_digits() {
        let p = Phone::parse("9876543210", "91").unwrap();
        assert_eq!(format!("{p}"), "**********10");
        assert!(!format!("{p:?}").contains("98765"));
    }

    #[test]
    fn other_countries_use_their_own_lengths() {
        assert_eq!(Phone::parse("(415) 555-0132", "1").unwrap().e164(), "14155550132");
        assert_eq!(
            Phone::parse("050 123 4567", "971").unwrap().e164(),
            "971501234567"
        );
        assert_eq!(
            Phone::parse("+44 20 7946 0958", "91").unwrap().e164(),
            "442079460958"
        );
    }
}
