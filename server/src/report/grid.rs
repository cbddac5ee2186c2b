//! A policy's verdict matrix: every leaf judged at one point per column candidate, cells
//! interned (a 5,000-leaf policy has a few dozen distinct cells), columns collapsed by
//! `matrix::collapse`.

use std::collections::HashMap;

use super::matrix::{ColumnSpec, classes_at, collapse};
use super::model::{Cell, Column, Matrix, Row, RowGroup};
use super::use_cases::cell_verdict;
use crate::analysis::{CatId, Decider, Outcome, PointSpace, RuleRef};
use crate::check::Describe;
use crate::compare::{Change, Summary, point_summary};
use crate::resolve::ResolvedPolicy;
use crate::workspace::Workspace;

/// Judging more leaf × point pairs than this is refused: the matrix would not fit a page.
const MAX_JUDGED: usize = 4 << 20;
/// A matrix of more shown cells than this is left out of the page, which a browser could no
/// longer lay out; the benchmark policy's 4,375 leaves in about 10 columns stay well under it.
const MAX_SHOWN: usize = 400_000;

/// What makes two cells the same: verdict, deciding rules, owed safeguards with the rules
/// owing them, and the change against the old version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CellKey {
    outcome: Outcome,
    decider: Decider,
    owed: Vec<(u32, Vec<RuleRef>)>,
    change: Option<Change>,
}

/// The matrix of `policy`, with its cells compared with `old` when given; `Err` says why a
/// matrix is left out.
pub fn matrix(ws: &Workspace, policy: &ResolvedPolicy, old: Option<&ResolvedPolicy>) -> Result<Matrix, String> {
    let model = &policy.analysis.model;
    let classes = value_classes(policy, old);
    let counts: Vec<usize> = classes.iter().map(Vec::len).collect();
    let points: usize = counts.iter().product();
    let leaves = leaves_by_group(policy);
    let leaf_count: usize = leaves.iter().map(|(_, l)| l.len()).sum();
    if leaf_count.saturating_mul(points) > MAX_JUDGED {
        return Err(too_big(leaf_count, points));
    }
    // The value standing for each class: its first (the default, in the default's class).
    let values_at = |p: usize| -> Vec<u32> {
        let at = classes_at(&counts, p);
        at.iter().enumerate().map(|(a, &c)| classes[a][c as usize][0]).collect()
    };
    let assignments: Vec<Vec<u32>> = (0..points).map(values_at).collect();
    let mut keys: Vec<CellKey> = Vec::new();
    let mut interned: HashMap<CellKey, usize> = HashMap::new();
    // Row-major: the cell of leaf `r` at point `p` is `grid[r * points + p]`.
    let mut grid: Vec<usize> = Vec::with_capacity(leaf_count * points);
    for &leaf in leaves.iter().flat_map(|(_, l)| l) {
        for values in &assignments {
            let key = cell_key(policy, old, leaf, values);
            let next = keys.len();
            let id = *interned.entry(key.clone()).or_insert(next);
            if id == next {
                keys.push(key);
            }
            grid.push(id);
        }
    }
    let describe = Describe::new(ws, policy);
    let cells = keys.iter().map(|k| cell(&describe, k)).collect();
    // Each group's columns are collapsed over its own rows: an attribute that matters to
    // one group does not split the columns of the others.
    let mut first_row = 0;
    let mut shown = 0;
    let mut groups = Vec::with_capacity(leaves.len());
    for (group, leaves) in &leaves {
        let rows = &grid[first_row * points..(first_row + leaves.len()) * points];
        let columns = collapse(&counts, &column_kinds(rows, points));
        shown += leaves.len() * columns.len();
        if shown > MAX_SHOWN {
            return Err(too_big(leaf_count, shown.div_ceil(leaf_count.max(1))));
        }
        let rows: Vec<Row> = leaves
            .iter()
            .enumerate()
            .map(|(r, &leaf)| Row {
                leaf: model.categories.name(leaf).to_owned(),
                cells: columns.iter().map(|c| rows[r * points + c.point]).collect(),
            })
            .collect();
        let changed = rows
            .iter()
            .flat_map(|r| &r.cells)
            .filter(|&&c| keys[c].change.is_some())
            .count();
        groups.push(RowGroup {
            name: model.categories.name(*group).to_owned(),
            columns: columns.iter().map(|c| column(policy, &classes, c)).collect(),
            rows,
            changed,
        });
        first_row += leaves.len();
    }
    Ok(Matrix { groups, cells })
}

fn too_big(leaves: usize, columns: usize) -> String {
    format!(
        "The matrix ({leaves} leaf categories × about {columns} attribute combinations each) is too large for a page; \
         `charter explain CATEGORY --policy REF --set ATTR=VALUE` gives any of its verdicts."
    )
}

/// Per attribute, its values in classes no rule of `policy` (or of `old`, by value name)
/// tells apart.
fn value_classes(policy: &ResolvedPolicy, old: Option<&ResolvedPolicy>) -> Vec<Vec<Vec<u32>>> {
    let model = &policy.analysis.model;
    let space = PointSpace::new(model);
    let old_space = old.map(|o| (o, PointSpace::new(&o.analysis.model)));
    (0..model.attributes.len())
        .map(|a| {
            let classes = space.classes(a);
            let Some((old, old_space)) = &old_space else {
                return classes;
            };
            let attribute = &model.attributes[a];
            let old_model = &old.analysis.model;
            let Some(oa) = old_model.attributes.iter().position(|o| o.name == attribute.name) else {
                return classes;
            };
            // The old class of each value (values the old version lacks form one more class).
            let old_classes = old_space.classes(oa);
            let old_class = |v: u32| {
                let name = &attribute.values[v as usize];
                let ov = old_model.attributes[oa].values.iter().position(|x| x == name);
                ov.and_then(|ov| old_classes.iter().position(|c| c.contains(&(ov as u32))))
            };
            refine(classes, old_class)
        })
        .collect()
}

/// Splits each class by a second classification of its values, keeping the order.
fn refine(classes: Vec<Vec<u32>>, other: impl Fn(u32) -> Option<usize>) -> Vec<Vec<u32>> {
    let mut out = Vec::new();
    for class in classes {
        let mut split: Vec<(Option<usize>, Vec<u32>)> = Vec::new();
        for v in class {
            let key = other(v);
            match split.iter_mut().find(|(k, _)| *k == key) {
                Some((_, values)) => values.push(v),
                None => split.push((key, vec![v])),
            }
        }
        out.extend(split.into_iter().map(|(_, values)| values));
    }
    out
}

/// The leaves of the policy in tree order, grouped by their top-level category.
fn leaves_by_group(policy: &ResolvedPolicy) -> Vec<(CatId, Vec<CatId>)> {
    let categories = &policy.analysis.model.categories;
    let mut roots: Vec<CatId> = (0..categories.len() as CatId)
        .filter(|&c| categories.parent[c as usize].is_none())
        .collect();
    roots.sort_by(|a, b| categories.name(*a).cmp(categories.name(*b)));
    roots.into_iter().map(|r| (r, categories.leaves_under(r))).collect()
}

fn cell_key(policy: &ResolvedPolicy, old: Option<&ResolvedPolicy>, leaf: CatId, values: &[u32]) -> CellKey {
    let model = &policy.analysis.model;
    let verdict = policy.analysis.judge(leaf, values);
    let change = old.and_then(|old| {
        let assignment: Vec<(&str, &str)> = model
            .attributes
            .iter()
            .zip(values)
            .map(|(a, &v)| (a.name.as_str(), a.values[v as usize].as_str()))
            .collect();
        let before = point_summary(old, model.categories.name(leaf), &assignment)?;
        let owed = verdict.owed.iter().map(|(s, _)| model.safeguards[*s as usize].clone());
        let now: Summary = (verdict.outcome.is_allowed(), owed.collect());
        Change::between(&before, &now)
    });
    CellKey {
        outcome: verdict.outcome,
        decider: verdict.decider,
        owed: verdict.owed,
        change,
    }
}

/// Per point, an id of its whole column: equal ids, equal cells in every row.
fn column_kinds(grid: &[usize], points: usize) -> Vec<u32> {
    let rows = grid.len() / points.max(1);
    let mut kinds: HashMap<Vec<usize>, u32> = HashMap::new();
    (0..points)
        .map(|p| {
            let column: Vec<usize> = (0..rows).map(|r| grid[r * points + p]).collect();
            let next = kinds.len() as u32;
            *kinds.entry(column).or_insert(next)
        })
        .collect()
}

fn column(policy: &ResolvedPolicy, classes: &[Vec<Vec<u32>>], spec: &ColumnSpec) -> Column {
    let model = &policy.analysis.model;
    let when = model
        .attributes
        .iter()
        .enumerate()
        .map(|(a, attribute)| {
            let values = spec.classes[a].as_ref().map(|set| {
                let mut values: Vec<u32> = set.iter().flat_map(|&c| classes[a][c as usize].clone()).collect();
                values.sort_unstable();
                values.iter().map(|&v| attribute.values[v as usize].clone()).collect()
            });
            (attribute.name.clone(), values)
        })
        .collect();
    Column { when }
}

/// A cell as shown, with its hover text: `✓! allow, owing safeguards: decided by the default
/// of p@v; owes human-in-the-loop (rule r)`.
fn cell(describe: &Describe, key: &CellKey) -> Cell {
    let model = &describe.policy.analysis.model;
    let verdict = cell_verdict(key.outcome, !key.owed.is_empty());
    let rule = match &key.decider {
        Decider::Rules(rules) => {
            let mut ids: Vec<String> = rules
                .iter()
                .map(|&r| describe.rule_decl(r).1.id.value.to_string())
                .collect();
            ids.dedup();
            ids.join(" ")
        }
        Decider::Default { .. } => String::new(),
    };
    let mut title = format!(
        "{} {}: decided by {}",
        verdict.symbol(),
        verdict.words(),
        describe.decider(&key.decider)
    );
    for (s, rules) in &key.owed {
        title.push_str(&format!(
            "; owes {} ({})",
            model.safeguards[*s as usize],
            describe.rules_phrase(rules)
        ));
    }
    let change = key.change.as_ref().map(Change::describe);
    if let Some(change) = &change {
        title.push_str(&format!("; Δ changed: {change}"));
    }
    Cell {
        verdict,
        rule,
        title: title.replace('`', ""),
        change,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refining_splits_a_class_where_the_other_version_tells_its_values_apart() {
        let classes = vec![vec![0], vec![1, 2, 3]];
        // The old version tells 3 apart from 1 and 2.
        let old = |v: u32| Some(if v == 3 { 1 } else { 0 });
        assert_eq!(refine(classes, old), vec![vec![0], vec![1, 2], vec![3]]);
    }
}
