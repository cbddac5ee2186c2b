//! Exhaustive per-point tables for the policy findings of §3.2–§3.3.
//!
//! Rather than comparing rules pairwise, each layer gets, for every category node and every
//! point of the compressed [`PointSpace`], the node whose local decision holds there
//! (`eff`) and the composed outcome (`fin`). One top-down pass fills them; the cost is
//! `categories × points + rules × points`, near-linear in the number of rules. Only rules at
//! the same category are compared with each other, to find which `when` is narrower.

use super::diff::Remap;
use super::ir::{CatId, Model};
use super::judge::Outcome;
use super::points::{Bits, PointSpace, bit, bits_new, is_subset};
use crate::model::Effect;

/// No rule decides here.
pub const NONE: u32 = u32::MAX;

/// A set of rules deciding together at a node, and what they decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Indices into the layer's rules, ascending.
    pub rules: Vec<u32>,
    pub outcome: Outcome,
}

/// The decisions of the rules at one node. They are kept per node, because a decision only
/// ever holds rules of one node: an edit elsewhere leaves them alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Local {
    /// Per point, an index into `decisions` (`NONE` where no rule here applies).
    row: Box<[u32]>,
    decisions: Vec<Decision>,
}

impl Local {
    /// The same decisions after the layer's rules were renumbered.
    fn remapped(&self, remap: &Remap) -> Local {
        let decisions = self
            .decisions
            .iter()
            .map(|d| Decision {
                rules: d.rules.iter().map(|&r| remap.kept(r)).collect(),
                outcome: d.outcome,
            })
            .collect();
        Local {
            row: self.row.clone(),
            decisions,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerTables {
    /// Per rule: the points where its `when` holds.
    pub applies: Vec<Bits>,
    /// Per `prohibit`/`allow` rule: the points where no narrower rule at its category beats it.
    pub unbeaten: Vec<Bits>,
    /// Per rule: the earlier rule it repeats exactly (same category, effect, `when` and
    /// safeguards), which alone takes part in the analysis.
    pub duplicate_of: Vec<Option<u32>>,
    /// Per node: the layer's `prohibit`/`allow` rules there (duplicates left out).
    pub deciders_at: Vec<Vec<u32>>,
    /// Per node: the layer's `require` rules there (duplicates left out).
    pub requires_at: Vec<Vec<u32>>,
    /// Per node with deciding rules: their decision at each point.
    pub local: Vec<Option<Local>>,
    /// `eff[n * points + p]`: the node whose local decision holds at `n` (itself or an
    /// ancestor), or `NONE`.
    pub eff: Vec<u32>,
    /// `fin[n * points + p]`: the composed outcome of this layer over its bases.
    pub fin: Vec<Outcome>,
}

/// The tables of the same layer in an earlier version of the model, and what changed since:
/// a build copies whatever the change cannot reach.
#[derive(Clone, Copy)]
pub struct Earlier<'a> {
    pub tables: &'a LayerTables,
    /// How the layer's rule indices moved.
    pub remap: &'a Remap,
    /// Per node: whether its rules in this layer changed.
    pub changed: &'a [bool],
    /// Per node: whether any layer's rules changed at or above it (its rows are recomputed).
    pub stale: &'a [bool],
}

impl LayerTables {
    /// The tables of one layer over its base's, copying from `earlier` what its change left
    /// as it was. The result is the same with or without `earlier`.
    pub fn build(
        model: &Model,
        space: &PointSpace,
        layer: usize,
        base: Option<&LayerTables>,
        earlier: Option<Earlier>,
    ) -> Self {
        let points = space.len();
        let rules = &model.layers[layer].rules;
        // Only the `when` of a new rule needs turning into points.
        let applies: Vec<Bits> = rules
            .iter()
            .enumerate()
            .map(
                |(i, r)| match earlier.and_then(|e| Some((e, e.remap.old_index(i as u32)?))) {
                    Some((e, old)) => e.tables.applies[old as usize].clone(),
                    None => space.bits_of(&r.when),
                },
            )
            .collect();
        let duplicate_of = find_duplicates(model, layer, &applies);
        let mut deciders_at = vec![Vec::new(); model.categories.len()];
        let mut requires_at = vec![Vec::new(); model.categories.len()];
        for (i, rule) in rules.iter().enumerate().filter(|(i, _)| duplicate_of[*i].is_none()) {
            let at = if rule.effect == Effect::Require {
                &mut requires_at
            } else {
                &mut deciders_at
            };
            at[rule.category as usize].push(i as u32);
        }
        let unbeaten = unbeaten_points(rules.len(), &applies, &deciders_at);
        let mut tables = LayerTables {
            applies,
            unbeaten,
            duplicate_of,
            deciders_at,
            requires_at,
            local: Vec::new(),
            eff: Vec::new(),
            fin: Vec::new(),
        };
        tables.build_local(model, layer, points, earlier);
        tables.build_effective(model, points, earlier);
        tables.build_final(model, layer, points, base, earlier);
        tables
    }

    fn build_local(&mut self, model: &Model, layer: usize, points: usize, earlier: Option<Earlier>) {
        let rules = &model.layers[layer].rules;
        let local = self
            .deciders_at
            .iter()
            .enumerate()
            .map(|(n, at)| match earlier.filter(|e| !e.changed[n]) {
                Some(e) => e.tables.local[n].as_ref().map(|l| l.remapped(e.remap)),
                None => (!at.is_empty()).then(|| self.local_at(rules, at, points)),
            })
            .collect();
        self.local = local;
    }

    /// The decisions of the deciding rules `at` of one node.
    fn local_at(&self, rules: &[super::ir::Rule], at: &[u32], points: usize) -> Local {
        let mut decisions: Vec<Decision> = Vec::new();
        // Most nodes see few distinct deciding sets: remember them by a bit mask over the
        // node's rules before comparing rule lists.
        let mut seen: Vec<(u64, u32)> = Vec::new();
        let mut row = vec![NONE; points].into_boxed_slice();
        for (p, cell) in row.iter_mut().enumerate() {
            let mask = if at.len() <= 64 {
                at.iter()
                    .enumerate()
                    .filter(|(_, r)| bit(&self.unbeaten[**r as usize], p))
                    .fold(0u64, |m, (i, _)| m | 1 << i)
            } else {
                u64::MAX
            };
            if mask == 0 {
                continue;
            }
            if let Some(&(_, d)) = seen.iter().find(|(m, _)| *m == mask && mask != u64::MAX) {
                *cell = d;
                continue;
            }
            let deciding: Vec<u32> = at
                .iter()
                .copied()
                .filter(|&r| bit(&self.unbeaten[r as usize], p))
                .collect();
            if deciding.is_empty() {
                continue;
            }
            let d = match decisions.iter().position(|d| d.rules == deciding) {
                Some(d) => d as u32,
                None => {
                    let outcome = Outcome::of_effects(deciding.iter().map(|&r| rules[r as usize].effect))
                        .expect("a decision has at least one rule");
                    decisions.push(Decision {
                        rules: deciding,
                        outcome,
                    });
                    decisions.len() as u32 - 1
                }
            };
            seen.push((mask, d));
            *cell = d;
        }
        Local { row, decisions }
    }

    /// Top-down: a node's decision is its own where it has one, else its parent's.
    fn build_effective(&mut self, model: &Model, points: usize, earlier: Option<Earlier>) {
        let cats = &model.categories;
        let mut eff = match earlier {
            Some(e) => e.tables.eff.clone(),
            None => vec![NONE; cats.len() * points],
        };
        for n in (0..cats.len()).filter(|&n| earlier.is_none_or(|e| e.stale[n])) {
            let (done, rest) = eff.split_at_mut(n * points);
            let row = &mut rest[..points];
            match cats.parent[n] {
                Some(parent) => {
                    let p0 = parent as usize * points;
                    row.copy_from_slice(&done[p0..p0 + points]);
                }
                None => row.fill(NONE),
            }
            if let Some(local) = &self.local[n] {
                for (cell, &d) in row.iter_mut().zip(local.row.iter()) {
                    if d != NONE {
                        *cell = n as u32;
                    }
                }
            }
        }
        self.eff = eff;
    }

    fn build_final(
        &mut self,
        model: &Model,
        layer: usize,
        points: usize,
        base: Option<&LayerTables>,
        earlier: Option<Earlier>,
    ) {
        let default = model.layers[layer].default.map(Outcome::of_effect);
        let outcome = |cell: usize| {
            let below = base.map(|b| b.fin[cell]);
            if below.is_some_and(|o| !o.is_allowed()) {
                return below.unwrap_or(Outcome::Prohibit);
            }
            match self.decision_at(cell, points) {
                Some(d) => d.outcome,
                None => default.or(below).unwrap_or(Outcome::Allow),
            }
        };
        let fin = match earlier {
            Some(e) => {
                let mut fin = e.tables.fin.clone();
                for n in (0..model.categories.len()).filter(|&n| e.stale[n]) {
                    let row = n * points..(n + 1) * points;
                    for (slot, cell) in fin[row.clone()].iter_mut().zip(row) {
                        *slot = outcome(cell);
                    }
                }
                fin
            }
            None => (0..self.eff.len()).map(outcome).collect(),
        };
        self.fin = fin;
    }

    /// The layer's decision at a cell (`node * points + point`), if any of its rules decides.
    pub fn decision_at(&self, cell: usize, points: usize) -> Option<&Decision> {
        let node = self.eff[cell];
        (node != NONE)
            .then(|| self.decision_of(node as CatId, cell % points))
            .flatten()
    }

    /// The local decision of `node` at `point`.
    pub fn decision_of(&self, node: CatId, point: usize) -> Option<&Decision> {
        let local = self.local[node as usize].as_ref()?;
        let d = local.row[point];
        (d != NONE).then(|| &local.decisions[d as usize])
    }
}

/// Exact repeats of an earlier rule of the layer; the later one is the redundant one. Only
/// rules at the same category can repeat each other, so they are compared per category.
fn find_duplicates(model: &Model, layer: usize, applies: &[Bits]) -> Vec<Option<u32>> {
    let rules = &model.layers[layer].rules;
    let mut at: Vec<Vec<u32>> = vec![Vec::new(); model.categories.len()];
    for (i, r) in rules.iter().enumerate() {
        at[r.category as usize].push(i as u32);
    }
    let same_safeguards = |a: &[u32], b: &[u32]| a.iter().all(|s| b.contains(s)) && b.iter().all(|s| a.contains(s));
    let mut duplicate_of = vec![None; rules.len()];
    for here in at.iter().filter(|h| h.len() > 1) {
        for (k, &i) in here.iter().enumerate() {
            let (a, bits) = (&rules[i as usize], &applies[i as usize]);
            duplicate_of[i as usize] = here[..k].iter().copied().find(|&j| {
                let b = &rules[j as usize];
                b.effect == a.effect && applies[j as usize] == *bits && same_safeguards(&a.safeguards, &b.safeguards)
            });
        }
    }
    duplicate_of
}

/// For each deciding rule, its points less those where a rule at the same category with a
/// strictly narrower `when` also applies (that rule beats it there).
fn unbeaten_points(rule_count: usize, applies: &[Bits], deciders_at: &[Vec<u32>]) -> Vec<Bits> {
    let mut unbeaten = vec![bits_new(0); rule_count];
    for at in deciders_at {
        for &a in at {
            let mut row = applies[a as usize].clone();
            for &b in at {
                let (ab, bb) = (&applies[a as usize], &applies[b as usize]);
                if is_subset(bb, ab) && bb != ab {
                    for (w, x) in row.iter_mut().zip(bb) {
                        *w &= !x;
                    }
                }
            }
            unbeaten[a as usize] = row;
        }
    }
    unbeaten
}

/// Per node and point, facts gathered from the leaves below, for one layer's findings.
pub struct Below {
    /// Whether some leaf below takes the node's own local decision at the point.
    pub used: Vec<bool>,
    /// `used` before any redundant rule was taken out.
    pub used_as_written: Vec<bool>,
    /// Whether such a leaf is one where the bases do not prohibit (the decision can matter).
    pub live: Vec<bool>,
    /// `live` before any redundant rule was taken out.
    pub live_as_written: Vec<bool>,
    /// Per node: whether a removal changed its rules or what its leaves take from it.
    pub touched: Vec<bool>,
    /// Which effects the layer's deciding rules have at the leaves below (bit 0 allow, bit 1
    /// prohibit).
    pub effects: Vec<u8>,
    /// Whether some leaf below is allowed in the composed verdict.
    pub allowed: Vec<bool>,
}

pub const ALLOW_BIT: u8 = 1;
pub const PROHIBIT_BIT: u8 = 2;

pub fn effect_bits(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Allow => ALLOW_BIT,
        Outcome::Prohibit => PROHIBIT_BIT,
        Outcome::Ambiguous => ALLOW_BIT | PROHIBIT_BIT,
    }
}

impl Below {
    pub fn build(model: &Model, points: usize, top: &LayerTables, base: Option<&LayerTables>) -> Self {
        let cats = &model.categories;
        let cells = cats.len() * points;
        let mut below = Below {
            used: vec![false; cells],
            used_as_written: Vec::new(),
            live_as_written: Vec::new(),
            touched: vec![false; cats.len()],
            live: vec![false; cells],
            effects: vec![0; cells],
            allowed: vec![false; cells],
        };
        for leaf in (0..cats.len()).filter(|&n| cats.children[n].is_empty()) {
            for p in 0..points {
                let cell = leaf * points + p;
                below.allowed[cell] = top.fin[cell].is_allowed();
                let node = top.eff[cell];
                if node == NONE {
                    continue;
                }
                let at = node as usize * points + p;
                below.used[at] = true;
                below.live[at] |= base.is_none_or(|b| b.fin[cell].is_allowed());
                if let Some(d) = top.decision_of(node, p) {
                    below.effects[cell] = effect_bits(d.outcome);
                }
            }
        }
        below.used_as_written = below.used.clone();
        below.live_as_written = below.live.clone();
        // Bottom-up: children come after their parents, so walk backwards.
        for n in (0..cats.len()).rev() {
            let Some(parent) = cats.parent[n] else { continue };
            let (from, to) = (n * points, parent as usize * points);
            for p in 0..points {
                below.effects[to + p] |= below.effects[from + p];
                below.allowed[to + p] |= below.allowed[from + p];
            }
        }
        below
    }
}
