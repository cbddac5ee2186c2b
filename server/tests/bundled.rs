//! The bundled policies say exactly what SPEC §2 lays out, at every attribute combination,
//! and check clean.

use charter::analysis::Outcome;
use charter::check::Context;
use charter::model::Date;
use charter::resolve::ResolvedPolicy;
use charter::workspace::Workspace;

const CYBER_PROHIBITED: &[&str] = &[
    "cyber.malware",
    "cyber.network-attack",
    "cyber.infrastructure-compromise",
];
const POLITICS_PROHIBITED: &[&str] = &[
    "politics.deception",
    "politics.process-disruption",
    "politics.voter-targeting",
    "politics.campaign-targeting",
];
const POLITICS_ALLOWED_2025: &[&str] = &["politics.research", "politics.civic-education", "politics.writing"];
const LAW_ENFORCEMENT_PROHIBITED: &[&str] = &[
    "law-enforcement.surveillance",
    "law-enforcement.tracking",
    "law-enforcement.profiling",
    "law-enforcement.biometric-monitoring",
];
const LAW_ENFORCEMENT_ALLOWED: &[&str] = &["law-enforcement.back-office", "law-enforcement.analytics"];
const HIGH_RISK: &[&str] = &["high-risk.legal", "high-risk.financial", "high-risk.employment"];
const GROUPS: &[&str] = &["cyber", "politics", "law-enforcement", "high-risk"];

fn today() -> Date {
    Date::parse("2026-01-01").unwrap()
}

fn policy<'c>(cx: &'c Context, version: &str) -> &'c ResolvedPolicy {
    let file = cx
        .ws
        .ids()
        .find(|&f| {
            cx.ws
                .file(f)
                .path
                .ends_with(&format!("anthropic-usage/{version}.policy.yaml"))
        })
        .expect("bundled");
    cx.policy(file).expect("the bundled policy resolves")
}

/// Every combination of attribute values, by name.
fn combinations(policy: &ResolvedPolicy) -> Vec<Vec<(String, String)>> {
    let mut all = vec![Vec::new()];
    for a in &policy.analysis.model.attributes {
        all = all
            .into_iter()
            .flat_map(|prefix: Vec<(String, String)>| {
                a.values.iter().map(move |v| {
                    let mut next = prefix.clone();
                    next.push((a.name.clone(), v.clone()));
                    next
                })
            })
            .collect();
    }
    all
}

/// (allowed, owed safeguards) of a leaf at an assignment.
fn verdict(policy: &ResolvedPolicy, category: &str, at: &[(String, String)]) -> (bool, Vec<String>) {
    let model = &policy.analysis.model;
    let leaf = model
        .categories
        .find(category)
        .unwrap_or_else(|| panic!("`{category}` is declared"));
    assert!(model.categories.is_leaf(leaf), "`{category}` is a leaf");
    let values: Vec<u32> = model
        .attributes
        .iter()
        .map(|a| {
            let (_, v) = at.iter().find(|(n, _)| *n == a.name).unwrap();
            a.values.iter().position(|x| x == v).unwrap() as u32
        })
        .collect();
    let v = policy.analysis.judge(leaf, &values);
    assert_ne!(v.outcome, Outcome::Ambiguous, "`{category}` is never ambiguous");
    let owed = v
        .owed
        .iter()
        .map(|(s, _)| model.safeguards[*s as usize].clone())
        .collect();
    (v.outcome.is_allowed(), owed)
}

fn value<'a>(at: &'a [(String, String)], name: &str) -> &'a str {
    &at.iter().find(|(n, _)| n == name).unwrap().1
}

fn check_table(version: &str, politics_allowed: &[&str], high_risk_everywhere: bool) {
    let ws = Workspace::with_bundled();
    let cx = Context::new(ws.clone(), today());
    let policy = policy(&cx, version);
    let model = &policy.analysis.model;
    let names = |a: &str| {
        model
            .attributes
            .iter()
            .find(|x| x.name == a)
            .map(|x| (x.values.clone(), x.default))
    };
    assert_eq!(names("audience"), Some((vec!["consumer".into(), "business".into()], 0)));
    assert_eq!(names("agentic"), Some((vec!["true".into(), "false".into()], 1)));
    assert_eq!(names("consent"), Some((vec!["system-owner".into(), "none".into()], 1)));
    assert_eq!(
        model.safeguards,
        vec!["human-in-the-loop".to_owned(), "ai-disclosure".to_owned()]
    );
    for group in GROUPS {
        assert!(model.categories.find(group).is_some(), "group `{group}` is declared");
    }
    let both = vec!["human-in-the-loop".to_owned(), "ai-disclosure".to_owned()];
    for at in combinations(policy) {
        let prohibited = CYBER_PROHIBITED
            .iter()
            .chain(LAW_ENFORCEMENT_PROHIBITED)
            .chain(POLITICS_PROHIBITED);
        for c in prohibited {
            assert!(!verdict(policy, c, &at).0, "{version}: `{c}` is prohibited at {at:?}");
        }
        for c in ["politics.research", "politics.civic-education", "politics.writing"] {
            let allowed = politics_allowed.contains(&c);
            assert_eq!(verdict(policy, c, &at), (allowed, vec![]), "{version}: `{c}` at {at:?}");
        }
        for c in LAW_ENFORCEMENT_ALLOWED.iter().chain(&["cyber.defense"]) {
            assert_eq!(verdict(policy, c, &at), (true, vec![]), "{version}: `{c}` at {at:?}");
        }
        let consented = value(&at, "consent") == "system-owner";
        assert_eq!(
            verdict(policy, "cyber.vulnerability-discovery", &at),
            (consented, vec![]),
            "{at:?}"
        );
        let owes = high_risk_everywhere || value(&at, "audience") == "consumer";
        for c in HIGH_RISK {
            let expected = if owes { both.clone() } else { vec![] };
            assert_eq!(verdict(policy, c, &at), (true, expected), "{version}: `{c}` at {at:?}");
        }
    }
}

#[test]
fn the_2025_policy_matches_the_specification() {
    check_table("2025-09-15", POLITICS_ALLOWED_2025, false);
}

#[test]
fn the_2024_policy_bans_all_politics_and_requires_safeguards_whatever_the_audience() {
    check_table("2024-06-06", &[], true);
}

#[test]
fn the_bundled_policies_check_clean() {
    let ws = Workspace::with_bundled();
    let cx = Context::new(ws.clone(), today());
    for file in ws.ids() {
        let diagnostics = cx.check_file(file);
        assert!(diagnostics.is_empty(), "{}: {diagnostics:#?}", ws.file(file).path);
    }
}

#[test]
fn the_bundled_sections_have_english_and_chinese_text_and_link_the_policy() {
    let ws = Workspace::with_bundled();
    for file in ws.ids() {
        let doc = ws.file(file).policy().unwrap();
        for id in [
            "cyber",
            "agentic-use",
            "political-content",
            "law-enforcement",
            "high-risk",
        ] {
            let section = doc
                .sections
                .iter()
                .find(|s| s.id.value == id)
                .unwrap_or_else(|| panic!("section `{id}`"));
            let locales: Vec<&str> = section.text.iter().map(|(l, _)| l.as_str()).collect();
            assert!(
                locales.contains(&"en") && locales.contains(&"zh"),
                "`{id}` in en and zh: {locales:?}"
            );
            let url = section.url.as_ref().map(|u| u.value.as_str()).unwrap_or_default();
            assert!(
                url.starts_with("https://www.anthropic.com/legal/aup"),
                "`{id}` links the policy: {url}"
            );
        }
    }
}
