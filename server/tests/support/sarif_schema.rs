//! The official SARIF 2.1.0 JSON Schema, vendored in `tests/schemas/` (its README says where it
//! comes from), as a validator with format checking on (`uri`, `uri-reference`, `date-time`).
//! Shared by `sarif_schema.rs` and `github_action.rs` through `#[path]`.

use std::path::Path;

use serde_json::Value;

pub fn schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/schemas/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("the vendored schema is JSON")
}

/// The one pattern of the schema that strict regex checkers reject: a `]` outside a character
/// class, which ECMA-262 reads as a literal `]` only in its web-compatible Annex B grammar.
pub const LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";

/// Where the schema has it: the `language` of a run and of a tool component.
pub const LANGUAGE_PATTERN_AT: [&str; 2] = [
    "/definitions/run/properties/language/pattern",
    "/definitions/toolComponent/properties/language/pattern",
];

/// The `jsonschema` crate checks every `pattern` against the strict grammar before it validates
/// anything, so this escapes that `]` (which keeps the meaning) and leaves the rest as it is.
pub fn validator() -> jsonschema::Validator {
    let mut schema = schema();
    for pointer in LANGUAGE_PATTERN_AT {
        let value = schema
            .pointer_mut(pointer)
            .expect("the schema has the language pattern");
        assert_eq!(
            value, LANGUAGE_PATTERN,
            "the vendored schema changed: see tests/schemas/README.md"
        );
        *value = Value::from(LANGUAGE_PATTERN.replace("]?$", "\\]?$"));
    }
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles as draft-07")
}

/// Every way `log` breaks the schema, one line each (`/runs/0/results/3/level: …`).
pub fn violations(validator: &jsonschema::Validator, log: &Value) -> Vec<String> {
    validator
        .iter_errors(log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Panics, naming each violation, unless `log` is valid SARIF 2.1.0.
pub fn assert_valid(validator: &jsonschema::Validator, log: &Value, what: &str) {
    let violations = violations(validator, log);
    assert!(
        violations.is_empty(),
        "{what} breaks the SARIF 2.1.0 schema:\n{}",
        violations.join("\n")
    );
}
