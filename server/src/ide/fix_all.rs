//! Fix-all (`source.fixAll`): every safe quick fix of a file in one edit. Only a diagnostic's
//! sole fix, marked safe where it is made ([`Fix::safe`]: a misspelt name corrected to the one
//! name nearest to it), is taken; fixes whose edits overlap one taken before are left for
//! another round, so the edits never conflict.
//!
//! [`Fix::safe`]: crate::diagnostic::Fix::safe

use crate::diagnostic::{Diagnostic, Edit};
use crate::text::TextRange;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FixAll {
    /// The edits, not overlapping, in document order.
    pub edits: Vec<Edit>,
    /// The indices of the diagnostics they fix.
    pub fixed: Vec<usize>,
}

/// The safe fixes of `diagnostics` (one file's) that can be applied together.
pub fn fix_all(diagnostics: &[Diagnostic]) -> FixAll {
    let mut candidates: Vec<(usize, &[Edit])> = diagnostics
        .iter()
        .enumerate()
        .filter_map(|(i, d)| match d.fixes.as_slice() {
            [only] if only.safe && !only.edits.is_empty() => Some((i, only.edits.as_slice())),
            _ => None,
        })
        .collect();
    candidates.sort_by_key(|(_, edits)| edits.iter().map(|e| e.range.start).min());
    let mut all = FixAll::default();
    for (i, edits) in candidates {
        // The same edit twice (two diagnostics on one typo) is one fix of both.
        if edits.iter().all(|e| all.edits.contains(e)) {
            all.fixed.push(i);
            continue;
        }
        if edits
            .iter()
            .any(|e| all.edits.iter().any(|t| overlap(e.range, t.range)))
        {
            continue;
        }
        all.edits.extend(edits.iter().cloned());
        all.fixed.push(i);
    }
    all.edits.sort_by_key(|e| (e.range.start, e.range.end));
    all
}

/// Whether two replacements touch the same text; two insertions at one place also conflict
/// (their order would be arbitrary).
fn overlap(a: TextRange, b: TextRange) -> bool {
    a.start < b.end && b.start < a.end || a.start == b.start
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Code, Suggestion};

    fn typo(start: usize, end: usize, name: &'static str, unique: bool) -> Diagnostic {
        let range = TextRange::new(start, end);
        Diagnostic::new(Code::UnknownCategory, range, "typo").with_correction(range, Suggestion { name, unique })
    }

    #[test]
    fn takes_only_sole_safe_fixes_and_never_overlapping_edits() {
        let review = Diagnostic::new(Code::MissingSafeguard, TextRange::new(0, 2), "owes").with_fix(
            "Add",
            vec![Edit {
                range: TextRange::empty(2),
                new_text: String::from("x"),
            }],
        );
        let diagnostics = vec![
            typo(30, 34, "late", true),
            review,
            typo(10, 14, "tie", false),
            typo(3, 7, "first", true),
            typo(5, 9, "overlapping", true),
            typo(3, 7, "first", true),
        ];
        let all = fix_all(&diagnostics);
        let texts: Vec<&str> = all.edits.iter().map(|e| e.new_text.as_str()).collect();
        assert_eq!(texts, vec!["first", "late"]);
        assert_eq!(all.fixed, vec![3, 5, 0]);
    }
}
