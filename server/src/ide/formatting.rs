//! Formatting in the editor: the canonical layout (`crate::format`) as edits, one per changed
//! run of lines rather than one replacing the whole file, so that the editor keeps cursors,
//! marks and folds on the lines that do not change.

use crate::diagnostic::Edit;
use crate::format::{Refusal, format, line_diff, lines};
use crate::text::TextRange;
use crate::workspace::FileKind;

/// The edits that put `text` in the canonical layout; with `within` (a range formatting
/// request), only those touching it; none when the text is already formatted. A refusal when
/// the formatter leaves the text as it is ([`refusal_message`] says what to tell the user).
pub fn formatting(text: &str, kind: FileKind, within: Option<TextRange>) -> Result<Vec<Edit>, Refusal> {
    let new = format(text, kind)?;
    let (old_lines, new_lines) = (lines(text), lines(&new));
    let starts: Vec<usize> = std::iter::once(0)
        .chain(old_lines.iter().scan(0, |at, l| {
            *at += l.len();
            Some(*at)
        }))
        .collect();
    Ok(line_diff(&old_lines, &new_lines)
        .into_iter()
        .map(|h| Edit {
            range: TextRange::new(starts[h.old.start], starts[h.old.end]),
            new_text: new_lines[h.new].concat(),
        })
        .filter(|e| within.is_none_or(|r| e.range.start <= r.end && r.start <= e.range.end))
        .collect())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, edits: &[Edit]) -> String {
        let mut out = text.to_owned();
        for e in edits.iter().rev() {
            out.replace_range(e.range.start..e.range.end, &e.new_text);
        }
        out
    }

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
