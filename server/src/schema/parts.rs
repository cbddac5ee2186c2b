//! The building blocks both schemas share: the shapes Charter accepts for text, ids, dates,
//! policy references and "one or a list", and enums that carry a description per value.
//!
//! The shapes follow what lowering accepts, not what looks tidy: any non-null scalar is text
//! (its text is its value), and a null map or list is an empty one (a block still being typed).

use serde_json::{Map, Value, json};

/// `[a-z0-9][a-z0-9-]*`, as `model::is_valid_id` checks it.
pub const ID_PATTERN: &str = "^[a-z0-9][a-z0-9-]*$";
/// Ids joined by `.`.
pub const CATEGORY_PATTERN: &str = "^[a-z0-9][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)*$";
/// `YYYY-MM-DD` (the day itself is checked by Charter, e.g. no 31 April).
pub const DATE_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";
/// `id` or `id@YYYY-MM-DD`.
pub const POLICY_REF_PATTERN: &str = "^[a-z0-9][a-z0-9-]*(@[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))?$";
/// A language tag such as `en`, `zh` or `pt-BR`.
pub const LOCALE_PATTERN: &str = "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$";

/// A schema with a description, for a key documented in `model::keys`.
pub fn described(mut schema: Value, description: &str) -> Value {
    schema["description"] = Value::from(description);
    schema
}

/// Free text: any scalar but null.
pub fn text() -> Value {
    json!({ "type": ["string", "number", "boolean"] })
}

/// A plain id. Plain integers and booleans are ids too when written bare (`id: 42`); the
/// pattern only applies to strings.
pub fn id() -> Value {
    pattern(
        ID_PATTERN,
        "Use lowercase letters, digits and `-`, starting with a letter or digit.",
    )
}

pub fn category_id() -> Value {
    pattern(
        CATEGORY_PATTERN,
        "Use ids of lowercase letters, digits and `-`, joined by `.` (e.g. `high-risk.legal`).",
    )
}

pub fn date() -> Value {
    pattern(DATE_PATTERN, "Write the date as YYYY-MM-DD.")
}

pub fn policy_ref() -> Value {
    pattern(
        POLICY_REF_PATTERN,
        "Write `id@YYYY-MM-DD` (e.g. `anthropic-usage@2025-09-15`) or a bare `id`.",
    )
}

/// A string pattern; `patternErrorMessage` is what VS Code's and yaml-language-server's
/// validators show instead of the bare regular expression.
fn pattern(pattern: &str, message: &str) -> Value {
    json!({
        "type": ["string", "integer", "boolean"],
        "pattern": pattern,
        "patternErrorMessage": message,
    })
}

/// One item, or a list of them; `nonempty` when an empty list is `invalid-value`.
pub fn one_or_list(item: Value, nonempty: bool) -> Value {
    let mut list = json!({ "type": "array", "items": item.clone() });
    if nonempty {
        list["minItems"] = json!(1);
    }
    json!({ "anyOf": [item, list] })
}

/// A map (or null, an empty map) from keys matching `keys` to `values`.
pub fn map_of(keys: Value, values: Value) -> Value {
    json!({
        "type": ["object", "null"],
        "propertyNames": keys,
        "additionalProperties": values,
    })
}

/// An object with the documented `keys`, each given its schema by `schema_of`, the `required`
/// ones, and no other key (`unknown-key` is an error everywhere).
pub fn object(keys: &[(&str, &str)], required: &[&str], schema_of: impl Fn(&str) -> Value) -> Value {
    let mut properties = Map::new();
    for (key, doc) in keys {
        properties.insert((*key).to_owned(), described(schema_of(key), doc));
    }
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

/// One value of an enum, in the forms a validator may see it in, with its documentation.
pub struct Choice {
    pub values: Vec<Value>,
    pub doc: String,
}

impl Choice {
    /// A keyword: only ever a string.
    pub fn keyword(name: &str, doc: &str) -> Self {
        Choice {
            values: vec![Value::from(name)],
            doc: doc.to_owned(),
        }
    }
}

/// An enum with a description per value, under both names editors read: VS Code's
/// `markdownEnumDescriptions` and the older `enumDescriptions` (plain text).
pub fn choices(choices: &[Choice]) -> Value {
    if choices.is_empty() {
        // No value fits; an empty `enum` is not valid JSON Schema everywhere.
        return json!({ "not": {} });
    }
    let mut values = Vec::new();
    let mut docs = Vec::new();
    for choice in choices {
        for value in &choice.values {
            if !values.contains(value) {
                values.push(value.clone());
                docs.push(Value::from(choice.doc.as_str()));
            }
        }
    }
    json!({
        "enum": values,
        "markdownEnumDescriptions": docs,
        "enumDescriptions": docs,
    })
}
