//! End-to-end tests of `charter schema`: the built binary prints a JSON Schema, and that schema,
//! run through an independent draft-07 validator (the `jsonschema` crate), accepts the
//! repository's manifests and policies and rejects what `charter check` calls an error of the
//! kinds a schema can see (an unknown key, category, value or safeguard).
//!
//! The YAML files are turned into JSON the way a YAML editor does it before validating: the
//! YAML 1.2 core schema, so a plain `true` is a boolean and a plain `3` a number.

mod support;

use charter::model::keys;
use charter::syntax::{Limits, NodeId, NodeKind, ScalarStyle, Tree, parse};
use serde_json::{Map, Value, json};
use support::{Run, in_repo, repo};

/// The day every test judges as of, so that "newest in effect" does not move with the clock.
const TODAY: &str = "2026-01-01";

// ---------------------------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------------------------

/// `charter schema --today TODAY ARGS` in the repository's root.
fn charter_schema(args: &[&str]) -> Run {
    let mut all = vec!["schema", "--today", TODAY];
    all.extend_from_slice(args);
    in_repo(&all)
}

/// The schema printed for `args`, after checking the run succeeded and printed one JSON value.
fn schema(args: &[&str]) -> Value {
    let run = charter_schema(args);
    assert_eq!(run.code, Some(0), "charter schema {args:?} failed:\n{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("stdout is one JSON document: {e}"))
}

/// Runs `args`, expecting exit status 2; returns stderr.
fn usage_error(args: &[&str]) -> String {
    let run = charter_schema(args);
    assert_eq!(run.code, Some(2), "exit status of {args:?}; stderr:\n{}", run.stderr);
    assert!(run.stdout.is_empty(), "no schema is printed on an error");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.stderr
}

// ---------------------------------------------------------------------------------------------
// YAML → JSON, as a YAML editor sees it
// ---------------------------------------------------------------------------------------------

fn yaml_to_json(text: &str) -> Value {
    let parsed = parse(text, &Limits::default());
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let tree = parsed.tree;
    tree.root().map_or(Value::Null, |root| node(&tree, root))
}

fn node(tree: &Tree, id: NodeId) -> Value {
    match tree.kind(id) {
        NodeKind::Scalar(s) if s.style == ScalarStyle::Plain => plain(&s.text),
        NodeKind::Scalar(s) => Value::from(s.text.as_str()),
        NodeKind::Sequence(items) => items.iter().map(|&i| node(tree, i)).collect(),
        NodeKind::Mapping(entries) => {
            let mut map = Map::new();
            for e in entries {
                let key = tree.scalar(e.key).expect("test files have text keys").text.to_string();
                map.insert(key, node(tree, e.value));
            }
            Value::Object(map)
        }
        NodeKind::Invalid => panic!("test files parse"),
    }
}

/// The YAML 1.2 core schema's reading of a plain scalar (the forms the test files use).
fn plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" => Value::Null,
        "true" => json!(true),
        "false" => json!(false),
        _ => text
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| text.parse::<f64>().map(Value::from))
            .unwrap_or_else(|_| Value::from(text)),
    }
}

// ---------------------------------------------------------------------------------------------
// Validating
// ---------------------------------------------------------------------------------------------

/// The validation errors of `yaml` under `schema`, each as "instance path: message".
fn errors(schema: &Value, yaml: &str) -> Vec<String> {
    let validator = jsonschema::draft7::new(schema).expect("the schema compiles as draft-07");
    let instance = yaml_to_json(yaml);
    validator
        .iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn assert_valid(schema: &Value, yaml: &str, what: &str) {
    let errors = errors(schema, yaml);
    assert!(
        errors.is_empty(),
        "{what} should pass the schema:\n{}",
        errors.join("\n")
    );
}

/// Asserts that `yaml` fails the schema, and that some error is at `path`.
fn assert_invalid_at(schema: &Value, yaml: &str, path: &str) {
    let errors = errors(schema, yaml);
    assert!(
        errors.iter().any(|e| e.starts_with(&format!("{path}:"))),
        "expected an error at {path}, got {errors:#?}\nfor:\n{yaml}"
    );
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(repo().join(relative)).unwrap()
}

/// An enum's values that are strings.
fn strings(schema: &Value) -> Vec<&str> {
    schema["enum"]
        .as_array()
        .expect("an enum")
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The manifest schema
// ---------------------------------------------------------------------------------------------

#[test]
fn the_default_manifest_schema_is_draft_07_and_lists_the_bundled_policy() {
    let schema = schema(&[]);
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert!(
        jsonschema::meta::is_valid(&schema),
        "the schema is itself a valid JSON Schema"
    );
    assert!(schema["title"].as_str().unwrap().contains("anthropic-usage@2025-09-15"));
    assert_eq!(schema["required"], json!(["manifest"]));
    assert_eq!(schema["additionalProperties"], false);
    for (key, doc) in keys::MANIFEST {
        assert_eq!(schema["properties"][key]["description"], *doc, "{key}");
    }

    let categories = strings(&schema["definitions"]["category"]);
    for id in [
        "cyber.malware",
        "cyber.vulnerability-discovery",
        "politics.writing",
        "law-enforcement.biometric-monitoring",
        "high-risk.legal",
        "high-risk.employment",
    ] {
        assert!(categories.contains(&id), "{id} in {categories:?}");
    }
    let category = &schema["definitions"]["category"];
    let descriptions = category["markdownEnumDescriptions"].as_array().unwrap();
    assert_eq!(descriptions.len(), categories.len(), "one description per category");
    assert_eq!(
        strings(&schema["definitions"]["safeguard"]),
        ["human-in-the-loop", "ai-disclosure", "minor-safety", "directory-policy"]
    );

    let use_case = &schema["definitions"]["use-case"];
    assert_eq!(use_case["additionalProperties"], false);
    assert_eq!(use_case["required"], json!(["id", "categories"]));
    let audience = &use_case["properties"]["audience"];
    assert_eq!(strings(audience), ["consumer", "business"]);
    assert!(
        audience["description"]
            .as_str()
            .unwrap()
            .starts_with("Who the output reaches or is about")
    );
    assert_eq!(audience["default"], "consumer");
    for attribute in ["agentic", "chatbot", "minors"] {
        let values = &use_case["properties"][attribute]["enum"];
        for value in [json!(true), json!(false), json!("true"), json!("false")] {
            assert!(
                values.as_array().unwrap().contains(&value),
                "{value} in {attribute}: {values}"
            );
        }
    }
    assert_eq!(strings(&use_case["properties"]["consent"]), ["system-owner", "none"]);
}

#[test]
fn an_older_bundled_version_is_named_with_its_date() {
    let schema = schema(&["--policy", "anthropic-usage@2024-06-06"]);
    assert!(schema["title"].as_str().unwrap().contains("anthropic-usage@2024-06-06"));
}

#[test]
fn a_workspace_policy_brings_its_own_enums() {
    let schema = schema(&["--policy", "acme-assistant@2025-11-01", "--policy-path", "examples"]);
    let categories = strings(&schema["definitions"]["category"]);
    for id in ["support.refunds", "support.account-recovery", "high-risk.legal"] {
        assert!(categories.contains(&id), "{id} in {categories:?}");
    }
    assert_eq!(
        strings(&schema["definitions"]["safeguard"]),
        [
            "human-in-the-loop",
            "ai-disclosure",
            "minor-safety",
            "directory-policy",
            "audit-log"
        ]
    );
    let region = &schema["definitions"]["use-case"]["properties"]["region"];
    assert_eq!(strings(region), ["eu", "us", "other"]);
    assert!(
        region["description"]
            .as_str()
            .unwrap()
            .starts_with("Where the customers")
    );
    // A bare id means the newest version in effect.
    let bare = self::schema(&["--policy", "acme-assistant", "--policy-path", "examples"]);
    assert_eq!(bare, schema);
}

#[test]
fn a_group_category_is_accepted_and_described_as_one() {
    let schema = schema(&[]);
    let category = &schema["definitions"]["category"];
    let ids = strings(category);
    let at = ids.iter().position(|c| *c == "high-risk").expect("groups are listed");
    let doc = category["markdownEnumDescriptions"][at].as_str().unwrap();
    assert!(doc.contains("`high-risk.legal`"), "{doc}");
}

#[test]
fn unknown_policies_and_bad_input_exit_2_saying_what_to_do() {
    let stderr = usage_error(&["--policy", "acme-assistant"]);
    assert!(stderr.contains("`acme-assistant`"), "{stderr}");
    assert!(stderr.contains("--policy-path"), "{stderr}");
    assert!(
        stderr.contains("anthropic-usage@2025-09-15"),
        "lists the known ones: {stderr}"
    );

    let stderr = usage_error(&["--policy", "anthropic-usage@2020-01-01"]);
    assert!(stderr.contains("anthropic-usage@2020-01-01"), "{stderr}");

    let stderr = usage_error(&["--policy", "Not A Ref"]);
    assert!(stderr.contains("id@YYYY-MM-DD"), "{stderr}");

    let stderr = usage_error(&["--policy-path", "no-such-folder"]);
    assert!(stderr.contains("no-such-folder"), "{stderr}");

    let stderr = usage_error(&["--kind", "policy", "--policy", "anthropic-usage"]);
    assert!(stderr.contains("--kind manifest"), "{stderr}");

    usage_error(&["--kind", "neither"]);
}

#[test]
fn the_example_manifests_pass_their_policy_schema_where_charter_finds_no_schema_error() {
    let legacy = read("examples/legacy-campaign.usecases.yaml");
    let schema_2024 = schema(&["--policy", "anthropic-usage@2024-06-06"]);
    assert_valid(&schema_2024, &legacy, "legacy-campaign.usecases.yaml");

    // The support bot carries one deliberate mistake a schema can see (the rest are verdicts):
    // the category `high-risk.finacial`.
    let support = read("examples/support-bot.usecases.yaml");
    let acme = schema(&["--policy", "acme-assistant@2025-11-01", "--policy-path", "examples"]);
    assert_invalid_at(&acme, &support, "/use-cases/5/categories");
    let errors = errors(&acme, &support);
    assert!(
        errors.iter().all(|e| e.starts_with("/use-cases/5/categories")),
        "{errors:#?}"
    );
    let fixed = support.replace("high-risk.finacial", "high-risk.financial");
    assert_valid(&acme, &fixed, "support-bot.usecases.yaml with the typo fixed");
}

/// A manifest under the bundled policy with one use case made of `fields`.
fn manifest(fields: &str) -> String {
    format!("manifest: m\nuse-cases:\n  - id: x\n    categories: [high-risk.legal]\n{fields}")
}

#[test]
fn the_manifest_schema_rejects_what_charter_calls_unknown() {
    let schema = schema(&[]);
    assert_valid(&schema, &manifest(""), "a bare use case");
    assert_valid(
        &schema,
        &manifest("    audience: business\n    agentic: true\n"),
        "plain values",
    );
    assert_valid(&schema, &manifest("    agentic: \"true\"\n"), "a quoted boolean value");
    assert_valid(
        &schema,
        "manifest: m\nowner: 42\nuse-cases:\n  - id: y\n    categories: cyber.defense\n    safeguards: ai-disclosure\n",
        "one category and one safeguard without a list, numeric owner",
    );
    assert_valid(&schema, "manifest: m\nuse-cases:\n", "a list still being written");

    assert_invalid_at(&schema, &manifest("    audience: consumers\n"), "/use-cases/0/audience");
    assert_invalid_at(&schema, &manifest("    agentic: yes\n"), "/use-cases/0/agentic");
    assert_invalid_at(&schema, &manifest("    regon: eu\n"), "/use-cases/0");
    assert_invalid_at(
        &schema,
        &manifest("    safeguards: [human-review]\n"),
        "/use-cases/0/safeguards",
    );
    assert_invalid_at(
        &schema,
        "manifest: m\nuse-cases:\n  - id: x\n    categories: []\n",
        "/use-cases/0/categories",
    );
    assert_invalid_at(&schema, "manifest: m\nuse-cases:\n  - id: x\n", "/use-cases/0");
    assert_invalid_at(&schema, "manifest: Acme_Bot\n", "/manifest");
    assert_invalid_at(&schema, "manifest: m\npolicy: acme@latest\n", "/policy");
    assert_invalid_at(&schema, "manifest: m\nownr: me\n", "");
    assert_invalid_at(&schema, "policy: anthropic-usage\n", "");
}

// ---------------------------------------------------------------------------------------------
// The policy schema
// ---------------------------------------------------------------------------------------------

#[test]
fn the_policy_schema_accepts_the_repositorys_policies() {
    let schema = schema(&["--kind", "policy"]);
    assert!(jsonschema::meta::is_valid(&schema));
    assert_eq!(schema["required"], json!(["policy", "version"]));
    assert_eq!(strings(&schema["properties"]["default"]), ["allow", "prohibit"]);
    let extends = schema["properties"]["extends"]["examples"].as_array().unwrap();
    assert!(extends.contains(&json!("anthropic-usage@2025-09-15")), "{extends:?}");
    for path in [
        "examples/acme.policy.yaml",
        "policies/anthropic-usage/2024-06-06.policy.yaml",
        "policies/anthropic-usage/2025-09-15.policy.yaml",
    ] {
        assert_valid(&schema, &read(path), path);
    }
}

#[test]
fn the_policy_schema_rejects_malformed_keywords_ids_and_rules() {
    let schema = schema(&["--kind", "policy"]);
    let policy = |body: &str| format!("policy: p\nversion: 2025-11-01\n{body}");
    let rule = |fields: &str| policy(&format!("rules:\n  - id: r\n    categories: [c]\n{fields}"));
    assert_valid(
        &schema,
        &policy("attributes:\nsafeguards:\n  hitl:\nrules:\n"),
        "empty blocks",
    );
    assert_valid(
        &schema,
        &rule("    effect: require\n    safeguards: hitl\n"),
        "a require rule",
    );
    assert_valid(
        &schema,
        &policy("sections:\n  s:\n    text: { en: a, zh-CN: b }\n"),
        "text per locale",
    );

    assert_invalid_at(&schema, &policy("default: deny\n"), "/default");
    assert_invalid_at(&schema, "policy: p\nversion: 2025-13-01\n", "/version");
    assert_invalid_at(&schema, &policy("extends: acme@latest\n"), "/extends");
    assert_invalid_at(&schema, &policy("categories:\n  High_Risk: {}\n"), "/categories");
    assert_invalid_at(
        &schema,
        &policy("attributes:\n  summary: { values: [a], default: a }\n"),
        "/attributes",
    );
    assert_invalid_at(&schema, &policy("attributes:\n  a: { values: [x] }\n"), "/attributes/a");
    assert_invalid_at(&schema, &policy("categories:\n  c: { sumary: x }\n"), "/categories/c");
    assert_invalid_at(&schema, &rule("    effect: forbid\n"), "/rules/0/effect");
    assert_invalid_at(&schema, &rule("    effect: require\n"), "/rules/0");
    assert_invalid_at(
        &schema,
        &rule("    effect: allow\n    safeguards: [hitl]\n"),
        "/rules/0/safeguards",
    );
}
