//! Engine benchmarks with generated inputs (`cargo bench --bench engine`).
//!
//! - a policy of 10,000 rules over 5,000 categories and 4 attributes: resolve + findings;
//! - a manifest of 10,000 use cases: check;
//! - `charter check` over 1,000 manifests on disk, through the built binary;
//! - one rule of `bench/harness.py`'s 10,000-rule policy edited again and again, each version
//!   resolved from the one before as the language server does: parse, resolve, findings
//!   (incremental, and from scratch for comparison) and the policy file's diagnostics.
//!
//! Each figure is the median of several runs, with the minimum and maximum beside it.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use charter::check::Context;
use charter::model::Date;
use charter::testing::Rng;
use charter::text::Splice;
use charter::workspace::{FileKind, Workspace};

const ATTRIBUTES: [(&str, &[&str]); 4] = [
    ("audience", &["consumer", "business"]),
    ("region", &["eu", "us", "apac"]),
    ("agentic", &["true", "false"]),
    ("tier", &["free", "pro", "enterprise"]),
];

/// A policy with `categories` categories in a tree of fan-out 8 (three levels deep), and
/// `rules` rules, each on one random category, half of them with a `when`.
fn generate_policy(categories: usize, rules: usize) -> (String, Vec<String>) {
    let mut rng = Rng(0x5EED);
    let mut names: Vec<String> = Vec::with_capacity(categories);
    for i in 0..categories {
        let name = if i < 8 {
            format!("g{i}")
        } else {
            format!("{}.c{i}", names[(i - 8) / 8])
        };
        names.push(name);
    }
    let mut text = String::from("policy: bench\nversion: 2025-01-01\ndefault: allow\nattributes:\n");
    for (name, values) in ATTRIBUTES {
        writeln!(
            text,
            "  {name}:\n    summary: Attribute {name}.\n    values: [{}]\n    default: {}",
            values.join(", "),
            values[0]
        )
        .unwrap();
    }
    text.push_str("safeguards:\n");
    for s in ["review", "disclosure", "logging"] {
        writeln!(text, "  {s}:\n    summary: Safeguard {s}.").unwrap();
    }
    text.push_str("categories:\n");
    for name in &names {
        writeln!(text, "  {name}:\n    summary: Category {name}.").unwrap();
    }
    text.push_str("rules:\n");
    for r in 0..rules {
        let category = &names[rng.below(names.len())];
        let effect = ["prohibit", "allow", "require"][rng.below(3)];
        write!(
            text,
            "  - id: r{r}\n    effect: {effect}\n    categories: [{category}]\n"
        )
        .unwrap();
        if effect == "require" {
            text.push_str("    safeguards: [review]\n");
        }
        if rng.below(2) == 0 {
            let (attribute, values) = ATTRIBUTES[rng.below(ATTRIBUTES.len())];
            writeln!(text, "    when: {{ {attribute}: {} }}", values[rng.below(values.len())]).unwrap();
        }
    }
    (text, names)
}

fn generate_manifest(use_cases: usize, seed: u64, leaves: &[&str]) -> String {
    let mut rng = Rng(seed | 1);
    let mut text = String::from("manifest: bench\npolicy: anthropic-usage@2025-09-15\nuse-cases:\n");
    for u in 0..use_cases {
        let category = leaves[rng.below(leaves.len())];
        let audience = ["consumer", "business"][rng.below(2)];
        write!(
            text,
            "  - id: use-case-{u}\n    summary: Generated use case {u}.\n    categories: [{category}]\n    audience: {audience}\n    safeguards: [human-in-the-loop]\n"
        )
        .unwrap();
    }
    text
}

const BUNDLED_LEAVES: &[&str] = &[
    "cyber.defense",
    "cyber.malware",
    "politics.research",
    "politics.voter-targeting",
    "law-enforcement.analytics",
    "high-risk.legal",
    "high-risk.financial",
    "high-risk.employment",
];

fn measure(name: &str, runs: usize, mut f: impl FnMut()) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "{name:<48} median {:>9.2?}  min {:>9.2?}  max {:>9.2?}  ({runs} runs)",
        times[runs / 2],
        times[0],
        times[runs - 1]
    );
}

/// `bench/harness.py`'s 10,000-rule policy (`big_policy_text`, 5,000 categories of fan-out 8):
/// groups g0-g3 prohibited with their leaves allowed for business, leaves of g4-g7 prohibited
/// on the free tier, `review` required in the EU everywhere, `disclosure` when agentic on the
/// first leaves, one conflict and one duplicate. Also the offset of the `prohibit` the harness
/// edits (of a rule in the middle).
fn harness_policy() -> (String, usize) {
    let mut names: Vec<String> = Vec::new();
    for i in 0..5000 {
        let name = if i < 8 {
            format!("g{i}")
        } else {
            format!("{}.c{i}", names[(i - 8) / 8])
        };
        names.push(name);
    }
    let parents: std::collections::HashSet<&str> = names
        .iter()
        .filter_map(|n| n.rsplit_once('.').map(|(p, _)| p))
        .collect();
    let leaves: Vec<&String> = names.iter().filter(|n| !parents.contains(n.as_str())).collect();
    let prohibited = |leaf: &str| ["g0", "g1", "g2", "g3"].contains(&leaf.split('.').next().unwrap());
    let mut text = String::from(
        "policy: bench-big\nversion: 2025-01-01\ntitle: Generated policy of 10,000 rules\ndefault: allow\nattributes:\n",
    );
    for (name, values) in [
        ("audience", "consumer, business"),
        ("region", "eu, us, apac"),
        ("agentic", "true, false"),
        ("tier", "free, pro, enterprise"),
    ] {
        let first = values.split(',').next().unwrap();
        write!(
            text,
            "  {name}:\n    summary: Attribute {name}.\n    values: [{values}]\n    default: {first}\n"
        )
        .unwrap();
    }
    text.push_str("safeguards:\n");
    for s in ["review", "disclosure", "logging"] {
        write!(text, "  {s}:\n    summary: Safeguard {s}.\n").unwrap();
    }
    text.push_str("categories:\n");
    for n in &names {
        write!(text, "  {n}:\n    summary: Category {n}.\n").unwrap();
    }
    text.push_str("rules:\n");
    let mut rules: Vec<String> = (0..4)
        .map(|g| format!("  - id: no-g{g}\n    effect: prohibit\n    categories: [g{g}]\n"))
        .collect();
    for leaf in &leaves {
        let slug = leaf.replace('.', "-");
        rules.push(if prohibited(leaf) {
            format!("  - id: allow-{slug}\n    effect: allow\n    categories: [{leaf}]\n    when: {{ audience: business }}\n")
        } else {
            format!("  - id: free-{slug}\n    effect: prohibit\n    categories: [{leaf}]\n    when: {{ tier: free }}\n")
        });
        rules.push(format!("  - id: eu-{slug}\n    effect: require\n    categories: [{leaf}]\n    safeguards: [review]\n    when: {{ region: eu }}\n"));
    }
    let extra = 10_000 - rules.len() - 2;
    for leaf in leaves.iter().take(extra) {
        let slug = leaf.replace('.', "-");
        rules.push(format!("  - id: agent-{slug}\n    effect: require\n    categories: [{leaf}]\n    safeguards: [disclosure]\n    when: {{ agentic: true }}\n"));
    }
    let free_leaf = leaves.iter().find(|l| !prohibited(l)).unwrap();
    rules.push(format!(
        "  - id: us-conflict\n    effect: allow\n    categories: [{free_leaf}]\n    when: {{ region: us }}\n"
    ));
    let duplicate = rules[5].replacen(rules[5].lines().next().unwrap(), "  - id: duplicate-rule", 1);
    rules.push(duplicate);
    assert_eq!(rules.len(), 10_000);
    let mut middle = rules.len() / 2;
    while !rules[middle].contains("effect: prohibit") {
        middle += 1;
    }
    let mut at = text.len();
    for (k, r) in rules.iter().enumerate() {
        if k == middle {
            at = text.len() + r.find("prohibit").unwrap();
        }
        text.push_str(r);
    }
    (text, at)
}

/// Edits the rule `harness_policy` points at, `rounds` times: its effect misspelt and put
/// back (the rule leaves the analysis and comes back, as in `bench/harness.py`), then turned
/// into `allow` and back. Each version is resolved from the previous one, as in the language
/// server; times are per stage.
fn policy_edits(today: Date, rounds: usize) {
    let (text, at) = harness_policy();
    println!(
        "harness policy: {} lines, 10,000 rules; edits at byte {at}",
        text.lines().count()
    );
    let mut ws = Workspace::with_bundled();
    let file = ws.add("bench-big.policy.yaml".into(), text.clone(), FileKind::Policy, false);
    let cx = Context::new(ws.clone(), today);
    println!("  diagnostics before the edits: {}", cx.check_file(file).len());
    let mut previous = Some(cx.resolutions());
    drop(cx);
    let versions = ["prohibix", "prohibit", "allow", "prohibit"];
    let mut stages: [Vec<Duration>; 5] = Default::default();
    let (mut current, mut word) = (text, "prohibit");
    for k in 0..rounds {
        // As the language server does: the edited text spliced in, the earlier context gone
        // (its resolutions kept).
        let next = versions[k % versions.len()];
        current.replace_range(at..at + word.len(), next);
        let start = Instant::now();
        ws.splice_text(file, current.clone(), Splice::edit(at, word.len(), next.len()));
        word = next;
        let parsed = Instant::now();
        let cx = Context::reusing(ws.clone(), today, previous.take());
        let resolved = Instant::now();
        let analysis = &cx.policy(file).expect("resolves").analysis;
        let findings = analysis.findings().len();
        let analysed = Instant::now();
        cx.check_file(file);
        let checked = Instant::now();
        let scratch = Instant::now();
        assert_eq!(analysis.fresh_findings().len(), findings);
        stages[4].push(scratch.elapsed());
        for (stage, (a, b)) in stages.iter_mut().zip([
            (start, parsed),
            (parsed, resolved),
            (resolved, analysed),
            (analysed, checked),
        ]) {
            stage.push(b - a);
        }
        previous = Some(cx.resolutions());
    }
    let names = [
        "  parse the edited rule (spliced in)",
        "  resolve (previous resolutions as hint)",
        "  findings, incremental",
        "  diagnostics of the policy file",
        "  for comparison: findings from scratch",
    ];
    for (name, mut times) in names.into_iter().zip(stages) {
        times.sort();
        println!(
            "{name:<48} median {:>9.2?}  p99 {:>9.2?}  ({rounds} edits)",
            times[rounds / 2],
            times[(rounds * 99).div_ceil(100) - 1]
        );
    }
}

fn main() {
    let today = Date::parse("2026-01-01").unwrap();
    policy_edits(today, 40);
    let (policy, _) = generate_policy(5_000, 10_000);
    println!(
        "policy: {} KiB, 10,000 rules, 5,000 categories, 4 attributes",
        policy.len() / 1024
    );
    let mut ws = Workspace::with_bundled();
    let file = ws.add("bench.policy.yaml".into(), policy.clone(), FileKind::Policy, false);
    measure("  of which YAML tree (saphyr events + builder)", 10, || {
        let _ = charter::syntax::parse(&policy, &charter::syntax::Limits::default());
    });
    measure("parse + lower policy (10k rules)", 10, || {
        let mut ws = Workspace::default();
        ws.add("bench.policy.yaml".into(), policy.clone(), FileKind::Policy, false);
    });
    measure("resolve policy (10k rules)", 10, || {
        let _ = Context::new(ws.clone(), today);
    });
    let cx = Context::new(ws.clone(), today);
    let analysis = &cx.policy(file).expect("the generated policy resolves").analysis;
    measure("findings (10k rules x 5k categories)", 10, || {
        let _ = analysis.fresh_findings();
    });
    let findings = analysis.fresh_findings();
    println!("  findings: {}", findings.len());
    measure("check policy file end to end", 5, || {
        let _ = cx.check_file(file);
    });

    let manifest = generate_manifest(10_000, 7, BUNDLED_LEAVES);
    println!("manifest: {} KiB, 10,000 use cases", manifest.len() / 1024);
    let mut ws = Workspace::with_bundled();
    let file = ws.add(
        "bench.usecases.yaml".into(),
        manifest.clone(),
        FileKind::Manifest,
        false,
    );
    let cx = Context::new(ws.clone(), today);
    measure("  of which YAML tree (saphyr events + builder)", 10, || {
        let _ = charter::syntax::parse(&manifest, &charter::syntax::Limits::default());
    });
    measure("parse + lower manifest (10k use cases)", 10, || {
        let mut ws = Workspace::default();
        ws.add(
            "bench.usecases.yaml".into(),
            manifest.clone(),
            FileKind::Manifest,
            false,
        );
    });
    measure("check manifest (10k use cases, parsed)", 10, || {
        let _ = cx.check_file(file);
    });
    println!("  diagnostics: {}", cx.check_file(file).len());

    let dir = std::env::temp_dir().join(format!("charter-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for m in 0..1_000 {
        std::fs::write(
            dir.join(format!("m{m}.usecases.yaml")),
            generate_manifest(20, m, BUNDLED_LEAVES),
        )
        .unwrap();
    }
    let exe = env!("CARGO_BIN_EXE_charter");
    measure("`charter check` over 1,000 manifests (binary)", 5, || {
        let out = std::process::Command::new(exe)
            .args(["check", "--format", "json"])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.code() == Some(1) || out.status.success(),
            "charter check failed: {out:?}"
        );
    });
    std::fs::remove_dir_all(&dir).ok();
}
