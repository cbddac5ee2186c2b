//! Settings from `initializationOptions` and `workspace/configuration` (section `charter`).

use std::path::PathBuf;

use serde::Deserialize;

use crate::model::Date;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Extra folders to load policies from.
    pub policy_paths: Vec<PathBuf>,
    /// A day standing in for today.
    pub today: Option<Date>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    #[serde(default)]
    policy_paths: Vec<String>,
    #[serde(default)]
    today: Option<String>,
}

impl Config {
    /// Reads the settings, accepting both `{ "charter": { … } }` and the bare `{ … }`; what it
    /// cannot read is left at its default, with a line on stderr.
    pub fn from_json(value: &serde_json::Value) -> Config {
        let inner = value.get("charter").unwrap_or(value);
        let raw: Raw = match serde_json::from_value(inner.clone()) {
            Ok(raw) => raw,
            Err(e) => {
                if !inner.is_null() {
                    eprintln!("charter: ignoring settings: {e}");
                }
                Raw::default()
            }
        };
        let today = raw.today.as_deref().and_then(|t| {
            let date = Date::parse(t);
            if date.is_none() {
                eprintln!("charter: ignoring setting `today`: `{t}` is not a date (YYYY-MM-DD)");
            }
            date
        });
        Config {
            policy_paths: raw.policy_paths.into_iter().map(PathBuf::from).collect(),
            today,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_and_bare_settings() {
        let nested = serde_json::json!({ "charter": { "policyPaths": ["/p"], "today": "2026-01-02" } });
        let config = Config::from_json(&nested);
        assert_eq!(config.policy_paths, vec![PathBuf::from("/p")]);
        assert_eq!(config.today, Date::parse("2026-01-02"));
        assert_eq!(
            Config::from_json(&serde_json::json!({ "today": "soon" })),
            Config::default()
        );
        assert_eq!(Config::from_json(&serde_json::Value::Null), Config::default());
    }
}
