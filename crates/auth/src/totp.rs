//! TOTP (RFC 6238): SHA-1, six digits, 30-second steps, one step of skew —
//! the parameters every authenticator app supports.

use base64::Engine;
use totp_rs::{Algorithm, Builder, Secret, Totp};

pub const ISSUER: &str = "etterlev";

#[derive(Debug, thiserror::Error)]
pub enum TotpError {
    #[error("the stored TOTP secret is not valid base32")]
    BadSecret,
    #[error("could not build the TOTP: {0}")]
    Build(String),
}

/// A new random 160-bit secret, base32-encoded for storage and manual entry.
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

fn totp(secret_b32: &str, account: &str) -> Result<Totp, TotpError> {
    let secret = Secret::try_from_base32(secret_b32).map_err(|_| TotpError::BadSecret)?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', "_"))
        .build()
        .map_err(|e| TotpError::Build(e.to_string()))
}

/// The `otpauth://` URL and a base64 SVG QR code of it, for enrolment.
pub fn enrolment(secret_b32: &str, account: &str) -> Result<(String, String), TotpError> {
    let t = totp(secret_b32, account)?;
    let url = t.to_url().map_err(|e| TotpError::Build(e.to_string()))?;
    let svg = qr_svg(&url)?;
    Ok((url, base64::engine::general_purpose::STANDARD.encode(svg)))
}

/// `text` as a QR code (error correction M, four modules of quiet zone) in
/// SVG, one path of unit squares. SVG rather than PNG keeps an image codec
/// out of the binary; the browser scales it sharply.
pub fn qr_svg(text: &str) -> Result<String, TotpError> {
    use qrcodegen::{QrCode, QrCodeEcc};
    const BORDER: i32 = 4;
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium).map_err(|e| TotpError::Build(e.to_string()))?;
    let size = qr.size();
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + BORDER, y + BORDER));
            }
        }
    }
    let side = size + 2 * BORDER;
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
         <rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

/// Checks a code at `now_secs`. Returns the matched time step, which the caller
/// must store and pass back as `last_step`: a step is accepted only once, so a
/// code seen over someone's shoulder cannot be replayed.
pub fn check(secret_b32: &str, code: &str, now_secs: u64, last_step: Option<i64>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret_b32, "check").ok()?;
    let step = i64::try_from(t.check(&code, now_secs)?).ok()?;
    match last_step {
        Some(last) if step <= last => None,
        _ => Some(step),
    }
}

/// The code for `now_secs` (for tests and the demo print-out).
pub fn code_at(secret_b32: &str, now_secs: u64) -> Result<String, TotpError> {
    Ok(totp(secret_b32, "code")?.generate(now_secs).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 appendix B secret "12345678901234567890" in base32.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn rfc6238_vectors() {
        for (t, code) in [
            (59u64, "287082"),
            (1111111109, "081804"),
            (1234567890, "005924"),
            (2000000000, "279037"),
        ] {
            assert_eq!(code_at(RFC_SECRET, t).expect("code"), code, "t={t}");
        }
    }

    #[test]
    fn check_accepts_skew_and_rejects_replay() {
        let now = 1_700_000_000;
        let code = code_at(RFC_SECRET, now).expect("code");
        let step = check(RFC_SECRET, &code, now, None).expect("valid");
        assert_eq!(step, (now / 30) as i64);
        assert_eq!(
            check(RFC_SECRET, &code, now + 30, None),
            Some(step),
            "one step late is fine"
        );
        assert_eq!(
            check(RFC_SECRET, &code, now + 90, None),
            None,
            "three steps late is not"
        );
        assert_eq!(check(RFC_SECRET, &code, now, Some(step)), None, "replay");
        assert_eq!(check(RFC_SECRET, "12345", now, None), None);
        assert_eq!(check(RFC_SECRET, "abcdef", now, None), None);
        assert_eq!(check("not base32!", &code, now, None), None);
    }

    #[test]
    fn enrolment_url() {
        let s = new_secret();
        let (url, qr) = enrolment(&s, "kari@example.no").expect("enrol");
        assert!(url.starts_with("otpauth://totp/etterlev:"), "{url}");
        assert!(url.contains(&s));
        let svg = base64::engine::general_purpose::STANDARD.decode(&qr).expect("base64");
        let svg = String::from_utf8(svg).expect("utf-8");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{svg}");
        // The URL is about 100 bytes: QR version 5 or more (37+ modules) and
        // a quiet zone of 4 on each side.
        let side: i32 = svg
            .split("viewBox=\"0 0 ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("viewBox");
        assert!(side >= 37 + 8 && (side - 8 - 17) % 4 == 0, "side {side}");
        assert!(svg.matches("h1v1h-1z").count() > 200);
    }
}
