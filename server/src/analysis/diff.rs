//! What changed between two versions of a model, for re-analysing only what an edit touched.
//!
//! Two models can share their analysis where they differ only in rules: the same categories,
//! attributes, safeguards, layer defaults and point space. Per layer, the rules both versions
//! begin and end with are kept (their indices move by a constant after the edit); the rules in
//! between are replaced, and the categories they name are the changed ones. A rule's findings
//! depend only on the nodes on its path and below it, so the rules whose categories are
//! neither inside nor above a changed category keep theirs.

use super::ir::{CatId, Model, Rule};

/// How the rule indices of one layer moved: the first `prefix` rules stayed, the rules from
/// `old_suffix` on (old numbering) are now from `new_suffix` on, and those between were
/// replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Remap {
    prefix: u32,
    old_suffix: u32,
    new_suffix: u32,
}

impl Remap {
    /// The new index of an old rule, unless it was replaced.
    pub fn new_index(&self, old: u32) -> Option<u32> {
        if old < self.prefix {
            Some(old)
        } else if old >= self.old_suffix {
            Some(old - self.old_suffix + self.new_suffix)
        } else {
            None
        }
    }

    /// The old index of a new rule, unless it is new.
    pub fn old_index(&self, new: u32) -> Option<u32> {
        if new < self.prefix {
            Some(new)
        } else if new >= self.new_suffix {
            Some(new - self.new_suffix + self.old_suffix)
        } else {
            None
        }
    }

    /// The new index of a rule the caller knows was kept.
    pub fn kept(&self, old: u32) -> u32 {
        self.new_index(old).expect("a rule at an unchanged category is kept")
    }
}

/// The difference between an old and a new model that can share an analysis.
#[derive(Debug, Clone)]
pub struct ModelDiff {
    /// Per layer, how its rule indices moved.
    pub remaps: Vec<Remap>,
    /// Per layer and node: whether the node's rules changed in that layer.
    pub changed: Vec<Vec<bool>>,
    /// Per node: at or below a changed node of any layer, so its table rows are recomputed.
    pub stale: Vec<bool>,
    /// Per node: stale, or above a changed node; the findings of its rules are recomputed.
    pub affected: Vec<bool>,
}

impl ModelDiff {
    /// The diff from `old` to `new`, or `None` when they differ in more than their rules.
    /// The caller checks that the two point spaces are the same.
    pub fn new(old: &Model, new: &Model) -> Option<Self> {
        if !same_frame(old, new) {
            return None;
        }
        let nodes = new.categories.len();
        let mut changed = Vec::with_capacity(new.layers.len());
        let mut remaps = Vec::with_capacity(new.layers.len());
        let mut any = vec![false; nodes];
        for (a, b) in old.layers.iter().zip(&new.layers) {
            let (remap, replaced) = align(&a.rules, &b.rules);
            let mut here = vec![false; nodes];
            for rule in replaced {
                here[rule.category as usize] = true;
                any[rule.category as usize] = true;
            }
            remaps.push(remap);
            changed.push(here);
        }
        let (stale, affected) = reach(new, &any);
        Some(ModelDiff {
            remaps,
            changed,
            stale,
            affected,
        })
    }

    /// The number of nodes whose rules' findings are recomputed.
    pub fn affected_count(&self) -> usize {
        self.affected.iter().filter(|&&a| a).count()
    }
}

/// Whether two models have the same categories, attributes, safeguards and layer defaults.
fn same_frame(old: &Model, new: &Model) -> bool {
    old.categories.names == new.categories.names
        && old.safeguards == new.safeguards
        && old.attributes.len() == new.attributes.len()
        && old
            .attributes
            .iter()
            .zip(&new.attributes)
            .all(|(a, b)| a.name == b.name && a.values == b.values && a.default == b.default)
        && old.layers.len() == new.layers.len()
        && old.layers.iter().zip(&new.layers).all(|(a, b)| a.default == b.default)
}

/// Whether two rules say the same (where they came from aside).
fn same_rule(a: &Rule, b: &Rule) -> bool {
    a.effect == b.effect && a.category == b.category && a.when == b.when && a.safeguards == b.safeguards
}

/// The common beginning and end of two rule lists, and the rules of either list in between.
fn align<'a>(old: &'a [Rule], new: &'a [Rule]) -> (Remap, impl Iterator<Item = &'a Rule>) {
    let prefix = old.iter().zip(new).take_while(|(a, b)| same_rule(a, b)).count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(a, b)| same_rule(a, b))
        .count();
    let (old_suffix, new_suffix) = (old.len() - suffix, new.len() - suffix);
    let remap = Remap {
        prefix: prefix as u32,
        old_suffix: old_suffix as u32,
        new_suffix: new_suffix as u32,
    };
    (remap, old[prefix..old_suffix].iter().chain(&new[prefix..new_suffix]))
}

/// From the changed nodes: the nodes at or below one (stale), and those plus the nodes above
/// one (affected).
fn reach(model: &Model, changed: &[bool]) -> (Vec<bool>, Vec<bool>) {
    let cats = &model.categories;
    let mut stale = changed.to_vec();
    // Parents come before their children, so one forward pass marks whole subtrees.
    for n in 0..cats.len() {
        if let Some(p) = cats.parent[n] {
            stale[n] |= stale[p as usize];
        }
    }
    let mut affected = stale.clone();
    for (n, _) in changed.iter().enumerate().filter(|(_, c)| **c) {
        let mut up: Option<CatId> = cats.parent[n];
        while let Some(a) = up.map(|a| a as usize) {
            if affected[a] && !stale[a] {
                break; // an earlier walk marked the rest of this path
            }
            affected[a] = true;
            up = cats.parent[a];
        }
    }
    (stale, affected)
}
