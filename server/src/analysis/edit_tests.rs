//! The analysis of an edited policy, made from the analysis before the edit, against the
//! analysis made from scratch: random policies, random chains of rule edits (effect,
//! category, `when`, safeguards; rules added, removed, moved; in the policy or in its base),
//! and after each edit the findings and every table (so every verdict) must be the same.

use proptest::prelude::*;

use super::tests::{assignments, leaves, random_model, random_rule};
use super::*;
use crate::model::Effect;
use crate::testing::Rng;

/// One edit of one rule, from what proptest drew: a kind, a rule, and a seed for the rest.
fn edit(model: &mut Model, kind: u8, pick: u32, seed: u64) {
    let mut rng = Rng(seed | 1);
    // Mostly the top layer (the policy being typed in); sometimes its base.
    let layers = model.layers.len();
    let layer = if layers > 1 && rng.chance(20) { 0 } else { layers - 1 };
    let cats = model.categories.clone();
    let (attrs, safeguards) = (model.attributes.clone(), model.safeguards.len());
    let rules = &mut model.layers[layer].rules;
    let fresh = |rng: &mut Rng| random_rule(rng, &cats, &attrs, safeguards, layer as u32, 0);
    if rules.is_empty() || kind == 4 {
        let at = if rules.is_empty() {
            0
        } else {
            pick as usize % (rules.len() + 1)
        };
        rules.insert(at, fresh(&mut rng));
        return;
    }
    let i = pick as usize % rules.len();
    let other = fresh(&mut rng);
    let rule = &mut rules[i];
    match kind {
        0 => {
            rule.effect = other.effect;
            rule.safeguards = other.safeguards;
        }
        1 => rule.category = other.category,
        2 => rule.when = other.when,
        3 if rule.effect == Effect::Require => rule.safeguards = other.safeguards,
        3 => rule.effect = [Effect::Allow, Effect::Prohibit][rng.below(2)],
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

/// Whether analysing `model` from `earlier` gives what analysing it from scratch gives; and
/// whether it was made from `earlier` at all.
fn check_after(model: Model, earlier: &Analysis) -> (Analysis, bool) {
    let after = Analysis::after(model.clone(), earlier);
    let fresh = Analysis::new(model);
    assert_eq!(after.findings(), fresh.findings(), "findings");
    let (a, f) = (after.exhaustive(), fresh.exhaustive());
    assert_eq!(a.layer_tables(), f.layer_tables(), "tables");
    // The tables hold every composed outcome; the verdicts with their deciders and owed
    // safeguards come from the model alone, and must not see the earlier version either.
    for leaf in leaves(&fresh.model) {
        for values in assignments(&fresh.model) {
            assert_eq!(after.judge(leaf, &values), fresh.judge(leaf, &values), "verdict");
        }
    }
    let from_earlier = a.from_earlier;
    (after, from_earlier)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn an_edited_policy_analyses_as_from_scratch(
        seed in any::<u64>(),
        edits in proptest::collection::vec((0u8..7, any::<u32>(), any::<u64>()), 1..8),
    ) {
        let mut model = random_model(&mut Rng(seed | 1));
        let mut analysis = Analysis::new(model.clone());
        analysis.findings();
        for (kind, pick, edit_seed) in edits {
            edit(&mut model, kind, pick, edit_seed);
            let (after, _) = check_after(model.clone(), &analysis);
            analysis = after;
        }
    }
}

/// Without this the test above could pass by never reusing anything.
#[test]
fn most_edits_reuse_the_earlier_analysis() {
    let (mut reused, mut edits) = (0, 0);
    for seed in 1..=400u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut model = random_model(&mut rng);
        let mut analysis = Analysis::new(model.clone());
        analysis.findings();
        for _ in 0..4 {
            let (kind, pick, edit_seed) = (rng.below(7) as u8, rng.next_u64() as u32, rng.next_u64());
            edit(&mut model, kind, pick, edit_seed);
            let (after, from_earlier) = check_after(model.clone(), &analysis);
            reused += usize::from(from_earlier);
            edits += 1;
            analysis = after;
        }
    }
    assert!(
        reused * 2 >= edits,
        "only {reused} of {edits} edits reused the earlier analysis"
    );
}

/// An analysis never asked for its findings hands on the one it would have started from, so
/// the edit after it still starts from that.
#[test]
fn an_analysis_never_used_passes_its_start_on() {
    let mut rng = Rng(0x5EED_1234);
    let mut model = random_model(&mut rng);
    while model.layers.last().is_none_or(|l| l.rules.len() < 3) {
        model = random_model(&mut rng);
    }
    let first = Analysis::new(model.clone());
    first.findings();
    edit(&mut model, 0, 1, 7);
    let skipped = Analysis::after(model.clone(), &first);
    edit(&mut model, 0, 2, 9);
    let (_, from_earlier) = check_after(model, &skipped);
    assert!(from_earlier || first.exhaustive().layer_tables().is_empty());
}
