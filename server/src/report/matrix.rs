//! The columns of a policy's verdict matrix: which attribute combinations stand side by side.
//!
//! The matrix starts with one column per point of the policy's compressed point space (one
//! class of values per attribute; values of a class are never told apart by any rule, so they
//! share a column from the start). Then, attribute by attribute in declaration order, columns
//! that differ only in that attribute and hold the very same cells in every row are merged:
//! their values are listed together, or the attribute becomes `*` (any value) when all of
//! them merged. A cell is its verdict, its deciding rules, its owed safeguards with the rules
//! owing them, and (with `--against`) its change, so a merged column never hides a difference,
//! and the rule a cell shows holds at every point of its column. An attribute no rule tests
//! has one class and is `*` in every column.
//!
//! Merging only columns that differ in one attribute keeps every column a product of value
//! sets, which a header can say in one line (`audience=business;agentic=*`). The result
//! depends on the attribute order; it is the order the policy declares them in.

use std::collections::HashMap;

/// A column: per attribute, the classes it stands for (`None`: every class), and one point
/// of the space it stands for (where its cells are read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSpec {
    pub classes: Vec<Option<Vec<u32>>>,
    pub point: usize,
}

/// The class of each attribute at `point`, numbered in mixed radix over `counts` (the number
/// of classes per attribute), the first attribute varying fastest.
pub fn classes_at(counts: &[usize], mut point: usize) -> Vec<u32> {
    counts
        .iter()
        .map(|&n| {
            let class = point % n;
            point /= n;
            class as u32
        })
        .collect()
}

/// Collapses the columns of a grid whose point `p` holds column `kinds[p]` (equal kinds: equal
/// cells in every row). `counts`: classes per attribute; `kinds.len()` is their product.
pub fn collapse(counts: &[usize], kinds: &[u32]) -> Vec<ColumnSpec> {
    let mut columns: Vec<(ColumnSpec, u32)> = kinds
        .iter()
        .enumerate()
        .map(|(point, &kind)| {
            let classes = classes_at(counts, point)
                .into_iter()
                .zip(counts)
                .map(|(c, &n)| (n > 1).then(|| vec![c]))
                .collect();
            (ColumnSpec { classes, point }, kind)
        })
        .collect();
    for (a, &n) in counts.iter().enumerate() {
        if n > 1 {
            columns = merge_along(columns, a, n);
        }
    }
    columns.sort_by_key(|(c, _)| order_key(c));
    columns.into_iter().map(|(c, _)| c).collect()
}

/// Merges the columns that differ only in attribute `a` (of `n` classes) and have one kind.
fn merge_along(columns: Vec<(ColumnSpec, u32)>, a: usize, n: usize) -> Vec<(ColumnSpec, u32)> {
    // Columns grouped by everything but `a`, in order of first appearance.
    let mut groups: Vec<Vec<(ColumnSpec, u32)>> = Vec::new();
    let mut by_rest: HashMap<Vec<Option<Vec<u32>>>, usize> = HashMap::new();
    for (column, kind) in columns {
        let mut rest = column.classes.clone();
        rest[a] = None;
        let g = *by_rest.entry(rest).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push((column, kind));
    }
    let mut merged = Vec::new();
    for group in groups {
        let mut by_kind: Vec<(ColumnSpec, u32)> = Vec::new();
        for (column, kind) in group {
            match by_kind.iter_mut().find(|(_, k)| *k == kind) {
                Some((into, _)) => {
                    let classes = into.classes[a].get_or_insert_with(Vec::new);
                    classes.extend(column.classes[a].iter().flatten());
                    classes.sort_unstable();
                }
                None => by_kind.push((column, kind)),
            }
        }
        for (column, _) in &mut by_kind {
            if column.classes[a].as_ref().is_some_and(|c| c.len() == n) {
                column.classes[a] = None;
            }
        }
        merged.extend(by_kind);
    }
    merged
}

/// Columns read left to right with the first attribute varying slowest, `*` first.
fn order_key(column: &ColumnSpec) -> Vec<i64> {
    column
        .classes
        .iter()
        .map(|c| c.as_ref().map_or(-1, |c| c[0] as i64))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `data-when` shape of a column over attributes named `a`, `b`, `c`…
    fn when(column: &ColumnSpec) -> String {
        column
            .classes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let name = (b'a' + i as u8) as char;
                match c {
                    None => format!("{name}=*"),
                    Some(c) => format!("{name}={}", c.iter().map(u32::to_string).collect::<Vec<_>>().join("|")),
                }
            })
            .collect::<Vec<_>>()
            .join(";")
    }

    fn whens(counts: &[usize], kinds: &[u32]) -> Vec<String> {
        collapse(counts, kinds).iter().map(when).collect()
    }

    #[test]
    fn an_attribute_that_changes_nothing_becomes_any_value() {
        // a (2 classes) decides, b (2 classes) never does: points a0b0, a1b0, a0b1, a1b1.
        assert_eq!(whens(&[2, 2], &[7, 8, 7, 8]), ["a=0;b=*", "a=1;b=*"]);
    }

    #[test]
    fn an_attribute_that_matters_in_one_column_only_stays_there() {
        // b matters only where a=1: the a=0 columns merge, the a=1 ones do not.
        assert_eq!(whens(&[2, 2], &[1, 2, 1, 3]), ["a=0;b=*", "a=1;b=0", "a=1;b=1"]);
    }

    #[test]
    fn values_that_decide_alike_share_a_column_and_the_rest_stay_apart() {
        // a has 3 classes; classes 1 and 2 always agree, class 0 differs.
        assert_eq!(whens(&[3], &[4, 5, 5]), ["a=0", "a=1|2"]);
    }

    #[test]
    fn every_point_is_in_exactly_one_column() {
        let counts = [2, 3, 2];
        let kinds: Vec<u32> = (0..12).map(|p| [0, 1, 1, 2, 0, 1][p % 6]).collect();
        let columns = collapse(&counts, &kinds);
        for p in 0..12 {
            let at = classes_at(&counts, p);
            let holding: Vec<&ColumnSpec> = columns
                .iter()
                .filter(|c| {
                    c.classes
                        .iter()
                        .zip(&at)
                        .all(|(set, v)| set.as_ref().is_none_or(|s| s.contains(v)))
                })
                .collect();
            assert_eq!(holding.len(), 1, "point {p} in {holding:?}");
            assert_eq!(kinds[holding[0].point], kinds[p], "the column's cells are the point's");
        }
        assert!(columns.len() < 12, "something merged: {columns:?}");
    }

    #[test]
    fn a_policy_without_attributes_has_one_column() {
        assert_eq!(
            collapse(&[], &[0]),
            [ColumnSpec {
                classes: vec![],
                point: 0
            }]
        );
    }
}
