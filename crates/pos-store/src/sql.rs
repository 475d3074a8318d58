//! Small decoding helpers shared by the table modules.

use std::str::FromStr;

use pos_core::DomainError;

use crate::{Result, StoreError};

/// Parses an id (or any `FromStr` domain type) read from a column.
pub(crate) fn parse<T: FromStr<Err = DomainError>>(s: &str) -> Result<T> {
    s.parse()
        .map_err(|e: DomainError| StoreError::corrupt(format!("{e}: {s:?}")))
}

/// Decodes a domain value stored as text through serde (e.g. a normalised phone).
pub(crate) fn json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    Ok(serde_json::from_str(s)?)
}

/// Decodes a value that a domain constructor validates.
pub(crate) fn domain<T>(r: pos_core::Result<T>) -> Result<T> {
    r.map_err(|e| StoreError::corrupt(e.to_string()))
}

/// Decodes a normalised phone number stored as digits.
pub(crate) fn phone(s: String) -> Result<pos_core::Phone> {
    domain(pos_core::Phone::try_from(s))
}
