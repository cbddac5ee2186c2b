//! Settings from `initializationOptions` and `workspace/configuration` (section `charter`).

use std::path::PathBuf;
use std::str::FromStr;

use serde::Deserialize;
use tower_lsp_server::ls_types::Uri;

use crate::diagnostic::{Code, DEFAULT_DOCS_URL, docs_base};
use crate::model::Date;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Extra folders to load policies from.
    pub policy_paths: Vec<PathBuf>,
    /// A day standing in for today.
    pub today: Option<Date>,
    /// Where the user's guide is published (ending in `/`), when not at
    /// [`DEFAULT_DOCS_URL`]: the base of each diagnostic's `codeDescription.href`.
    pub docs_url: Option<String>,
}

impl Config {
    /// The base address of the code pages diagnostics link to.
    pub fn docs_base(&self) -> &str {
        self.docs_url.as_deref().unwrap_or(DEFAULT_DOCS_URL)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    #[serde(default)]
    policy_paths: Vec<String>,
    #[serde(default)]
    today: Option<String>,
    #[serde(default)]
    docs_url: Option<String>,
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
        let docs_url = raw.docs_url.as_deref().and_then(|url| {
            let base = docs_base(url).and_then(|base| match Uri::from_str(&Code::YamlSyntax.docs_url(&base)) {
                Ok(_) => Ok(base),
                Err(e) => Err(format!("`{url}` is not a URL: {e}")),
            });
            base.map_err(|e| eprintln!("charter: ignoring setting `docsUrl`: {e}"))
                .ok()
        });
        Config {
            policy_paths: raw.policy_paths.into_iter().map(PathBuf::from).collect(),
            today,
            docs_url,
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

    #[test]
    fn docs_url_is_a_checked_base_with_a_final_slash() {
        let config =
            Config::from_json(&serde_json::json!({ "charter": { "docsUrl": "https://mirror.example/charter" } }));
        assert_eq!(config.docs_url.as_deref(), Some("https://mirror.example/charter/"));
        assert_eq!(config.docs_base(), "https://mirror.example/charter/");
        assert_eq!(Config::default().docs_base(), DEFAULT_DOCS_URL);
        for bad in ["charter docs", "/srv/docs", "https://a.example/?x", "https://"] {
            let config = Config::from_json(&serde_json::json!({ "docsUrl": bad }));
            assert_eq!(config.docs_url, None, "{bad}");
        }
    }
}
