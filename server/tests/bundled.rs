//! The bundled policies say exactly what SPEC §2 lays out, at every attribute combination, in
//! both versions, and check clean; their sections carry the official headings in English and
//! Chinese and link the right page.

use charter::analysis::Outcome;
use charter::check::Context;
use charter::model::Date;
use charter::resolve::ResolvedPolicy;
use charter::workspace::Workspace;

/// The groups of SPEC §2 prohibited at every leaf, in both versions: one per Universal Usage
/// Standard that has no allowed exception.
const PROHIBITED_GROUPS: &[&str] = &[
    "illegal",
    "critical-infrastructure",
    "weapons",
    "violence",
    "privacy",
    "child-safety",
    "psychological-harm",
    "misinformation",
    "fraud",
    "platform-abuse",
    "sexual-content",
];
const GENERAL: &[&str] = &[
    "general.assistant",
    "general.coding",
    "general.writing",
    "general.analysis",
    "general.education",
    "general.customer-support",
];
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
    "law-enforcement.criminal-justice",
    "law-enforcement.censorship",
];
const LAW_ENFORCEMENT_ALLOWED: &[&str] = &["law-enforcement.back-office", "law-enforcement.analytics"];
const HIGH_RISK: &[&str] = &[
    "high-risk.legal",
    "high-risk.healthcare",
    "high-risk.insurance",
    "high-risk.financial",
    "high-risk.employment",
    "high-risk.housing",
    "high-risk.academic-testing",
    "high-risk.journalism",
];

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

type Point = Vec<(String, String)>;

/// Every combination of attribute values, by name.
fn combinations(policy: &ResolvedPolicy) -> Vec<Point> {
    let mut all = vec![Vec::new()];
    for a in &policy.analysis.model.attributes {
        all = all
            .into_iter()
            .flat_map(|prefix: Point| {
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

/// (allowed, owed safeguards) of a leaf at a point.
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

/// Every leaf at or below `group`.
fn leaves(policy: &ResolvedPolicy, group: &str) -> Vec<String> {
    let cats = &policy.analysis.model.categories;
    let id = cats
        .find(group)
        .unwrap_or_else(|| panic!("group `{group}` is declared"));
    cats.leaves_under(id)
        .into_iter()
        .map(|l| cats.name(l).to_owned())
        .collect()
}

/// What every allowed point owes besides its own rules (SPEC §2): `ai-disclosure` for a
/// consumer-facing chatbot, `minor-safety` where minors use it.
fn everywhere(at: &[(String, String)]) -> Vec<&'static str> {
    let mut owed = Vec::new();
    if value(at, "chatbot") == "true" && value(at, "audience") == "consumer" {
        owed.push("ai-disclosure");
    }
    if value(at, "minors") == "true" {
        owed.push("minor-safety");
    }
    owed
}

/// `extra` and `everywhere`'s safeguards, in the policy's safeguard order.
fn owes(policy: &ResolvedPolicy, extra: &[&str], at: &[(String, String)]) -> Vec<String> {
    let mut all = everywhere(at);
    all.extend(extra);
    policy
        .analysis
        .model
        .safeguards
        .iter()
        .filter(|s| all.contains(&s.as_str()))
        .cloned()
        .collect()
}

struct Version {
    name: &'static str,
    politics_allowed: &'static [&'static str],
    high_risk_whatever_the_audience: bool,
}

fn check_table(version: Version) {
    let ws = Workspace::with_bundled();
    let cx = Context::new(ws.clone(), today());
    let policy = policy(&cx, version.name);
    let model = &policy.analysis.model;
    let attribute = |a: &str| {
        model
            .attributes
            .iter()
            .find(|x| x.name == a)
            .map(|x| (x.values.clone(), x.values[x.default as usize].clone()))
            .unwrap_or_else(|| panic!("attribute `{a}`"))
    };
    let pair = |a: &str, b: &str| vec![a.to_owned(), b.to_owned()];
    assert_eq!(attribute("audience"), (pair("consumer", "business"), "consumer".into()));
    assert_eq!(attribute("agentic"), (pair("true", "false"), "false".into()));
    assert_eq!(attribute("consent"), (pair("system-owner", "none"), "none".into()));
    assert_eq!(attribute("chatbot"), (pair("true", "false"), "false".into()));
    assert_eq!(attribute("minors"), (pair("true", "false"), "false".into()));
    for s in ["human-in-the-loop", "ai-disclosure", "minor-safety"] {
        assert!(model.safeguards.iter().any(|x| x == s), "safeguard `{s}`");
    }
    let prohibited_everywhere: Vec<String> = PROHIBITED_GROUPS
        .iter()
        .flat_map(|g| leaves(policy, g))
        .chain(CYBER_PROHIBITED.iter().map(|c| c.to_string()))
        .chain(LAW_ENFORCEMENT_PROHIBITED.iter().map(|c| c.to_string()))
        .chain(POLITICS_PROHIBITED.iter().map(|c| c.to_string()))
        .collect();
    let general = leaves(policy, "general");
    for c in GENERAL {
        assert!(
            general.iter().any(|g| g == c),
            "{}: `{c}` is a leaf of `general`",
            version.name
        );
    }
    let (name, hr_always) = (version.name, version.high_risk_whatever_the_audience);
    for at in combinations(policy) {
        for c in &prohibited_everywhere {
            assert!(!verdict(policy, c, &at).0, "{name}: `{c}` is prohibited at {at:?}");
        }
        let allowed = general
            .iter()
            .map(String::as_str)
            .chain(LAW_ENFORCEMENT_ALLOWED.iter().copied())
            .chain(["cyber.defense"]);
        for c in allowed {
            assert_eq!(
                verdict(policy, c, &at),
                (true, owes(policy, &[], &at)),
                "{name}: `{c}` at {at:?}"
            );
        }
        for c in POLITICS_ALLOWED_2025 {
            let expected = if version.politics_allowed.contains(c) {
                (true, owes(policy, &[], &at))
            } else {
                (false, vec![])
            };
            assert_eq!(verdict(policy, c, &at), expected, "{name}: `{c}` at {at:?}");
        }
        let consented = value(&at, "consent") == "system-owner";
        let discovery = verdict(policy, "cyber.vulnerability-discovery", &at);
        let expected = if consented {
            (true, owes(policy, &[], &at))
        } else {
            (false, vec![])
        };
        assert_eq!(discovery, expected, "{name}: vulnerability discovery at {at:?}");
        let safeguarded = hr_always || value(&at, "audience") == "consumer";
        let high_risk = if safeguarded {
            &["human-in-the-loop", "ai-disclosure"][..]
        } else {
            &[]
        };
        for c in HIGH_RISK {
            let expected = (true, owes(policy, high_risk, &at));
            assert_eq!(verdict(policy, c, &at), expected, "{name}: `{c}` at {at:?}");
        }
    }
}

#[test]
fn the_2025_policy_matches_the_specification_at_every_point() {
    check_table(Version {
        name: "2025-09-15",
        politics_allowed: POLITICS_ALLOWED_2025,
        high_risk_whatever_the_audience: false,
    });
}

#[test]
fn the_2024_policy_bans_all_politics_and_requires_high_risk_safeguards_whatever_the_audience() {
    check_table(Version {
        name: "2024-06-06",
        politics_allowed: &[],
        high_risk_whatever_the_audience: true,
    });
}

#[test]
fn both_versions_declare_the_same_categories_attributes_and_safeguards() {
    let ws = Workspace::with_bundled();
    let cx = Context::new(ws.clone(), today());
    let (old, new) = (policy(&cx, "2024-06-06"), policy(&cx, "2025-09-15"));
    let (a, b) = (&old.analysis.model, &new.analysis.model);
    assert_eq!(a.categories.names, b.categories.names);
    assert_eq!(a.safeguards, b.safeguards);
    let attributes = |m: &charter::analysis::Model| -> Vec<(String, Vec<String>)> {
        m.attributes
            .iter()
            .map(|x| (x.name.clone(), x.values.clone()))
            .collect()
    };
    assert_eq!(attributes(a), attributes(b));
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

/// The official headings of each version (SPEC §2: each section carries its version's own
/// heading and links that version's text); policies/SOURCES.md gives their sources.
const HEADINGS_2025: &[(&str, &str)] = &[
    (
        "illegal-activity",
        "Do Not Violate Applicable Laws or Engage in Illegal Activity",
    ),
    ("critical-infrastructure", "Do Not Compromise Critical Infrastructure"),
    ("cyber", "Do Not Compromise Computer or Network Systems"),
    ("weapons", "Do Not Develop or Design Weapons"),
    ("violence", "Do Not Incite Violence or Hateful Behavior"),
    ("privacy", "Do Not Compromise Privacy or Identity Rights"),
    ("child-safety", "Do Not Compromise Children's Safety"),
    (
        "psychological-harm",
        "Do Not Create Psychologically or Emotionally Harmful Content",
    ),
    ("misinformation", "Do Not Create or Spread Misinformation"),
    (
        "political-content",
        "Do Not Undermine Democratic Processes or Engage in Targeted Campaign Activities",
    ),
    (
        "law-enforcement",
        "Do Not Use for Criminal Justice, Censorship, Surveillance, or Prohibited Law Enforcement Purposes",
    ),
    ("fraud", "Do Not Engage in Fraudulent, Abusive, or Predatory Practices"),
    ("platform-abuse", "Do Not Abuse our Platform"),
    ("sexual-content", "Do Not Generate Sexually Explicit Content"),
    ("high-risk", "High-Risk Use Case Requirements"),
    ("use-case-guidelines", "Additional Use Case Guidelines"),
    ("agentic-use", "Using Agents According to Our Usage Policy"),
];
const HEADINGS_2024: &[(&str, &str)] = &[
    ("child-safety", "Do Not Compromise Children's Safety"),
    ("critical-infrastructure", "Do Not Compromise Critical Infrastructure"),
    ("violence", "Do Not Incite Violence or Hateful Behavior"),
    ("privacy", "Do Not Compromise Someone's Privacy or Identity"),
    (
        "weapons-and-goods",
        "Do Not Create or Facilitate the Exchange of Illegal or Highly Regulated Weapons or Goods",
    ),
    (
        "psychological-harm",
        "Do Not Create Psychologically or Emotionally Harmful Content",
    ),
    ("misinformation", "Do Not Spread Misinformation"),
    (
        "political-content",
        "Do Not Create Political Campaigns or Interfere in Elections",
    ),
    (
        "law-enforcement",
        "Do Not Use for Criminal Justice, Law Enforcement, Censorship or Surveillance Purposes",
    ),
    ("fraud", "Do Not Engage in Fraudulent, Abusive, or Predatory Practices"),
    ("platform-abuse", "Do Not Abuse our Platform"),
    ("sexual-content", "Do Not Generate Sexually Explicit Content"),
    ("high-risk", "High-Risk Use Case Requirements"),
    ("disclosure", "Disclosure Requirements"),
];
const ARCHIVED_2024: &str = "https://www.anthropic.com/legal/archive/7197103a-5e27-4ee4-93b1-f2d4c39ba1e7";

fn check_sections(version: &str, headings: &[(&str, &str)], url: &str) {
    let ws = Workspace::with_bundled();
    let file = ws
        .ids()
        .find(|&f| ws.file(f).path.ends_with(&format!("{version}.policy.yaml")))
        .unwrap();
    let doc = ws.file(file).policy().unwrap();
    for &(id, heading) in headings {
        let section = doc
            .sections
            .iter()
            .find(|s| s.id.value == id)
            .unwrap_or_else(|| panic!("{version}: section `{id}`"));
        assert_eq!(section.title_in("en"), heading, "{version}: `{id}`");
        let zh = section.title_in("zh");
        assert!(
            zh != heading && zh.chars().any(|c| c > '\u{2e80}'),
            "{version}: `{id}` has a Chinese title: {zh}"
        );
        for locale in ["en", "zh"] {
            assert!(
                section.text.iter().any(|(l, _)| l == locale),
                "{version}: `{id}` text in {locale}"
            );
        }
        let link = section.url.as_ref().map(|u| u.value.as_str()).unwrap_or_default();
        let expected = if id == "agentic-use" {
            "https://support.anthropic.com/en/articles/12005017-using-agents-according-to-our-usage-policy"
        } else {
            url
        };
        assert_eq!(link, expected, "{version}: `{id}` links its version's text");
    }
    for section in &doc.sections {
        let official = headings.iter().any(|(id, _)| *id == section.id.value);
        assert!(
            official || section.id.value == "general",
            "{version}: `{}` is no official heading",
            section.id.value
        );
    }
}

#[test]
fn the_2025_sections_carry_its_official_headings_and_link_the_policy() {
    check_sections("2025-09-15", HEADINGS_2025, "https://www.anthropic.com/legal/aup");
}

#[test]
fn the_2024_sections_carry_its_own_headings_and_link_an_archived_copy() {
    check_sections("2024-06-06", HEADINGS_2024, ARCHIVED_2024);
}

/// The announcement's own Chinese terms (its Chinese text) are the ones the rendering uses.
#[test]
fn the_chinese_text_uses_the_announcements_terms() {
    let ws = Workspace::with_bundled();
    let text = |version: &str| {
        ws.ids()
            .map(|f| ws.file(f))
            .find(|f| f.path.ends_with(&format!("{version}.policy.yaml")))
            .unwrap()
            .text
            .clone()
    };
    let new = text("2025-09-15");
    for term in [
        "民主进程",
        "生物识别",
        "人工介入监督",
        "AI 身份披露",
        "高风险使用案例要求",
        "企业间的业务互动",
    ] {
        assert!(new.contains(term), "2025 uses `{term}`");
    }
    for (old, new_term) in [("民主程序", "民主进程"), ("生物特征监测", "生物识别监测")] {
        for version in ["2025-09-15", "2024-06-06"] {
            assert!(!text(version).contains(old), "{version} says `{new_term}`, not `{old}`");
        }
    }
}
