//! End-to-end tests of the `charter` command line (SPEC §4–§5): the built binary is spawned on
//! the repository's `examples/` and `policies/` folders and on small folders written to a
//! temporary directory, and its output, in every format, and its exit status are checked as a
//! user or a CI script would see them.
//!
//! Expected places in the example files are computed from their text (the line that holds an
//! id, the column where it starts), so editing the examples' comments does not break the tests.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use support::{Run, SHADOWED_POLICY, TempDir, charter, charter_with_env, in_repo, repo};

/// The day every test judges as of, unless it is about `--today` itself.
const TODAY: &str = "2026-01-01";

// ---------------------------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------------------------

/// `charter check --format json ARGS` in `cwd`: the parsed array and the run.
fn json_check(cwd: &Path, args: &[&str]) -> (Vec<Value>, Run) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let run = charter(cwd, &all);
    run.assert_no_crash();
    let value: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is one JSON document ({e}):\n{}", run.stdout));
    let Value::Array(elements) = value else {
        panic!("stdout is a JSON array:\n{}", run.stdout)
    };
    (elements, run)
}

fn sarif_check(cwd: &Path, args: &[&str]) -> (Value, Run) {
    let mut all = vec!["check", "--format", "sarif"];
    all.extend_from_slice(args);
    let run = charter(cwd, &all);
    run.assert_no_crash();
    let value: Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("SARIF output is JSON ({e}):\n{}", run.stdout));
    (value, run)
}

// ---------------------------------------------------------------------------------------------
// Places in files
// ---------------------------------------------------------------------------------------------

/// A 1-based (line, column) start and end, columns in Unicode characters.
type Place = ((u64, u64), (u64, u64));

/// Where `needle` stands right after `prefix` on the first line (that is not a comment) holding
/// `prefix` + `needle`: the range of `needle`.
fn locate(text: &str, prefix: &str, needle: &str) -> Place {
    let wanted = format!("{prefix}{needle}");
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim_start().starts_with('#') {
            continue;
        }
        if let Some(at) = line.find(&wanted) {
            let column = line[..at + prefix.len()].chars().count() as u64 + 1;
            let line = i as u64 + 1;
            return ((line, column), (line, column + needle.chars().count() as u64));
        }
    }
    panic!("`{wanted}` is on no line of:\n{text}");
}

fn read(path: impl AsRef<Path>) -> String {
    let path = repo().join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The place of an element's (or a related entry's) `range`.
fn place(element: &Value) -> Place {
    let at = |end: &str| {
        let point = &element["range"][end];
        (
            point["line"].as_u64().expect("line is a number"),
            point["column"].as_u64().expect("column is a number"),
        )
    };
    (at("start"), at("end"))
}

fn str_of<'v>(element: &'v Value, key: &str) -> &'v str {
    element[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is a string in {element}"))
}

/// (path, code, severity, place) of every element, for comparing as a set.
fn summary(elements: &[Value]) -> BTreeSet<(String, String, String, Place)> {
    elements
        .iter()
        .map(|e| {
            (
                str_of(e, "path").to_owned(),
                str_of(e, "code").to_owned(),
                str_of(e, "severity").to_owned(),
                place(e),
            )
        })
        .collect()
}

fn find<'e>(elements: &'e [Value], code: &str, path: &str) -> Vec<&'e Value> {
    elements
        .iter()
        .filter(|e| e["code"] == code && e["path"] == path)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// What `charter check examples` reports (examples/README.md)
// ---------------------------------------------------------------------------------------------

const ACME: &str = "examples/acme.policy.yaml";
const SUPPORT: &str = "examples/support-bot.usecases.yaml";
const LEGACY: &str = "examples/legacy-campaign.usecases.yaml";
const BUNDLED_2025: &str = "policies/anthropic-usage/2025-09-15.policy.yaml";
const BUNDLED_2024: &str = "policies/anthropic-usage/2024-06-06.policy.yaml";

struct Expected {
    path: &'static str,
    code: &'static str,
    severity: &'static str,
    place: Place,
    /// Words the message must contain.
    message: &'static [&'static str],
    /// The bundled file and rule id the one related entry points at, if any.
    related: Option<(&'static str, &'static str)>,
}

fn examples_expected() -> Vec<Expected> {
    let acme = read(ACME);
    let support = read(SUPPORT);
    let legacy = read(LEGACY);
    vec![
        Expected {
            path: ACME,
            code: "layer-violation",
            severity: "error",
            place: locate(&acme, "- id: ", "us-ballot-outreach"),
            message: &[
                "us-ballot-outreach",
                "politics.campaign-targeting",
                "no-voter-campaign-targeting",
            ],
            related: Some((BUNDLED_2025, "no-voter-campaign-targeting")),
        },
        Expected {
            path: SUPPORT,
            code: "missing-safeguard",
            severity: "error",
            place: locate(&support, "- id: ", "warranty-rights-advice"),
            message: &["warranty-rights-advice", "ai-disclosure"],
            related: Some((BUNDLED_2025, "high-risk-consumer-safeguards")),
        },
        Expected {
            path: SUPPORT,
            code: "prohibited-use",
            severity: "error",
            place: locate(&support, "categories: [", "cyber.vulnerability-discovery"),
            message: &[
                "storefront-scanner",
                "cyber.vulnerability-discovery",
                "no-malicious-cyber",
            ],
            related: Some((BUNDLED_2025, "no-malicious-cyber")),
        },
        Expected {
            path: SUPPORT,
            code: "unknown-category",
            severity: "error",
            place: locate(&support, "categories: [", "high-risk.finacial"),
            message: &["high-risk.finacial", "did you mean `high-risk.financial`"],
            related: None,
        },
        Expected {
            path: LEGACY,
            code: "superseded-policy",
            severity: "hint",
            place: locate(&legacy, "policy: ", "anthropic-usage@2024-06-06"),
            message: &["anthropic-usage@2024-06-06", "anthropic-usage@2025-09-15"],
            related: None,
        },
        Expected {
            path: LEGACY,
            code: "prohibited-use",
            severity: "error",
            place: locate(&legacy, "categories: [", "politics.writing"),
            message: &["op-ed-drafting", "politics.writing", "no-political-campaigns"],
            related: Some((BUNDLED_2024, "no-political-campaigns")),
        },
    ]
}

#[test]
fn check_examples_human_output_names_every_problem_with_its_place() {
    let run = in_repo(&["check", "examples", "--today", TODAY]);
    run.expect_code(1);
    let out = &run.stdout;
    assert!(!out.contains('\x1b'), "no colour when not on a terminal:\n{out}");
    // Each report is followed by a blank line; the summary comes last.
    let blocks: Vec<&str> = out.split("\n\n").filter(|b| !b.trim().is_empty()).collect();
    let (summary, reports) = blocks.split_last().expect("some output");
    assert_eq!(summary.trim_end(), "Found 5 errors, 1 hint.", "summary line:\n{out}");
    assert_eq!(reports.len(), 6, "six reports:\n{out}");
    for expected in examples_expected() {
        let ((line, column), _) = expected.place;
        let header = format!("{}[{}]: ", expected.severity, expected.code);
        let location = format!("--> {}:{line}:{column}", expected.path);
        let source_line = read(expected.path).lines().nth(line as usize - 1).unwrap().to_owned();
        let quoted = format!("{line} | {source_line}");
        let block = reports
            .iter()
            .find(|b| b.starts_with(&header) && b.contains(&location))
            .unwrap_or_else(|| panic!("a report `{header}` at `{location}` in:\n{out}"));
        assert!(block.contains(&quoted), "the report quotes `{quoted}`:\n{block}");
        for word in expected.message {
            let title = block.lines().next().unwrap();
            assert!(title.contains(word), "`{word}` in the title `{title}`");
        }
    }
    let prohibited = reports
        .iter()
        .filter(|b| b.starts_with("error[prohibited-use]"))
        .count();
    assert_eq!(prohibited, 2, "prohibited-use twice:\n{out}");
}

#[test]
fn check_examples_json_reports_exactly_the_documented_diagnostics() {
    let (elements, run) = json_check(&repo(), &["examples", "--today", TODAY]);
    run.expect_code(1);
    let expected = examples_expected();
    let want: BTreeSet<_> = expected
        .iter()
        .map(|e| (e.path.to_owned(), e.code.to_owned(), e.severity.to_owned(), e.place))
        .collect();
    assert_eq!(summary(&elements), want, "nothing else is reported:\n{}", run.stdout);
    assert_eq!(elements.len(), expected.len(), "no duplicates:\n{}", run.stdout);
    for e in &expected {
        let element = elements
            .iter()
            .find(|x| x["code"] == e.code && x["path"] == e.path && place(x) == e.place)
            .unwrap();
        let message = str_of(element, "message");
        for word in e.message {
            assert!(message.contains(word), "`{word}` in the message `{message}`");
        }
        let related = element["related"].as_array().unwrap();
        match e.related {
            None => assert!(related.is_empty(), "no related places: {element}"),
            Some((bundled, rule)) => {
                assert_eq!(related.len(), 1, "one related place: {element}");
                let r = &related[0];
                let path = str_of(r, "path");
                let file_name = Path::new(bundled).file_name().unwrap().to_str().unwrap();
                assert!(
                    path.starts_with("<bundled>/") && path.ends_with(file_name),
                    "a related place in the bundled policy is `<bundled>/…{file_name}`, not `{path}`"
                );
                assert_eq!(
                    place(r),
                    locate(&read(bundled), "- id: ", rule),
                    "related place: rule `{rule}`'s id in {bundled}"
                );
                assert!(str_of(r, "message").contains(rule), "{r}");
            }
        }
    }
    // "1 use case changes verdict under it".
    let superseded = find(&elements, "superseded-policy", LEGACY)[0];
    let words: Vec<&str> = str_of(superseded, "message")
        .split(|c: char| !c.is_alphanumeric())
        .collect();
    assert!(words.contains(&"1"), "the count of changing use cases: {superseded}");
}

/// Keys exactly as SPEC §5 lists them, 1-based numbers, a known severity.
fn assert_json_shape(elements: &[Value]) {
    fn keys(v: &Value) -> Vec<&str> {
        let mut keys: Vec<&str> = v
            .as_object()
            .unwrap_or_else(|| panic!("an object: {v}"))
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        keys
    }
    fn assert_range(range: &Value) {
        assert_eq!(keys(range), ["end", "start"], "{range}");
        for end in ["start", "end"] {
            assert_eq!(keys(&range[end]), ["column", "line"], "{range}");
            for k in ["line", "column"] {
                let n = range[end][k]
                    .as_u64()
                    .unwrap_or_else(|| panic!("{k} is an integer: {range}"));
                assert!(n >= 1, "{k} is 1-based: {range}");
            }
        }
        let (start, end) = (
            (range["start"]["line"].as_u64(), range["start"]["column"].as_u64()),
            (range["end"]["line"].as_u64(), range["end"]["column"].as_u64()),
        );
        assert!(start <= end, "a range does not end before it starts: {range}");
    }
    for element in elements {
        assert_eq!(
            keys(element),
            ["code", "message", "path", "range", "related", "severity"],
            "{element}"
        );
        for k in ["path", "code", "message"] {
            assert!(!str_of(element, k).is_empty(), "{k} is a non-empty string: {element}");
        }
        assert!(
            !str_of(element, "message").contains('\n'),
            "a one-line message: {element}"
        );
        let severity = str_of(element, "severity");
        assert!(["error", "warning", "info", "hint"].contains(&severity), "{element}");
        assert_range(&element["range"]);
        for related in element["related"].as_array().expect("related is an array") {
            assert_eq!(keys(related), ["message", "path", "range"], "{related}");
            str_of(related, "path");
            str_of(related, "message");
            assert_range(&related["range"]);
        }
    }
}

#[test]
fn json_elements_have_exactly_the_specified_keys() {
    let (elements, _) = json_check(&repo(), &["examples", "--today", TODAY]);
    assert!(!elements.is_empty());
    assert_json_shape(&elements);
    let dir = mixed_folder();
    let (elements, _) = json_check(&dir.path, &["mixed", "--today", TODAY]);
    assert!(elements.len() >= 4, "errors, a warning and hints: {elements:?}");
    assert_json_shape(&elements);
    let dir = odd_folder();
    let (elements, _) = json_check(&dir.path, &["odd", "--today", TODAY]);
    assert!(!elements.is_empty());
    assert_json_shape(&elements);
}

// ---------------------------------------------------------------------------------------------
// Columns in Unicode characters
// ---------------------------------------------------------------------------------------------

/// Manifests with non-ASCII text before (and inside) the offending node on the same line.
fn unicode_folder() -> (TempDir, Vec<(String, String, &'static str, Place)>) {
    let dir = TempDir::new("unicode");
    let mut expected = Vec::new();
    let mut add = |name: &str, text: &str, code: &'static str, prefix: &str, needle: &str| {
        dir.write(&format!("uni/{name}"), text);
        expected.push((
            format!("uni/{name}"),
            text.to_owned(),
            code,
            locate(text, prefix, needle),
        ));
    };
    // CJK and emoji on the line above: the column is unaffected.
    let block = "manifest: m\nuse-cases:\n  - id: x\n    summary: 中文😀 text\n    categories: [cyber.malwre]\n";
    add(
        "block.usecases.yaml",
        block,
        "unknown-category",
        "categories: [",
        "cyber.malwre",
    );
    // CJK and an emoji (one character, two UTF-16 units, four bytes) earlier on the same line.
    let flow = "manifest: m\nuse-cases:\n  - {summary: 中文😀, categories: [cyber.malwre], id: x}\n";
    add(
        "flow.usecases.yaml",
        flow,
        "unknown-category",
        "categories: [",
        "cyber.malwre",
    );
    // A non-ASCII key earlier on the line, itself an unknown key.
    let key = "manifest: m\nuse-cases:\n  - {id: y, 说明: 😀😀, categories: [cyber.malwre]}\n";
    add("key.usecases.yaml", key, "unknown-key", "id: y, ", "说明");
    add(
        "key.usecases.yaml",
        key,
        "unknown-category",
        "categories: [",
        "cyber.malwre",
    );
    // An emoji inside the offending node: its end is one character after the emoji's start.
    let inside = "manifest: m\nuse-cases:\n  - {summary: é🎉, categories: [cyber.mal🎉ware], id: z}\n";
    add(
        "inside.usecases.yaml",
        inside,
        "unknown-category",
        "categories: [",
        "cyber.mal🎉ware",
    );
    // CRLF line breaks and an escape that looks longer than what it stands for.
    let crlf = "manifest: m\r\nuse-cases:\r\n  - {summary: \"é\\u00e9\", categories: [cyber.malwre], id: w}\r\n";
    add(
        "crlf.usecases.yaml",
        crlf,
        "unknown-category",
        "categories: [",
        "cyber.malwre",
    );
    (dir, expected)
}

#[test]
fn json_columns_are_counted_in_unicode_characters() {
    let (dir, expected) = unicode_folder();
    let (elements, run) = json_check(&dir.path, &["uni", "--today", TODAY]);
    run.expect_code(1);
    // Spot-check the arithmetic on the flow line: 14 + 3 characters (22 bytes) + 15 before it.
    let flow = expected.iter().find(|e| e.0.ends_with("flow.usecases.yaml")).unwrap();
    assert_eq!(flow.3, ((3, 33), (3, 45)));
    let got = summary(&elements);
    let want: BTreeSet<_> = expected
        .iter()
        .map(|(path, _, code, place)| (path.clone(), code.to_string(), "error".to_owned(), *place))
        .collect();
    assert_eq!(got, want, "\n{}", run.stdout);

    // The human report points at the same places.
    let human = charter(&dir.path, &["check", "uni", "--today", TODAY]);
    human.expect_code(1);
    for (path, _, code, ((line, column), _)) in &expected {
        let location = format!("--> {path}:{line}:{column}");
        let found = human
            .stdout
            .split("\n\n")
            .any(|b| b.starts_with(&format!("error[{code}]")) && b.contains(&location));
        assert!(found, "`error[{code}]` at `{location}` in:\n{}", human.stdout);
    }
}

#[test]
fn a_utf8_byte_order_mark_is_not_a_column() {
    // Editors do not show the BOM; `manifst` starts at column 1 for the user.
    let dir = TempDir::new("bom");
    dir.write("bom/m.usecases.yaml", "\u{feff}manifst: m\nuse-cases: []\n");
    let (elements, run) = json_check(&dir.path, &["bom", "--today", TODAY]);
    run.expect_code(1);
    let unknown = find(&elements, "unknown-key", "bom/m.usecases.yaml");
    assert_eq!(unknown.len(), 1, "{}", run.stdout);
    assert_eq!(place(unknown[0]), ((1, 1), (1, 8)), "{}", run.stdout);
}

// ---------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------

#[test]
fn json_path_is_the_given_path_joined_with_the_file_below_it() {
    let (elements, _) = json_check(&repo(), &["examples", "--today", TODAY]);
    let paths: BTreeSet<&str> = elements.iter().map(|e| str_of(e, "path")).collect();
    assert_eq!(paths, BTreeSet::from([ACME, LEGACY, SUPPORT]));

    let (elements, _) = json_check(&repo(), &["./examples/", "--today", TODAY]);
    for e in &elements {
        let path = str_of(e, "path");
        assert!(path.starts_with("./examples/") && !path.contains("//"), "{path}");
    }

    // A file given directly keeps its path exactly.
    let (elements, run) = json_check(&repo(), &[ACME, "--today", TODAY]);
    run.expect_code(1);
    assert_eq!(elements.len(), 1, "{}", run.stdout);
    assert_eq!(elements[0]["path"], ACME);
    assert_eq!(elements[0]["code"], "layer-violation");

    // An absolute folder: absolute paths, nested folders included.
    let dir = TempDir::new("abs");
    dir.write(
        "deep/er/m.usecases.yaml",
        "manifest: m\nuse-cases:\n  - {id: x, categories: [cyber.malwre]}\n",
    );
    let root = dir.path.join("deep");
    let (elements, run) = json_check(&repo(), &[root.to_str().unwrap(), "--today", TODAY]);
    run.expect_code(1);
    assert_eq!(elements.len(), 1, "{}", run.stdout);
    let want = root.join("er").join("m.usecases.yaml");
    assert_eq!(elements[0]["path"], want.to_str().unwrap());
}

#[test]
fn check_without_a_path_checks_the_current_folder() {
    let dir = TempDir::new("cwd");
    dir.write(
        "m.usecases.yaml",
        "manifest: m\nuse-cases:\n  - {id: x, categories: [cyber.malwre]}\n",
    );
    let (elements, run) = json_check(&dir.path, &["--today", TODAY]);
    run.expect_code(1);
    assert_eq!(elements.len(), 1, "{}", run.stdout);
    assert_eq!(elements[0]["code"], "unknown-category");
    assert!(str_of(&elements[0], "path").ends_with("m.usecases.yaml"));
}

// ---------------------------------------------------------------------------------------------
// SARIF and GitHub formats agree with JSON
// ---------------------------------------------------------------------------------------------

/// A policy with two `allow` rules either of which could go: hints only.
const REDUNDANT_POLICY: &str = "\
policy: hint-demo
version: 2025-01-01
categories:
  a:
    summary: A group.
  a.one:
    summary: First child.
rules:
  - id: allow-a
    effect: allow
    categories: [a]
  - id: allow-one
    effect: allow
    categories: [a.one]
";

/// Pinned to the superseded bundled version, with a use case both versions allow: one hint.
const SUPERSEDED_MANIFEST: &str = "\
manifest: old-pin
policy: anthropic-usage@2024-06-06
use-cases:
  - id: hardening
    summary: Harden our own servers.
    categories: [cyber.defense]
";

/// Errors, a warning and hints, with non-ASCII text, under `mixed/`.
fn mixed_folder() -> TempDir {
    let dir = TempDir::new("mixed");
    dir.write("mixed/shadow.policy.yaml", SHADOWED_POLICY);
    dir.write("mixed/hint.policy.yaml", REDUNDANT_POLICY);
    dir.write("mixed/old.usecases.yaml", SUPERSEDED_MANIFEST);
    dir.write(
        "mixed/sub/bad.usecases.yaml",
        "manifest: bad\nuse-cases:\n  - {summary: 中文😀, categories: [cyber.malwre], id: x}\n  - id: y\n    categories: [cyber.malware]\n",
    );
    dir
}

fn sarif_level(severity: &str) -> &'static str {
    match severity {
        "error" => "error",
        "warning" => "warning",
        "info" | "hint" => "note",
        other => panic!("unknown severity {other}"),
    }
}

fn region_place(location: &Value) -> Place {
    let region = &location["physicalLocation"]["region"];
    let n = |k: &str| region[k].as_u64().unwrap_or_else(|| panic!("{k} in {region}"));
    ((n("startLine"), n("startColumn")), (n("endLine"), n("endColumn")))
}

/// (code, level, path, place, related places) per JSON element, as SARIF should carry them.
type Comparable = (String, String, String, Place, Vec<Place>);

fn assert_sarif_matches_json(cwd: &Path, args: &[&str]) {
    let (elements, json_run) = json_check(cwd, args);
    let (log, sarif_run) = sarif_check(cwd, args);
    assert_eq!(sarif_run.code(), json_run.code(), "same exit status in both formats");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "charter");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("driver.rules")
        .iter()
        .map(|r| r["id"].as_str().expect("rule id"))
        .collect();
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), elements.len(), "as many SARIF results as JSON elements");
    let mut from_sarif: Vec<Comparable> = results
        .iter()
        .map(|r| {
            let id = r["ruleId"].as_str().expect("ruleId");
            assert!(rules.contains(&id), "ruleId `{id}` is among driver.rules");
            if let Some(index) = r.get("ruleIndex").and_then(Value::as_u64) {
                assert_eq!(rules[index as usize], id, "ruleIndex points at its rule");
            }
            let locations = r["locations"].as_array().expect("locations");
            assert_eq!(locations.len(), 1);
            let uri = locations[0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .expect("uri")
                .to_owned();
            let related = r
                .get("relatedLocations")
                .and_then(Value::as_array)
                .map(|rs| rs.iter().map(region_place).collect())
                .unwrap_or_default();
            (
                id.to_owned(),
                r["level"].as_str().expect("level").to_owned(),
                uri,
                region_place(&locations[0]),
                related,
            )
        })
        .collect();
    let mut from_json: Vec<Comparable> = elements
        .iter()
        .map(|e| {
            (
                str_of(e, "code").to_owned(),
                sarif_level(str_of(e, "severity")).to_owned(),
                str_of(e, "path").to_owned(),
                place(e),
                e["related"].as_array().unwrap().iter().map(place).collect(),
            )
        })
        .collect();
    from_sarif.sort();
    from_json.sort();
    assert_eq!(from_sarif, from_json);
}

#[test]
fn sarif_agrees_with_json_on_the_examples() {
    assert_sarif_matches_json(&repo(), &["examples", "--today", TODAY]);
}

#[test]
fn sarif_agrees_with_json_on_warnings_hints_and_unicode() {
    let dir = mixed_folder();
    let (elements, _) = json_check(&dir.path, &["mixed", "--today", TODAY]);
    let severities: BTreeSet<&str> = elements.iter().map(|e| str_of(e, "severity")).collect();
    assert_eq!(severities, BTreeSet::from(["error", "warning", "hint"]), "{elements:?}");
    assert_sarif_matches_json(&dir.path, &["mixed", "--today", TODAY]);
    let (dir, _) = unicode_folder();
    assert_sarif_matches_json(&dir.path, &["uni", "--today", TODAY]);
}

#[test]
fn sarif_on_a_clean_folder_is_a_valid_empty_log() {
    let (log, run) = sarif_check(&repo(), &["policies", "--today", TODAY]);
    run.expect_code(0);
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"][0]["tool"]["driver"]["name"], "charter");
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

/// `::command file=F,line=L,col=C,...::message` → (command, properties).
fn parse_workflow_command(line: &str) -> (String, Vec<(String, String)>) {
    let rest = line
        .strip_prefix("::")
        .unwrap_or_else(|| panic!("a workflow command: {line}"));
    let (head, _message) = rest.split_once("::").unwrap_or_else(|| panic!("`::message` in {line}"));
    let (command, properties) = head.split_once(' ').unwrap_or((head, ""));
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or_else(|| panic!("`key=value` in {line}"));
            (k.to_owned(), v.to_owned())
        })
        .collect();
    (command.to_owned(), properties)
}

fn assert_github_matches_json(cwd: &Path, args: &[&str]) {
    let (elements, json_run) = json_check(cwd, args);
    let mut all = vec!["check", "--format", "github"];
    all.extend_from_slice(args);
    let run = charter(cwd, &all);
    assert_eq!(run.code(), json_run.code(), "same exit status in both formats");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), elements.len(), "one line per diagnostic:\n{}", run.stdout);
    let mut from_github: Vec<(String, String, u64, u64)> = lines
        .iter()
        .map(|line| {
            let (command, properties) = parse_workflow_command(line);
            let get = |k: &str| {
                properties
                    .iter()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| panic!("`{k}=` in {line}"))
            };
            let number = |k: &str| {
                get(k)
                    .parse::<u64>()
                    .unwrap_or_else(|_| panic!("{k} is a number: {line}"))
            };
            (command, get("file"), number("line"), number("col"))
        })
        .collect();
    let mut from_json: Vec<(String, String, u64, u64)> = elements
        .iter()
        .map(|e| {
            let command = match str_of(e, "severity") {
                "error" => "error",
                "warning" => "warning",
                _ => "notice",
            };
            let ((line, column), _) = place(e);
            (command.to_owned(), str_of(e, "path").to_owned(), line, column)
        })
        .collect();
    from_github.sort();
    from_json.sort();
    assert_eq!(from_github, from_json, "\n{}", run.stdout);
}

#[test]
fn github_format_has_one_command_per_diagnostic() {
    assert_github_matches_json(&repo(), &["examples", "--today", TODAY]);
    let run = in_repo(&["check", "--format", "github", "examples", "--today", TODAY]);
    let errors = run.stdout.lines().filter(|l| l.starts_with("::error file=")).count();
    assert_eq!(errors, 5, "five errors:\n{}", run.stdout);
    let dir = mixed_folder();
    assert_github_matches_json(&dir.path, &["mixed", "--today", TODAY]);
    let (dir, _) = unicode_folder();
    assert_github_matches_json(&dir.path, &["uni", "--today", TODAY]);
}

#[test]
fn every_format_exits_1_on_the_examples() {
    for format in ["human", "json", "sarif", "github"] {
        in_repo(&["check", "examples", "--format", format, "--today", TODAY]).expect_code(1);
    }
}

// ---------------------------------------------------------------------------------------------
// Exit status
// ---------------------------------------------------------------------------------------------

#[test]
fn exit_0_and_no_diagnostics_on_a_clean_folder() {
    let dir = TempDir::new("clean");
    // Fine under the bundled policy's newest version (2025-09-15 on TODAY).
    dir.write(
        "clean/desk.usecases.yaml",
        "manifest: research-desk\nuse-cases:\n  - id: poll-analysis\n    summary: Analyse published opinion polls.\n    categories: [politics.research]\n  - id: contract-review\n    summary: Review supplier contracts for our legal team.\n    categories: [high-risk.legal]\n    audience: business\n",
    );
    dir.write(
        "clean/tiny.policy.yaml",
        "policy: tiny\nversion: 2025-01-01\ncategories:\n  a:\n    summary: A.\n  b:\n    summary: B.\nrules:\n  - id: no-a\n    effect: prohibit\n    categories: [a]\n",
    );
    let (elements, run) = json_check(&dir.path, &["clean", "--today", TODAY]);
    run.expect_code(0);
    assert!(elements.is_empty(), "{}", run.stdout);
    let run = charter(&dir.path, &["check", "clean", "--today", TODAY]);
    run.expect_code(0);
    assert_eq!(run.stdout.trim_end(), "No problems found.");
    charter(&dir.path, &["check", "clean", "--deny-warnings", "--today", TODAY]).expect_code(0);
    // Each file on its own, too.
    charter(&dir.path, &["check", "clean/desk.usecases.yaml", "--today", TODAY]).expect_code(0);
    charter(&dir.path, &["check", "clean/tiny.policy.yaml", "--today", TODAY]).expect_code(0);
}

#[test]
fn warnings_alone_exit_0_but_1_with_deny_warnings() {
    let dir = TempDir::new("warn");
    dir.write("warn/shadow.policy.yaml", SHADOWED_POLICY);
    let (elements, run) = json_check(&dir.path, &["warn", "--today", TODAY]);
    run.expect_code(0);
    assert_eq!(elements.len(), 1, "{}", run.stdout);
    let shadowed = &elements[0];
    assert_eq!(shadowed["code"], "shadowed-rule");
    assert_eq!(shadowed["severity"], "warning");
    assert_eq!(place(shadowed), locate(SHADOWED_POLICY, "- id: ", "prohibit-a"));
    let related: BTreeSet<Place> = shadowed["related"].as_array().unwrap().iter().map(place).collect();
    let want = BTreeSet::from([
        locate(SHADOWED_POLICY, "- id: ", "allow-one"),
        locate(SHADOWED_POLICY, "- id: ", "allow-two"),
    ]);
    assert_eq!(related, want, "related: the rules that override it");

    for format in ["human", "json", "sarif", "github"] {
        charter(&dir.path, &["check", "warn", "--format", format, "--today", TODAY]).expect_code(0);
        charter(
            &dir.path,
            &["check", "warn", "--format", format, "--deny-warnings", "--today", TODAY],
        )
        .expect_code(1);
    }
}

#[test]
fn hints_alone_exit_0_even_with_deny_warnings() {
    let dir = TempDir::new("hints");
    dir.write("hints/hint.policy.yaml", REDUNDANT_POLICY);
    dir.write("hints/old.usecases.yaml", SUPERSEDED_MANIFEST);
    let (elements, run) = json_check(&dir.path, &["hints", "--deny-warnings", "--today", TODAY]);
    run.expect_code(0);
    let codes: BTreeSet<&str> = elements.iter().map(|e| str_of(e, "code")).collect();
    assert_eq!(
        codes,
        BTreeSet::from(["redundant-rule", "superseded-policy"]),
        "{}",
        run.stdout
    );
    assert!(elements.iter().all(|e| e["severity"] == "hint"), "{}", run.stdout);
    let superseded = find(&elements, "superseded-policy", "hints/old.usecases.yaml")[0];
    assert_eq!(
        place(superseded),
        locate(SUPERSEDED_MANIFEST, "policy: ", "anthropic-usage@2024-06-06")
    );
    charter(&dir.path, &["check", "hints", "--deny-warnings", "--today", TODAY]).expect_code(0);
}

#[test]
fn today_decides_whether_a_policy_is_superseded() {
    let dir = TempDir::new("today");
    dir.write("t/old.usecases.yaml", SUPERSEDED_MANIFEST);
    let (elements, _) = json_check(&dir.path, &["t", "--today", TODAY]);
    assert_eq!(elements.len(), 1);
    assert_eq!(elements[0]["code"], "superseded-policy");
    // Before 2025-09-15 the newer version is not in effect yet.
    let (elements, run) = json_check(&dir.path, &["t", "--today", "2025-06-01"]);
    run.expect_code(0);
    assert!(elements.is_empty(), "{}", run.stdout);
}

#[test]
fn charter_ignore_suppresses_warnings_but_not_errors() {
    let dir = TempDir::new("ignore");
    let quiet = SHADOWED_POLICY.replace(
        "  - id: prohibit-a\n",
        "  # charter-ignore: shadowed-rule\n  - id: prohibit-a\n",
    );
    dir.write("ig/shadow.policy.yaml", quiet);
    let (elements, run) = json_check(&dir.path, &["ig", "--deny-warnings", "--today", TODAY]);
    run.expect_code(0);
    assert!(elements.is_empty(), "{}", run.stdout);
    dir.write(
        "ig/e.usecases.yaml",
        "manifest: m\nuse-cases:\n  - id: x\n    # charter-ignore: unknown-category\n    categories: [cyber.malwre]  # charter-ignore: unknown-category\n",
    );
    let (elements, run) = json_check(&dir.path, &["ig", "--today", TODAY]);
    run.expect_code(1);
    assert_eq!(elements.len(), 1, "{}", run.stdout);
    assert_eq!(elements[0]["code"], "unknown-category");
}

#[test]
fn exit_2_for_a_missing_path() {
    let dir = TempDir::new("missing");
    let run = charter(&dir.path, &["check", "no-such-folder", "--today", TODAY]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("no-such-folder"),
        "the error names the path:\n{}",
        run.stderr
    );
    // Also next to readable input with errors, and in every format.
    for format in ["human", "json", "sarif", "github"] {
        in_repo(&[
            "check",
            "examples",
            "no-such-folder",
            "--format",
            format,
            "--today",
            TODAY,
        ])
        .expect_code(2);
    }
    // A missing file given directly.
    charter(&dir.path, &["check", "gone.policy.yaml"]).expect_code(2);
}

#[test]
fn exit_2_for_an_unknown_flag() {
    for args in [
        &["--bogus"][..],
        &["check", "--bogus", "examples"],
        &["check", "examples", "--format", "xml"],
        &["explain", "high-risk.legal", "--bogus"],
        &[
            "diff",
            "anthropic-usage@2024-06-06",
            "anthropic-usage@2025-09-15",
            "--bogus",
        ],
        &["no-such-command"],
    ] {
        let run = in_repo(args);
        run.expect_code(2);
        assert!(!run.stderr.is_empty(), "`charter {}` says why", args.join(" "));
        assert!(
            run.stdout.is_empty(),
            "`charter {}` prints nothing to stdout",
            args.join(" ")
        );
    }
}

#[test]
fn exit_2_for_a_bad_today() {
    for args in [
        &["check", "examples", "--today", "notadate"][..],
        &["check", "examples", "--today", "2026-13-01"],
        &["explain", "high-risk.legal", "--today", "notadate"],
        &[
            "diff",
            "anthropic-usage@2024-06-06",
            "anthropic-usage@2025-09-15",
            "--today",
            "notadate",
        ],
    ] {
        let run = in_repo(args);
        run.expect_code(2);
        assert!(
            run.stderr.contains("--today"),
            "the error names the flag:\n{}",
            run.stderr
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Unreadable and odd input
// ---------------------------------------------------------------------------------------------

/// Files a parser could trip on, under `odd/`.
fn odd_folder() -> TempDir {
    let dir = TempDir::new("odd");
    dir.write(
        "odd/latin1.usecases.yaml",
        b"manifest: m\nuse-cases:\n  - id: x\n    summary: caf\xe9 \xff\xfe\n    categories: [politics.research]\n",
    );
    dir.write("odd/empty.policy.yaml", "");
    dir.write("odd/nul.usecases.yaml", "manifest: m\0\nuse-cases: []\n");
    dir.write("odd/deep.policy.yaml", "[".repeat(100_000));
    let noise: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    dir.write("odd/noise.policy.yaml", noise);
    dir
}

#[test]
fn invalid_utf8_is_a_yaml_syntax_error_not_a_crash() {
    let dir = TempDir::new("utf8");
    let text: &[u8] =
        b"manifest: m\nuse-cases:\n  - id: x\n    summary: caf\xe9 \xff\xfe\n    categories: [politics.research]\n";
    dir.write("u/latin1.usecases.yaml", text);
    let (elements, run) = json_check(&dir.path, &["u", "--today", TODAY]);
    run.expect_code(1);
    let syntax = find(&elements, "yaml-syntax", "u/latin1.usecases.yaml");
    assert!(!syntax.is_empty(), "a yaml-syntax error:\n{}", run.stdout);
    assert!(syntax.iter().all(|e| e["severity"] == "error"));
    // At the first bad byte: line 4, after `    summary: caf`.
    let ((line, column), _) = place(syntax[0]);
    assert_eq!((line, column), (4, 17), "{}", run.stdout);
    for format in ["human", "sarif", "github"] {
        charter(&dir.path, &["check", "u", "--format", format, "--today", TODAY]).expect_code(1);
    }
}

#[test]
fn odd_files_never_crash_any_format() {
    let dir = odd_folder();
    for format in ["human", "json", "sarif", "github"] {
        let run = charter(&dir.path, &["check", "odd", "--format", format, "--today", TODAY]);
        run.expect_code(1);
    }
    let (elements, _) = json_check(&dir.path, &["odd", "--today", TODAY]);
    for file in [
        "latin1.usecases.yaml",
        "nul.usecases.yaml",
        "deep.policy.yaml",
        "noise.policy.yaml",
    ] {
        let path = format!("odd/{file}");
        assert!(
            !find(&elements, "yaml-syntax", &path).is_empty(),
            "yaml-syntax in {path}: {elements:?}"
        );
    }
}

#[test]
fn an_empty_policy_file_is_missing_key() {
    let dir = TempDir::new("empty");
    dir.write("e/empty.policy.yaml", "");
    dir.write("e/empty.usecases.yaml", "");
    let (elements, run) = json_check(&dir.path, &["e", "--today", TODAY]);
    run.expect_code(1);
    for path in ["e/empty.policy.yaml", "e/empty.usecases.yaml"] {
        let missing = find(&elements, "missing-key", path);
        assert!(!missing.is_empty(), "missing-key in {path}:\n{}", run.stdout);
        for e in missing {
            assert_eq!(e["severity"], "error");
            assert_eq!(place(e).0, (1, 1), "at the start of the file: {e}");
        }
    }
    let policy = find(&elements, "missing-key", "e/empty.policy.yaml");
    assert!(
        policy.iter().any(|e| str_of(e, "message").contains("policy")),
        "{}",
        run.stdout
    );
    let manifest = find(&elements, "missing-key", "e/empty.usecases.yaml");
    assert!(
        manifest.iter().any(|e| str_of(e, "message").contains("manifest")),
        "{}",
        run.stdout
    );
    let codes: BTreeSet<&str> = elements.iter().map(|e| str_of(e, "code")).collect();
    assert_eq!(codes, BTreeSet::from(["missing-key"]), "{}", run.stdout);
}

#[test]
fn a_yaml_alias_bomb_finishes_quickly_with_yaml_syntax() {
    let dir = TempDir::new("bomb");
    // Billion laughs: nine levels of ten aliases each, 10^9 strings if expanded.
    let mut text = String::from("manifest: laughs\nlol: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..=9 {
        let previous = format!("*a{}", level - 1);
        let items = [previous.as_str(); 10].join(", ");
        text.push_str(&format!("l{level}: &a{level} [{items}]\n"));
    }
    text.push_str("use-cases: *a9\n");
    dir.write("b/laughs.usecases.yaml", &text);
    // The same bomb in a policy, behind an id.
    let policy = text
        .replace("manifest: laughs", "policy: laughs\nversion: 2025-01-01")
        .replace("use-cases: *a9", "categories: *a9");
    dir.write("b/laughs.policy.yaml", policy);
    let (elements, run) = json_check(&dir.path, &["b", "--today", TODAY]);
    run.expect_code(1);
    assert!(run.elapsed < Duration::from_secs(10), "took {:?}", run.elapsed);
    for path in ["b/laughs.usecases.yaml", "b/laughs.policy.yaml"] {
        assert!(
            !find(&elements, "yaml-syntax", path).is_empty(),
            "yaml-syntax in {path}:\n{}",
            run.stdout
        );
    }
    // The human renderer copes too.
    let run = charter(&dir.path, &["check", "b", "--today", TODAY]);
    run.expect_code(1);
    assert!(run.elapsed < Duration::from_secs(10), "took {:?}", run.elapsed);
}

#[test]
fn deep_nesting_is_yaml_syntax_not_a_stack_overflow() {
    let dir = TempDir::new("deep");
    let n = 100_000;
    dir.write("d/open.usecases.yaml", "[".repeat(n));
    dir.write(
        "d/closed.policy.yaml",
        format!("policy: {}{}\n", "[".repeat(n), "]".repeat(n)),
    );
    dir.write(
        "d/maps.policy.yaml",
        format!("policy: x\nversion: 2025-01-01\nrules: {}\n", "{a: ".repeat(n)),
    );
    let block: String = (0..1000).map(|i| format!("{}k{i}:\n", "  ".repeat(i))).collect();
    dir.write("d/block.usecases.yaml", block);
    let (elements, run) = json_check(&dir.path, &["d", "--today", TODAY]);
    run.expect_code(1);
    for file in [
        "open.usecases.yaml",
        "closed.policy.yaml",
        "maps.policy.yaml",
        "block.usecases.yaml",
    ] {
        let path = format!("d/{file}");
        assert!(
            !find(&elements, "yaml-syntax", &path).is_empty(),
            "yaml-syntax in {path}:\n{}",
            run.stdout
        );
    }
    for format in ["human", "sarif", "github"] {
        charter(&dir.path, &["check", "d", "--format", format, "--today", TODAY]).expect_code(1);
    }
}

// ---------------------------------------------------------------------------------------------
// explain
// ---------------------------------------------------------------------------------------------

/// The `url` of a section of the bundled 2025 policy.
/// The `url` of the section whose (English) title is `section_title`: `title: X`, or `en: X`
/// in a localized `title:` map.
fn section_url(section_title: &str) -> String {
    let text = read(BUNDLED_2025);
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .enumerate()
        .position(|(i, l)| {
            l.trim() == format!("title: {section_title}")
                || (l.trim() == format!("en: {section_title}") && i > 0 && lines[i - 1].trim() == "title:")
        })
        .unwrap_or_else(|| panic!("section `{section_title}` in the bundled policy"));
    lines[at + 1..]
        .iter()
        .find_map(|l| l.trim().strip_prefix("url: "))
        .expect("the section has a url")
        .to_owned()
}

#[test]
fn explain_high_risk_legal_owes_two_safeguards_for_consumers() {
    let run = in_repo(&["explain", "high-risk.legal", "--today", TODAY]);
    run.expect_code(0);
    let out = &run.stdout;
    assert!(
        out.contains("anthropic-usage@2025-09-15"),
        "the policy explained:\n{out}"
    );
    assert!(out.contains("high-risk.legal: allow"), "{out}");
    for safeguard in ["human-in-the-loop", "ai-disclosure"] {
        let owes = out
            .lines()
            .find(|l| l.contains("owes") && l.contains(&format!("`{safeguard}`")))
            .unwrap_or_else(|| panic!("owes `{safeguard}`:\n{out}"));
        assert!(
            owes.contains("high-risk-consumer-safeguards"),
            "the rule behind it: {owes}"
        );
    }
    assert!(
        out.contains("§ High-Risk Use Case Requirements"),
        "the section title:\n{out}"
    );
    assert!(
        out.contains(&section_url("High-Risk Use Case Requirements")),
        "the section's URL:\n{out}"
    );
    assert!(
        out.contains("Uses in domains vital to public welfare"),
        "the section text:\n{out}"
    );
    assert!(
        out.contains(
            "Note: `anthropic-usage@2025-09-15` is Charter's unofficial rendering of a published policy;\n\
             the official text its sections link is authoritative.\n"
        ),
        "the notice:\n{out}"
    );
    assert_eq!(
        out.matches("unofficial rendering").count(),
        1,
        "the notice once:\n{out}"
    );
}

#[test]
fn explain_for_business_owes_nothing() {
    let run = in_repo(&[
        "explain",
        "high-risk.legal",
        "--set",
        "audience=business",
        "--today",
        TODAY,
    ]);
    run.expect_code(0);
    assert!(run.stdout.contains("high-risk.legal: allow"), "{}", run.stdout);
    assert!(!run.stdout.contains("owes"), "nothing owed:\n{}", run.stdout);
    assert!(!run.stdout.contains("human-in-the-loop"), "{}", run.stdout);
}

#[test]
fn explain_quotes_the_section_in_the_locale_asked() {
    let run = in_repo(&["explain", "high-risk.legal", "--locale", "zh", "--today", TODAY]);
    run.expect_code(0);
    assert!(
        run.stdout.contains("§ 高风险使用案例要求"),
        "the Chinese title:\n{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("在事关公共福利和社会公平的领域中使用"),
        "the Chinese text:\n{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("Uses in domains vital to public welfare"),
        "{}",
        run.stdout
    );
    // A locale the section lacks falls back to English.
    let run = in_repo(&["explain", "high-risk.legal", "--locale", "fr", "--today", TODAY]);
    run.expect_code(0);
    assert!(
        run.stdout.contains("§ High-Risk Use Case Requirements")
            && run.stdout.contains("Uses in domains vital to public welfare"),
        "{}",
        run.stdout
    );
}

/// Chinese is wrapped by terminal columns (an ideograph takes two), between ideographs, never
/// inside `2025 年` and never before closing punctuation.
#[test]
fn explain_wraps_chinese_by_display_width() {
    use unicode_width::UnicodeWidthStr;
    let run = in_repo(&[
        "explain",
        "law-enforcement.censorship",
        "--locale",
        "zh",
        "--today",
        TODAY,
    ]);
    run.expect_code(0);
    let quoted: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("§ "))
        .skip(1)
        .collect();
    assert!(
        quoted.len() > 3,
        "the Chinese section is wrapped over several lines:\n{}",
        run.stdout
    );
    for line in &quoted {
        assert!(line.width() <= 94, "{} columns: {line}", line.width());
        assert!(
            !line.trim_start().starts_with(['，', '。', '、', '；', '：', '）']),
            "{line}"
        );
    }
    for pair in quoted.windows(2) {
        assert!(
            !(pair[0].ends_with("2025") && pair[1].trim_start().starts_with('年')),
            "{pair:?}"
        );
    }
    let text: String = quoted.iter().map(|l| l.trim()).collect();
    assert!(
        text.contains("2025 年的更新"),
        "nothing lost at the breaks:\n{}",
        run.stdout
    );
}

#[test]
fn explain_politics_writing_under_2024_is_prohibited_by_its_rule() {
    let run = in_repo(&[
        "explain",
        "politics.writing",
        "--policy",
        "anthropic-usage@2024-06-06",
        "--today",
        TODAY,
    ]);
    run.expect_code(0);
    assert!(run.stdout.contains("politics.writing: prohibit"), "{}", run.stdout);
    assert!(
        run.stdout.contains("decided by rule `no-political-campaigns`"),
        "the deciding rule:\n{}",
        run.stdout
    );
    assert!(run.stdout.contains("anthropic-usage@2024-06-06"), "{}", run.stdout);
}

#[test]
fn explain_defaults_to_the_newest_version_in_effect() {
    let run = in_repo(&["explain", "politics.writing", "--today", TODAY]);
    run.expect_code(0);
    assert!(run.stdout.contains("politics.writing: allow"), "{}", run.stdout);
    let run = in_repo(&["explain", "politics.writing", "--today", "2025-01-01"]);
    run.expect_code(0);
    assert!(run.stdout.contains("politics.writing: prohibit"), "{}", run.stdout);
    assert!(run.stdout.contains("anthropic-usage@2024-06-06"), "{}", run.stdout);
}

#[test]
fn explain_a_group_category_explains_each_leaf() {
    let run = in_repo(&["explain", "cyber", "--set", "consent=system-owner", "--today", TODAY]);
    run.expect_code(0);
    for line in [
        "cyber.malware: prohibit",
        "cyber.network-attack: prohibit",
        "cyber.infrastructure-compromise: prohibit",
        "cyber.vulnerability-discovery: allow",
        "cyber.defense: allow",
    ] {
        assert!(run.stdout.contains(line), "`{line}`:\n{}", run.stdout);
    }
}

#[test]
fn explain_an_unknown_category_exits_2_with_a_suggestion() {
    let run = in_repo(&["explain", "high-risk.legl", "--today", TODAY]);
    run.expect_code(2);
    assert!(run.stderr.contains("high-risk.legl"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `high-risk.legal`"), "{}", run.stderr);
}

#[test]
fn explain_a_bad_set_exits_2() {
    let run = in_repo(&[
        "explain",
        "high-risk.legal",
        "--set",
        "audience=nobody",
        "--today",
        TODAY,
    ]);
    run.expect_code(2);
    assert!(run.stderr.contains("nobody"), "{}", run.stderr);
    assert!(
        run.stderr.contains("consumer") && run.stderr.contains("business"),
        "the values: {}",
        run.stderr
    );
    in_repo(&["explain", "high-risk.legal", "--set", "nosuch=1", "--today", TODAY]).expect_code(2);
    in_repo(&["explain", "high-risk.legal", "--set", "audience", "--today", TODAY]).expect_code(2);
    in_repo(&[
        "explain",
        "high-risk.legal",
        "--policy",
        "nope@2020-01-01",
        "--today",
        TODAY,
    ])
    .expect_code(2);
}

// ---------------------------------------------------------------------------------------------
// diff
// ---------------------------------------------------------------------------------------------

#[test]
fn diff_2024_to_2025_lists_the_changes_and_the_use_cases_they_touch() {
    let run = in_repo(&[
        "diff",
        "anthropic-usage@2024-06-06",
        "anthropic-usage@2025-09-15",
        "examples",
        "--today",
        TODAY,
    ]);
    run.expect_code(0);
    let out = &run.stdout;
    let lines: Vec<&str> = out.lines().map(str::trim).collect();
    for category in [
        "politics.research",
        "politics.civic-education",
        "politics.writing",
        "politics.advocacy",
        "politics.lobbying",
    ] {
        let line = lines
            .iter()
            .find(|l| l.starts_with(category) && l.contains('→'))
            .unwrap_or_else(|| panic!("a change of `{category}`:\n{out}"));
        assert_eq!(*line, format!("{category}: prohibit → allow"));
    }
    for category in [
        "high-risk.legal",
        "high-risk.healthcare",
        "high-risk.insurance",
        "high-risk.financial",
        "high-risk.employment",
        "high-risk.housing",
        "high-risk.academic-testing",
        "high-risk.journalism",
    ] {
        let changes: Vec<&&str> = lines
            .iter()
            .filter(|l| l.starts_with(&format!("{category} ")) || l.starts_with(&format!("{category}:")))
            .collect();
        assert_eq!(changes.len(), 1, "one change of `{category}`:\n{out}");
        // Only for business, and still allowed: the safeguards are no longer owed.
        assert_eq!(
            *changes[0],
            format!("{category} with audience=business: allow, no longer owes human-in-the-loop, ai-disclosure")
        );
    }
    // A safeguard owed only by the new version.
    assert!(lines.contains(&"mcp-server: allow, now owes directory-policy"), "{out}");
    // What both versions prohibit does not change.
    for unchanged in [
        "politics.deception",
        "politics.voter-targeting",
        "cyber.malware",
        "cyber.defense",
    ] {
        assert!(!out.contains(unchanged), "`{unchanged}` does not change:\n{out}");
    }
    let op_ed = lines
        .iter()
        .find(|l| l.contains("op-ed-drafting"))
        .unwrap_or_else(|| panic!("the use case `op-ed-drafting` changes:\n{out}"));
    assert!(op_ed.contains(LEGACY), "with its file: {op_ed}");
    let (before, after) = op_ed.split_once('→').unwrap();
    assert!(before.contains("prohibit") && after.contains("allow"), "{op_ed}");
    assert!(!out.contains("campaign-site-hardening"), "allowed in both:\n{out}");
}

#[test]
fn diff_lists_the_expectations_the_new_version_breaks() {
    let dir = TempDir::new("expect");
    dir.write(
        "tests.usecases.yaml",
        "manifest: tests\npolicy: anthropic-usage\nuse-cases:\n  \
         - { id: civic, categories: [politics.civic-education], expect: prohibited }\n  \
         - { id: malware, categories: [cyber.malware], expect: prohibited }\n  \
         - { id: hiring, categories: [high-risk.employment], audience: business, expect-owes: [human-in-the-loop, ai-disclosure] }\n  \
         - { id: untested, categories: [politics.research] }\n",
    );
    let run = charter(
        &dir.path,
        &[
            "diff",
            "anthropic-usage@2024-06-06",
            "anthropic-usage@2025-09-15",
            ".",
            "--today",
            TODAY,
        ],
    );
    run.expect_code(0);
    let out = &run.stdout;
    let (_, broken) = out.split_once("Expectations the new version breaks:").expect(out);
    let lines: Vec<&str> = broken.lines().map(str::trim).filter(|l| l.contains('`')).collect();
    assert_eq!(
        lines,
        [
            "./tests.usecases.yaml: `civic` expects prohibited, gets allow",
            "./tests.usecases.yaml: `hiring` expects allowed owing human-in-the-loop, ai-disclosure, gets allow",
        ],
        "{out}"
    );
    assert!(out.ends_with("2 expectations the new version breaks.\n"), "{out}");
}

#[test]
fn diff_of_a_version_with_itself_changes_nothing() {
    let run = in_repo(&[
        "diff",
        "anthropic-usage@2025-09-15",
        "anthropic-usage@2025-09-15",
        "examples",
        "--today",
        TODAY,
    ]);
    run.expect_code(0);
    // Only the header (`Comparing `a` → `b``) has an arrow.
    assert!(run.stdout.lines().skip(1).all(|l| !l.contains('→')), "{}", run.stdout);
}

#[test]
fn diff_with_an_unknown_policy_exits_2() {
    let run = in_repo(&[
        "diff",
        "anthropic-usage@2024-06-06",
        "nope@2020-01-01",
        "--today",
        TODAY,
    ]);
    run.expect_code(2);
    assert!(run.stderr.contains("nope@2020-01-01"), "{}", run.stderr);
    in_repo(&["diff", "not a ref", "anthropic-usage@2025-09-15"]).expect_code(2);
}

// ---------------------------------------------------------------------------------------------
// Help, version, bundled policies
// ---------------------------------------------------------------------------------------------

#[test]
fn help_for_each_subcommand_exits_0_and_names_its_options() {
    let cases: [(&str, &[&str]); 3] = [
        (
            "check",
            &["--format", "--deny-warnings", "--today", "--policy-path", "PATH"],
        ),
        ("explain", &["--policy", "--set", "--locale", "--today", "CATEGORY"]),
        ("diff", &["--today", "OLD", "NEW", "PATH"]),
    ];
    for (command, options) in cases {
        let run = in_repo(&[command, "--help"]);
        run.expect_code(0);
        for option in options {
            assert!(
                run.stdout.contains(option),
                "`charter {command} --help` mentions {option}:\n{}",
                run.stdout
            );
        }
        in_repo(&["help", command]).expect_code(0);
    }
    let run = in_repo(&["--help"]);
    run.expect_code(0);
    for command in ["check", "explain", "diff"] {
        assert!(run.stdout.contains(command), "{}", run.stdout);
    }
}

#[test]
fn version_is_printed() {
    for flag in ["--version", "-V"] {
        let run = in_repo(&[flag]);
        run.expect_code(0);
        assert_eq!(run.stdout.trim_end(), "charter 0.1.0");
    }
}

#[test]
fn the_bundled_policies_check_clean() {
    let (elements, run) = json_check(&repo(), &["policies", "--today", TODAY]);
    run.expect_code(0);
    assert_eq!(run.stdout.trim(), "[]");
    assert!(elements.is_empty());
    let run = in_repo(&["check", "policies", "--deny-warnings", "--today", TODAY]);
    run.expect_code(0);
    assert_eq!(run.stdout.trim_end(), "No problems found.");
}

// ---------------------------------------------------------------------------------------------
// Links to the user's guide: SARIF `helpUri`, `--docs-url`, `explain-code`
// ---------------------------------------------------------------------------------------------

/// Each SARIF rule's `helpUri` is its code's page under `base`, and every code is a rule.
fn assert_help_uris(log: &Value, base: &str) {
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().expect("rules");
    let codes: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let all: Vec<&str> = charter::diagnostic::Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(codes, all);
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert_eq!(rule["helpUri"], format!("{base}codes/{id}.html"), "{rule}");
    }
}

#[test]
fn sarif_rules_link_the_code_pages_of_the_published_guide_or_of_docs_url() {
    let default = charter::diagnostic::DEFAULT_DOCS_URL;
    let (log, run) = sarif_check(&repo(), &["examples", "--today", TODAY]);
    run.expect_code(1);
    assert_help_uris(&log, default);

    let run = in_repo(&[
        "check",
        "examples",
        "--format",
        "sarif",
        "--today",
        TODAY,
        "--docs-url",
        "https://mirror.example/charter",
    ]);
    run.expect_code(1);
    assert_help_uris(
        &serde_json::from_str(&run.stdout).unwrap(),
        "https://mirror.example/charter/",
    );

    let env = [("CHARTER_DOCS_URL", "file:///srv/charter-book")];
    let run = charter_with_env(
        &repo(),
        &["check", "examples", "--format", "sarif", "--today", TODAY],
        &env,
    );
    run.expect_code(1);
    assert_help_uris(&serde_json::from_str(&run.stdout).unwrap(), "file:///srv/charter-book/");

    // The flag wins over the variable.
    let args = [
        "check",
        "examples",
        "--format",
        "sarif",
        "--today",
        TODAY,
        "--docs-url",
        "https://a.example/",
    ];
    let run = charter_with_env(&repo(), &args, &env);
    assert_help_uris(&serde_json::from_str(&run.stdout).unwrap(), "https://a.example/");
}

#[test]
fn a_docs_url_that_is_no_address_is_bad_usage() {
    for bad in ["docs", "https://a.example/x?y=1", "ftp://a.example/"] {
        let run = in_repo(&["check", "examples", "--docs-url", bad]);
        run.expect_code(2);
        assert!(
            run.stderr.contains("--docs-url") && run.stderr.contains(bad),
            "{}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
}

#[test]
fn explain_code_prints_the_page_of_the_guide() {
    let page = std::fs::read_to_string(repo().join("docs/src/codes/layer-violation.md")).unwrap();
    let run = in_repo(&["explain-code", "layer-violation"]);
    run.expect_code(0);
    assert!(run.stdout.starts_with("# layer-violation\n"), "{}", run.stdout);
    // Every line of the page is printed: code blocks indented, prose as written (lines with a
    // link or bold text are rewritten, so only the others are compared word for word).
    let mut fenced = false;
    for line in page.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if fenced {
            assert!(run.stdout.contains(&format!("    {line}")), "{line:?}\n{}", run.stdout);
        } else if !line.contains('[') && !line.contains("**") && !line.starts_with("<!--") {
            assert!(run.stdout.contains(line), "{line:?}\n{}", run.stdout);
        }
    }
    assert!(
        run.stdout.contains("error[layer-violation]: rule `malware-research`"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("<!--"), "generator markers are not printed");
    assert!(!run.stdout.contains("```"), "fences are not printed");
    // Links into the book become addresses under the docs URL; the page's own address ends it.
    let default = charter::diagnostic::DEFAULT_DOCS_URL;
    assert!(
        run.stdout.contains(&format!("<{default}layering.html>")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .trim_end()
            .ends_with(&format!("{default}codes/layer-violation.html")),
        "{}",
        run.stdout
    );
    let run = in_repo(&[
        "explain-code",
        "layer-violation",
        "--docs-url",
        "https://mirror.example/c/",
    ]);
    assert!(
        run.stdout.contains("<https://mirror.example/c/layering.html>"),
        "{}",
        run.stdout
    );
}

#[test]
fn explain_code_of_an_unknown_code_suggests_the_nearest_and_exits_2() {
    let run = in_repo(&["explain-code", "layer-violaton"]);
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("`layer-violaton` is not a diagnostic code")
            && run.stderr.contains("did you mean `layer-violation`?"),
        "{}",
        run.stderr
    );
    let run = in_repo(&["explain-code", "banana"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("`charter explain-code` with no code lists every code"),
        "{}",
        run.stderr
    );
}

#[test]
fn explain_code_without_a_code_lists_every_code() {
    let run = in_repo(&["explain-code"]);
    run.expect_code(0);
    for code in charter::diagnostic::Code::ALL {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.split_whitespace().next() == Some(code.as_str())),
            "`{code}` is listed:\n{}",
            run.stdout
        );
    }
}

#[test]
fn the_human_report_points_at_explain_code() {
    let run = in_repo(&["check", "examples", "--today", TODAY]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("charter explain-code layer-violation"),
        "{}",
        run.stderr
    );
    let dir = TempDir::new("clean-hint");
    dir.write(
        "ok.usecases.yaml",
        "manifest: ok\nuse-cases:\n  - id: a\n    categories: [cyber.defense]\n",
    );
    let run = charter(&dir.path, &["check", ".", "--today", TODAY]);
    run.expect_code(0);
    assert!(
        !run.stderr.contains("explain-code"),
        "nothing to explain: {}",
        run.stderr
    );
}
