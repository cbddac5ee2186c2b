//! `charter check --format sarif` against the official SARIF 2.1.0 JSON Schema (vendored in
//! `tests/schemas/`), on the examples, every fixture, the usage-policy corpus and the bundled
//! policies; and proof that the validator does reject what the schema forbids.

use serde_json::{Value, json};

#[path = "support/sarif_schema.rs"]
mod sarif_schema;
mod support;

use sarif_schema::{assert_valid, validator, violations};
use support::{in_repo, repo};

const TODAY: &str = "2026-01-01";

/// `charter check --format sarif PATH` in the repository: the log and the exit status.
fn sarif(path: &str) -> (Value, i32) {
    let run = in_repo(&["check", "--format", "sarif", "--today", TODAY, path]);
    let code = run.code();
    assert!(
        code <= 1,
        "`charter check {path}` failed to run ({code}): {}",
        run.stderr
    );
    let log = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("SARIF of {path} is not JSON: {e}"));
    (log, code)
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().expect("runs[0].results")
}

#[test]
fn the_vendored_schema_is_the_official_2_1_0_one() {
    let schema = sarif_schema::schema();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(
        schema["$id"],
        "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
    );
    assert_eq!(
        schema["title"],
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    );
    // A valid draft-07 schema, but for the pattern the strict regex grammar rejects.
    let errors: Vec<String> = jsonschema::meta::validator_for(&schema)
        .expect("draft-07 is known")
        .iter_errors(&schema)
        .map(|e| e.instance_path().to_string())
        .collect();
    assert_eq!(errors, sarif_schema::LANGUAGE_PATTERN_AT, "meta-schema violations");
}

#[test]
fn the_examples_give_valid_sarif() {
    let validator = validator();
    let (log, code) = sarif("examples");
    assert_eq!(code, 1, "the examples have deliberate errors");
    assert_valid(&validator, &log, "`charter check examples`");
    assert_eq!(results(&log).len(), 6, "{log:#}");
    // Related places in the bundled policies are named too, and still valid.
    assert!(
        results(&log).iter().any(
            |r| r["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .is_some_and(|u| u.contains("anthropic-usage"))
        ),
        "{log:#}"
    );
}

/// Every fixture folder on its own (each shows a kind of diagnostic, with CRLF, non-ASCII
/// columns, invalid UTF-8 and the rest), the usage-policy corpus and the bundled policies.
#[test]
fn every_fixture_gives_valid_sarif() {
    let validator = validator();
    let mut folders: Vec<String> = std::fs::read_dir(repo().join("tests/fixtures"))
        .expect("tests/fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .map(|p| format!("tests/fixtures/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    folders.sort();
    assert!(folders.len() > 40, "{folders:?}");
    folders.extend(["tests/usage-policy".to_owned(), "policies".to_owned()]);
    let mut total = 0;
    for folder in &folders {
        let (log, _) = sarif(folder);
        assert_valid(&validator, &log, folder);
        total += results(&log).len();
    }
    assert!(total > 100, "only {total} results in all the fixtures");
}

/// A validator that accepted anything would make the tests above worthless: it rejects logs
/// broken the ways a renderer could break them.
#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    let validator = validator();
    let (log, _) = sarif("examples");
    let broken: [(&str, fn(&mut Value)); 6] = [
        ("no version", |l| {
            l.as_object_mut().unwrap().remove("version");
        }),
        ("an unknown level", |l| {
            l["runs"][0]["results"][0]["level"] = json!("fatal")
        }),
        ("line 0", |l| {
            l["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = json!(0)
        }),
        ("a uri that is no URI reference", |l| {
            l["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
                json!("a b%zz.yaml")
        }),
        ("a message without text", |l| {
            l["runs"][0]["results"][0]["message"] = json!({})
        }),
        ("a property SARIF does not have", |l| {
            l["runs"][0]["results"][0]["severity"] = json!("error")
        }),
    ];
    assert_valid(&validator, &log, "the examples' log");
    for (what, breaking) in broken {
        let mut copy = log.clone();
        breaking(&mut copy);
        assert!(!violations(&validator, &copy).is_empty(), "the schema accepted {what}");
    }
}
