//! A line diff (Myers' O(ND) algorithm), for the editor's formatting edits and the diff
//! `charter fmt --check` prints: an edit per changed run of lines keeps the editor's cursors and
//! marks on the lines that do not change.

use std::ops::Range;

/// Lines `old` of the old text are replaced by lines `new` of the new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    pub old: Range<usize>,
    pub new: Range<usize>,
}

/// The lines of `text`, each with its line break (so that a missing final newline is a change).
pub fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Past this many differing lines the middle is replaced as a whole: still correct, and the
/// search stays O(N · MAX_D) in time and memory.
const MAX_D: usize = 2_000;

/// The runs of lines that differ between `old` and `new`, in order.
pub fn line_diff(old: &[&str], new: &[&str]) -> Vec<Hunk> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (a, b) = (&old[prefix..old.len() - suffix], &new[prefix..new.len() - suffix]);
    if a.is_empty() && b.is_empty() {
        return Vec::new();
    }
    let whole = || {
        vec![Hunk {
            old: prefix..prefix + a.len(),
            new: prefix..prefix + b.len(),
        }]
    };
    let Some(pairs) = matching_lines(a, b) else {
        return whole();
    };
    let mut hunks = Vec::new();
    let (mut i, mut j) = (0, 0);
    for (x, y) in pairs.into_iter().chain([(a.len(), b.len())]) {
        if x > i || y > j {
            hunks.push(Hunk {
                old: prefix + i..prefix + x,
                new: prefix + j..prefix + y,
            });
        }
        (i, j) = (x + 1, y + 1);
    }
    hunks
}

/// The pairs of equal lines (index in `a`, index in `b`) of a shortest edit script, in order;
/// `None` past [`MAX_D`] edits.
fn matching_lines(a: &[&str], b: &[&str]) -> Option<Vec<(usize, usize)>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (a.len() + b.len()).min(MAX_D) as isize;
    let offset = max + 1;
    let mut v = vec![0isize; 2 * offset as usize + 1];
    // The frontier before each round d, diagonals -d-1..=d+1 only (index k + d + 1).
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let mut end = None;
    'search: for d in 0..=max {
        trace.push(v[(offset - d - 1) as usize..=(offset + d + 1) as usize].to_vec());
        for k in (-d..=d).step_by(2) {
            let at = |k: isize| (k + offset) as usize;
            let mut x = if k == -d || (k != d && v[at(k - 1)] < v[at(k + 1)]) {
                v[at(k + 1)]
            } else {
                v[at(k - 1)] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[at(k)] = x;
            if x >= n && y >= m {
                end = Some(d);
                break 'search;
            }
        }
    }
    let end = end?;
    let mut pairs = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (0..=end).rev() {
        let v = &trace[d as usize];
        let at = |k: isize| (k + d + 1) as usize;
        let k = x - y;
        let prev_k = if k == -d || (k != d && v[at(k - 1)] < v[at(k + 1)]) {
            k + 1
        } else {
            k - 1
        };
        let prev_x = v[at(prev_k)];
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            x -= 1;
            y -= 1;
            pairs.push((x as usize, y as usize));
        }
        if d > 0 {
            (x, y) = (prev_x, prev_y);
        }
    }
    pairs.reverse();
    Some(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(old: &[&str], new: &[&str], hunks: &[Hunk]) -> Vec<String> {
        let mut out = Vec::new();
        let mut at = 0;
        for h in hunks {
            out.extend(old[at..h.old.start].iter().map(|s| s.to_string()));
            out.extend(new[h.new.clone()].iter().map(|s| s.to_string()));
            at = h.old.end;
        }
        out.extend(old[at..].iter().map(|s| s.to_string()));
        out
    }

    #[test]
    fn hunks_turn_the_old_lines_into_the_new_and_touch_only_changed_runs() {
        let mut rng = crate::testing::Rng(7);
        for _ in 0..500 {
            let old: Vec<&str> = (0..rng.below(12)).map(|_| *rng.pick(&["a", "b", "c", "d"])).collect();
            let new: Vec<&str> = (0..rng.below(12)).map(|_| *rng.pick(&["a", "b", "c", "d"])).collect();
            let hunks = line_diff(&old, &new);
            assert_eq!(apply(&old, &new, &hunks), new, "{old:?} -> {new:?}: {hunks:?}");
            let changed: usize = hunks.iter().map(|h| h.old.len() + h.new.len()).sum();
            assert!(changed <= old.len() + new.len());
            assert!(hunks.iter().all(|h| !h.old.is_empty() || !h.new.is_empty()));
        }
        let hunks = line_diff(&["a\n", "b\n", "c\n"], &["a\n", "x\n", "c\n"]);
        assert_eq!(hunks, vec![Hunk { old: 1..2, new: 1..2 }]);
    }
}
