//! How a YAML tool that validates against a JSON Schema sees a plain scalar.
//!
//! Charter compares attribute values by their text (`true` and `"true"` are the same value),
//! but a schema validator first turns the YAML into JSON under the YAML 1.2 core schema, where
//! a plain `true` is a boolean and a plain `3` a number. An enum that listed only the text
//! `"true"` would reject `agentic: true`, so each value is listed also in the typed form the
//! same text takes when written plain.

use serde_json::{Number, Value};

/// The JSON value a plain scalar with this text resolves to under the YAML 1.2 core schema,
/// when that is not a string. Null is left out: Charter never takes a null as a value.
pub fn typed(text: &str) -> Option<Value> {
    match text {
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    integer(text)
        .map(|i| Value::Number(i.into()))
        .or_else(|| float(text).and_then(Number::from_f64).map(Value::Number))
}

/// `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`, when it fits in 64 bits.
fn integer(text: &str) -> Option<i64> {
    if let Some(octal) = text.strip_prefix("0o") {
        return digits_of(octal, 8);
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return digits_of(hex, 16);
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn digits_of(text: &str, radix: u32) -> Option<i64> {
    let valid = !text.is_empty() && text.chars().all(|c| c.is_digit(radix));
    valid.then(|| i64::from_str_radix(text, radix).ok()).flatten()
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, finite. (`.inf` and `.nan` have no
/// JSON form.)
fn float(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = all_digits(whole) && all_digits(fraction) && (!whole.is_empty() || !fraction.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    if !(mantissa_ok && exponent_ok) {
        return None;
    }
    text.parse::<f64>().ok().filter(|f| f.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn booleans_and_numbers_are_typed() {
        assert_eq!(typed("true"), Some(json!(true)));
        assert_eq!(typed("FALSE"), Some(json!(false)));
        assert_eq!(typed("42"), Some(json!(42)));
        assert_eq!(typed("-7"), Some(json!(-7)));
        assert_eq!(typed("0x1F"), Some(json!(31)));
        assert_eq!(typed("0o17"), Some(json!(15)));
        assert_eq!(typed("1.5"), Some(json!(1.5)));
        assert_eq!(typed(".5"), Some(json!(0.5)));
        assert_eq!(typed("1e3"), Some(json!(1000.0)));
    }

    #[test]
    fn other_text_stays_a_string() {
        for text in [
            "consumer",
            "yes",
            "no",
            "on",
            "null",
            "~",
            "",
            "1-2",
            "0x",
            "0o8",
            ".",
            "1e",
            "e3",
            ".inf",
            "2025-09-15",
        ] {
            assert_eq!(typed(text), None, "{text}");
        }
    }
}
