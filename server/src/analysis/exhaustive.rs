//! The exhaustive analysis of one model: its per-point tables and findings, kept so that the
//! next version of the same policy can start from them.
//!
//! Given the analysis of an earlier version, an edit to some rules rebuilds only the table rows
//! at and below the categories those rules name, and judges again only the rules on those
//! categories, below them or above them; every other rule's finding is copied, renumbered. The
//! result is the same as analysing from scratch, which [`Exhaustive::compute`] without an
//! earlier version does (and the tests compare the two).

use std::sync::Arc;

use super::MAX_TABLE_CELLS;
use super::diff::ModelDiff;
use super::findings::{self, Finding, HandDowns, Reuse};
use super::ir::Model;
use super::points::PointSpace;
use super::tables::{Earlier, LayerTables};

/// Past this share of the categories affected, an edit is analysed from scratch: copying and
/// renumbering would cost about as much as it saves. The tests reuse whatever the share, so
/// that their small policies take the incremental path.
const MAX_AFFECTED_PERCENT: usize = if cfg!(test) { 100 } else { 50 };

#[derive(Debug)]
pub struct Exhaustive {
    /// The model analysed, to tell what the next version changed.
    model: Arc<Model>,
    /// Empty when the analysis was skipped (no layer, or past [`MAX_TABLE_CELLS`]).
    tables: Option<Tables>,
    pub findings: Vec<Finding>,
    /// Whether it was made from an earlier version's (for the tests).
    #[cfg_attr(not(test), allow(dead_code))]
    pub from_earlier: bool,
}

#[derive(Debug)]
struct Tables {
    space: PointSpace,
    layers: Vec<LayerTables>,
    hand_downs: Vec<HandDowns>,
}

impl Exhaustive {
    /// The analysis of `model`, reusing what `earlier` (of an earlier version) can give.
    pub fn compute(model: &Arc<Model>, earlier: Option<&Exhaustive>) -> Exhaustive {
        let skipped = Exhaustive {
            model: model.clone(),
            tables: None,
            findings: Vec::new(),
            from_earlier: false,
        };
        if model.layers.is_empty() {
            return skipped;
        }
        let space = PointSpace::new(model);
        if space.len().saturating_mul(model.categories.len().max(1)) > MAX_TABLE_CELLS {
            return skipped;
        }
        let reusable = earlier.and_then(|e| e.diff_to(model, &space));
        let (earlier_tables, diff) = match reusable {
            Some((tables, diff)) => (Some(tables), Some(diff)),
            None => (None, None),
        };
        let mut layers: Vec<LayerTables> = Vec::with_capacity(model.layers.len());
        for layer in 0..model.layers.len() {
            let from = earlier_tables.zip(diff.as_ref()).map(|(t, d)| Earlier {
                tables: &t.layers[layer],
                remap: &d.remaps[layer],
                changed: &d.changed[layer],
                stale: &d.stale,
            });
            let tables = LayerTables::build(model, &space, layer, layers.last(), from);
            layers.push(tables);
        }
        let reuse = earlier.zip(earlier_tables).zip(diff.as_ref()).map(|((e, t), d)| Reuse {
            remaps: &d.remaps,
            affected: &d.affected,
            findings: &e.findings,
            hand_downs: &t.hand_downs,
        });
        let (findings, hand_downs) = findings::Context {
            model,
            space: &space,
            layers: &layers,
            none_removed: vec![false; model.layers.last().map_or(0, |l| l.rules.len())],
            reuse,
        }
        .findings();
        Exhaustive {
            from_earlier: diff.is_some(),
            model: model.clone(),
            tables: Some(Tables {
                space,
                layers,
                hand_downs,
            }),
            findings,
        }
    }

    /// What this analysis can give one of `model`: its tables and the diff, when the two
    /// models differ only in some rules and the edit is small enough to be worth it.
    fn diff_to(&self, model: &Model, space: &PointSpace) -> Option<(&Tables, ModelDiff)> {
        let tables = self.tables.as_ref()?;
        if tables.space != *space {
            return None;
        }
        let diff = ModelDiff::new(&self.model, model)?;
        let affected = diff.affected_count();
        (affected * 100 <= model.categories.len() * MAX_AFFECTED_PERCENT).then_some((tables, diff))
    }

    /// The tables of every layer (for the tests' comparison with a fresh analysis).
    #[cfg(test)]
    pub fn layer_tables(&self) -> &[LayerTables] {
        self.tables.as_ref().map_or(&[], |t| &t.layers)
    }
}
