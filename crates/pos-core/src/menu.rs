//! Menu items.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::limits::MAX_NAME_CHARS;
use crate::money::Money;
use crate::profile::Profile;
use crate::text::clean;
use crate::{DomainError, Result};

/// A stock-keeping unit: what a barcode scanner types. 1 to 32 of `A-Z a-z 0-9 - _ .`,
/// stored upper-case so `dal-01` and `DAL-01` are the same item.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "ts", ts(as = "String"))]
pub struct Sku(String);

impl Sku {
    pub fn parse(s: &str) -> Result<Sku> {
        let t = s.trim();
        if t.is_empty() || t.len() > 32 {
            return Err(DomainError::invalid("sku", "SKU must have 1 to 32 characters"));
        }
        if !t
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        {
            return Err(DomainError::invalid(
                "sku",
                "SKU may contain only letters, digits, '-', '_' and '.'",
            ));
        }
        Ok(Sku(t.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sku({})", self.0)
    }
}

impl fmt::Display for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Sku {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Sku> {
        Sku::parse(&s)
    }
}

impl From<Sku> for String {
    fn from(s: Sku) -> String {
        s.0
    }
}

/// One item of the menu.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MenuItem {
    pub sku: Sku,
    pub name: String,
    pub category: String,
    /// Price of one unit, inclusive or exclusive of tax as the profile says.
    pub price: Money,
    pub tax_class: String,
    pub active: bool,
}

impl MenuItem {
    /// Checks the item against the profile's tax classes and trims its text.
    pub fn validated(mut self, profile: &Profile) -> Result<MenuItem> {
        self.name = clean("name", &self.name, MAX_NAME_CHARS, true)?;
        self.category = clean("category", &self.category, 40, true)?;
        self.price = Money::parse_price("price", self.price.minor())?;
        if profile.tax_class(&self.tax_class).is_none() {
            return Err(DomainError::invalid(
                "tax_class",
                format!("item {}: unknown tax class {:?}", self.sku, self.tax_class),
            ));
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skus_are_case_insensitive_and_strict() {
        assert_eq!(Sku::parse(" dal-01 ").unwrap().as_str(), "DAL-01");
        assert!(Sku::parse("").is_err());
        assert!(Sku::parse("DAL 01").is_err());
        assert!(Sku::parse(&"A".repeat(33)).is_err());
    }
}
