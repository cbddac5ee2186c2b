//! The formatter's promises, over every file the repository has: the fixtures, the examples,
//! the bundled policies and the fuzz corpus (each text formatted as both kinds of file). For
//! every text it formats: formatting again changes nothing; `charter check --format json` says
//! the same of the formatted text as of the original, once lines and columns are set aside;
//! every comment is still there. A text with a YAML syntax error is refused. And through the
//! binary: `charter fmt --check` passes on the examples and bundled policies, which are kept
//! formatted, and fails with a diff on a file that is not.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use charter::check::Context;
use charter::cli::render::{Format, Source, render};
use charter::diagnostic::FileId;
use charter::format::part::{parts, whole_lines};
use charter::format::{Refusal, format};
use charter::ide::formatting;
use charter::syntax::{Limits, parse};
use charter::text::TextRange;
use charter::text::decode;
use charter::workspace::{FileKind, Workspace};
use serde_json::Value;
use support::{TempDir, charter, in_repo, repo};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every text to format, with its name and kind.
fn corpus() -> Vec<(String, String, FileKind)> {
    let mut texts = Vec::new();
    for folder in ["tests/fixtures", "examples", "policies"] {
        let mut paths = Vec::new();
        walk(&repo().join(folder), &mut paths);
        for path in paths {
            let name = path.display().to_string();
            let Some(kind) = FileKind::of_path(&name) else { continue };
            let bytes = std::fs::read(&path).unwrap();
            texts.push((name, decode(&bytes).0.into_owned(), kind));
        }
    }
    let mut paths = Vec::new();
    walk(&repo().join("fuzz/corpus"), &mut paths);
    for path in paths {
        let bytes = std::fs::read(&path).unwrap();
        // An `engine` input is `policy NUL manifest [NUL today]`; any part is a text to format.
        for (i, part) in bytes.split(|&b| b == 0).take(2).enumerate() {
            let (text, _) = decode(part);
            for kind in [FileKind::Policy, FileKind::Manifest] {
                texts.push((
                    format!("{} part {i} as {kind:?}", path.display()),
                    text.to_string(),
                    kind,
                ));
            }
        }
    }
    texts
}

/// `charter check --format json` of `text` alone, each diagnostic without its line and column
/// (which formatting moves), sorted.
fn check_json(base: &Workspace, text: &str, kind: FileKind) -> Vec<Value> {
    let mut ws = base.clone();
    let path = match kind {
        FileKind::Policy => "input.policy.yaml",
        FileKind::Manifest => "input.usecases.yaml",
    };
    let id = ws.add(path.into(), text.into(), kind, false);
    let cx = Context::new(ws, charter::model::Date::parse("2026-01-01").unwrap());
    let results = vec![(id, cx.check_file(id))];
    let sources = |f: FileId| Source::of(&cx.ws, f);
    let mut out = Vec::new();
    render(
        Format::Json,
        &results,
        &sources,
        false,
        "https://example.org/",
        &mut out,
    )
    .unwrap();
    let Value::Array(mut items) = serde_json::from_slice(&out).unwrap() else {
        panic!("not an array")
    };
    for item in &mut items {
        strip_positions(item);
    }
    items.sort_by_key(|v| v.to_string());
    items
}

fn strip_positions(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.remove("range");
            map.values_mut().for_each(strip_positions);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_positions),
        _ => {}
    }
}

/// The comments alone on their lines, trimmed.
fn comment_lines(text: &str) -> Vec<&str> {
    text.lines().map(str::trim).filter(|l| l.starts_with('#')).collect()
}

#[test]
fn formatting_is_idempotent_keeps_diagnostics_and_comments_over_the_corpus() {
    let base = Workspace::with_bundled();
    let (mut formatted, mut changed, mut unsupported, mut syntax) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for (name, text, kind) in corpus() {
        let has_syntax_error = !parse(&text, &Limits::default()).diagnostics.is_empty();
        let out = match format(&text, kind) {
            Ok(out) => out,
            Err(Refusal::Syntax(_)) if has_syntax_error => {
                syntax += 1;
                continue;
            }
            Err(Refusal::Unsupported(_)) if !has_syntax_error => {
                unsupported += 1;
                continue;
            }
            Err(r) => {
                failures.push(format!("{name}: refused: {}", r.reason()));
                continue;
            }
        };
        formatted += 1;
        if has_syntax_error {
            failures.push(format!("{name}: formatted despite a syntax error"));
        }
        match format(&out, kind) {
            Ok(again) if again == out => {}
            Ok(again) => failures.push(format!("{name}: not idempotent:\n{out}\n---- then ----\n{again}")),
            Err(r) => failures.push(format!("{name}: its output is refused: {}\n{out}", r.reason())),
        }
        let kept = comment_lines(&out);
        if let Some(lost) = comment_lines(&text).into_iter().find(|c| !kept.contains(c)) {
            failures.push(format!("{name}: lost the comment `{lost}`"));
        }
        if out != text {
            changed += 1;
            let (before, after) = (check_json(&base, &text, kind), check_json(&base, &out, kind));
            if before != after {
                failures.push(format!(
                    "{name}: diagnostics differ\n{text}\n---- formatted ----\n{out}\n{before:#?}\n{after:#?}"
                ));
            }
        }
    }
    eprintln!(
        "formatted {formatted} texts ({changed} changed), {unsupported} unsupported, {syntax} with syntax errors"
    );
    // Every failure in full, for debugging: `CHARTER_FORMAT_FAILURES=/tmp/f.txt cargo test ...`.
    if let Ok(dump) = std::env::var("CHARTER_FORMAT_FAILURES") {
        std::fs::write(dump, failures.join("\n=========\n")).unwrap();
    }
    assert!(
        formatted > 1000 && changed > 100,
        "the corpus should exercise the formatter"
    );
    assert!(
        failures.is_empty(),
        "{} failures, the first ones:\n{}",
        failures.len(),
        failures.iter().take(5).cloned().collect::<Vec<_>>().join("\n\n")
    );
}

/// Manifests and the example policy as a user edits them (comments, flow maps, block text,
/// CRLF, half-typed YAML): the formatter's check of its own output never fails, formatting is
/// idempotent, and the diagnostics do not change.
#[test]
fn randomly_edited_files_format_safely() {
    let base = Workspace::with_bundled();
    let example = std::fs::read_to_string(repo().join("examples/acme.policy.yaml")).unwrap();
    let rounds: usize = std::env::var("CHARTER_FORMAT_ROUNDS").map_or(400, |n| n.parse().unwrap());
    let mut rng = charter::testing::Rng(0x5555_6666);
    let mut formatted = 0;
    for round in 0..rounds {
        let (mut text, kind) = match round % 2 {
            0 => (charter::testing::random_manifest(&mut rng), FileKind::Manifest),
            _ => (example.clone(), FileKind::Policy),
        };
        for _ in 0..1 + rng.below(4) {
            let (start, end, inserted) = charter::testing::random_manifest_edit(&mut rng, &text);
            text.replace_range(start..end, &inserted);
        }
        let out = match format(&text, kind) {
            Ok(out) => out,
            Err(Refusal::Internal(why)) => panic!("round {round}: {why}\n{text}"),
            Err(_) => continue,
        };
        formatted += 1;
        assert_eq!(format(&out, kind).ok().as_ref(), Some(&out), "round {round}:\n{text}");
        assert_eq!(
            check_json(&base, &text, kind),
            check_json(&base, &out, kind),
            "round {round}:\n{text}\n---- formatted ----\n{out}"
        );
    }
    assert!(formatted > rounds / 4, "only {formatted} of {rounds} formatted");
}

/// Range formatting over random ranges of the corpus: applying the edits never changes the
/// file's meaning (the formatted edited text is the formatted original, which the formatter's
/// own check vouches for), and a one-line range in a top-level key changes no other key.
#[test]
fn range_formatting_over_random_ranges_keeps_the_meaning() {
    let mut rng = charter::testing::Rng(0x7777_1234);
    let mut checked = 0;
    // Ranges that got no edit, some of the edits, all of them.
    let mut outcomes = [0; 3];
    let mut within_key = 0;
    for (name, text, kind) in corpus() {
        let Ok(formatted) = format(&text, kind) else { continue };
        if formatted == text {
            continue;
        }
        let tree = parse(&text, &Limits::default()).tree;
        let top_level: Vec<TextRange> = parts(&tree)
            .into_iter()
            .filter(|(place, _)| place.len() == 1)
            .map(|(_, r)| whole_lines(&text, r))
            .filter(|lines| text[lines.start..].starts_with(|c: char| !c.is_whitespace() && c != '{'))
            .collect();
        for round in 0..4 {
            // A span anywhere, or one line (what a selection in an editor mostly is).
            let boundary = |at: usize| (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap();
            let mut ends = [rng.below(text.len() + 1), rng.below(text.len() + 1)].map(boundary);
            if round > 0 {
                let line_start = text[..ends[0]].rfind('\n').map_or(0, |i| i + 1);
                ends = [
                    line_start,
                    text[ends[0]..].find('\n').map_or(text.len(), |i| ends[0] + i),
                ];
            }
            ends.sort_unstable();
            let [start, end] = ends;
            let edits = formatting(&text, kind, Some(TextRange::new(start, end))).unwrap();
            let all = formatting(&text, kind, None).unwrap().len();
            outcomes[if edits.is_empty() {
                0
            } else if edits.len() < all {
                1
            } else {
                2
            }] += 1;
            let mut applied = text.clone();
            for e in edits.iter().rev() {
                applied.replace_range(e.range.start..e.range.end, &e.new_text);
            }
            assert_eq!(
                format(&applied, kind).ok().as_ref(),
                Some(&formatted),
                "{name}: range {start}..{end} changes the meaning:\n{applied}"
            );
            // Each edit changes what it replaces (an editor marks a file changed by any edit).
            assert!(
                edits.iter().all(|e| text[e.range.start..e.range.end] != e.new_text),
                "{name}: range {start}..{end} got {edits:?}"
            );
            // A one-line range inside a top-level key gets edits within that key's lines only,
            // even where a whole-file diff pairs its moved lines with another key's. (Keys that
            // start their lines: an indented root may have to move as a whole.)
            if round > 0
                && let Some(key) = top_level.iter().find(|k| k.start <= start && end <= k.end)
            {
                assert!(
                    edits
                        .iter()
                        .all(|e| key.start <= e.range.start && e.range.end <= key.end),
                    "{name}: range {start}..{end} in the top-level key at {key:?} got {edits:?}"
                );
                within_key += 1;
            }
            checked += 1;
        }
    }
    eprintln!("{checked} ranges: {outcomes:?} got no edit, some, all; {within_key} in a top-level key");
    assert!(checked > 300, "only {checked} ranges checked");
}

#[test]
fn examples_and_bundled_policies_are_kept_formatted() {
    let run = in_repo(&["fmt", "--check", "examples", "policies"]);
    assert_eq!(
        run.code,
        Some(0),
        "run `charter fmt examples policies`:\n{}{}",
        run.stdout,
        run.stderr
    );
}

const MESSY: &str = "use-cases:\n  - categories:\n      - general.coding\n    id: help  # the first\nmanifest: bot\n";
const TIDY: &str = "manifest: bot\n\nuse-cases:\n  - id: help  # the first\n    categories: [general.coding]\n";

#[test]
fn fmt_check_prints_a_diff_and_fails_then_fmt_writes_the_file() {
    let dir = TempDir::new("fmt");
    let path = dir.write("bot.usecases.yaml", MESSY);
    let check = charter(&dir.path, &["fmt", "--check", "."]);
    let stdout = &check.stdout;
    assert_eq!(check.code, Some(1), "{stdout}");
    assert!(
        stdout.starts_with("--- ./bot.usecases.yaml\n+++ ./bot.usecases.yaml (formatted)\n@@ "),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n-use-cases:\n") && stdout.contains("\n+use-cases:\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n manifest: bot\n"),
        "an unchanged line is context: {stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        MESSY,
        "--check changes nothing"
    );
    let stderr = &check.stderr;
    assert!(stderr.contains("1 of 1 file would be reformatted"), "{stderr}");

    let write = charter(&dir.path, &["fmt"]);
    assert_eq!(write.code, Some(0), "{}", write.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), TIDY);
    assert_eq!(charter(&dir.path, &["fmt", "--check", "."]).code, Some(0));
}

#[test]
fn fmt_leaves_a_file_with_a_syntax_error_and_prints_the_error_check_gives() {
    let dir = TempDir::new("fmt-syntax");
    let broken = "manifest: bot\nuse-cases: [\n";
    let path = dir.write("bot.usecases.yaml", broken);
    let run = charter(&dir.path, &["fmt", "bot.usecases.yaml"]);
    let stderr = &run.stderr;
    assert_eq!(run.code, Some(1), "{stderr}");
    assert!(
        stderr.contains("error[yaml-syntax]") && stderr.contains("bot.usecases.yaml:"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
    let check = charter(&dir.path, &["check", "bot.usecases.yaml"]);
    let first_error = |s: &str| s.lines().find(|l| l.starts_with("error[")).map(str::to_owned);
    assert_eq!(first_error(stderr), first_error(&check.stdout));
}

#[test]
fn fmt_notes_a_file_it_does_not_rewrite_and_leaves_it() {
    let dir = TempDir::new("fmt-anchor");
    let text =
        "manifest: bot\nuse-cases:\n  - id: a\n    categories: &c [general.coding]\n  - id: b\n    categories: *c\n";
    let path = dir.write("bot.usecases.yaml", text);
    let run = charter(&dir.path, &["fmt", "."]);
    let stderr = &run.stderr;
    assert_eq!(run.code, Some(0), "{stderr}");
    assert!(
        stderr.contains("left `./bot.usecases.yaml` as it is: line 4 defines an anchor"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

/// One file with a syntax error, one with an anchor, one to format: the summary counts the two
/// left as they were apart from the one formatted.
#[test]
fn fmt_counts_the_files_it_left_as_they_were_apart() {
    let dir = TempDir::new("fmt-summary");
    dir.write("broken.usecases.yaml", "manifest: bot\nuse-cases: [\n");
    dir.write(
        "anchored.usecases.yaml",
        "manifest: a\nuse-cases:\n  - id: a\n    categories: &c [general.coding]\n",
    );
    dir.write("bot.usecases.yaml", MESSY);
    let check = charter(&dir.path, &["fmt", "--check", "."]);
    let stderr = &check.stderr;
    assert!(
        stderr.ends_with(
            "1 of 1 file would be reformatted; run `charter fmt` on it to format it; 2 left as they are, see above.\n"
        ),
        "{stderr}"
    );
    let run = charter(&dir.path, &["fmt", "."]);
    let stderr = &run.stderr;
    assert!(
        stderr.ends_with("Formatted 1 file, 1 changed; 2 left as they are, see above.\n"),
        "{stderr}"
    );
    let again = charter(&dir.path, &["fmt", "--check", "."]);
    let stderr = &again.stderr;
    assert!(
        stderr.ends_with("1 file already formatted; 2 left as they are, see above.\n"),
        "{stderr}"
    );
}

/// `charter fmt -` on `input`, standing for a manifest: its exit code and standard output.
fn fmt_stdin(input: &str) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["fmt", "-", "--stdin-filename", "bot.usecases.yaml"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn fmt_reads_standard_input_with_the_kind_its_file_name_gives() {
    assert_eq!(fmt_stdin(MESSY), (Some(0), TIDY.to_owned()));
}

#[test]
fn fmt_keeps_the_byte_order_mark_of_standard_input() {
    let (code, out) = fmt_stdin(&format!("\u{feff}{MESSY}"));
    assert_eq!((code, out), (Some(0), format!("\u{feff}{TIDY}")));
}

/// The diff of a `\r\n` file keeps the `\r`s, so that `git apply` takes it as it is.
#[test]
fn fmt_check_diff_of_a_crlf_file_applies_with_git() {
    let dir = TempDir::new("fmt-crlf");
    let crlf = |t: &str| t.replace('\n', "\r\n");
    // Also behind a byte-order mark, which the diff's first line must carry to apply.
    let files = [("bot.usecases.yaml", ""), ("bom.usecases.yaml", "\u{feff}")];
    for (name, bom) in files {
        dir.write(name, &format!("{bom}{}", crlf(MESSY)));
    }
    let check = charter(&dir.path, &["fmt", "--check", "."]);
    assert_eq!(check.code, Some(1));
    let diff = check.stdout;
    assert!(
        diff.contains("\n-use-cases:\r\n") && diff.contains("\n+use-cases:\r\n"),
        "{diff:?}"
    );
    dir.write("fmt.patch", &diff);
    let apply = Command::new("git")
        .args(["apply", "fmt.patch"])
        .current_dir(&dir.path)
        .output()
        .expect("git runs");
    assert!(apply.status.success(), "{}", String::from_utf8_lossy(&apply.stderr));
    for (name, bom) in files {
        let now = std::fs::read_to_string(dir.path.join(name)).unwrap();
        assert_eq!(now, format!("{bom}{}", crlf(TIDY)), "{name}");
    }
}
