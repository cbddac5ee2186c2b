//! Verdicts and findings over a resolved [`Model`]: §3 of the specification.
//!
//! [`Analysis`] answers single points on demand (manifests, `explain`, hover) by walking the
//! path from a leaf to the root, and computes the exhaustive policy findings from per-point
//! tables built once, or, for a new version of a policy analysed before, updated where the
//! edit reaches (`exhaustive.rs`).

mod diff;
mod exhaustive;
mod findings;
mod ir;
mod judge;
mod points;
mod tables;

#[cfg(test)]
mod edit_tests;
#[cfg(test)]
mod tests;

pub use findings::{Finding, Redundancy, Witness};
pub use ir::{Attribute, CatId, Categories, Layer, Model, Rule, RuleOrigin};
pub use judge::{Decider, Outcome, RuleRef, Verdict};
pub use points::PointSpace;

use std::sync::{Arc, Mutex, OnceLock};

use exhaustive::Exhaustive;
use judge::RuleIndex;

/// The most table cells (categories × points) the exhaustive findings will fill; past it the
/// findings are skipped rather than exhaust memory (each cell costs a few bytes per layer).
pub const MAX_TABLE_CELLS: usize = 16 << 20;

#[derive(Debug)]
pub struct Analysis {
    /// Shared with the exhaustive analysis, which the next version compares itself with.
    pub model: Arc<Model>,
    index: RuleIndex,
    /// The exhaustive analysis, made on first use.
    exhaustive: OnceLock<Arc<Exhaustive>>,
    /// An earlier version's exhaustive analysis, until this one's is made from it.
    earlier: Mutex<Option<Arc<Exhaustive>>>,
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
        Self {
            model: Arc::new(model),
            index,
            exhaustive: OnceLock::new(),
            earlier: Mutex::new(None),
        }
    }

    /// The analysis of a new version of the policy `earlier` analysed (in an editor, the
    /// text after an edit): its findings start from `earlier`'s and redo only what the
    /// changed rules reach.
    pub fn after(model: Model, earlier: &Analysis) -> Self {
        let analysis = Self::new(model);
        *analysis.earlier.lock().expect("not poisoned") = earlier.for_next();
        analysis
    }

    /// What a next version can start from: this version's exhaustive analysis, or, when it
    /// was never asked for, the one this version would have started from.
    fn for_next(&self) -> Option<Arc<Exhaustive>> {
        match self.exhaustive.get() {
            Some(done) => Some(done.clone()),
            None => self.earlier.lock().expect("not poisoned").clone(),
        }
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

    /// The findings about the top layer's own rules, exhaustive over every point, sorted by
    /// rule. Empty when the model has no layer, or its point space is past
    /// [`MAX_TABLE_CELLS`]. Computed once, from the earlier version's when there is one.
    pub fn findings(&self) -> &[Finding] {
        &self.exhaustive().findings
    }

    fn exhaustive(&self) -> &Exhaustive {
        self.exhaustive.get_or_init(|| {
            let earlier = self.earlier.lock().expect("not poisoned").take();
            Arc::new(Exhaustive::compute(&self.model, earlier.as_deref()))
        })
    }

    /// The findings computed from scratch, whatever came before: what [`findings`](Self::findings)
    /// must equal (the tests' oracle, and the benchmarks' full analysis).
    pub fn fresh_findings(&self) -> Vec<Finding> {
        Exhaustive::compute(&self.model, None).findings
    }
}
