//! Norwegian organisation numbers (organisasjonsnummer, Enhetsregisteret).
//!
//! Nine digits; the last is a modulus-11 check digit over the first eight with
//! weights 3, 2, 7, 6, 5, 4, 3, 2. A remainder of 1 gives no valid check digit,
//! so such numbers are never issued.

use std::fmt;

const WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgNumberError {
    #[error("organisation number must have exactly 9 digits (got {0})")]
    WrongLength(usize),
    #[error("organisation number may contain only digits")]
    NotDigits,
    #[error("organisation number has a wrong check digit")]
    CheckDigit,
}

/// A validated organisation number. The field is private: the only way to get
/// one is [`OrgNumber::parse`], so holding one means the check digit is right.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrgNumber(String);

impl OrgNumber {
    /// Parses a number, accepting the common written forms `974760673`,
    /// `974 760 673` and `NO 974 760 673 MVA`.
    pub fn parse(input: &str) -> Result<Self, OrgNumberError> {
        let trimmed = input.trim();
        let core = trimmed
            .strip_prefix("NO")
            .map(|s| s.trim_end_matches("MVA"))
            .unwrap_or(trimmed);
        let compact: String = core.chars().filter(|c| !c.is_whitespace()).collect();
        if !compact.chars().all(|c| c.is_ascii_digit()) {
            return Err(OrgNumberError::NotDigits);
        }
        if compact.len() != 9 {
            return Err(OrgNumberError::WrongLength(compact.chars().count()));
        }
        let digits: Vec<u32> = compact.bytes().map(|b| u32::from(b - b'0')).collect();
        match check_digit(&digits[..8]) {
            Some(check) if check == digits[8] => Ok(Self(compact)),
            _ => Err(OrgNumberError::CheckDigit),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The mod-11 check digit for eight leading digits, or `None` when the
/// remainder makes the number invalid.
pub fn check_digit(first_eight: &[u32]) -> Option<u32> {
    let sum: u32 = first_eight.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    match 11 - (sum % 11) {
        11 => Some(0),
        10 => None,
        digit => Some(digit),
    }
}

impl fmt::Display for OrgNumber {
    /// Written the way Brønnøysundregistrene write it: `974 760 673`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", &self.0[0..3], &self.0[3..6], &self.0[6..9])
    }
}

impl AsRef<str> for OrgNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_numbers() {
        // Published organisation numbers of public bodies.
        for ok in ["974760673", "983544622", "NO 974 760 673 MVA", " 974 760 673 "] {
            assert!(OrgNumber::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(OrgNumber::parse("974760674"), Err(OrgNumberError::CheckDigit));
        assert_eq!(OrgNumber::parse("97476067"), Err(OrgNumberError::WrongLength(8)));
        assert_eq!(OrgNumber::parse("97476067x"), Err(OrgNumberError::NotDigits));
        assert_eq!(OrgNumber::parse(""), Err(OrgNumberError::WrongLength(0)));
        let n = OrgNumber::parse("974760673").expect("valid");
        assert_eq!(n.to_string(), "974 760 673");
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = OrgNumber::parse(&s);
        }

        #[test]
        fn exactly_one_check_digit_fits(first in proptest::collection::vec(0u32..10, 8)) {
            let prefix: String = first.iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect();
            let valid: Vec<u32> = (0..10)
                .filter(|d| OrgNumber::parse(&format!("{prefix}{d}")).is_ok())
                .collect();
            match check_digit(&first) {
                Some(d) => prop_assert_eq!(valid, vec![d]),
                None => prop_assert!(valid.is_empty()),
            }
        }

        #[test]
        fn single_digit_errors_are_caught(first in proptest::collection::vec(0u32..10, 8), pos in 0usize..8, delta in 1u32..10) {
            prop_assume!(check_digit(&first).is_some());
            let check = check_digit(&first).unwrap_or(0);
            let mut changed = first.clone();
            changed[pos] = (changed[pos] + delta) % 10;
            let s: String = changed.iter().chain(std::iter::once(&check)).map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect();
            prop_assert!(OrgNumber::parse(&s).is_err());
        }
    }
}
