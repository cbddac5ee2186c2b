//! Verdicts and findings over a resolved [`Model`]: §3 of the specification.
//!
//! [`Analysis`] answers single points on demand (manifests, `explain`, hover) by walking the
//! path from a leaf to the root, and computes the exhaustive policy findings from per-point
//! tables built once.

mod findings;
mod ir;
mod judge;
mod points;
mod tables;

#[cfg(test)]
mod tests;

pub use findings::{Finding, Redundancy, Witness};
pub use ir::{Attribute, CatId, Categories, Layer, Model, Rule, RuleOrigin};
pub use judge::{Decider, Outcome, RuleRef, Verdict};

use judge::RuleIndex;
use points::PointSpace;
use tables::LayerTables;

/// The most table cells (categories × points) the exhaustive findings will fill; past it the
/// findings are skipped rather than exhaust memory (each cell costs a few bytes per layer).
pub const MAX_TABLE_CELLS: usize = 16 << 20;

#[derive(Debug)]
pub struct Analysis {
    pub model: Model,
    index: RuleIndex,
}

/// The verdict for a category that may have children: every leaf below is judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryVerdict {
    /// Each leaf below the category with its verdict, in tree order.
    pub leaves: Vec<(CatId, Verdict)>,
}

impl CategoryVerdict {
    /// Prohibited when any leaf is not allowed.
    pub fn is_allowed(&self) -> bool {
        self.leaves.iter().all(|(_, v)| v.outcome.is_allowed())
    }

    /// The leaves that are not allowed.
    pub fn prohibited(&self) -> impl Iterator<Item = &(CatId, Verdict)> {
        self.leaves.iter().filter(|(_, v)| !v.outcome.is_allowed())
    }

    /// The safeguards any allowed leaf owes, each with the rules asking for it.
    pub fn owed(&self) -> Vec<(u32, Vec<RuleRef>)> {
        owed_by_all(std::slice::from_ref(self))
    }
}

/// The safeguards any allowed leaf of any of `verdicts` owes (a use case with several
/// categories), each with the rules asking for it, in safeguard order.
pub fn owed_by_all(verdicts: &[CategoryVerdict]) -> Vec<(u32, Vec<RuleRef>)> {
    let mut owed: Vec<(u32, Vec<RuleRef>)> = Vec::new();
    for (_, verdict) in verdicts.iter().flat_map(|v| &v.leaves) {
        for (s, rules) in &verdict.owed {
            match owed.iter_mut().find(|(o, _)| o == s) {
                Some((_, all)) => all.extend(rules),
                None => owed.push((*s, rules.clone())),
            }
        }
    }
    for (_, rules) in &mut owed {
        rules.sort();
        rules.dedup();
    }
    owed.sort_by_key(|(s, _)| *s);
    owed
}

impl Analysis {
    pub fn new(model: Model) -> Self {
        let index = RuleIndex::new(&model);
        Self { model, index }
    }

    /// The composed verdict at a leaf for a full assignment (a value index per attribute).
    pub fn judge(&self, leaf: CatId, values: &[u32]) -> Verdict {
        self.judge_layers(self.model.layers.len(), leaf, values)
    }

    /// The verdict of the first `layers` layers only (the base of a layer, for messages).
    pub fn judge_layers(&self, layers: usize, leaf: CatId, values: &[u32]) -> Verdict {
        judge::judge(&self.model, &self.index, layers, leaf, values)
    }

    /// Judges every leaf at or below `category`.
    pub fn judge_category(&self, category: CatId, values: &[u32]) -> CategoryVerdict {
        let leaves = self.model.categories.leaves_under(category);
        CategoryVerdict {
            leaves: leaves
                .into_iter()
                .map(|leaf| (leaf, self.judge(leaf, values)))
                .collect(),
        }
    }

    /// The defaults of every attribute, as a full assignment.
    pub fn default_values(&self) -> Vec<u32> {
        self.model.attributes.iter().map(|a| a.default).collect()
    }

    /// The findings about the top layer's own rules, exhaustive over every point. Empty when
    /// the model has no layer, or its point space is past [`MAX_TABLE_CELLS`].
    pub fn findings(&self) -> Vec<Finding> {
        if self.model.layers.is_empty() {
            return Vec::new();
        }
        let space = PointSpace::new(&self.model);
        if space.len().saturating_mul(self.model.categories.len().max(1)) > MAX_TABLE_CELLS {
            return Vec::new();
        }
        let mut layers: Vec<LayerTables> = Vec::with_capacity(self.model.layers.len());
        for layer in 0..self.model.layers.len() {
            let tables = LayerTables::build(&self.model, &space, layer, layers.last());
            layers.push(tables);
        }
        let none_removed = vec![false; self.model.layers.last().map_or(0, |l| l.rules.len())];
        findings::Context {
            model: &self.model,
            space: &space,
            layers: &layers,
            none_removed,
        }
        .findings()
    }
}
