//! The analysis against a brute-force oracle: on thousands of random small policies, every
//! verdict and every finding is recomputed straight from the definitions of §3 by enumerating
//! every point, and removing rules one at a time.

use super::*;
use crate::model::Effect;
use crate::testing::Rng;

pub(super) fn random_model(rng: &mut Rng) -> Model {
    let nodes = 1 + rng.below(7);
    let mut names: Vec<String> = Vec::new();
    for i in 0..nodes {
        let name = if i == 0 || rng.chance(15) {
            format!("c{i}")
        } else {
            format!("{}.c{i}", names[rng.below(i)])
        };
        names.push(name);
    }
    let categories = Categories::from_ids(names.iter().map(String::as_str));
    let attributes: Vec<Attribute> = (0..rng.below(3))
        .map(|a| {
            let count = 1 + rng.below(3);
            Attribute {
                name: format!("a{a}"),
                values: (0..count).map(|v| format!("v{v}")).collect(),
                default: rng.below(count) as u32,
            }
        })
        .collect();
    let safeguards: Vec<String> = (0..1 + rng.below(3)).map(|s| format!("s{s}")).collect();
    let layers = (0..1 + rng.below(2))
        .map(|layer| {
            let rules = (0..rng.below(7))
                .map(|i| random_rule(rng, &categories, &attributes, safeguards.len(), layer as u32, i as u32))
                .collect();
            let default = match rng.below(4) {
                0 => Some(Effect::Allow),
                1 => Some(Effect::Prohibit),
                _ => None,
            };
            Layer { rules, default }
        })
        .collect();
    Model {
        categories,
        attributes,
        safeguards,
        layers,
    }
}

pub(super) fn random_rule(
    rng: &mut Rng,
    cats: &Categories,
    attrs: &[Attribute],
    safeguards: usize,
    layer: u32,
    i: u32,
) -> Rule {
    let effect = [Effect::Prohibit, Effect::Allow, Effect::Require][rng.below(3)];
    let when = attrs
        .iter()
        .map(|a| {
            if rng.chance(50) {
                return None;
            }
            let mut set: Vec<u32> = (0..a.values.len() as u32).filter(|_| rng.chance(50)).collect();
            if set.is_empty() {
                set.push(rng.below(a.values.len()) as u32);
            }
            // As `resolve` does: a list of every value is no condition at all.
            (set.len() < a.values.len()).then_some(set)
        })
        .collect();
    let safeguards = if effect == Effect::Require {
        let mut s: Vec<u32> = (0..safeguards as u32).filter(|_| rng.chance(50)).collect();
        if s.is_empty() {
            s.push(0);
        }
        s
    } else {
        Vec::new()
    };
    let category = rng.below(cats.len()) as CatId;
    Rule {
        effect,
        category,
        when,
        safeguards,
        origin: RuleOrigin {
            layer,
            rule: i,
            listing: 0,
        },
    }
}

/// Every full assignment of values.
pub(super) fn assignments(model: &Model) -> Vec<Vec<u32>> {
    let mut all = vec![Vec::new()];
    for a in &model.attributes {
        all = all
            .into_iter()
            .flat_map(|prefix| {
                (0..a.values.len() as u32).map(move |v| {
                    let mut next = prefix.clone();
                    next.push(v);
                    next
                })
            })
            .collect();
    }
    all
}

pub(super) fn leaves(model: &Model) -> Vec<CatId> {
    (0..model.categories.len() as CatId)
        .filter(|&c| model.categories.is_leaf(c))
        .collect()
}

fn depth(model: &Model, c: CatId) -> usize {
    model.categories.name(c).matches('.').count()
}

fn holds(rule: &Rule, values: &[u32]) -> bool {
    rule.when
        .iter()
        .zip(values)
        .all(|(set, v)| set.as_ref().is_none_or(|s| s.contains(v)))
}

fn when_within(a: &Rule, b: &Rule, model: &Model) -> bool {
    assignments(model).iter().all(|v| !holds(a, v) || holds(b, v))
}

/// §3 "beats", from the text: deeper category, or same category and strictly narrower `when`.
fn beats(model: &Model, a: &Rule, b: &Rule) -> bool {
    depth(model, a.category) > depth(model, b.category)
        || (a.category == b.category && when_within(a, b, model) && !when_within(b, a, model))
}

/// One layer's deciding rules at a point (indices), from every rule of the layer.
fn deciding(model: &Model, rules: &[Option<&Rule>], leaf: CatId, values: &[u32]) -> Vec<usize> {
    let applicable: Vec<usize> = (0..rules.len())
        .filter(|&i| {
            rules[i].is_some_and(|r| {
                r.effect != Effect::Require
                    && model.categories.is_ancestor_or_self(r.category, leaf)
                    && holds(r, values)
            })
        })
        .collect();
    applicable
        .iter()
        .copied()
        .filter(|&a| {
            !applicable
                .iter()
                .any(|&b| beats(model, rules[b].unwrap(), rules[a].unwrap()))
        })
        .collect()
}

fn outcome_of(rules: &[Option<&Rule>], deciding: &[usize]) -> Option<Outcome> {
    Outcome::of_effects(deciding.iter().map(|&i| rules[i].unwrap().effect))
}

/// The composed outcome and owed safeguards at a point, for rules with some removed (`None`).
fn oracle(model: &Model, layers: &[Vec<Option<&Rule>>], leaf: CatId, values: &[u32]) -> (Outcome, Vec<u32>) {
    let mut outcome: Option<Outcome> = None;
    for (i, rules) in layers.iter().enumerate() {
        if outcome.is_some_and(|o| !o.is_allowed()) {
            break;
        }
        let own = outcome_of(rules, &deciding(model, rules, leaf, values));
        let default = model.layers[i].default.map(Outcome::of_effect);
        outcome = own.or(default).or(outcome).or(Some(Outcome::Allow));
    }
    let outcome = outcome.unwrap_or(Outcome::Allow);
    let mut owed: Vec<u32> = Vec::new();
    if outcome.is_allowed() {
        for r in layers.iter().flatten().flatten() {
            if r.effect == Effect::Require && model.categories.is_ancestor_or_self(r.category, leaf) && holds(r, values)
            {
                owed.extend(&r.safeguards);
            }
        }
    }
    owed.sort_unstable();
    owed.dedup();
    (outcome, owed)
}

fn all_rules(model: &Model) -> Vec<Vec<Option<&Rule>>> {
    model
        .layers
        .iter()
        .map(|l| l.rules.iter().map(Some).collect())
        .collect()
}

/// Whether removing the given top-layer rules changes any verdict or owed safeguard.
fn removal_changes(model: &Model, removed: &[u32]) -> bool {
    let full = all_rules(model);
    let mut less = full.clone();
    for &r in removed {
        less.last_mut().unwrap()[r as usize] = None;
    }
    leaves(model).into_iter().any(|leaf| {
        assignments(model)
            .iter()
            .any(|v| oracle(model, &full, leaf, v) != oracle(model, &less, leaf, v))
    })
}

#[test]
fn judge_matches_the_oracle_at_every_point() {
    for seed in 1..=3000u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let analysis = Analysis::new(random_model(&mut rng));
        let model = &analysis.model;
        let rules = all_rules(model);
        for leaf in leaves(model) {
            for values in assignments(model) {
                let verdict = analysis.judge(leaf, &values);
                let owed: Vec<u32> = verdict.owed.iter().map(|(s, _)| *s).collect();
                assert_eq!(
                    (verdict.outcome, owed),
                    oracle(model, &rules, leaf, &values),
                    "seed {seed}, leaf {}, values {values:?}",
                    model.categories.name(leaf)
                );
            }
        }
    }
}

#[test]
fn findings_match_their_definitions() {
    for seed in 1..=3000u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let analysis = Analysis::new(random_model(&mut rng));
        check_findings(&analysis, seed);
    }
}

fn check_findings(analysis: &Analysis, seed: u64) {
    let model = &analysis.model;
    let findings = analysis.findings();
    let rules = all_rules(model);
    let top = rules.len() - 1;
    let own = &rules[top];
    let points: Vec<(CatId, Vec<u32>)> = leaves(model)
        .into_iter()
        .flat_map(|l| assignments(model).into_iter().map(move |v| (l, v)))
        .collect();
    let base_outcome = |leaf: CatId, v: &[u32]| oracle(model, &rules[..top], leaf, v).0;
    let find = |r: usize| findings.iter().find(|f| f.rule() == r as u32);
    let redundant: Vec<u32> = findings
        .iter()
        .filter(|f| matches!(f, Finding::Redundant { .. }))
        .map(Finding::rule)
        .collect();
    for (r, rule) in model.layers[top].rules.iter().enumerate() {
        let ctx = format!(
            "seed {seed}, rule {r} ({:?} {})",
            rule.effect,
            model.categories.name(rule.category)
        );
        let decides_at: Vec<&(CatId, Vec<u32>)> = points
            .iter()
            .filter(|(l, v)| deciding(model, own, *l, v).contains(&r))
            .collect();
        let in_conflict = decides_at
            .iter()
            .any(|(l, v)| outcome_of(own, &deciding(model, own, *l, v)) == Some(Outcome::Ambiguous));
        let violates = top > 0
            && decides_at.iter().any(|(l, v)| {
                !base_outcome(*l, v).is_allowed()
                    && outcome_of(own, &deciding(model, own, *l, v)) == Some(Outcome::Allow)
            });
        let found = find(r);
        assert_eq!(
            in_conflict,
            matches!(found, Some(Finding::Conflict { .. })),
            "conflict: {ctx}: {found:?}"
        );
        if in_conflict {
            continue;
        }
        assert_eq!(
            violates,
            matches!(found, Some(Finding::LayerViolation { .. })),
            "violation: {ctx}: {found:?}"
        );
        if violates {
            continue;
        }
        if let Some(Finding::Redundant { .. }) = found {
            assert!(
                !removal_changes(model, &[r as u32]),
                "redundant but its removal changes a verdict: {ctx}"
            );
        }
        if matches!(
            found,
            Some(Finding::Redundant {
                reason: Redundancy::Duplicate,
                ..
            })
        ) {
            continue;
        }
        if rule.effect == Effect::Require {
            let dead = points
                .iter()
                .filter(|(l, v)| model.categories.is_ancestor_or_self(rule.category, *l) && holds(rule, v))
                .all(|(l, v)| !oracle(model, &rules, *l, v).0.is_allowed());
            assert_eq!(
                dead,
                matches!(found, Some(Finding::Dead { .. })),
                "dead: {ctx}: {found:?}"
            );
            continue;
        }
        let other = if rule.effect == Effect::Allow {
            Effect::Prohibit
        } else {
            Effect::Allow
        };
        let overridden = points.iter().any(|(l, v)| {
            model.categories.is_ancestor_or_self(rule.category, *l)
                && holds(rule, v)
                && deciding(model, own, *l, v)
                    .iter()
                    .any(|&d| own[d].unwrap().effect == other)
        });
        let shadowed = decides_at.is_empty() && overridden;
        assert_eq!(
            shadowed,
            matches!(found, Some(Finding::Shadowed { .. })),
            "shadowed: {ctx}: {found:?}"
        );
        // A rule that decides somewhere, yet whose removal (with its repeats) changes nothing,
        // is redundant.
        let with_repeats: Vec<u32> = model.layers[top]
            .rules
            .iter()
            .enumerate()
            .filter(|(_, o)| o.category == rule.category && o.effect == rule.effect && o.when == rule.when)
            .map(|(i, _)| i as u32)
            .collect();
        // Unless it is what another redundant rule falls back to: of the two, one is reported.
        if !decides_at.is_empty() && !removal_changes(model, &with_repeats) {
            let mut with_others = redundant.clone();
            with_others.extend(&with_repeats);
            let excused = removal_changes(model, &with_others);
            let reported = matches!(found, Some(Finding::Redundant { .. }));
            assert!(reported || excused, "should be redundant: {ctx}: {found:?}");
        }
    }
    // All the redundant rules can go at once.
    assert!(
        !removal_changes(model, &redundant),
        "seed {seed}: removing all of {redundant:?} changes a verdict"
    );
}
