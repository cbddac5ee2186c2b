//! Realistic deployments judged against both bundled versions of the Usage Policy
//! (`tests/usage-policy/`). Each use case states, in comments written from the policy's text
//! and not from Charter's rendering of it, the verdict and owed safeguards each version gives
//! it:
//!
//! ```yaml
//!   # source: 2025 "High-Risk Use Case Requirements": consumer-facing healthcare ...
//!   # expect 2025-09-15: allowed owes [human-in-the-loop, ai-disclosure]
//!   # expect 2024-06-06: allowed owes [human-in-the-loop, ai-disclosure]
//!   - id: symptom-checker
//! ```
//!
//! Every use case must carry both expectations and a source, and every file must check clean
//! apart from the verdicts themselves (`prohibited-use`, `missing-safeguard`).

use std::path::{Path, PathBuf};

use charter::check::{Context, Describe, summarize};
use charter::diagnostic::Code;
use charter::model::Date;
use charter::resolve::ResolvedPolicy;
use charter::workspace::{FileKind, Workspace};

const VERSIONS: [&str; 2] = ["2025-09-15", "2024-06-06"];

fn suite_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/usage-policy")
}

/// A use case's expectation under one version: allowed and what it owes, or prohibited.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Expected {
    allowed: bool,
    owes: Vec<String>,
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.allowed, self.owes.as_slice()) {
            (false, _) => write!(f, "prohibited"),
            (true, []) => write!(f, "allowed"),
            (true, owes) => write!(f, "allowed owes [{}]", owes.join(", ")),
        }
    }
}

fn parse_expected(text: &str) -> Result<Expected, String> {
    let text = text.trim();
    if text == "prohibited" {
        return Ok(Expected {
            allowed: false,
            owes: vec![],
        });
    }
    let rest = text
        .strip_prefix("allowed")
        .ok_or_else(|| format!("`{text}`: allowed or prohibited"))?;
    let owes = match rest.trim().strip_prefix("owes") {
        None if rest.trim().is_empty() => vec![],
        None => return Err(format!("`{text}`: `allowed owes [a, b]`")),
        Some(list) => {
            let list = list.trim().strip_prefix('[').and_then(|l| l.strip_suffix(']'));
            let list = list.ok_or_else(|| format!("`{text}`: the safeguards in brackets"))?;
            list.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        }
    };
    Ok(Expected { allowed: true, owes })
}

/// A use case id, its expectation per version, and whether a `# source:` line was given.
type Stated = (String, Vec<(String, Expected)>, bool);

/// The expectations in the comments above each `- id:` line.
fn expectations(text: &str) -> Result<Vec<Stated>, String> {
    let mut out = Vec::new();
    let (mut pending, mut sourced) = (Vec::new(), false);
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("# expect ") {
            let (version, verdict) = rest
                .split_once(':')
                .ok_or(format!("line {}: `# expect VERSION: ...`", i + 1))?;
            let expected = parse_expected(verdict).map_err(|e| format!("line {}: {e}", i + 1))?;
            pending.push((version.trim().to_owned(), expected));
        } else if trimmed.starts_with("# source:") {
            sourced = true;
        } else if let Some(id) = trimmed.strip_prefix("- id:") {
            out.push((id.trim().to_owned(), std::mem::take(&mut pending), sourced));
            sourced = false;
        }
    }
    Ok(out)
}

fn policy<'c>(cx: &'c Context, version: &str) -> &'c ResolvedPolicy {
    let file = cx
        .ws
        .ids()
        .find(|&f| cx.ws.file(f).bundled && cx.ws.file(f).path.ends_with(&format!("{version}.policy.yaml")))
        .expect("bundled");
    cx.policy(file).expect("resolves")
}

#[test]
fn every_realistic_deployment_gets_the_verdict_the_policy_text_gives_it() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(suite_root())
        .expect("tests/usage-policy")
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".usecases.yaml"))
        .collect();
    paths.sort();
    let mut ws = Workspace::with_bundled();
    let mut files = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        files.push((
            name.clone(),
            text.clone(),
            ws.add(name, text, FileKind::Manifest, false),
        ));
    }
    let cx = Context::new(ws, Date::parse("2026-01-01").unwrap());
    let (mut failures, mut judged) = (Vec::new(), 0);
    let mut sections_seen = std::collections::BTreeSet::new();
    for (name, text, file) in &files {
        let verdicts = [Code::ProhibitedUse, Code::MissingSafeguard, Code::AmbiguousDecision];
        for d in cx.check_file(*file) {
            if !verdicts.contains(&d.code) {
                failures.push(format!("{name}: {} {}", d.code.as_str(), d.message));
            }
        }
        let doc = cx.ws.file(*file).manifest().expect("a manifest");
        let expected = expectations(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            expected.len(),
            doc.use_cases.len(),
            "{name}: one `- id:` line per use case"
        );
        for (uc, (id, by_version, sourced)) in doc.use_cases.iter().zip(expected) {
            assert_eq!(uc.id.value, id, "{name}");
            if !sourced {
                failures.push(format!("{name}: `{id}` names no `# source:`"));
            }
            for version in VERSIONS {
                let Some((_, want)) = by_version.iter().find(|(v, _)| v == version) else {
                    failures.push(format!("{name}: `{id}` has no expectation for {version}"));
                    continue;
                };
                let policy = policy(&cx, version);
                let Some((allowed, owes)) = summarize(policy, uc) else {
                    failures.push(format!("{name}: `{id}` cannot be judged under {version}"));
                    continue;
                };
                let got = Expected {
                    allowed,
                    owes: if allowed { owes } else { vec![] },
                };
                judged += 1;
                if &got != want {
                    failures.push(format!("{name}: `{id}` under {version}: expected {want}, got {got}"));
                }
                sections_seen.extend(
                    sections_of(&cx, policy, uc)
                        .into_iter()
                        .map(|s| format!("{version}/{s}")),
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {judged} judgements differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(files.len() >= 30, "at least 30 deployments, found {}", files.len());
    for version in VERSIONS {
        let cx_policy = policy(&cx, version);
        let doc = cx.ws.file(cx_policy.file).policy().unwrap();
        for section in &doc.sections {
            let key = format!("{version}/{}", section.id.value);
            let covered = sections_seen.contains(&key) || section.id.value == "general";
            assert!(covered, "no use case of the suite falls under section `{key}`");
        }
    }
}

/// The sections a use case falls under: its categories' and those of the attributes it states.
fn sections_of(cx: &Context, policy: &ResolvedPolicy, uc: &charter::model::UseCaseDecl) -> Vec<String> {
    let describe = Describe::new(&cx.ws, policy);
    let mut out: Vec<String> = uc
        .categories
        .iter()
        .filter_map(|c| describe.category_section(&c.value))
        .map(|s| s.id.value.to_string())
        .collect();
    let doc = cx.ws.file(policy.file).policy().expect("a policy");
    for (key, _) in &uc.attributes {
        let attribute = doc.attributes.iter().find(|a| a.id.value == key.value);
        out.extend(attribute.and_then(|a| a.section.as_ref()).map(|s| s.value.to_string()));
    }
    out
}

#[test]
fn the_expectation_grammar_is_strict() {
    assert_eq!(
        parse_expected(" prohibited"),
        Ok(Expected {
            allowed: false,
            owes: vec![]
        })
    );
    assert_eq!(
        parse_expected("allowed"),
        Ok(Expected {
            allowed: true,
            owes: vec![]
        })
    );
    assert_eq!(
        parse_expected("allowed owes [human-in-the-loop, ai-disclosure]"),
        Ok(Expected {
            allowed: true,
            owes: vec!["human-in-the-loop".into(), "ai-disclosure".into()]
        })
    );
    assert!(parse_expected("allowed owes human-in-the-loop").is_err());
    assert!(parse_expected("maybe").is_err());
}
