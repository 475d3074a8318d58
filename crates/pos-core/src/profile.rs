//! The business profile: who the restaurant is and how it taxes and rounds.
//!
//! Every rounding convention that differs between real systems is a setting here, with the
//! defaults an Indian restaurant expects (half-up, tax per document, CGST takes the odd
//! paisa). docs/MONEY.md explains each with worked examples.
//!
//! Every setting added after the first release has a serde default that keeps the old
//! behaviour, so a profile stored by an older till or server still reads (and bills) the
//! same.

use serde::{Deserialize, Serialize};

use crate::limits::{MAX_LEVIES_PER_CLASS, MAX_NAME_CHARS, MAX_NOTE_CHARS, MAX_UNIT_PRICE};
use crate::money::{CashRounding, Currency, Money, Percent, Rounding, TaxRate};
use crate::order::OrderTypes;
use crate::phone::Phone;
use crate::text::clean;
use crate::{DomainError, Result};

/// Whether menu prices include tax.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PricingMode {
    /// Prices are before tax; tax is added on the bill (Indian restaurants, US).
    #[default]
    Exclusive,
    /// Prices include tax; the bill shows the tax contained in them (EU, UK, Australia).
    Inclusive,
}

/// Where tax is rounded to a minor unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaxRoundingLevel {
    /// Tax is computed on each line and rounded, then summed per class.
    PerLine,
    /// Taxable amounts are summed per class and the tax computed and rounded once per
    /// class. Never more than half a minor unit from the exact tax per class.
    #[default]
    PerDocument,
}

/// Which half of a GST split takes the odd paisa when the tax is odd.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GstHalf {
    #[default]
    Cgst,
    Sgst,
}

/// How the tax of a class is reported.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaxSplit {
    /// India, supply within a state: half central (CGST), half state (SGST).
    #[default]
    CgstSgst,
    /// India, supply across states: one integrated tax.
    Igst,
    /// One tax under the class's name (VAT, sales tax).
    Single,
}

/// Whether the taxes of one amount (a class's tax and its levies) are rounded together or
/// each on its own. Two 10% taxes on 0.05: together 0.01 (0.005 + 0.005 rounded once, the
/// paisa to the first tax), separately 0.01 each.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaxesRounded {
    /// The exact taxes are summed and rounded once; the sum is split over the taxes by
    /// largest remainder. Never more than half a minor unit from the exact sum.
    #[default]
    Together,
    /// Each tax is rounded on its own; a compound tax is charged on the rounded taxes
    /// before it (with exclusive prices), as a printed invoice shows them.
    Separately,
}

/// Where the cash rounding of the total goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RoundOffTo {
    /// Its own round-off line on the bill.
    #[default]
    Line,
    /// Into the biggest tax of the bill (a class's tax or levy, before CGST/SGST are
    /// split, so the halves stay within a paisa); a round-off line when the bill has no
    /// tax or the tax would go below zero.
    BiggestTax,
}

/// What a levy charges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum LevyCharge {
    /// A percentage of its base (basis points).
    Percent(TaxRate),
    /// A fixed amount per unit sold, in minor units (half a unit pays half).
    PerUnit(Money),
}

/// How a levy is reported on the bill and in the stored figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LevyKind {
    /// A tax under the levy's name (a city tax).
    #[default]
    Tax,
    /// India's GST compensation cess, which GST returns report apart from the tax.
    Cess,
}

/// A further tax charged with a class's own tax: the compensation cess on aerated drinks
/// beside GST 28%, a city tax beside a state tax, a tax charged on another tax.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Levy {
    /// Short code, unique within its class, e.g. `CESS12`.
    pub code: String,
    /// Shown on bills, e.g. `Compensation cess`.
    pub name: String,
    pub charge: LevyCharge,
    /// Whether its base includes the class's tax and the levies before it (a tax on
    /// tax). Percentages only.
    #[serde(default)]
    pub compound: bool,
    #[serde(default)]
    pub kind: LevyKind,
}

/// A tax class: every menu item names one.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaxClass {
    /// Short code menu items refer to, e.g. `GST5`.
    pub code: String,
    /// Shown on bills, e.g. `GST 5%`.
    pub name: String,
    pub rate: TaxRate,
    pub split: TaxSplit,
    /// Further taxes charged with the class's own, in this order (at most three).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levies: Vec<Levy>,
}

/// The tax registration printed on invoices.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaxRegistration {
    /// `GSTIN` numbers are checked for format and check digit; other schemes only for
    /// length.
    pub scheme: String,
    pub number: String,
}

/// The business profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    pub name: String,
    pub legal_name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub tax_registration: Option<TaxRegistration>,
    pub currency: Currency,
    /// Calling code used to normalise phone numbers typed without one, e.g. `91`.
    pub country_code: String,
    /// Offset of local time from UTC in minutes (India: 330).
    pub utc_offset_minutes: i32,
    /// Local hour at which a business day starts (sales before it count for the day before).
    pub day_starts_at_hour: u8,
    pub tax_classes: Vec<TaxClass>,
    pub pricing: PricingMode,
    pub tax_rounding: TaxRoundingLevel,
    /// Whether a class's tax and its levies are rounded together or each on its own.
    #[serde(default)]
    pub taxes_rounded: TaxesRounded,
    pub rounding: Rounding,
    pub odd_paisa_to: GstHalf,
    /// Bills are rounded to a multiple of this (100 paise = nearest rupee); 0 or 1: none.
    pub cash_rounding_increment: Money,
    /// Whether the total goes to the nearest multiple, up or down.
    #[serde(default)]
    pub cash_rounding: CashRounding,
    /// Whether the rounding difference is a round-off line or goes into the biggest tax.
    #[serde(default)]
    pub round_off_to: RoundOffTo,
    pub service_charge: Percent,
    pub service_charge_taxed: bool,
    /// Tax class of the service charge when it is taxed.
    pub service_charge_tax_class: String,
    /// Order types that pay the service charge (all of them unless the profile says).
    #[serde(default)]
    pub service_charge_order_types: OrderTypes,
    pub receipt_header: String,
    pub receipt_footer: String,
    /// Prefix of invoice numbers printed by this till, e.g. `T1-`.
    pub invoice_prefix: String,
}

/// The few fields hot paths need.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileLite {
    pub name: String,
    pub currency: Currency,
    pub prices_include_tax: bool,
    pub service_charge: Percent,
    pub service_charge_taxed: bool,
    pub cash_rounding_increment: Money,
    pub country_code: String,
}

impl Profile {
    /// The lite view.
    pub fn lite(&self) -> ProfileLite {
        ProfileLite {
            name: self.name.clone(),
            currency: self.currency.clone(),
            prices_include_tax: self.pricing == PricingMode::Inclusive,
            service_charge: self.service_charge,
            service_charge_taxed: self.service_charge_taxed,
            cash_rounding_increment: self.cash_rounding_increment,
            country_code: self.country_code.clone(),
        }
    }

    pub fn tax_class(&self, code: &str) -> Option<&TaxClass> {
        self.tax_classes.iter().find(|c| c.code == code)
    }

    /// Checks every field and returns the profile with its text trimmed. The first problem
    /// found is reported with the field it belongs to.
    pub fn validated(mut self) -> Result<Profile> {
        self.name = clean("name", &self.name, MAX_NAME_CHARS, true)?;
        self.legal_name = clean("legal_name", &self.legal_name, MAX_NAME_CHARS, false)?;
        self.address = clean("address", &self.address, MAX_NOTE_CHARS, false)?;
        self.email = clean("email", &self.email, MAX_NAME_CHARS, false)?;
        self.receipt_header = clean("receipt_header", &self.receipt_header, MAX_NOTE_CHARS, false)?;
        self.receipt_footer = clean("receipt_footer", &self.receipt_footer, MAX_NOTE_CHARS, false)?;
        self.invoice_prefix = clean("invoice_prefix", &self.invoice_prefix, 12, false)?;
        self.currency.validate()?;
        if self.country_code.is_empty()
            || self.country_code.len() > 3
            || !self.country_code.bytes().all(|b| b.is_ascii_digit())
            || self.country_code.starts_with('0')
        {
            return Err(DomainError::invalid(
                "country_code",
                "country code must be 1 to 3 digits, e.g. 91",
            ));
        }
        self.phone = clean("phone", &self.phone, 32, false)?;
        if !self.phone.is_empty() {
            Phone::parse(&self.phone, &self.country_code)?;
        }
        if !self.email.is_empty() && !looks_like_email(&self.email) {
            return Err(DomainError::invalid(
                "email",
                "email must look like name@example.com",
            ));
        }
        if let Some(reg) = &mut self.tax_registration {
            reg.scheme = clean("tax_registration", &reg.scheme, 16, true)?.to_ascii_uppercase();
            reg.number = clean("tax_registration", &reg.number, 32, true)?.to_ascii_uppercase();
            if reg.scheme == "GSTIN" {
                validate_gstin(&reg.number)?;
            }
        }
        if !(-14 * 60..=14 * 60).contains(&self.utc_offset_minutes) {
            return Err(DomainError::invalid(
                "utc_offset_minutes",
                "UTC offset must be between -14:00 and +14:00",
            ));
        }
        if self.day_starts_at_hour > 23 {
            return Err(DomainError::invalid(
                "day_starts_at_hour",
                "the business day must start at an hour from 0 to 23",
            ));
        }
        if self.tax_classes.is_empty() {
            return Err(DomainError::invalid(
                "tax_classes",
                "at least one tax class is required",
            ));
        }
        if self.tax_classes.len() > 32 {
            return Err(DomainError::invalid("tax_classes", "at most 32 tax classes"));
        }
        for i in 0..self.tax_classes.len() {
            let class = &mut self.tax_classes[i];
            class.code = clean("tax_classes", &class.code, 16, true)?;
            class.name = clean("tax_classes", &class.name, 40, true)?;
            validate_levies(class)?;
            let code = class.code.clone();
            if self.tax_classes[..i].iter().any(|c| c.code == code) {
                return Err(DomainError::invalid(
                    "tax_classes",
                    format!("tax class {code} appears twice"),
                ));
            }
        }
        let inc = self.cash_rounding_increment.minor();
        if !(0..=100_000).contains(&inc) {
            return Err(DomainError::invalid(
                "cash_rounding_increment",
                "cash rounding increment must be between 0 and 100000 minor units",
            ));
        }
        if self.service_charge_taxed && self.tax_class(&self.service_charge_tax_class).is_none() {
            return Err(DomainError::invalid(
                "service_charge_tax_class",
                format!(
                    "service charge tax class {:?} is not one of the tax classes",
                    self.service_charge_tax_class
                ),
            ));
        }
        Ok(self)
    }
}

/// Trims a class's levies and checks them: at most three, unique codes, per-unit amounts
/// within the price limit, compound only for percentages.
fn validate_levies(class: &mut TaxClass) -> Result<()> {
    let code = class.code.clone();
    let bad = |why: String| DomainError::invalid("tax_classes", format!("tax class {code}: {why}"));
    if class.levies.len() > MAX_LEVIES_PER_CLASS {
        return Err(bad(format!("at most {MAX_LEVIES_PER_CLASS} levies")));
    }
    for i in 0..class.levies.len() {
        let levy = &mut class.levies[i];
        levy.code = clean("tax_classes", &levy.code, 16, true)?;
        levy.name = clean("tax_classes", &levy.name, 40, true)?;
        let levy_code = levy.code.clone();
        match levy.charge {
            LevyCharge::Percent(_) => {}
            LevyCharge::PerUnit(amount) => {
                if amount.is_negative() || amount.minor() > MAX_UNIT_PRICE {
                    return Err(bad(format!(
                        "levy {levy_code} must charge between 0 and {MAX_UNIT_PRICE} minor units per unit"
                    )));
                }
                if levy.compound {
                    return Err(bad(format!(
                        "levy {levy_code} is a fixed amount per unit and cannot be charged on other taxes"
                    )));
                }
            }
        }
        if levy_code == class.code || class.levies[..i].iter().any(|l| l.code == levy_code) {
            return Err(bad(format!("levy code {levy_code} appears twice")));
        }
    }
    Ok(())
}

fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// Checks a GSTIN: 2-digit state code, PAN (5 letters, 4 digits, 1 letter), entity number,
/// `Z`, and the mod-36 check character.
pub fn validate_gstin(gstin: &str) -> Result<()> {
    let bad = |why: &str| DomainError::invalid("tax_registration", format!("GSTIN {why}"));
    let b = gstin.as_bytes();
    if b.len() != 15 {
        return Err(bad("must have 15 characters"));
    }
    let state: u32 = gstin[0..2]
        .parse()
        .map_err(|_| bad("must start with a 2-digit state code"))?;
    if !(1..=38).contains(&state) && state != 97 && state != 99 {
        return Err(bad("has an unknown state code"));
    }
    let pan_ok = b[2..7].iter().all(u8::is_ascii_uppercase)
        && b[7..11].iter().all(u8::is_ascii_digit)
        && b[11].is_ascii_uppercase();
    if !pan_ok {
        return Err(bad(
            "must contain a PAN (5 letters, 4 digits, 1 letter) after the state code",
        ));
    }
    if !b[12].is_ascii_alphanumeric() || b[13] != b'Z' {
        return Err(bad("must have an entity number and Z at positions 13 and 14"));
    }
    let expected = gstin_check_char(&gstin[..14]).ok_or_else(|| bad("has invalid characters"))?;
    if b[14] != expected {
        return Err(bad("check character does not match (typing error?)"));
    }
    Ok(())
}

/// The GSTIN check character for the first 14 characters.
pub fn gstin_check_char(first14: &str) -> Option<u8> {
    const CHARS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut sum = 0u32;
    for (i, c) in first14.bytes().enumerate() {
        let v = CHARS.iter().position(|&x| x == c)? as u32;
        let factor = if i % 2 == 0 { 1 } else { 2 };
        let p = v * factor;
        sum += p / 36 + p % 36;
    }
    Some(CHARS[((36 - sum % 36) % 36) as usize])
}

/// GSTIN of the demo restaurant (Karnataka, state code 29), with a computed check
/// character.
pub fn example_gstin() -> String {
    let first = "29AAKCS1234F1Z";
    let check = gstin_check_char(first).map(char::from).unwrap_or('0');
    format!("{first}{check}")
}

/// The demo restaurant's profile: "Saffron Table", Bengaluru, an Indian restaurant charging
/// 5% GST as CGST + SGST (18% on packaged goods, exempt add-ons), prices exclusive of tax,
/// bills rounded to the rupee.
///
/// The one definition in the tree: the till's demo (`pos_app::demo`), the server's OpenAPI
/// examples and every test (through `pos-testkit`) use it, so a change to the profile's
/// shape is made here once. It lives in the domain crate because the domain's own tests
/// need it and cannot depend on anything above.
pub fn example_profile() -> Profile {
    let rate = |bps| TaxRate::from_bps(bps).unwrap_or_default();
    Profile {
        name: "Saffron Table".into(),
        legal_name: "Saffron Table Hospitality Pvt Ltd".into(),
        address: "12, 100 Feet Road, Indiranagar, Bengaluru 560038, Karnataka".into(),
        phone: "080 4123 4567".into(),
        email: "hello@saffrontable.example".into(),
        tax_registration: Some(TaxRegistration {
            scheme: "GSTIN".into(),
            number: example_gstin(),
        }),
        currency: Currency::inr(),
        country_code: "91".into(),
        utc_offset_minutes: 330,
        day_starts_at_hour: 4,
        tax_classes: vec![
            TaxClass {
                code: "GST5".into(),
                name: "GST 5%".into(),
                rate: rate(500),
                split: TaxSplit::CgstSgst,
                levies: Vec::new(),
            },
            TaxClass {
                code: "GST18".into(),
                name: "GST 18%".into(),
                rate: rate(1800),
                split: TaxSplit::CgstSgst,
                levies: Vec::new(),
            },
            TaxClass {
                code: "EXEMPT".into(),
                name: "Exempt".into(),
                rate: rate(0),
                split: TaxSplit::CgstSgst,
                levies: Vec::new(),
            },
        ],
        pricing: PricingMode::Exclusive,
        tax_rounding: TaxRoundingLevel::PerDocument,
        taxes_rounded: TaxesRounded::Together,
        rounding: Rounding::HalfUp,
        odd_paisa_to: GstHalf::Cgst,
        cash_rounding_increment: Money::from_minor(100),
        cash_rounding: CashRounding::Nearest,
        round_off_to: RoundOffTo::Line,
        service_charge: Percent::ZERO,
        service_charge_taxed: true,
        service_charge_tax_class: "GST5".into(),
        service_charge_order_types: OrderTypes::ALL,
        receipt_header: "Saffron Table\nIndiranagar, Bengaluru".into(),
        receipt_footer: "Thank you! Visit again.".into(),
        invoice_prefix: "ST1-".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::example_profile as sample;
    use super::*;

    #[test]
    fn a_known_good_gstin_passes_and_typos_fail() {
        validate_gstin("27AAPFU0939F1ZV").unwrap();
        assert!(
            validate_gstin("27AAPFU0939F1ZW").is_err(),
            "wrong check character"
        );
        assert!(validate_gstin("27AAPFU0939F1Z").is_err(), "too short");
        assert!(
            validate_gstin("27AAPF10939F1ZV").is_err(),
            "PAN with a digit in the letters"
        );
        assert!(validate_gstin("00AAPFU0939F1ZV").is_err(), "state code 00");
    }

    fn cess(bps: u32) -> Levy {
        Levy {
            code: "CESS".into(),
            name: "Compensation cess".into(),
            charge: LevyCharge::Percent(TaxRate::from_bps(bps).unwrap()),
            compound: false,
            kind: LevyKind::Cess,
        }
    }

    #[test]
    fn a_class_with_a_cess_and_a_compound_levy_validates() {
        let mut p = sample();
        let mut on_tax = cess(100);
        on_tax.code = " ON-TAX ".into();
        on_tax.compound = true;
        p.tax_classes[0].levies = vec![cess(1200), on_tax];
        let p = p.validated().expect("two levies, the second on tax, are allowed");
        assert_eq!(
            p.tax_classes[0].levies[1].code, "ON-TAX",
            "levy codes are trimmed"
        );
    }

    #[test]
    fn a_valid_profile_validates_and_is_trimmed() {
        let mut p = sample();
        p.name = "  Saffron Table ".into();
        let p = p.validated().unwrap();
        assert_eq!(p.name, "Saffron Table");
    }

    #[test]
    fn bad_profiles_name_the_field_at_fault() {
        type Change = Box<dyn Fn(&mut Profile)>;
        let cases: Vec<(&str, Change)> = vec![
            ("name", Box::new(|p| p.name = " ".into())),
            ("email", Box::new(|p| p.email = "not-an-email".into())),
            ("phone", Box::new(|p| p.phone = "12ab".into())),
            (
                "tax_registration",
                Box::new(|p| p.tax_registration.as_mut().unwrap().number = "27AAPFU0939F1ZX".into()),
            ),
            ("currency", Box::new(|p| p.currency.code = "rupees".into())),
            (
                "tax_classes",
                Box::new(|p| p.tax_classes.push(p.tax_classes[0].clone())),
            ),
            (
                "service_charge_tax_class",
                Box::new(|p| {
                    p.service_charge_taxed = true;
                    p.service_charge_tax_class = "NOPE".into();
                }),
            ),
            ("receipt_footer", Box::new(|p| p.receipt_footer = "x".repeat(501))),
            ("day_starts_at_hour", Box::new(|p| p.day_starts_at_hour = 24)),
            (
                "tax_classes",
                Box::new(|p| p.tax_classes[0].levies = vec![cess(1200); MAX_LEVIES_PER_CLASS + 1]),
            ),
            (
                "tax_classes",
                Box::new(|p| p.tax_classes[0].levies = vec![cess(1200), cess(500)]),
            ),
            (
                "tax_classes",
                Box::new(|p| {
                    let mut per_unit = cess(0);
                    per_unit.charge = LevyCharge::PerUnit(Money::from_minor(100));
                    per_unit.compound = true;
                    p.tax_classes[0].levies = vec![per_unit];
                }),
            ),
            (
                "tax_classes",
                Box::new(|p| {
                    let mut per_unit = cess(0);
                    per_unit.charge = LevyCharge::PerUnit(Money::from_minor(-1));
                    p.tax_classes[0].levies = vec![per_unit];
                }),
            ),
        ];
        for (field, change) in cases {
            let mut p = sample();
            change(&mut p);
            let err = p.validated().expect_err(field);
            assert_eq!(err.field(), Some(field), "{err}");
        }
    }
}
