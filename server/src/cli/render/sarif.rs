//! `--format sarif`: a SARIF 2.1.0 log with one run, for code-scanning services.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Value, json};

use super::{Files, Span, without_dot_slash};
use crate::diagnostic::{Code, Diagnostic, FileId, Severity};
use crate::text::TextRange;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The top level as a struct, for `$schema` and `version` to come first: `json!` sorts keys.
#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Value; 1],
}

pub(super) fn render(
    results: &[(FileId, Vec<Diagnostic>)],
    files: &mut Files,
    docs: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    let results: Vec<Value> = results
        .iter()
        .flat_map(|(file, diagnostics)| diagnostics.iter().map(move |d| (*file, d)))
        .map(|(file, diagnostic)| result(file, diagnostic, files))
        .collect();
    let run = json!({
        "tool": { "driver": driver(docs) },
        // Columns are what `LineIndex` gives for `Encoding::Utf32`, plus one.
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [run],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

/// The tool with every code as a rule, so that `ruleIndex` is the code's place in [`Code::ALL`].
/// Each rule's `helpUri` is the code's page of the user's guide under `docs`.
fn driver(docs: &str) -> Value {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|code| {
            json!({
                "id": code.as_str(),
                "shortDescription": { "text": code.summary() },
                "helpUri": code.docs_url(docs),
                "defaultConfiguration": { "level": level(code.severity()) },
            })
        })
        .collect();
    json!({
        "name": "charter",
        "version": env!("CARGO_PKG_VERSION"),
        "informationUri": docs,
        "rules": rules,
    })
}

fn result(file: FileId, diagnostic: &Diagnostic, files: &mut Files) -> Value {
    let mut result = json!({
        "ruleId": diagnostic.code.as_str(),
        "ruleIndex": Code::ALL.iter().position(|&code| code == diagnostic.code),
        "level": level(diagnostic.severity),
        "message": { "text": diagnostic.message },
        "locations": [{ "physicalLocation": physical_location(file, diagnostic.range, files) }],
    });
    let related: Vec<Value> = diagnostic
        .related
        .iter()
        .enumerate()
        .map(|(id, related)| {
            json!({
                "id": id,
                "physicalLocation": physical_location(related.file, related.range, files),
                "message": { "text": related.message },
            })
        })
        .collect();
    if !related.is_empty() {
        result["relatedLocations"] = related.into();
    }
    if diagnostic.is_unnecessary() {
        // What LSP calls the `Unnecessary` tag; viewers may fade the range.
        result["properties"] = json!({ "tags": ["unnecessary"] });
    }
    result
}

/// SARIF has no level below `note`, so info and hint both become `note`.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

fn physical_location(file: FileId, range: TextRange, files: &mut Files) -> Value {
    let Span { start, end } = files.span(file, range);
    json!({
        "artifactLocation": { "uri": uri(files.source(file).path) },
        "region": {
            "startLine": start.line,
            "startColumn": start.column,
            "endLine": end.line,
            // Exclusive, as SARIF wants: the column after the last character.
            "endColumn": end.column,
        },
    })
}

/// A path as a SARIF `uri` (an RFC 3986 URI reference): a relative path stays relative, for
/// code scanning resolves it against the checkout; an absolute one becomes a `file:` URI.
/// Backslashes become slashes; bytes outside the unreserved and path characters are
/// percent-encoded (a `:` too, lest `a:b.yaml` read as a scheme).
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = without_dot_slash(&path);
    let (prefix, rest) = match path.as_bytes() {
        [b'/', ..] => ("file://".to_owned(), path),
        [drive, b':', b'/', ..] if drive.is_ascii_alphabetic() => (format!("file:///{}:", *drive as char), &path[2..]),
        _ => (String::new(), path),
    };
    let mut uri = prefix;
    for byte in rest.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::Format;
    use super::super::fixture::{rendered, results};
    use super::uri;
    use crate::diagnostic::Code;

    fn log() -> Value {
        serde_json::from_str(&rendered(Format::Sarif, &results())).expect("SARIF is JSON")
    }

    /// The parts of the SARIF 2.1.0 schema this output uses: required properties, the enums
    /// and the minimums, and that every result names a rule of the driver.
    fn validate(log: &Value) {
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(log["$schema"], super::SCHEMA);
        let runs = log["runs"].as_array().expect("runs is an array");
        for run in runs {
            let driver = &run["tool"]["driver"];
            assert!(driver["name"].is_string(), "tool.driver.name is required");
            let rules = driver["rules"].as_array().expect("rules");
            for rule in rules {
                assert!(rule["id"].is_string());
                assert!(rule["shortDescription"]["text"].is_string());
                let help = rule["helpUri"].as_str().expect("every rule has a helpUri");
                assert!(
                    help.starts_with("https://") && !help.contains(' '),
                    "an absolute URI: {help}"
                );
                assert_level(&rule["defaultConfiguration"]["level"]);
            }
            assert!(["utf16CodeUnits", "unicodeCodePoints"].contains(&run["columnKind"].as_str().unwrap()));
            for result in run["results"].as_array().expect("results") {
                validate_result(result, rules);
            }
        }
    }

    fn validate_result(result: &Value, rules: &[Value]) {
        assert!(result["message"]["text"].is_string(), "result.message.text is required");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            rules[index]["id"], result["ruleId"],
            "ruleIndex points at the ruleId's rule"
        );
        assert_level(&result["level"]);
        for location in result["locations"].as_array().unwrap() {
            validate_physical(&location["physicalLocation"]);
        }
        let related = result
            .get("relatedLocations")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (i, location) in related.iter().enumerate() {
            assert_eq!(location["id"], i);
            assert!(location["message"]["text"].is_string());
            validate_physical(&location["physicalLocation"]);
        }
    }

    fn validate_physical(location: &Value) {
        assert!(location["artifactLocation"]["uri"].is_string());
        let region = &location["region"];
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[key].as_u64().expect(key) >= 1, "{key} is 1-based");
        }
        let start = (region["startLine"].as_u64(), region["startColumn"].as_u64());
        let end = (region["endLine"].as_u64(), region["endColumn"].as_u64());
        assert!(start <= end, "a region does not end before it starts");
    }

    fn assert_level(level: &Value) {
        let levels = ["none", "note", "warning", "error"];
        assert!(levels.contains(&level.as_str().expect("level is a string")), "{level}");
    }

    #[test]
    fn log_has_the_sarif_2_1_0_shape() {
        let log = log();
        validate(&log);
        let driver = &log["runs"][0]["tool"]["driver"];
        assert_eq!(driver["name"], "charter");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(driver["rules"].as_array().unwrap().len(), Code::ALL.len());
    }

    #[test]
    fn every_rule_links_its_code_page_under_the_docs_base() {
        let log = log();
        let driver = &log["runs"][0]["tool"]["driver"];
        assert_eq!(driver["informationUri"], super::super::fixture::DOCS);
        for (rule, code) in driver["rules"].as_array().unwrap().iter().zip(Code::ALL) {
            assert_eq!(rule["id"], code.as_str());
            let expected = format!("https://docs.example/charter/codes/{code}.html");
            assert_eq!(rule["helpUri"], expected.as_str());
        }
    }

    #[test]
    fn empty_log_is_valid() {
        let log: Value = serde_json::from_str(&rendered(Format::Sarif, &[])).unwrap();
        validate(&log);
        assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    }

    #[test]
    fn regions_count_code_points_after_cjk_emoji_and_crlf() {
        let log = log();
        let results = &log["runs"][0]["results"];
        let first = &results[0];
        assert_eq!(first["ruleId"], "unknown-key");
        assert_eq!(first["level"], "error");
        let location = &first["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "policies/acme.policy.yaml");
        let region = serde_json::json!({"startLine": 4, "startColumn": 17, "endLine": 4, "endColumn": 22});
        assert_eq!(location["region"], region);
    }

    #[test]
    fn related_locations_and_unnecessary_tag() {
        let log = log();
        let results = &log["runs"][0]["results"];
        let related = &results[1]["relatedLocations"][0];
        assert_eq!(related["message"]["text"], "the base prohibits it here");
        let location = &related["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "policies/base.policy.yaml");
        assert_eq!(location["region"]["startLine"], 3);
        assert_eq!(location["region"]["startColumn"], 18);
        assert_eq!(results[2]["level"], "note");
        assert_eq!(results[2]["properties"]["tags"], serde_json::json!(["unnecessary"]));
        assert_eq!(results[3]["level"], "warning");
        assert!(results[0].get("relatedLocations").is_none());
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("policies/a.policy.yaml"), "policies/a.policy.yaml");
        assert_eq!(uri(r"policies\a b.policy.yaml"), "policies/a%20b.policy.yaml");
        assert_eq!(uri("./policies/a.policy.yaml"), "policies/a.policy.yaml");
        assert_eq!(uri(r".\a.policy.yaml"), "a.policy.yaml");
        assert_eq!(uri("../a.policy.yaml"), "../a.policy.yaml");
        assert_eq!(uri("/srv/x#1.policy.yaml"), "file:///srv/x%231.policy.yaml");
        assert_eq!(uri(r"C:\work\方.yaml"), "file:///C:/work/%E6%96%B9.yaml");
        assert_eq!(uri("a:b.yaml"), "a%3Ab.yaml");
    }
}
