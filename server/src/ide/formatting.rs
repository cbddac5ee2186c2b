//! Formatting in the editor: the canonical layout (`crate::format`) as edits, one per changed
//! run of lines rather than one replacing the whole file, so that the editor keeps cursors,
//! marks and folds on the lines that do not change.
//!
//! A range gets the edits of the smallest key or item around it whose edits, applied alone,
//! keep the document's meaning: moving a key is a deletion in one place and an insertion in
//! another, and only one of the two would lose the key or write it twice.

use crate::diagnostic::Edit;
use crate::format::{Refusal, format, line_diff, lines};
use crate::syntax::{Limits, parse};
use crate::text::{TextRange, line_start_of};
use crate::workspace::FileKind;

/// The edits that put `text` in the canonical layout; with `within` (a range formatting
/// request), only those of the smallest key or item around it (see the module's comment);
/// none when the text is already formatted. A refusal when the formatter leaves the text as it
/// is ([`refusal_message`] says what to tell the user).
pub fn formatting(text: &str, kind: FileKind, within: Option<TextRange>) -> Result<Vec<Edit>, Refusal> {
    let new = format(text, kind)?;
    let edits = line_edits(text, &new);
    Ok(match within {
        None => edits,
        Some(range) => in_range(text, kind, &new, edits, range),
    })
}

/// One edit per run of changed lines.
fn line_edits(text: &str, new: &str) -> Vec<Edit> {
    let (old_lines, new_lines) = (lines(text), lines(new));
    let starts: Vec<usize> = std::iter::once(0)
        .chain(old_lines.iter().scan(0, |at, l| {
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

/// The edits for `range`: those touching it, else those of the keys and items around it from
/// the innermost out, the first set that keeps the meaning; all of them if none does.
fn in_range(text: &str, kind: FileKind, new: &str, edits: Vec<Edit>, range: TextRange) -> Vec<Edit> {
    if !edits.iter().any(|e| touches(e.range, range)) {
        return Vec::new();
    }
    let tree = parse(text, &Limits::default()).tree;
    let mut around: Vec<TextRange> = tree
        .reachable()
        .into_iter()
        .map(|id| tree.range(id))
        .filter(|r| r.start <= range.start && range.end <= r.end)
        // From the start of its line: the `- ` before an item, the indentation before a key.
        .map(|r| TextRange::new(line_start_of(text, r.start), r.end))
        .collect();
    around.sort_by_key(|r| r.len());
    around.dedup();
    for span in std::iter::once(range).chain(around) {
        let chosen = touching(&edits, span);
        if chosen.len() == edits.len() {
            break;
        }
        if keeps_meaning(text, kind, new, &chosen) {
            return chosen;
        }
    }
    edits
}

/// The edits touching `span`, and those touching them, until no more join.
fn touching(edits: &[Edit], mut span: TextRange) -> Vec<Edit> {
    loop {
        let chosen: Vec<Edit> = edits.iter().filter(|e| touches(e.range, span)).cloned().collect();
        let covered = chosen.iter().fold(span, |s, e| s.cover(e.range));
        if covered == span {
            return chosen;
        }
        span = covered;
    }
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

    #[test]
    fn a_range_gets_only_the_edits_that_touch_it() {
        let at = MESSY.find("  b:").unwrap();
        let edits = formatting(MESSY, FileKind::Policy, Some(TextRange::new(at, at + 4))).unwrap();
        assert!(!edits.is_empty());
        assert!(edits.iter().all(|e| e.range.start <= at + 4 && e.range.end >= at));
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
