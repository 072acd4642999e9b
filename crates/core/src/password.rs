//! Password policy, after NSM's basic principles, Normen's fact sheet 31 and
//! NIST SP 800-63B: length over composition rules, a cap so hashing cannot be
//! abused for denial of service, and no known-weak choices.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordPolicyError {
    #[error("password must be at least {MIN_LEN} characters")]
    TooShort,
    #[error("password must be at most {MAX_LEN} characters")]
    TooLong,
    #[error("password is too common or too simple")]
    TooCommon,
    #[error("password must not contain the user name or e-mail address")]
    ContainsIdentity,
}

pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 256;

/// A short list of the most used passwords and patterns (lower-cased), checked
/// as a floor; a full breached-password list belongs to the password tool (M9).
const COMMON: &[&str] = &[
    "passord",
    "password",
    "123456",
    "qwerty",
    "sommer",
    "vinter",
    "høst",
    "vår",
    "letmein",
    "welcome",
    "velkommen",
    "admin",
    "etterlev",
    "helse",
    "sykehus",
];

pub fn check(password: &str, identity: &str) -> Result<(), PasswordPolicyError> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(PasswordPolicyError::TooShort);
    }
    if len > MAX_LEN {
        return Err(PasswordPolicyError::TooLong);
    }
    let lower = password.to_lowercase();
    let identity_lower = identity.trim().to_lowercase();
    let local_part = identity_lower.split('@').next().unwrap_or("");
    if local_part.len() >= 4 && lower.contains(local_part) {
        return Err(PasswordPolicyError::ContainsIdentity);
    }
    let distinct: std::collections::HashSet<char> = lower.chars().collect();
    let stripped: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    if distinct.len() < 4
        || COMMON
            .iter()
            .any(|c| stripped == *c || lower.starts_with(c) && lower.len() < c.len() + 5)
    {
        return Err(PasswordPolicyError::TooCommon);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert_eq!(check("kort", "a@b.no"), Err(PasswordPolicyError::TooShort));
        assert_eq!(check(&"x".repeat(300), "a@b.no"), Err(PasswordPolicyError::TooLong));
        assert_eq!(check("aaaaaaaaaaaaaa", "a@b.no"), Err(PasswordPolicyError::TooCommon));
        assert_eq!(check("Passord2024!!", "a@b.no"), Err(PasswordPolicyError::TooCommon));
        assert_eq!(
            check("kari.nordmann-er-best", "kari.nordmann@x.no"),
            Err(PasswordPolicyError::ContainsIdentity)
        );
        assert_eq!(check("korrekt hest batteri stift", "kari@x.no"), Ok(()));
    }
}
