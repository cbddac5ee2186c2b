//! Formatting in the editor: the canonical layout (`crate::format`) as edits, one per changed
//! run of lines rather than one replacing the whole file, so that the editor keeps cursors,
//! marks and folds on the lines that do not change.
//!
//! A range gets the edits of the smallest key or list item around it that can be formatted
//! alone: its lines are replaced by its lines in the formatted text, which must keep the
//! document's meaning. Moving a key inside an item is a deletion in one place and an insertion
//! in another, so a key alone fails where its item passes; other items are never touched.

use crate::diagnostic::Edit;
use crate::format::part::{Step, find, parts, whole_lines};
use crate::format::{Refusal, format, line_diff, lines};
use crate::syntax::{Limits, parse};
use crate::text::TextRange;
use crate::workspace::FileKind;

/// The edits that put `text` in the canonical layout; with `within` (a range formatting
/// request), only those of the smallest key or item around it (see the module's comment);
/// none when the text is already formatted. A refusal when the formatter leaves the text as it
/// is ([`refusal_message`] says what to tell the user).
pub fn formatting(text: &str, kind: FileKind, within: Option<TextRange>) -> Result<Vec<Edit>, Refusal> {
    let new = format(text, kind)?;
    let edits = line_edits(text, &new, 0);
    Ok(match within {
        None => edits,
        Some(range) => in_range(text, kind, &new, edits, range),
    })
}

/// One edit per run of changed lines between `text` and `new`, which start at `base` in the
/// document.
fn line_edits(text: &str, new: &str, base: usize) -> Vec<Edit> {
    let (old_lines, new_lines) = (lines(text), lines(new));
    let starts: Vec<usize> = std::iter::once(base)
        .chain(old_lines.iter().scan(base, |at, l| {
            *at += l.len();
            Some(*at)
        }))
        .collect();
    line_diff(&old_lines, &new_lines)
        .into_iter()
        .map(|h| Edit {
            range: TextRange::new(starts[h.old.start], starts[h.old.end]),
            new_text: new_lines[h.new].concat(),
        })
        .collect()
}

/// What the editor tells its user when formatting the file at `path` was refused: without it,
/// no edits look like a file already formatted. `None` for a syntax error, which the problems
/// list already shows.
pub fn refusal_message(path: &str, refusal: &Refusal) -> Option<String> {
    if let Refusal::Syntax(_) = refusal {
        return None;
    }
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    Some(format!("Charter left `{name}` as it is: {}", refusal.reason()))
}

/// The edits for `range`: none when no edit of the whole file touches it; else those that
/// format the innermost key or list item around it whose formatted lines, put in place of its
/// lines, keep the meaning; the edits of the whole file when no key or item does. A key or item
/// is found in the formatted text by its place (keys and item numbers), as key order may have
/// moved it: a diff of the whole file would pair its lines with those of its neighbours.
fn in_range(text: &str, kind: FileKind, new: &str, edits: Vec<Edit>, range: TextRange) -> Vec<Edit> {
    if !edits.iter().any(|e| touches(e.range, range)) {
        return Vec::new();
    }
    let new_tree = parse(new, &Limits::default()).tree;
    let mut around: Vec<(TextRange, Vec<Step>)> = parts(&parse(text, &Limits::default()).tree)
        .into_iter()
        .map(|(place, r)| (whole_lines(text, r), place))
        .filter(|(lines, _)| lines.start <= range.start && range.end <= lines.end)
        .collect();
    // Innermost first: children come after their parents, and a child may span the same lines.
    around.reverse();
    around.sort_by_key(|(lines, _)| lines.len());
    for (old, place) in around {
        let Some(at) = find(&new_tree, &place) else { continue };
        let formatted = whole_lines(new, at);
        let edit = Edit {
            range: old,
            new_text: new[formatted.start..formatted.end].to_owned(),
        };
        if keeps_meaning(text, kind, new, std::slice::from_ref(&edit)) {
            // The same change as `edit`, in runs of changed lines, so that cursors survive.
            return line_edits(&text[old.start..old.end], &edit.new_text, old.start);
        }
    }
    edits
}

fn touches(a: TextRange, b: TextRange) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Whether `text` with `edits` applied formats to `new`: the formatter's own check (same
/// values, comments and suppressions) then holds between it and `new`, and so with `text`.
fn keeps_meaning(text: &str, kind: FileKind, new: &str, edits: &[Edit]) -> bool {
    format(&apply(text, edits), kind).is_ok_and(|f| f == new)
}

/// `text` with `edits` (in order, not overlapping) applied.
fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = text.to_owned();
    for e in edits.iter().rev() {
        out.replace_range(e.range.start..e.range.end, &e.new_text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSY: &str = "policy: p\nversion: 2025-11-01\ncategories:\n  a: {summary: \"A.\"}\n  b:\n     summary: B.\nrules:\n  - id: r\n    categories:\n      - a\n    effect: prohibit\n";

    #[test]
    fn edits_cover_only_changed_lines_and_produce_the_formatted_text() {
        let edits = formatting(MESSY, FileKind::Policy, None).unwrap();
        assert_eq!(apply(MESSY, &edits), format(MESSY, FileKind::Policy).unwrap());
        // `policy:` and `version:` do not change, so no edit starts on them.
        assert!(edits.iter().all(|e| e.range.start >= MESSY.find("categories").unwrap()));
        assert!(edits.len() > 1, "one edit per changed run: {edits:?}");
    }

    /// A range on the key `b` formats `b` (its value's indentation), not `a` nor the rules.
    #[test]
    fn a_range_gets_the_edits_of_the_key_around_it() {
        let at = MESSY.find("  b:").unwrap();
        let edits = formatting(MESSY, FileKind::Policy, Some(TextRange::new(at, at + 4))).unwrap();
        let b_end = MESSY.find("rules:").unwrap();
        assert_eq!(
            edits,
            [Edit {
                range: TextRange::new(at + 5, b_end),
                new_text: "    summary: B.\n".into()
            }]
        );
        assert!(edits.len() < formatting(MESSY, FileKind::Policy, None).unwrap().len());
        let applied = apply(MESSY, &edits);
        assert_ne!(applied, MESSY);
        assert_eq!(
            format(&applied, FileKind::Policy).ok(),
            format(MESSY, FileKind::Policy).ok()
        );
    }

    /// Putting `id` first is a deletion on line 5 and an insertion on line 3: a range over
    /// either gets both, never the rule without its id or with two.
    #[test]
    fn a_range_over_half_of_a_moved_key_gets_the_whole_move() {
        let text = "policy: p\nrules:\n  - effect: prohibit\n    categories: [a]\n    id: r\n";
        let formatted = format(text, FileKind::Policy).unwrap();
        for line in ["    id: r\n", "  - effect: prohibit\n"] {
            let at = text.find(line).unwrap();
            let edits = formatting(text, FileKind::Policy, Some(TextRange::new(at, at + line.len() - 1))).unwrap();
            let applied = apply(text, &edits);
            assert_eq!(applied.matches("id: r").count(), 1, "{line:?}:\n{applied}");
            assert_eq!(
                format(&applied, FileKind::Policy).ok().as_ref(),
                Some(&formatted),
                "{line:?}:\n{applied}"
            );
        }
        // `policy: p` is already as formatted: a range on it alone gets nothing.
        assert_eq!(
            formatting(text, FileKind::Policy, Some(TextRange::new(0, 3))).unwrap(),
            []
        );
    }

    /// `n` rules written `effect`, `categories`, `id`: formatting moves each `id` up two lines.
    fn rules(n: usize) -> String {
        let rules: String = (0..n)
            .map(|i| format!("  - effect: prohibit\n    categories: [c{i}]\n    id: r{i}\n"))
            .collect();
        format!("policy: p\nrules:\n{rules}")
    }

    /// The whole lines of rule `i` in `rules(n)`.
    fn rule_lines(text: &str, i: usize) -> TextRange {
        let start = text.match_indices("  - effect").nth(i).unwrap().0;
        let end = text.find(&format!("    id: r{i}\n")).unwrap() + format!("    id: r{i}\n").len();
        TextRange::new(start, end)
    }

    /// A selection on one rule's `id` line formats that rule and leaves every other rule's
    /// lines as they are, however many rules the whole-file diff pairs across.
    #[test]
    fn a_range_in_one_rule_formats_that_rule_only() {
        for (n, i) in [(2, 1), (300, 150)] {
            let text = rules(n);
            let id = text.find(&format!("    id: r{i}\n")).unwrap();
            let edits = formatting(&text, FileKind::Policy, Some(TextRange::new(id + 4, id + 9))).unwrap();
            let rule = rule_lines(&text, i);
            assert!(!edits.is_empty(), "{n} rules");
            assert!(
                edits
                    .iter()
                    .all(|e| rule.start <= e.range.start && e.range.end <= rule.end),
                "{n} rules, rule {i} is {rule:?}: {edits:?}"
            );
            let applied = apply(&text, &edits);
            assert!(applied.contains(&format!("  - id: r{i}\n    effect: prohibit\n    categories: [c{i}]\n")));
            assert_eq!(applied.matches("  - effect: prohibit").count(), n - 1, "{n} rules");
            assert_eq!(
                format(&applied, FileKind::Policy).ok(),
                format(&text, FileKind::Policy).ok()
            );
        }
    }

    #[test]
    fn no_edits_for_a_formatted_text() {
        let formatted = format(MESSY, FileKind::Policy).unwrap();
        assert_eq!(formatting(&formatted, FileKind::Policy, None).unwrap(), []);
    }

    #[test]
    fn a_refusal_is_told_unless_it_is_a_syntax_error() {
        let syntax = formatting("policy: [p\n", FileKind::Policy, None).unwrap_err();
        assert_eq!(refusal_message("/w/p.policy.yaml", &syntax), None);
        let anchored = "manifest: &m bot\nowner: *m\n";
        let refusal = formatting(anchored, FileKind::Manifest, None).unwrap_err();
        let message = refusal_message("/w/bot.usecases.yaml", &refusal).unwrap();
        assert!(
            message.starts_with("Charter left `bot.usecases.yaml` as it is: line 1 defines an anchor"),
            "{message}"
        );
        assert!(message.contains("format this file by hand"), "{message}");
    }
}
