//! §3.1 and §3.3 at one point, straight from the definitions: walk from the leaf to the root,
//! let the deepest applicable rules decide, compose the layers. Manifests, `explain` and hover
//! use this; the exhaustive policy findings use the tables in `tables.rs`, and the tests check
//! both against a brute-force oracle.

use super::ir::{CatId, Model, Rule};
use crate::model::Effect;

/// A rule of the model: its layer and its index in that layer's rule list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleRef {
    pub layer: u32,
    pub index: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Allow,
    Prohibit,
    /// The deciding rules disagree; treated as prohibited.
    Ambiguous,
}

impl Outcome {
    pub fn is_allowed(self) -> bool {
        self == Outcome::Allow
    }

    pub fn of_effect(effect: Effect) -> Outcome {
        match effect {
            Effect::Allow => Outcome::Allow,
            _ => Outcome::Prohibit,
        }
    }

    /// The outcome of a set of deciding rules' effects.
    pub fn of_effects(mut effects: impl Iterator<Item = Effect>) -> Option<Outcome> {
        let first = effects.next()?;
        Some(if effects.all(|e| e == first) {
            Outcome::of_effect(first)
        } else {
            Outcome::Ambiguous
        })
    }
}

/// What settled a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Decider {
    /// These rules (all of one layer) decide.
    Rules(Vec<RuleRef>),
    /// No rule decides; the `default` of this layer holds (layer 0 without one: allow).
    Default { layer: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub outcome: Outcome,
    pub decider: Decider,
    /// Where allowed: each owed safeguard with the `require` rules that ask for it.
    pub owed: Vec<(u32, Vec<RuleRef>)>,
}

/// Each layer's rules grouped by category, so that a point costs a walk up its path.
#[derive(Debug, Clone, Default)]
pub struct RuleIndex {
    /// `by_node[layer][category]`: indices into that layer's rules.
    by_node: Vec<Vec<Vec<u32>>>,
}

impl RuleIndex {
    pub fn new(model: &Model) -> Self {
        let by_node = model
            .layers
            .iter()
            .map(|layer| {
                let mut nodes = vec![Vec::new(); model.categories.len()];
                for (i, rule) in layer.rules.iter().enumerate() {
                    nodes[rule.category as usize].push(i as u32);
                }
                nodes
            })
            .collect();
        Self { by_node }
    }

    pub fn at(&self, layer: u32, node: CatId) -> &[u32] {
        &self.by_node[layer as usize][node as usize]
    }
}

/// The verdict at a leaf for a full assignment (a value index per attribute), composing the
/// first `layers` layers of the model.
pub fn judge(model: &Model, index: &RuleIndex, layers: usize, leaf: CatId, values: &[u32]) -> Verdict {
    let mut verdict: Option<(Outcome, Decider)> = None;
    for (i, layer) in model.layers.iter().enumerate().take(layers) {
        if verdict.as_ref().is_some_and(|(o, _)| !o.is_allowed()) {
            break; // the base is a ceiling
        }
        let i = i as u32;
        if let Some(decided) = decide_in_layer(model, index, i, leaf, values) {
            verdict = Some(decided);
        } else if let Some(default) = layer.default {
            verdict = Some((Outcome::of_effect(default), Decider::Default { layer: i }));
        } else if verdict.is_none() {
            verdict = Some((Outcome::Allow, Decider::Default { layer: 0 }));
        }
    }
    let (outcome, decider) = verdict.unwrap_or((Outcome::Allow, Decider::Default { layer: 0 }));
    let owed = if outcome.is_allowed() {
        owed_safeguards(model, index, layers, leaf, values)
    } else {
        Vec::new()
    };
    Verdict { outcome, decider, owed }
}

/// The deciding rules of one layer at a point: those at the deepest category on the path that
/// has an applicable `prohibit`/`allow` rule, less any beaten by a narrower `when`.
fn decide_in_layer(
    model: &Model,
    index: &RuleIndex,
    layer: u32,
    leaf: CatId,
    values: &[u32],
) -> Option<(Outcome, Decider)> {
    let rules = &model.layers[layer as usize].rules;
    let mut node = Some(leaf);
    while let Some(n) = node {
        let applicable: Vec<u32> = index
            .at(layer, n)
            .iter()
            .copied()
            .filter(|&r| {
                let rule = &rules[r as usize];
                rule.effect != Effect::Require && applies(rule, values)
            })
            .collect();
        if !applicable.is_empty() {
            let deciding: Vec<RuleRef> = applicable
                .iter()
                .filter(|&&a| {
                    !applicable
                        .iter()
                        .any(|&b| beats(&rules[b as usize], &rules[a as usize]))
                })
                .map(|&index| RuleRef { layer, index })
                .collect();
            let outcome = Outcome::of_effects(deciding.iter().map(|r| rules[r.index as usize].effect))?;
            return Some((outcome, Decider::Rules(deciding)));
        }
        node = model.categories.parent[n as usize];
    }
    None
}

fn owed_safeguards(
    model: &Model,
    index: &RuleIndex,
    layers: usize,
    leaf: CatId,
    values: &[u32],
) -> Vec<(u32, Vec<RuleRef>)> {
    let mut owed: Vec<(u32, Vec<RuleRef>)> = Vec::new();
    for layer in 0..layers.min(model.layers.len()) as u32 {
        let rules = &model.layers[layer as usize].rules;
        let mut node = Some(leaf);
        while let Some(n) = node {
            for &i in index.at(layer, n) {
                let rule = &rules[i as usize];
                if rule.effect != Effect::Require || !applies(rule, values) {
                    continue;
                }
                let by = RuleRef { layer, index: i };
                for &s in &rule.safeguards {
                    match owed.iter_mut().find(|(o, _)| *o == s) {
                        Some((_, rules)) => rules.push(by),
                        None => owed.push((s, vec![by])),
                    }
                }
            }
            node = model.categories.parent[n as usize];
        }
    }
    owed.sort_by_key(|(s, _)| *s);
    for (_, rules) in &mut owed {
        rules.sort();
    }
    owed
}

/// Whether a rule's `when` holds for a full assignment.
pub fn applies(rule: &Rule, values: &[u32]) -> bool {
    rule.when
        .iter()
        .zip(values)
        .all(|(set, v)| set.as_ref().is_none_or(|s| s.binary_search(v).is_ok()))
}

/// Whether `a` beats `b` at the same category: `a`'s `when` allows a strict subset of `b`'s.
pub fn beats(a: &Rule, b: &Rule) -> bool {
    a.category == b.category && when_subset(a, b) && !when_subset(b, a)
}

fn when_subset(a: &Rule, b: &Rule) -> bool {
    a.when.iter().zip(&b.when).all(|(x, y)| match (x, y) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(x), Some(y)) => x.iter().all(|v| y.binary_search(v).is_ok()),
    })
}
