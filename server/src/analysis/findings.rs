//! The findings of §3.2 and §3.3 for the top layer of a model, from the per-point tables.

use std::collections::{BTreeMap, BTreeSet};

use super::diff::Remap;
use super::ir::{CatId, Model};
use super::judge::{Outcome, RuleRef};
use super::points::{PointSpace, bit, ones};
use super::tables::{ALLOW_BIT, Below, LayerTables, NONE, PROHIBIT_BIT, effect_bits};
use crate::model::Effect;

/// An example point: a leaf and a value index per attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witness {
    pub leaf: CatId,
    pub values: Vec<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redundancy {
    /// An exact repeat of an earlier rule (`by` names it).
    Duplicate,
    /// Never decides, and the rules that do (`by`) have the same effect.
    NeverDecides,
    /// Where it decides, the verdict without it is the same (from `by`, or the default when
    /// `by` is empty).
    SameWithout,
    /// Every safeguard it asks for is already owed through `by` wherever it applies.
    Covered,
}

/// One finding about a rule of the top layer (indices into that layer's rules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    Conflict {
        rule: u32,
        others: Vec<u32>,
        witness: Witness,
    },
    LayerViolation {
        rule: u32,
        witness: Witness,
    },
    Shadowed {
        rule: u32,
        by: Vec<RuleRef>,
    },
    Dead {
        rule: u32,
    },
    Redundant {
        rule: u32,
        reason: Redundancy,
        by: Vec<RuleRef>,
    },
}

impl Finding {
    pub fn rule(&self) -> u32 {
        match self {
            Finding::Conflict { rule, .. }
            | Finding::LayerViolation { rule, .. }
            | Finding::Shadowed { rule, .. }
            | Finding::Dead { rule }
            | Finding::Redundant { rule, .. } => *rule,
        }
    }

    /// The same finding after the rules were renumbered (`remaps` per layer, the last the
    /// layer the finding is about). Every rule it names must have been kept.
    pub(super) fn remapped(&self, remaps: &[Remap]) -> Finding {
        let top = remaps.last().expect("a model has a layer");
        let own = |r: &u32| top.kept(*r);
        let refs = |by: &[RuleRef]| -> Vec<RuleRef> {
            by.iter()
                .map(|r| RuleRef {
                    layer: r.layer,
                    index: remaps[r.layer as usize].kept(r.index),
                })
                .collect()
        };
        match self {
            Finding::Conflict { rule, others, witness } => Finding::Conflict {
                rule: own(rule),
                others: others.iter().map(own).collect(),
                witness: witness.clone(),
            },
            Finding::LayerViolation { rule, witness } => Finding::LayerViolation {
                rule: own(rule),
                witness: witness.clone(),
            },
            Finding::Shadowed { rule, by } => Finding::Shadowed {
                rule: own(rule),
                by: refs(by),
            },
            Finding::Dead { rule } => Finding::Dead { rule: own(rule) },
            Finding::Redundant { rule, reason, by } => Finding::Redundant {
                rule: own(rule),
                reason: *reason,
                by: refs(by),
            },
        }
    }
}

/// What the redundancy pass did beyond a rule's own finding when it found the rule redundant:
/// the cells (`node * points + point`) of the ancestor decisions its leaves fell back to,
/// each with whether one of those leaves is live. Replaying it stands for judging the rule.
pub(super) type HandDowns = Vec<(u32, bool)>;

/// The previous analysis of the same policy: the rules at unaffected nodes take their findings
/// from it instead of being judged again.
pub(super) struct Reuse<'a> {
    /// Per layer, how the rule indices moved since.
    pub remaps: &'a [Remap],
    /// Per node: whether its rules must be judged again.
    pub affected: &'a [bool],
    /// The previous findings, sorted by rule.
    pub findings: &'a [Finding],
    /// The previous hand-downs, per rule.
    pub hand_downs: &'a [HandDowns],
}

impl Reuse<'_> {
    /// The previous finding about the (old) rule `old`, if it had one.
    fn finding(&self, old: u32) -> Option<&Finding> {
        let at = self.findings.partition_point(|f| f.rule() < old);
        self.findings.get(at).filter(|f| f.rule() == old)
    }
}

/// How many rules a finding's related list names at most.
const MAX_RELATED: usize = 8;

pub(super) struct Context<'a> {
    pub model: &'a Model,
    pub space: &'a PointSpace,
    /// Tables of every layer, base first; the last is the layer the findings are about.
    pub layers: &'a [LayerTables],
    /// All false, one per rule of the top layer: "the policy as written".
    pub none_removed: Vec<bool>,
    /// The previous analysis, when only some rules need judging again.
    pub reuse: Option<Reuse<'a>>,
}

impl Context<'_> {
    fn top_index(&self) -> u32 {
        self.layers.len() as u32 - 1
    }

    fn top(&self) -> &LayerTables {
        self.layers.last().expect("a model has a layer")
    }

    fn base(&self) -> Option<&LayerTables> {
        self.layers.len().checked_sub(2).map(|i| &self.layers[i])
    }

    fn points(&self) -> usize {
        self.space.len()
    }

    fn own(&self, index: u32) -> RuleRef {
        RuleRef {
            layer: self.top_index(),
            index,
        }
    }

    fn witness(&self, leaf: usize, point: usize) -> Witness {
        Witness {
            leaf: leaf as CatId,
            values: self.space.values_of(point),
        }
    }

    /// The findings about the top layer's rules, sorted by rule, and per rule what finding
    /// it redundant did to the rest (for a later [`Reuse`]).
    pub fn findings(&self) -> (Vec<Finding>, Vec<HandDowns>) {
        let mut below = Below::build(self.model, self.points(), self.top(), self.base());
        let (conflicts, violations) = self.conflicts_and_violations();
        let mut findings: Vec<Finding> = Vec::new();
        let mut provided = Provided::default();
        let rules = &self.model.layers.last().expect("a model has a layer").rules;
        let mut removed = vec![false; rules.len()];
        let mut hand_downs: Vec<HandDowns> = vec![Vec::new(); rules.len()];
        for i in self.processing_order() {
            let rule = &rules[i as usize];
            if let Some(reuse) = self.reuse.as_ref().filter(|r| !r.affected[rule.category as usize]) {
                self.replay(i, reuse, &mut below, &mut removed, &mut hand_downs, &mut findings);
                continue;
            }
            // An exact repeat is involved wherever the rule it repeats is.
            let original = self.top().duplicate_of[i as usize];
            let same = original.unwrap_or(i);
            if let Some((others, witness)) = conflicts.get(&same) {
                let others = others.iter().copied().chain(original).filter(|&o| o != i).collect();
                findings.push(Finding::Conflict {
                    rule: i,
                    others,
                    witness: witness.clone(),
                });
                continue;
            }
            if let Some(witness) = violations.get(&same) {
                findings.push(Finding::LayerViolation {
                    rule: i,
                    witness: witness.clone(),
                });
                continue;
            }
            if let Some(first) = original {
                let by = vec![self.own(first)];
                findings.push(Finding::Redundant {
                    rule: i,
                    reason: Redundancy::Duplicate,
                    by,
                });
                continue;
            }
            if rule.effect == Effect::Require {
                findings.extend(self.requirement_finding(i, &below, &mut provided));
                continue;
            }
            let finding = self.decision_finding(i, &mut below, &mut removed, &mut hand_downs[i as usize]);
            findings.extend(finding);
        }
        findings.sort_by_key(Finding::rule);
        (findings, hand_downs)
    }

    /// Takes an unaffected rule's finding from the previous analysis, and does to `below`
    /// what finding it redundant did there. Nothing else it did can reach an affected rule:
    /// it reads and writes only its own node, and the hand-downs go to ancestors.
    fn replay(
        &self,
        i: u32,
        reuse: &Reuse,
        below: &mut Below,
        removed: &mut [bool],
        hand_downs: &mut [HandDowns],
        findings: &mut Vec<Finding>,
    ) {
        let top = reuse.remaps.last().expect("a model has a layer");
        let old = top.old_index(i).expect("a rule at an unchanged category is kept");
        let points = self.points();
        let done = &reuse.hand_downs[old as usize];
        for &(to, live) in done {
            below.touched[to as usize / points] = true;
            below.used[to as usize] = true;
            below.live[to as usize] |= live;
        }
        hand_downs[i as usize] = done.clone();
        if let Some(finding) = reuse.finding(old) {
            if let Finding::Redundant {
                reason: Redundancy::NeverDecides | Redundancy::SameWithout,
                ..
            } = finding
            {
                removed[i as usize] = true;
                let n = self.model.layers.last().expect("a model has a layer").rules[i as usize].category;
                below.touched[n as usize] = true;
            }
            findings.push(finding.remapped(reuse.remaps));
        }
    }

    /// Deeper categories first, later rules first within one: a redundant rule is taken out
    /// before the broader or earlier rules it falls back to are judged, so that every rule
    /// reported redundant can be removed at once.
    fn processing_order(&self) -> Vec<u32> {
        let rules = &self.model.layers.last().expect("a model has a layer").rules;
        let depth: Vec<usize> = rules.iter().map(|r| self.model.categories.depth(r.category)).collect();
        let mut order: Vec<u32> = (0..rules.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| depth[b as usize].cmp(&depth[a as usize]).then(b.cmp(&a)));
        order
    }

    /// One pass over every leaf and point: ambiguous decisions, and allows over a prohibiting
    /// base. Each rule keeps its first example.
    #[allow(clippy::type_complexity)]
    fn conflicts_and_violations(&self) -> (BTreeMap<u32, (Vec<u32>, Witness)>, BTreeMap<u32, Witness>) {
        let (cats, points) = (&self.model.categories, self.points());
        let mut conflicts = BTreeMap::new();
        let mut violations = BTreeMap::new();
        for leaf in (0..cats.len()).filter(|&n| cats.children[n].is_empty()) {
            for p in 0..points {
                let cell = leaf * points + p;
                let Some(d) = self.top().decision_at(cell, points) else {
                    continue;
                };
                if d.outcome == Outcome::Ambiguous {
                    for &r in &d.rules {
                        conflicts.entry(r).or_insert_with(|| {
                            let others = d.rules.iter().copied().filter(|&o| o != r).collect();
                            (others, self.witness(leaf, p))
                        });
                    }
                }
                let base_prohibits = self.base().is_some_and(|b| !b.fin[cell].is_allowed());
                if base_prohibits && d.outcome == Outcome::Allow {
                    for &r in &d.rules {
                        violations.entry(r).or_insert_with(|| self.witness(leaf, p));
                    }
                }
            }
        }
        (conflicts, violations)
    }

    /// Shadowed or redundant, for a `prohibit`/`allow` rule. Redundant means both that
    /// removing the rule alone changes nothing and that removing it after the rules already
    /// found redundant changes nothing, so each reported rule can go, and all of them at once.
    /// A rule found redundant is removed, and the leaves that took its decision are handed to
    /// the ancestor decision they now fall back to.
    fn decision_finding(
        &self,
        i: u32,
        below: &mut Below,
        removed: &mut [bool],
        hand_downs: &mut HandDowns,
    ) -> Option<Finding> {
        let top = self.top();
        let rules = &self.model.layers.last().expect("a model has a layer").rules;
        let n = rules[i as usize].category as usize;
        let points = self.points();
        let applies = &top.applies[i as usize];
        let decides_as_written = self.decides_at(i, &below.used_as_written, &self.none_removed);
        let other = match rules[i as usize].effect {
            Effect::Allow => PROHIBIT_BIT,
            _ => ALLOW_BIT,
        };
        if decides_as_written.is_empty() && ones(applies).any(|p| below.effects[n * points + p] & other != 0) {
            return Some(Finding::Shadowed {
                rule: i,
                by: self.deciders_below(n, applies, other),
            });
        }
        let alone = self.same_without(i, &decides_as_written, &below.live_as_written, &self.none_removed)?;
        let never_decides = decides_as_written.is_empty();
        // Until a removal touches this category, the policy here is still as written.
        let (decides_now, after_others) = if below.touched[n] {
            let now = self.decides_at(i, &below.used, removed);
            let after = self.same_without(i, &now, &below.live, removed)?;
            (now, after)
        } else {
            (decides_as_written, alone.clone())
        };
        removed[i as usize] = true;
        below.touched[n] = true;
        *hand_downs = self.hand_down(n, &decides_now, below, removed);
        Some(if never_decides {
            let by = self.deciders_below(n, applies, ALLOW_BIT | PROHIBIT_BIT);
            Finding::Redundant {
                rule: i,
                reason: Redundancy::NeverDecides,
                by,
            }
        } else {
            let by = alone.or(after_others).unwrap_or_default();
            Finding::Redundant {
                rule: i,
                reason: Redundancy::SameWithout,
                by,
            }
        })
    }

    /// The points where rule `i` is among the deciding rules of a leaf, given `used` and the
    /// rules `removed`.
    fn decides_at(&self, i: u32, used: &[bool], removed: &[bool]) -> Vec<usize> {
        let top = self.top();
        let n = self.model.layers.last().expect("a model has a layer").rules[i as usize].category as usize;
        let points = self.points();
        ones(&top.applies[i as usize])
            .filter(|&p| used[n * points + p] && self.deciding(n, p, removed, None).any(|r| r == i))
            .collect()
    }

    /// `Some(fallback rules at the first point)` when, at every live point where rule `i`
    /// decides, the outcome without it is the same; `None` when some outcome changes.
    fn same_without(&self, i: u32, decides: &[usize], live: &[bool], removed: &[bool]) -> Option<Option<Vec<RuleRef>>> {
        let n = self.model.layers.last().expect("a model has a layer").rules[i as usize].category as usize;
        let points = self.points();
        let mut first = None;
        for &p in decides.iter().filter(|&&p| live[n * points + p]) {
            let with = self.outcome_of(self.deciding(n, p, removed, None));
            let without = self.outcome_without(i, n, p, removed);
            if with != Some(without) {
                return None;
            }
            first.get_or_insert_with(|| self.fallback_rules(i, n, p, removed));
        }
        Some(first)
    }

    /// After a removal at `n`: where no rule there decides any more, the leaves fall back to
    /// the nearest ancestor decision, which now counts as used by them.
    fn hand_down(&self, n: usize, decided: &[usize], below: &mut Below, removed: &[bool]) -> HandDowns {
        let points = self.points();
        let mut done = Vec::new();
        for &p in decided {
            if self.deciding(n, p, removed, None).next().is_some() {
                continue;
            }
            let inherited = self.model.categories.parent[n].map(|a| self.top().eff[a as usize * points + p]);
            if let Some(node) = inherited.filter(|&node| node != NONE) {
                let (from, to) = (n * points + p, node as usize * points + p);
                below.touched[node as usize] = true;
                below.used[to] = true;
                below.live[to] |= below.live[from];
                done.push((to as u32, below.live[from]));
            }
        }
        done
    }

    /// The layer's deciding rules at node `n`, point `p`, among those not removed (nor
    /// `except`): the applicable ones no narrower applicable one beats. Lazy, since this runs
    /// for every rule at every point.
    fn deciding<'s>(
        &'s self,
        n: usize,
        p: usize,
        removed: &'s [bool],
        except: Option<u32>,
    ) -> impl Iterator<Item = u32> + 's {
        let top = self.top();
        let candidates = &top.deciders_at[n];
        let applicable = move |r: u32| !removed[r as usize] && Some(r) != except && bit(&top.applies[r as usize], p);
        candidates.iter().copied().filter(move |&a| {
            applicable(a) && {
                let ab = &top.applies[a as usize];
                !candidates.iter().any(|&b| {
                    let bb = &top.applies[b as usize];
                    applicable(b) && bb != ab && super::points::is_subset(bb, ab)
                })
            }
        })
    }

    fn outcome_of(&self, deciding: impl Iterator<Item = u32>) -> Option<Outcome> {
        let rules = &self.model.layers.last().expect("a model has a layer").rules;
        Outcome::of_effects(deciding.map(|r| rules[r as usize].effect))
    }

    /// The layer's outcome at node `n`, point `p`, were rule `i` removed too: the remaining
    /// rules there, else the nearest ancestor decision, else the layer's default, else the
    /// bases' allow.
    fn outcome_without(&self, i: u32, n: usize, p: usize, removed: &[bool]) -> Outcome {
        if let Some(outcome) = self.outcome_of(self.deciding(n, p, removed, Some(i))) {
            return outcome;
        }
        match self.inherited(n, p) {
            Some(d) => d.outcome,
            None => {
                let default = self.model.layers.last().and_then(|l| l.default);
                default.map_or(Outcome::Allow, Outcome::of_effect)
            }
        }
    }

    /// The rules that decide at node `n`, point `p`, once rule `i` is removed (none: the
    /// default or the bases).
    fn fallback_rules(&self, i: u32, n: usize, p: usize, removed: &[bool]) -> Vec<RuleRef> {
        let here: Vec<RuleRef> = self.deciding(n, p, removed, Some(i)).map(|r| self.own(r)).collect();
        if !here.is_empty() {
            return here;
        }
        self.inherited(n, p)
            .map(|d| d.rules.iter().map(|&r| self.own(r)).collect())
            .unwrap_or_default()
    }

    /// The decision node `n` inherits at point `p` from its nearest deciding ancestor.
    fn inherited(&self, n: usize, p: usize) -> Option<&super::tables::Decision> {
        let points = self.points();
        let top = self.top();
        self.model.categories.parent[n]
            .map(|parent| top.eff[parent as usize * points + p])
            .filter(|&node| node != NONE)
            .and_then(|node| top.decision_of(node, p))
    }

    /// The rules of the layer deciding, with one of `effects`, at the leaves below `n` for the
    /// points in `at`.
    fn deciders_below(&self, n: usize, at: &[u64], effects: u8) -> Vec<RuleRef> {
        let points = self.points();
        let mut found = BTreeSet::new();
        'leaves: for leaf in self.model.categories.leaves_under(n as CatId) {
            for p in ones(at) {
                let cell = leaf as usize * points + p;
                if let Some(d) = self.top().decision_at(cell, points)
                    && effect_bits(d.outcome) & effects != 0
                {
                    found.extend(d.rules.iter().map(|&r| self.own(r)));
                    if found.len() >= MAX_RELATED {
                        break 'leaves;
                    }
                }
            }
        }
        found.into_iter().take(MAX_RELATED).collect()
    }

    fn requirement_finding(&self, i: u32, below: &Below, provided: &mut Provided) -> Option<Finding> {
        let top = self.top();
        let rules = &self.model.layers.last().expect("a model has a layer").rules;
        let rule = &rules[i as usize];
        let n = rule.category as usize;
        let points = self.points();
        let applies = &top.applies[i as usize];
        let mut allowed = ones(applies).filter(|&p| below.allowed[n * points + p]).peekable();
        if allowed.peek().is_none() {
            return Some(Finding::Dead { rule: i });
        }
        let mut by = BTreeSet::new();
        for p in allowed {
            let above = provided.at(self, n, p);
            let mut missing: Vec<u32> = rule
                .safeguards
                .iter()
                .copied()
                .filter(|&s| !bit(above, s as usize))
                .collect();
            if missing.is_empty() {
                continue;
            }
            // Only where the ancestors leave a gap do rules at the same category matter.
            for r in self.prior_at_node(i, n, p) {
                let theirs = &self.model.layers[r.layer as usize].rules[r.index as usize].safeguards;
                let before = missing.len();
                missing.retain(|s| !theirs.contains(s));
                if missing.len() < before {
                    by.insert(r);
                }
            }
            if !missing.is_empty() {
                return None;
            }
        }
        by.extend(self.providers_above(n, &rule.safeguards, applies));
        let by = by.into_iter().take(MAX_RELATED).collect();
        Some(Finding::Redundant {
            rule: i,
            reason: Redundancy::Covered,
            by,
        })
    }

    /// `require` rules at `n` itself, applicable at `p`, that take precedence over rule `i` for
    /// the redundancy tie-break: every base layer's, and the layer's own with a wider `when`,
    /// or the same `when` and more safeguards (exact repeats are duplicates already).
    fn prior_at_node(&self, i: u32, n: usize, p: usize) -> Vec<RuleRef> {
        let top_layer = self.top_index();
        let mine = &self.model.layers[top_layer as usize].rules[i as usize];
        let my_bits = &self.top().applies[i as usize];
        let mut prior = Vec::new();
        for (layer, tables) in self.layers.iter().enumerate() {
            for &r in &tables.requires_at[n] {
                let r = r as usize;
                let rule = &self.model.layers[layer].rules[r];
                let bits = &tables.applies[r];
                if (layer as u32 == top_layer && r as u32 == i) || !bit(bits, p) {
                    continue;
                }
                let covers = |a: &[u32], b: &[u32]| a.iter().all(|s| b.contains(s));
                let wins = layer as u32 != top_layer
                    || (bits != my_bits && super::points::is_subset(my_bits, bits))
                    || (bits == my_bits
                        && covers(&mine.safeguards, &rule.safeguards)
                        && !covers(&rule.safeguards, &mine.safeguards));
                if wins {
                    prior.push(RuleRef {
                        layer: layer as u32,
                        index: r as u32,
                    });
                }
            }
        }
        prior
    }

    /// `require` rules at strict ancestors of `n` providing any of `safeguards` at a point of
    /// `at`: the related information of a covered requirement.
    fn providers_above(&self, n: usize, safeguards: &[u32], at: &[u64]) -> Vec<RuleRef> {
        let mut found = Vec::new();
        let mut node = self.model.categories.parent[n];
        while let Some(a) = node {
            for (layer, tables) in self.layers.iter().enumerate() {
                for &r in &tables.requires_at[a as usize] {
                    let rule = &self.model.layers[layer].rules[r as usize];
                    let overlaps = tables.applies[r as usize].iter().zip(at).any(|(x, y)| x & y != 0);
                    if overlaps && rule.safeguards.iter().any(|s| safeguards.contains(s)) {
                        found.push(RuleRef {
                            layer: layer as u32,
                            index: r,
                        });
                    }
                }
            }
            node = self.model.categories.parent[a as usize];
        }
        found
    }

    /// Per point, the safeguards owed through `require` rules (of every layer) at strict
    /// ancestors of node `n`, as bit sets of `words` words each.
    fn provided_above(&self, n: usize, words: usize) -> Vec<u64> {
        let points = self.points();
        let mut bits = vec![0u64; points * words];
        let mut node = self.model.categories.parent[n];
        while let Some(a) = node {
            for (layer, tables) in self.layers.iter().enumerate() {
                for &r in &tables.requires_at[a as usize] {
                    let safeguards = &self.model.layers[layer].rules[r as usize].safeguards;
                    for p in ones(&tables.applies[r as usize]) {
                        for &s in safeguards {
                            bits[p * words + s as usize / 64] |= 1 << (s % 64);
                        }
                    }
                }
            }
            node = self.model.categories.parent[a as usize];
        }
        bits
    }
}

/// The safeguards owed from above, per node as it is asked for: only the nodes of the
/// `require` rules judged are ever computed.
#[derive(Default)]
struct Provided {
    by_node: std::collections::HashMap<usize, Vec<u64>>,
}

impl Provided {
    fn at(&mut self, cx: &Context, n: usize, p: usize) -> &[u64] {
        let words = cx.model.safeguards.len().div_ceil(64).max(1);
        let bits = self.by_node.entry(n).or_insert_with(|| cx.provided_above(n, words));
        &bits[p * words..(p + 1) * words]
    }
}
