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

/// How many corrections a fix-all title names before it counts the rest.
const NAMED: usize = 3;

impl FixAll {
    /// The action's title, naming the corrections of `text` (the file's): "Fix all safe
    /// problems: `x` → `y`, … and 2 more".
    pub fn title(&self, text: &str) -> String {
        let named: Vec<String> = self
            .edits
            .iter()
            .take(NAMED)
            .map(|e| format!("`{}` → `{}`", &text[e.range.start..e.range.end], e.new_text))
            .collect();
        let more = match self.edits.len() {
            n if n > NAMED => format!(" and {} more", n - NAMED),
            _ => String::new(),
        };
        format!("Fix all safe problems: {}{more}", named.join(", "))
    }
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

    #[test]
    fn the_title_names_three_corrections_and_counts_the_rest() {
        let text = "aa bb cc dd ee";
        let diagnostics: Vec<Diagnostic> = ["A", "B", "C", "D", "E"]
            .iter()
            .enumerate()
            .map(|(i, name)| typo(3 * i, 3 * i + 2, name, true))
            .collect();
        assert_eq!(
            fix_all(&diagnostics).title(text),
            "Fix all safe problems: `aa` → `A`, `bb` → `B`, `cc` → `C` and 2 more"
        );
        assert_eq!(
            fix_all(&diagnostics[..1]).title(text),
            "Fix all safe problems: `aa` → `A`"
        );
    }

    /// Fix-all over a manifest under the example policy: the text after its edits.
    fn fixed_manifest(use_case: &str) -> (Vec<Diagnostic>, String) {
        use crate::check::Context;
        use crate::model::Date;
        use crate::workspace::{FileKind, Workspace};
        let policy = include_str!("../../../examples/acme.policy.yaml");
        let manifest = format!("manifest: m\npolicy: acme-assistant@2025-11-01\nuse-cases:\n  - id: u\n{use_case}");
        let mut ws = Workspace::with_bundled();
        ws.add("acme.policy.yaml".into(), policy.into(), FileKind::Policy, false);
        let file = ws.add("m.usecases.yaml".into(), manifest.clone(), FileKind::Manifest, false);
        let diagnostics = Context::new(ws, Date::new(2026, 1, 1).unwrap()).check_file(file);
        let mut text = manifest;
        for e in fix_all(&diagnostics).edits.iter().rev() {
            text.replace_range(e.range.start..e.range.end, &e.new_text);
        }
        (diagnostics, text)
    }

    #[test]
    fn a_typo_is_never_corrected_to_a_key_the_use_case_already_has() {
        let (diagnostics, text) = fixed_manifest("    categories: [support.faq]\n    region: eu\n    regoin: us\n");
        let typo = diagnostics
            .iter()
            .find(|d| d.code == Code::UnknownKey)
            .expect("`regoin` is reported");
        assert!(
            typo.message.ends_with("`region` is already there: keep one of the two"),
            "{}",
            typo.message
        );
        assert!(typo.fixes.is_empty(), "{:?}", typo.fixes);
        assert!(text.contains("regoin: us"), "fix-all left the typo alone:\n{text}");
        // The same typo without `region` beside it is still corrected.
        let (_, text) = fixed_manifest("    categories: [support.faq]\n    regoin: us\n");
        assert!(text.contains("    region: us\n"), "{text}");
    }

    #[test]
    fn two_typos_of_one_key_are_left_for_the_author() {
        let (diagnostics, text) = fixed_manifest("    categories: [support.faq]\n    regoin: us\n    rgion: eu\n");
        let typos: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.code == Code::UnknownKey).collect();
        assert_eq!(typos.len(), 2);
        // Each keeps its quick fix, but fix-all applying both would write `region` twice.
        assert!(
            typos.iter().all(|d| d.fixes.len() == 1 && !d.fixes[0].safe),
            "{typos:?}"
        );
        assert!(text.contains("regoin: us") && text.contains("rgion: eu"), "{text}");
    }
}
