//! End-to-end tests of `charter report`: the built binary writes the page of `examples/` and of
//! small workspaces in a temporary folder, and the tests read the page the way the Chromium
//! test and scripts do, through the hooks of its contract (`server/templates/report.html`).
//! The expected counts come from `charter check --format json` and from the manifests, not
//! from the report itself.

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{TempDir, charter, in_repo, repo};

/// The day every test judges as of: both bundled versions are known, 2025-09-15 in effect.
const TODAY: &str = "2026-01-01";

/// `charter report ARGS --out FILE` in `cwd`; the page written.
fn report_html(cwd: &Path, args: &[&str]) -> String {
    let out = TempDir::new("out");
    let file = out.path.join("report.html");
    let mut all = vec!["report", "--today", TODAY, "--out", file.to_str().unwrap()];
    all.extend(args);
    let run = charter(cwd, &all);
    assert_eq!(
        run.code,
        Some(0),
        "charter {all:?} exits 0 once written: {}",
        run.stderr
    );
    std::fs::read_to_string(&file).expect("the report was written")
}

// ---------------------------------------------------------------------------------------------
// Reading the page: the start tags and their attributes (the page escapes every `<`, `>` and
// `"` of the text it quotes, so a tag starts wherever a `<` is).
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
    /// Where the tag ends in the page, for the text that follows it.
    end: usize,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(at) = html[rest..].find('<').map(|i| rest + i) {
        let close = html[at..].find('>').map(|i| at + i).expect("every tag is closed");
        let inner = &html[at + 1..close];
        rest = close + 1;
        if inner.starts_with('/') || inner.starts_with('!') {
            continue;
        }
        let name_end = inner.find(|c: char| c.is_whitespace()).unwrap_or(inner.len());
        out.push(Tag {
            name: inner[..name_end].to_ascii_lowercase(),
            attrs: attributes(&inner[name_end..]),
            end: close + 1,
        });
    }
    out
}

fn attributes(mut s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return out;
        }
        let name_end = s.find(['=', ' ']).unwrap_or(s.len());
        let name = s[..name_end].to_owned();
        s = &s[name_end..];
        if let Some(quoted) = s.strip_prefix("=\"") {
            let end = quoted.find('"').expect("attribute values are quoted");
            out.push((name, unescape(&quoted[..end])));
            s = &quoted[end + 1..];
        } else {
            out.push((name, String::new()));
        }
    }
}

/// The text an HTML-escaped string stands for: named and numeric character references.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|&e| e < 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let ch = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(ch) => {
                out.push(ch);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text right after a tag, up to the next tag.
fn text_after(html: &str, tag: &Tag) -> String {
    let end = html[tag.end..].find('<').map_or(html.len(), |i| tag.end + i);
    unescape(&html[tag.end..end])
}

fn count(html: &str, tags: &[Tag], name: &str) -> usize {
    let tag = tags
        .iter()
        .find(|t| t.attr("data-count") == Some(name))
        .unwrap_or_else(|| panic!("no [data-count={name}]"));
    let text = text_after(html, tag);
    assert!(
        text.chars().all(|c| c.is_ascii_digit()),
        "digits only in [data-count={name}]: {text:?}"
    );
    text.parse().unwrap()
}

fn use_cases(tags: &[Tag]) -> Vec<&Tag> {
    tags.iter()
        .filter(|t| t.attr("class").is_some_and(|c| c.split(' ').any(|c| c == "use-case")))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// What `charter check` says of the examples
// ---------------------------------------------------------------------------------------------

/// `(path, use case id)` of every use case of the example manifests, from their text.
fn example_use_cases() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(repo().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".usecases.yaml"))
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let shown = format!("examples/{}", path.file_name().unwrap().to_string_lossy());
        for line in text.lines() {
            if let Some(id) = line.trim_start().strip_prefix("- id:") {
                out.push((shown.clone(), id.trim().to_owned()));
            }
        }
    }
    out
}

/// The use cases `charter check --format json examples` reports `code` at.
fn use_cases_with(diagnostics: &[Value], code: &str) -> Vec<String> {
    let mut ids: Vec<String> = diagnostics
        .iter()
        .filter(|d| d["code"] == code)
        .filter_map(|d| {
            let message = d["message"].as_str()?;
            let start = message.find("use case `")? + "use case `".len();
            Some(message[start..][..message[start..].find('`')?].to_owned())
        })
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

fn check_examples() -> Vec<Value> {
    let run = in_repo(&["check", "--today", TODAY, "--format", "json", "examples"]);
    serde_json::from_str(&run.stdout).expect("check --format json prints JSON")
}

fn verdicts_of(tags: &[Tag], verdict: &str) -> Vec<String> {
    let mut ids: Vec<String> = use_cases(tags)
        .into_iter()
        .filter(|t| t.attr("data-verdict") == Some(verdict))
        .map(|t| t.attr("data-use-case").unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

#[test]
fn the_report_of_the_examples_counts_what_check_and_the_manifests_say() {
    let html = report_html(&repo(), &["examples"]);
    let tags = tags(&html);
    let listed = example_use_cases();
    let diagnostics = check_examples();
    let files = std::fs::read_dir(repo().join("examples"))
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name().to_string_lossy().into_owned();
            name.ends_with(".policy.yaml") || name.ends_with(".usecases.yaml")
        })
        .count();
    assert_eq!(count(&html, &tags, "files"), files);
    assert_eq!(count(&html, &tags, "use-cases"), listed.len());
    let shown: Vec<(String, String)> = use_cases(&tags)
        .iter()
        .map(|t| {
            let manifest = t.attr("data-manifest").unwrap().to_owned();
            (manifest, t.attr("data-use-case").unwrap().to_owned())
        })
        .collect();
    assert_eq!(shown, listed, "every use case once, by manifest path as given and id");
    // Owing: exactly the use cases `missing-safeguard` names; not judged: those with an
    // unknown category; prohibited: at least those with `prohibited-use` (tests that expect a
    // prohibition get no diagnostic).
    let owing = use_cases_with(&diagnostics, "missing-safeguard");
    assert_eq!(verdicts_of(&tags, "owing"), owing);
    assert_eq!(count(&html, &tags, "owing"), owing.len());
    let unknown = use_cases_with(&diagnostics, "unknown-category");
    assert_eq!(verdicts_of(&tags, "not-judged"), unknown);
    assert_eq!(count(&html, &tags, "not-judged"), unknown.len());
    let prohibited = verdicts_of(&tags, "prohibited");
    for id in use_cases_with(&diagnostics, "prohibited-use") {
        assert!(
            prohibited.contains(&id),
            "`{id}` has prohibited-use, so the page says prohibited"
        );
    }
    assert_eq!(count(&html, &tags, "prohibited"), prohibited.len());
    assert_eq!(count(&html, &tags, "allowed"), verdicts_of(&tags, "allowed").len());
    let judged_on = tags
        .iter()
        .find(|t| t.attr("id") == Some("judged-on"))
        .expect("#judged-on");
    assert_eq!(
        (judged_on.name.as_str(), judged_on.attr("datetime")),
        ("time", Some(TODAY))
    );
}

#[test]
fn the_page_carries_the_hooks_of_its_contract_and_no_request() {
    let html = report_html(&repo(), &["examples"]);
    let tags = tags(&html);
    assert!(html.contains("<html lang=\"en\">"));
    assert!(
        html.contains("<title>Charter report"),
        "the title starts with `Charter report`"
    );
    assert!(tags.iter().any(|t| t.attr("id") == Some("summary")));
    let bundled = "anthropic-usage@2025-09-15";
    let matrices: Vec<&Tag> = tags
        .iter()
        .filter(|t| t.name == "table" && t.attr("data-policy") == Some(bundled))
        .collect();
    assert!(!matrices.is_empty(), "a matrix of the policy the example layer extends");
    assert!(tags.iter().any(|t| t.attr("class") == Some("findings")));
    assert!(
        tags.iter()
            .any(|t| t.name == "th" && t.attr("data-when").is_some() && t.attr("scope") == Some("col"))
    );
    // No fetch: nothing with a `src`, no stylesheet link, and the only scripts are inline.
    assert!(tags.iter().all(|t| t.attr("src").is_none()), "nothing loaded by src");
    assert!(!tags.iter().any(|t| t.name == "link"), "no linked stylesheet");
    assert!(!html.contains("url("), "no CSS url()");
    assert!(!html.contains("@import"));
}

/// The cells of one row of a policy's matrix, each with its column's `data-when`.
fn row(html: &str, policy: &str, category: &str) -> Vec<(String, Tag)> {
    let tags = tags(html);
    let table_starts: Vec<usize> = tags
        .iter()
        .enumerate()
        .filter(|(_, t)| t.name == "table")
        .map(|(i, _)| i)
        .collect();
    for (k, &start) in table_starts.iter().enumerate() {
        if tags[start].attr("data-policy") != Some(policy) {
            continue;
        }
        let end = table_starts.get(k + 1).copied().unwrap_or(tags.len());
        let table = &tags[start..end];
        let whens: Vec<String> = table
            .iter()
            .filter_map(|t| t.attr("data-when").map(str::to_owned))
            .collect();
        let Some(at) = table.iter().position(|t| t.attr("data-category") == Some(category)) else {
            continue;
        };
        let cells: Vec<Tag> = table[at + 1..]
            .iter()
            .take_while(|t| t.name != "tr")
            .filter(|t| t.name == "td")
            .cloned()
            .collect();
        assert_eq!(cells.len(), whens.len(), "a cell per column in `{category}`");
        return whens.into_iter().zip(cells).collect();
    }
    panic!("no row `{category}` in the matrix of `{policy}`");
}

/// Whether a column's `data-when` holds at a point given as `attr=value` pairs.
fn holds(when: &str, point: &[(&str, &str)]) -> bool {
    when.split(';').all(|part| {
        let (name, values) = part.split_once('=').unwrap();
        values == "*"
            || point
                .iter()
                .find(|(n, _)| *n == name)
                .is_none_or(|(_, v)| values.split('|').any(|x| x == *v))
    })
}

fn cell_at<'r>(row: &'r [(String, Tag)], point: &[(&str, &str)]) -> &'r Tag {
    let matching: Vec<&(String, Tag)> = row.iter().filter(|(w, _)| holds(w, point)).collect();
    assert_eq!(matching.len(), 1, "exactly one column holds at {point:?}: {row:?}");
    &matching[0].1
}

#[test]
fn matrix_cells_give_the_verdict_rule_and_owed_safeguards_of_their_point() {
    let html = report_html(&repo(), &["examples"]);
    let policy = "anthropic-usage@2025-09-15";
    let malware = row(&html, policy, "cyber.malware");
    assert!(
        malware
            .iter()
            .all(|(_, c)| c.attr("data-verdict") == Some("prohibit")
                && c.attr("data-rule") == Some("no-malicious-cyber")),
        "malware is prohibited by the same rule everywhere: {malware:?}"
    );
    let legal = row(&html, policy, "high-risk.legal");
    let consumer = cell_at(
        &legal,
        &[("audience", "consumer"), ("chatbot", "false"), ("minors", "false")],
    );
    assert_eq!(consumer.attr("data-verdict"), Some("allow-owing"));
    let title = consumer.attr("title").unwrap();
    assert!(
        title.contains("human-in-the-loop") && title.contains("ai-disclosure"),
        "{title}"
    );
    let business = cell_at(
        &legal,
        &[("audience", "business"), ("chatbot", "false"), ("minors", "false")],
    );
    assert_eq!(business.attr("data-verdict"), Some("allow"));
    let discovery = row(&html, policy, "cyber.vulnerability-discovery");
    let with_consent = [("consent", "system-owner"), ("chatbot", "false"), ("minors", "false")];
    assert_eq!(cell_at(&discovery, &with_consent).attr("data-verdict"), Some("allow"));
    let without = [("consent", "none"), ("chatbot", "false"), ("minors", "false")];
    assert_eq!(cell_at(&discovery, &without).attr("data-verdict"), Some("prohibit"));
}

#[test]
fn against_an_old_version_marks_what_changes_with_a_count() {
    let html = report_html(&repo(), &["examples", "--against", "anthropic-usage@2024-06-06"]);
    let tags = tags(&html);
    let changed: Vec<&Tag> = tags.iter().filter(|t| t.attr("data-changed") == Some("true")).collect();
    let changes = tags.iter().find(|t| t.attr("id") == Some("changes")).expect("#changes");
    assert_eq!(changes.attr("data-count"), Some("changes"));
    assert_eq!(text_after(&html, changes).parse::<usize>().unwrap(), changed.len());
    // The legacy manifest's op-ed is prohibited by 2024's text and allowed by 2025's.
    let op_ed = use_cases(&tags)
        .into_iter()
        .find(|t| t.attr("data-use-case") == Some("op-ed-drafting"))
        .expect("the op-ed use case");
    assert_eq!(op_ed.attr("data-changed"), Some("true"));
    assert!(html.contains("Δ changed: prohibit → allow"));
    let writing = row(&html, "anthropic-usage@2025-09-15", "politics.writing");
    assert!(writing.iter().all(|(_, c)| c.attr("data-changed") == Some("true")));
    let malware = row(&html, "anthropic-usage@2025-09-15", "cyber.malware");
    assert!(malware.iter().all(|(_, c)| c.attr("data-changed").is_none()));

    let plain = report_html(&repo(), &["examples"]);
    assert!(
        !plain.contains("data-changed=\"true\""),
        "nothing is marked without --against"
    );
    assert!(!plain.contains("id=\"changes\""));
}

#[test]
fn against_the_newest_version_is_refused_with_what_to_do() {
    let run = in_repo(&[
        "report",
        "--today",
        TODAY,
        "--out",
        "-",
        "--against",
        "anthropic-usage@2025-09-15",
        "examples",
    ]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("`anthropic-usage@2025-09-15` is the newest version"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

const HOSTILE_SCRIPT: &str = "<script>alert(1)</script>";
const HOSTILE_IMG: &str = "<img src=x onerror=alert(1)>";
/// Right-to-left override and right-to-left mark: text that reads backwards on screen.
const RLO: char = '\u{202e}';
const RLM: char = '\u{200f}';

/// A workspace whose every free text tries to be markup.
fn hostile_workspace() -> TempDir {
    let dir = TempDir::new("hostile");
    dir.write(
        "evil.policy.yaml",
        &format!(
            r#"policy: evil
version: 2025-01-01
title: '{HOSTILE_SCRIPT} "quoted" ''apostrophe'' &amp; {HOSTILE_IMG}'
sections:
  words:
    title: "Heading \u202e{HOSTILE_SCRIPT}"
    text: "Text {HOSTILE_IMG} \u200f&lt;b&gt;"
categories:
  support: {{ summary: Support., section: words }}
rules:
  - id: no-support
    effect: prohibit
    categories: [support]
"#
        ),
    );
    dir.write(
        "evil.usecases.yaml",
        &format!(
            r#"manifest: evil-manifest
policy: evil@2025-01-01
owner: '{HOSTILE_IMG}'
use-cases:
  - id: spoof
    summary: '{HOSTILE_SCRIPT} "double" ''single'' &amp; {RLO} reversed {RLM}'
    categories: [support]
  - id: unknown
    categories: ['{HOSTILE_SCRIPT}']
"#
        ),
    );
    dir
}

#[test]
fn hostile_text_in_the_files_is_shown_as_text_never_as_markup() {
    let dir = hostile_workspace();
    let html = report_html(&dir.path, &["."]);
    let tags = tags(&html);
    let scripts = tags.iter().filter(|t| t.name == "script").count();
    assert_eq!(scripts, 2, "the page's own two inline scripts, no other");
    assert!(!tags.iter().any(|t| t.name == "img"), "no image element");
    assert!(
        tags.iter().all(|t| t.attrs.iter().all(|(n, _)| !n.starts_with("on"))),
        "no event handler"
    );
    assert!(
        !html.contains("<script>alert") && !html.contains("<img"),
        "no hostile markup as such"
    );
    // Shown as written: every piece of it is in the page's text once the escapes are read.
    let text = unescape(&html);
    for written in [
        HOSTILE_SCRIPT,
        HOSTILE_IMG,
        "\"double\"",
        "'single'",
        "&amp;",
        "<script>alert(1)</script>\"quoted\"",
    ] {
        let written = written.replace("</script>\"", "</script> \"");
        assert!(text.contains(&written), "`{written}` is shown as text");
    }
    assert!(
        text.contains(RLO) && text.contains(RLM),
        "the direction marks are kept as text"
    );
    let unknown = use_cases(&tags)
        .into_iter()
        .find(|t| t.attr("data-use-case") == Some("unknown"))
        .unwrap();
    assert_eq!(unknown.attr("data-verdict"), Some("not-judged"));

    let markdown = charter(&dir.path, &["report", "--today", TODAY, "--format", "markdown", "."]);
    assert_eq!(markdown.code, Some(0));
    // Markdown shows code spans as text; outside them no `<` may open a tag.
    let outside_code: String = markdown.stdout.split('`').step_by(2).collect();
    assert!(!outside_code.contains('<'), "{}", markdown.stdout);
    assert!(
        markdown.stdout.contains("`<script>alert(1)</script>`"),
        "{}",
        markdown.stdout
    );
}

#[test]
fn markdown_lists_the_use_cases_that_need_attention_within_a_comment_s_size() {
    let run = in_repo(&["report", "--today", TODAY, "--format", "markdown", "examples"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let text = run.stdout;
    for id in [
        "warranty-rights-advice",
        "storefront-scanner",
        "instalment-plans",
        "op-ed-drafting",
    ] {
        assert!(text.contains(&format!("`{id}`")), "`{id}` needs attention: {text}");
    }
    // Tests of the policy that expect a prohibition hold; they need nobody's attention.
    assert!(!text.contains("`no-malware`"), "{text}");
    assert!(
        !text.contains("`faq-owes-nothing`"),
        "an allowed use case is not listed"
    );

    let dir = TempDir::new("many");
    let mut manifest = String::from("manifest: many\npolicy: anthropic-usage@2025-09-15\nuse-cases:\n");
    for i in 0..400 {
        manifest.push_str(&format!(
            "  - id: malware-{i}\n    summary: {}\n    categories: [cyber.malware]\n",
            "x".repeat(200)
        ));
    }
    dir.write("many.usecases.yaml", &manifest);
    let run = charter(&dir.path, &["report", "--today", TODAY, "--format", "markdown", "."]);
    assert_eq!(run.code, Some(0));
    assert!(
        run.stdout.len() < 65_536,
        "{} bytes fit a pull-request comment",
        run.stdout.len()
    );
    assert!(run.stdout.contains("`malware-0`") && !run.stdout.contains("`malware-399`"));
    assert!(run.stdout.contains("… and 350 more"), "{}", run.stdout);
}

/// Tests of the bundled policy: two that `check` fails, one that holds.
const TESTS: &str = "\
manifest: tests
policy: anthropic-usage@2025-09-15
use-cases:
  - id: assistant-is-prohibited
    categories: [general.assistant]
    expect: prohibited
  - id: malware-owes-disclosure
    categories: [cyber.malware]
    expect: prohibited
    expect-owes: [ai-disclosure]
  - id: assistant-is-allowed
    categories: [general.assistant]
    expect: allowed
";

#[test]
fn a_test_that_check_fails_needs_attention_whatever_its_verdict() {
    let dir = TempDir::new("tests");
    dir.write("tests.usecases.yaml", TESTS);
    let failing = ["assistant-is-prohibited", "malware-owes-disclosure"];
    let run = charter(&dir.path, &["check", "--today", TODAY, "--format", "json", "."]);
    let diagnostics: Vec<Value> = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(use_cases_with(&diagnostics, "unexpected-verdict"), failing);

    let run = charter(&dir.path, &["report", "--today", TODAY, "--format", "markdown", "."]);
    let text = run.stdout;
    assert!(!text.contains("No use case needs attention"), "{text}");
    for id in failing {
        let line = text
            .lines()
            .find(|l| l.contains(&format!("`{id}`")))
            .unwrap_or_else(|| panic!("{id}: {text}"));
        assert!(line.contains("does not hold"), "{line}");
    }
    assert!(
        !text.contains("`assistant-is-allowed`"),
        "a test that holds is left out: {text}"
    );

    let html = report_html(&dir.path, &["."]);
    let tags = tags(&html);
    let mut marked: Vec<&str> = use_cases(&tags)
        .into_iter()
        .filter(|t| t.attr("data-attention") == Some("true"))
        .map(|t| t.attr("data-use-case").unwrap())
        .collect();
    marked.sort();
    assert_eq!(marked, failing);
    let holds = html.matches(": holds").count();
    assert_eq!((holds, html.matches(": does not hold").count()), (1, 2), "{html}");
}

/// A test naming a safeguard the policy lacks is undecided, as `charter check` has it: check
/// reports `unknown-safeguard` (no `unexpected-verdict`), and the report says which id.
#[test]
fn a_test_naming_an_unknown_safeguard_is_undecided_in_check_and_report() {
    let dir = TempDir::new("undecided");
    dir.write(
        "t.usecases.yaml",
        "manifest: t\npolicy: anthropic-usage@2025-09-15\nuse-cases:\n  - id: legal\n    categories: [high-risk.legal]\n    audience: consumer\n    expect-owes: [human-in-the-loop, ai-disclosur]\n",
    );
    let run = charter(&dir.path, &["check", "--today", TODAY, "--format", "json", "."]);
    let diagnostics: Vec<Value> = serde_json::from_str(&run.stdout).expect("JSON");
    let codes: Vec<&str> = diagnostics.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["unknown-safeguard"], "{diagnostics:#?}");
    let run = charter(&dir.path, &["report", "--today", TODAY, "--format", "markdown", "."]);
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("`legal`"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(
        line.contains("undecided, `ai-disclosur` is not a safeguard of the policy") && !line.contains("does not hold"),
        "{line}"
    );
}

#[test]
fn the_report_is_not_a_gate_and_writes_where_it_is_told() {
    // The examples have errors, so `charter check` exits 1; the report is written and exits 0.
    let run = in_repo(&["report", "--today", TODAY, "--out", "-", "examples"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.starts_with("<!DOCTYPE html>"),
        "`--out -` writes the page to stdout"
    );
    let dir = TempDir::new("default-out");
    dir.write(
        "a.usecases.yaml",
        "manifest: a\nuse-cases:\n  - id: chat\n    categories: [general.assistant]\n",
    );
    let run = charter(&dir.path, &["report", "--today", TODAY]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let page = std::fs::read_to_string(dir.path.join("charter-report.html")).expect("the default file");
    assert!(page.contains("data-use-case=\"chat\""));
    assert!(
        run.stderr.contains("charter-report.html"),
        "says where it wrote: {}",
        run.stderr
    );
}

#[test]
fn sections_are_shown_in_the_locale_asked_for_first_and_the_others_below() {
    let english = report_html(&repo(), &["examples"]);
    let chinese = report_html(&repo(), &["examples", "--locale", "zh"]);
    // The bundled policy's sections are written in English and Chinese.
    let headings = |html: &str, lang: &str| html.matches(&format!("<h4 lang=\"{lang}\">§ ")).count();
    assert!(headings(&english, "en") > 0 && headings(&english, "zh") == 0);
    assert!(headings(&chinese, "zh") > 0, "Chinese headings first with --locale zh");
    assert!(
        chinese.contains("<details><summary>In <span lang=\"en\">en</span>"),
        "the English text is still there, below"
    );
}

#[test]
fn a_policy_that_cannot_be_resolved_still_shows_its_findings() {
    let dir = TempDir::new("broken");
    dir.write(
        "broken.policy.yaml",
        "policy: broken\nversion: 2025-01-01\nextends: nowhere@2024-01-01\ncategories:\n  a: { summary: A. }\n",
    );
    let html = report_html(&dir.path, &["."]);
    let start = html
        .find("id=\"policy-broken@2025-01-01\"")
        .expect("a part for the broken policy");
    let part = &html[start..];
    assert!(part.contains("cannot be judged until the errors"), "no matrix, and why");
    let findings = &part[part.find("class=\"findings\"").expect("its findings")..];
    assert!(findings.contains("<code>unknown-policy</code>, line 3"), "{findings}");
}
