//! The GitHub Action's check step (`integrations/github-action/charter-action.sh check`, which
//! `action.yml` runs) on this machine, with the environment a GitHub runner gives a step: the
//! annotations on standard output, the outputs file, the job summary, the exit status, and the
//! SARIF file it writes, validated against the official SARIF 2.1.0 schema. The build step
//! (`cargo install`) is tested by `tests/integrations/github-action.sh`.
#![cfg(unix)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

#[path = "support/sarif_schema.rs"]
mod sarif_schema;
mod support;

use support::{SHADOWED_POLICY, charter, repo};

const TODAY: &str = "2026-01-01";

/// A runner's folders: the workspace (the checkout), RUNNER_TEMP and the files GITHUB_OUTPUT and
/// GITHUB_STEP_SUMMARY name. Removed on drop.
struct Runner {
    root: PathBuf,
}

impl Runner {
    fn new(tag: &str) -> Runner {
        let root = std::env::temp_dir().join(format!("charter-action-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for dir in ["workspace", "temp", "tool-cache", "files"] {
            std::fs::create_dir_all(root.join(dir)).expect("create runner folder");
        }
        Runner { root }
    }

    fn workspace(&self) -> PathBuf {
        self.root.join("workspace")
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.workspace().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).expect("create folder");
        std::fs::write(path, text).expect("write file");
    }

    /// Copies the repository's examples/ into the workspace at `rel`.
    fn examples_at(&self, rel: &str) {
        for entry in std::fs::read_dir(repo().join("examples")).expect("examples/") {
            let path = entry.expect("entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            self.write(
                &format!("{rel}/{name}"),
                &std::fs::read_to_string(&path).expect("read example"),
            );
        }
    }

    /// Runs the check step with `inputs` (INPUT_* variables, as action.yml passes them).
    fn check(&self, inputs: &[(&str, &str)]) -> Step {
        let files = self.root.join("files");
        let (output, summary) = (files.join("output"), files.join("summary"));
        std::fs::write(&output, "").unwrap();
        std::fs::write(&summary, "").unwrap();
        let mut cmd = Command::new("bash");
        cmd.arg(repo().join("integrations/github-action/charter-action.sh"))
            .arg("check")
            .current_dir(self.workspace())
            .stdin(Stdio::null())
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_ACTION_PATH", repo())
            .env("GITHUB_WORKSPACE", self.workspace())
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("RUNNER_TEMP", self.root.join("temp"))
            .env("RUNNER_TOOL_CACHE", self.root.join("tool-cache"))
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("INPUT_CHARTER", env!("CARGO_BIN_EXE_charter"))
            .env("INPUT_TODAY", TODAY)
            .env_remove("CHARTER_ROOT");
        for name in [
            "PATHS",
            "WORKING_DIRECTORY",
            "DENY_WARNINGS",
            "POLICY_PATH",
            "SARIF_FILE",
            "REPORT_SUMMARY",
            "REPORT_FILE",
            "REPORT_AGAINST",
        ] {
            cmd.env_remove(format!("INPUT_{name}"));
        }
        for (name, value) in inputs {
            cmd.env(format!("INPUT_{name}"), value);
        }
        let out = cmd.output().expect("bash runs");
        let outputs = std::fs::read_to_string(&output)
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Step {
            code: out.status.code().expect("the step exits"),
            stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            outputs,
            summary: std::fs::read_to_string(&summary).unwrap(),
        }
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[derive(Debug)]
struct Step {
    code: i32,
    stdout: String,
    stderr: String,
    outputs: HashMap<String, String>,
    summary: String,
}

impl Step {
    /// The workflow commands on standard output that annotate files.
    fn annotations(&self) -> Vec<&str> {
        self.stdout
            .lines()
            .filter(|l| l.starts_with("::") && l.contains(" file="))
            .collect()
    }

    fn output(&self, name: &str) -> &str {
        self.outputs
            .get(name)
            .unwrap_or_else(|| panic!("no output {name}: {self:#?}"))
    }

    /// The SARIF file the step wrote, validated against the official schema.
    fn sarif(&self) -> Value {
        let path = self.output("sarif-file");
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
        let log: Value = serde_json::from_str(&text).expect("the SARIF file is JSON");
        sarif_schema::assert_valid(&sarif_schema::validator(), &log, path);
        log
    }
}

/// `charter check --format github ARGS` run directly in `cwd`: what the action must print.
fn direct_github(cwd: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["check", "--format", "github", "--today", TODAY];
    all.extend_from_slice(args);
    charter(cwd, &all).stdout.lines().map(str::to_owned).collect()
}

fn uris(log: &Value) -> Vec<String> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// The examples in a subfolder, checked through working-directory: annotations, outputs,
/// summary and SARIF all name the files by their path in the repository.
#[test]
fn the_examples_in_a_working_directory() {
    let runner = Runner::new("examples");
    runner.examples_at("config/charter");
    let step = runner.check(&[("WORKING_DIRECTORY", "config/charter"), ("PATHS", ".")]);
    assert_eq!(step.code, 1, "{step:#?}");

    // Exactly what charter prints for the same files from the repository root.
    let expected = direct_github(&runner.workspace(), &["config/charter"]);
    assert_eq!(expected.len(), 6, "{expected:#?}");
    assert_eq!(step.annotations(), expected, "{step:#?}");
    assert!(
        expected.iter().any(|l| l.starts_with(
            "::error file=config/charter/support-bot.usecases.yaml,line=30,col=9,endLine=30,endColumn=31,title=missing-safeguard::use case `warranty-rights-advice` owes `ai-disclosure`"
        )),
        "{expected:#?}"
    );

    let sarif_file = runner.root.join("temp/charter.sarif");
    assert_eq!(step.output("sarif-file"), sarif_file.to_str().unwrap());
    assert_eq!(step.output("errors"), "5");
    assert_eq!(step.output("warnings"), "0");
    assert_eq!(step.output("notes"), "1");
    assert_eq!(step.output("exit-code"), "1");

    let log = step.sarif();
    let uris = uris(&log);
    assert_eq!(uris.len(), 6);
    for uri in &uris {
        assert!(uri.starts_with("config/charter/"), "{uri}");
        assert!(
            runner.workspace().join(uri).is_file(),
            "{uri} is no file of the workspace"
        );
    }

    assert!(step.summary.starts_with("### Charter\n"), "{}", step.summary);
    assert!(
        step.summary
            .contains("**5** errors, **0** warnings, **1** notes (exit status 1)"),
        "{}",
        step.summary
    );
    assert!(
        step.summary.contains(
            "| error | `config/charter/support-bot.usecases.yaml:48:18` | `unknown-category` | unknown category `high-risk.finacial`"
        ),
        "{}",
        step.summary
    );
}

#[test]
fn the_report_goes_to_the_job_summary_and_to_a_page_to_upload() {
    let runner = Runner::new("report");
    runner.examples_at("examples");
    let step = runner.check(&[
        ("REPORT_SUMMARY", "true"),
        ("REPORT_FILE", "out/charter-report.html"),
        ("REPORT_AGAINST", "anthropic-usage@2024-06-06"),
    ]);
    // The report does not change the gate: check's status and diagnostics stand.
    assert_eq!(step.code, 1, "{step:#?}");
    assert_eq!(step.output("errors"), "5");
    let (check_part, report_part) = step
        .summary
        .split_once("## Charter report")
        .unwrap_or_else(|| panic!("the report follows check's summary: {}", step.summary));
    assert!(check_part.starts_with("### Charter\n"), "{}", step.summary);
    assert!(report_part.contains("`warranty-rights-advice`"), "{}", step.summary);
    assert!(
        report_part.contains("changes** from `anthropic-usage@2024-06-06`"),
        "{}",
        step.summary
    );
    let page = runner.workspace().join("out/charter-report.html");
    assert_eq!(step.output("report-file"), page.to_str().unwrap());
    let html = std::fs::read_to_string(&page).expect("the page was written");
    assert!(
        html.contains("data-use-case=\"op-ed-drafting\""),
        "the page of the workspace's use cases"
    );
    assert!(
        html.contains("id=\"changes\""),
        "with the changes report-against asks for"
    );

    let plain = runner.check(&[]);
    assert!(
        !plain.summary.contains("Charter report"),
        "no report unless asked: {}",
        plain.summary
    );
    assert!(!plain.outputs.contains_key("report-file"));
    let wrong = runner.check(&[("REPORT_SUMMARY", "yes")]);
    assert_eq!(wrong.code, 2);
    assert!(
        wrong.stdout.contains("report-summary is `yes`: write true or false"),
        "{wrong:#?}"
    );
}

/// With the default inputs Charter checks the whole workspace, and paths carry no `./`.
#[test]
fn default_inputs_check_the_workspace() {
    let runner = Runner::new("defaults");
    runner.examples_at(".");
    let step = runner.check(&[]);
    assert_eq!(step.code, 1, "{step:#?}");
    assert_eq!(step.annotations().len(), 6, "{step:#?}");
    assert!(
        step.annotations()
            .iter()
            .all(|a| a.contains(" file=") && !a.contains("file=./")),
        "{step:#?}"
    );
    assert!(uris(&step.sarif()).iter().all(|u| !u.starts_with("./")));
}

const GOOD: &str = "\
manifest: tutor
policy: anthropic-usage@2025-09-15
use-cases:
  - id: homework-help
    summary: Explains maths exercises to adult learners.
    categories: [general.education]
";

#[test]
fn a_clean_workspace_passes_with_an_empty_log() {
    let runner = Runner::new("clean");
    runner.write("tutor.usecases.yaml", GOOD);
    let step = runner.check(&[]);
    assert_eq!(step.code, 0, "{step:#?}");
    assert!(step.annotations().is_empty(), "{step:#?}");
    assert_eq!(
        (
            step.output("errors"),
            step.output("warnings"),
            step.output("notes"),
            step.output("exit-code")
        ),
        ("0", "0", "0", "0")
    );
    let log = step.sarif();
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    assert!(step.summary.contains("No problems"), "{}", step.summary);
}

#[test]
fn deny_warnings_fails_on_a_warning() {
    let runner = Runner::new("warning");
    runner.write("shadow.policy.yaml", SHADOWED_POLICY);
    let lenient = runner.check(&[]);
    assert_eq!(lenient.code, 0, "{lenient:#?}");
    assert_eq!(lenient.output("warnings"), "1", "{lenient:#?}");
    assert!(
        lenient.annotations()[0].starts_with("::warning file=shadow.policy.yaml,"),
        "{lenient:#?}"
    );
    let strict = runner.check(&[("DENY_WARNINGS", "true")]);
    assert_eq!(strict.code, 1, "{strict:#?}");
    assert_eq!(strict.output("exit-code"), "1");
    assert!(strict.stdout.contains("(deny-warnings is on)"), "{strict:#?}");
}

/// Paths one per line (with spaces in them), a policy folder of their own, and a SARIF file
/// where the workflow asks for it.
#[test]
fn several_paths_a_policy_path_and_a_sarif_file() {
    let runner = Runner::new("lists");
    runner.write("team a/tutor.usecases.yaml", GOOD);
    runner.write("team b/legacy.usecases.yaml", &GOOD.replace("tutor", "legacy"));
    runner.write(
        "unchecked/bad.usecases.yaml",
        "manifest: x\npolicy: nowhere\nuse-cases: []\n",
    );
    runner.write("shared policies/shadow.policy.yaml", SHADOWED_POLICY);
    let step = runner.check(&[
        ("PATHS", "team a\n  team b/legacy.usecases.yaml  \n"),
        ("POLICY_PATH", "shared policies\n"),
        ("SARIF_FILE", "reports/charter.sarif"),
    ]);
    assert_eq!(step.code, 0, "{step:#?}");
    assert_eq!(
        step.output("sarif-file"),
        runner.workspace().join("reports/charter.sarif").to_str().unwrap()
    );
    // The extra policies are loaded but not reported; the unlisted folder is not checked.
    assert!(step.annotations().is_empty(), "{step:#?}");
    assert!(step.stdout.contains("--policy-path shared policies"), "{step:#?}");
    step.sarif();
}

/// Each wrong input is named, with what to do, as an error annotation; the status is 2.
#[test]
fn wrong_inputs_are_named() {
    let runner = Runner::new("wrong");
    runner.write("tutor.usecases.yaml", GOOD);
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[("DENY_WARNINGS", "yes")],
            "deny-warnings is `yes`: write true or false",
        ),
        (
            &[("CHARTER", "/nowhere/charter")],
            "the charter program `/nowhere/charter` does not exist or cannot be run",
        ),
        (
            &[("CHARTER", "no-such-charter-program")],
            "`no-such-charter-program`, which is not on PATH",
        ),
        (
            &[("WORKING_DIRECTORY", "missing")],
            "working-directory `missing` is not a folder",
        ),
    ];
    for (inputs, message) in cases {
        let step = runner.check(inputs);
        assert_eq!(step.code, 2, "{inputs:?}: {step:#?}");
        let error = step
            .stdout
            .lines()
            .find(|l| l.starts_with("::error title=Charter::"))
            .unwrap_or_else(|| {
                panic!("{inputs:?}: no error annotation: {step:#?}");
            });
        assert!(error.contains(message), "{inputs:?}: {error}");
    }
}

/// A path that does not exist: charter's own message, and exit status 2 as an output.
#[test]
fn a_missing_path_fails_with_charters_message() {
    let runner = Runner::new("missing");
    let step = runner.check(&[("PATHS", "policies")]);
    assert_eq!(step.code, 2, "{step:#?}");
    assert_eq!(step.output("exit-code"), "2");
    assert!(step.stderr.contains("cannot read `policies`"), "{step:#?}");
    assert!(
        step.stdout
            .contains("::error title=Charter::charter could not check `policies` (exit status 2)"),
        "{step:#?}"
    );
}
