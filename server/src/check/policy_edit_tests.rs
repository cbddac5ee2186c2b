//! A policy file checked after edits, with each version resolved from the one before (as the
//! language server does on every keystroke), against the same text checked from scratch: the
//! diagnostics of the edited policy, and of a policy extending it, must be the same.

use proptest::prelude::*;

use super::Context;
use crate::model::Date;
use crate::testing::Rng;
use crate::workspace::{FileKind, Workspace};

const CATEGORIES: &[&str] = &["c0", "c0.a", "c0.b", "c0.b.x", "c0.b.y", "c1", "c1.a", "c1.b", "c2"];
const ATTRIBUTES: &[(&str, &[&str])] = &[
    ("audience", &["consumer", "business"]),
    ("region", &["eu", "us", "apac"]),
];
const SAFEGUARDS: &[&str] = &["s0", "s1"];

#[derive(Debug, Clone)]
struct RuleText {
    id: String,
    effect: &'static str,
    categories: Vec<&'static str>,
    when: Vec<(&'static str, Vec<&'static str>)>,
    safeguards: Vec<&'static str>,
}

fn random_rule(rng: &mut Rng, id: String) -> RuleText {
    let effect = *rng.pick(&["prohibit", "allow", "require"]);
    let categories = (0..1 + usize::from(rng.chance(20)))
        .map(|_| *rng.pick(CATEGORIES))
        .collect();
    let mut when = Vec::new();
    for (a, values) in ATTRIBUTES {
        if !rng.chance(40) {
            continue;
        }
        let mut chosen: Vec<&str> = values.iter().copied().filter(|_| rng.chance(50)).collect();
        if chosen.is_empty() {
            chosen.push(*rng.pick(values));
        }
        when.push((*a, chosen));
    }
    let safeguards = if effect == "require" {
        vec![*rng.pick(SAFEGUARDS)]
    } else {
        Vec::new()
    };
    RuleText {
        id,
        effect,
        categories,
        when,
        safeguards,
    }
}

/// The base declares everything; the layer only rules.
fn policy_text(id: &str, extends: Option<&str>, rules: &[RuleText]) -> String {
    let mut text = format!("policy: {id}\nversion: 2025-01-01\n");
    match extends {
        Some(base) => text.push_str(&format!("extends: {base}@2025-01-01\n")),
        None => {
            text.push_str("attributes:\n");
            for (a, values) in ATTRIBUTES {
                text.push_str(&format!(
                    "  {a}:\n    summary: A.\n    values: [{}]\n    default: {}\n",
                    values.join(", "),
                    values[0]
                ));
            }
            text.push_str("safeguards:\n");
            for s in SAFEGUARDS {
                text.push_str(&format!("  {s}:\n    summary: S.\n"));
            }
            text.push_str("categories:\n");
            for c in CATEGORIES {
                text.push_str(&format!("  {c}:\n    summary: C.\n"));
            }
        }
    }
    text.push_str("rules:\n");
    for r in rules {
        text.push_str(&format!(
            "  - id: {}\n    effect: {}\n    categories: [{}]\n",
            r.id,
            r.effect,
            r.categories.join(", ")
        ));
        if !r.safeguards.is_empty() {
            text.push_str(&format!("    safeguards: [{}]\n", r.safeguards.join(", ")));
        }
        if !r.when.is_empty() {
            let clauses: Vec<String> = r.when.iter().map(|(a, v)| format!("{a}: [{}]", v.join(", "))).collect();
            text.push_str(&format!("    when: {{ {} }}\n", clauses.join(", ")));
        }
    }
    text
}

/// One edit of one rule of `rules`: its effect, categories, `when` or safeguards; or a rule
/// added, removed or moved.
fn edit(rules: &mut Vec<RuleText>, kind: u8, pick: u32, rng: &mut Rng, serial: &mut u32) {
    *serial += 1;
    let fresh = random_rule(rng, format!("new{serial}"));
    if rules.is_empty() || kind == 4 {
        let at = pick as usize % (rules.len() + 1);
        rules.insert(at, fresh);
        return;
    }
    let i = pick as usize % rules.len();
    match kind {
        0 => {
            rules[i].effect = fresh.effect;
            rules[i].safeguards = fresh.safeguards;
        }
        1 => rules[i].categories = fresh.categories,
        2 => rules[i].when = fresh.when,
        3 if rules[i].effect == "require" => rules[i].safeguards = vec!["s0", "s1"],
        3 => {
            rules[i].effect = if rules[i].effect == "allow" {
                "prohibit"
            } else {
                "allow"
            }
        }
        5 => {
            rules.remove(i);
        }
        _ => {
            let moved = rules.remove(i);
            let to = rng.below(rules.len() + 1);
            rules.insert(to, moved);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn an_edited_policy_checks_as_from_scratch(
        seed in any::<u64>(),
        edits in proptest::collection::vec((0u8..7, any::<u32>(), any::<bool>()), 1..10),
    ) {
        let today = Date::parse("2026-01-01").expect("a date");
        let mut rng = Rng(seed | 1);
        let mut serial = 0;
        let mut base: Vec<RuleText> = (0..rng.below(8)).map(|i| random_rule(&mut rng, format!("b{i}"))).collect();
        let mut layer: Vec<RuleText> = (0..rng.below(10)).map(|i| random_rule(&mut rng, format!("l{i}"))).collect();
        let mut ws = Workspace::default();
        let base_file = ws.add("base.policy.yaml".into(), policy_text("base", None, &base), FileKind::Policy, false);
        let layer_file = ws.add("layer.policy.yaml".into(), policy_text("layer", Some("base"), &layer), FileKind::Policy, false);
        let cx = Context::new(ws.clone(), today);
        cx.check_file(base_file);
        cx.check_file(layer_file);
        let mut previous = cx.resolutions();
        for (kind, pick, in_base) in edits {
            // Mostly the policy being typed in; sometimes the base of another.
            if in_base {
                edit(&mut base, kind, pick, &mut rng, &mut serial);
                ws.set_text(base_file, policy_text("base", None, &base));
            } else {
                edit(&mut layer, kind, pick, &mut rng, &mut serial);
                ws.set_text(layer_file, policy_text("layer", Some("base"), &layer));
            }
            let cx = Context::reusing(ws.clone(), today, Some(previous));
            let fresh = Context::new(ws.clone(), today);
            for file in [base_file, layer_file] {
                prop_assert_eq!(cx.check_file(file), fresh.check_file(file), "{}", ws.file(file).text);
            }
            previous = cx.resolutions();
        }
    }
}

/// A policy whose chain did not change keeps its resolution, analysis included, when another
/// policy changes.
#[test]
fn an_unchanged_policy_keeps_its_resolution() {
    let today = Date::parse("2026-01-01").expect("a date");
    let mut rng = Rng(0xBA5E);
    let rules: Vec<RuleText> = (0..6).map(|i| random_rule(&mut rng, format!("r{i}"))).collect();
    let mut ws = Workspace::default();
    let a = ws.add(
        "a.policy.yaml".into(),
        policy_text("a", None, &rules),
        FileKind::Policy,
        false,
    );
    let b = ws.add(
        "b.policy.yaml".into(),
        policy_text("b", None, &rules),
        FileKind::Policy,
        false,
    );
    let cx = Context::new(ws.clone(), today);
    let before = cx.policy(a).expect("resolves") as *const _;
    ws.set_text(b, policy_text("b", None, &rules[1..]));
    let cx = Context::reusing(ws, today, Some(cx.resolutions()));
    assert_eq!(cx.policy(a).expect("resolves") as *const _, before);
}
