//! Checks for free text fields: trimmed, bounded, no control characters.

use crate::{DomainError, Result};

/// Trims `value` and checks it is at most `max` characters without control characters.
/// `required` also refuses an empty value.
pub fn clean(field: &str, value: &str, max: usize, required: bool) -> Result<String> {
    let trimmed = value.trim();
    if required && trimmed.is_empty() {
        return Err(DomainError::invalid(field, format!("{field} is required")));
    }
    let chars = trimmed.chars().count();
    if chars > max {
        return Err(DomainError::invalid(
            field,
            format!("{field} is too long ({chars} characters, at most {max})"),
        ));
    }
    if trimmed.chars().any(|c| c.is_control() && c != '\n') {
        return Err(DomainError::invalid(
            field,
            format!("{field} contains control characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_trims_and_bounds_text() {
        assert_eq!(clean("name", "  Dal  ", 10, true).unwrap(), "Dal");
        assert!(
            clean("name", "   ", 10, true).is_err(),
            "blank required text is refused"
        );
        assert_eq!(clean("notes", "", 10, false).unwrap(), "");
        assert!(
            clean("name", &"x".repeat(11), 10, true).is_err(),
            "oversized text is refused"
        );
        assert!(
            clean("name", "a\u{7}b", 10, true).is_err(),
            "control characters are refused"
        );
    }
}
