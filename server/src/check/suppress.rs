//! `# charter-ignore: CODE[, CODE...]` comments: on the line where a diagnostic starts, or
//! alone on the line above, they silence warnings and hints with those codes. Errors stay.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::text::{Encoding, LineIndex};

/// What starts a suppression comment, after its `#`.
pub const MARKER: &str = "charter-ignore:";

pub fn apply_suppressions(text: &str, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if !text.contains(MARKER) {
        return diagnostics;
    }
    let lines = Lines::new(text);
    diagnostics
        .into_iter()
        .filter(|d| {
            let suppressible = matches!(d.severity, Severity::Warning | Severity::Hint);
            !(suppressible && lines.suppresses(d.range.start, d.code))
        })
        .collect()
}

/// Whether a `charter-ignore` comment of `text` silences `code` for a warning or hint starting
/// at `offset`: for editor features that show what a diagnostic would (a deprecated token).
pub fn is_suppressed(text: &str, offset: usize, code: Code) -> bool {
    text.contains(MARKER) && Lines::new(text).suppresses(offset, code)
}

/// The text's lines, through the one line index of `text`.
struct Lines<'t> {
    text: &'t str,
    index: LineIndex,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            index: LineIndex::new(text),
        }
    }

    fn line_of(&self, offset: usize) -> u32 {
        self.index.position(self.text, offset, Encoding::Utf8).0
    }

    fn line(&self, line: u32) -> &'t str {
        let start = self.index.line_start(line as usize);
        let end = self.index.line_start(line as usize + 1);
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    fn suppresses(&self, offset: usize, code: Code) -> bool {
        let line = self.line_of(offset);
        let here = ignored_codes(self.line(line)).is_some_and(|(_, codes)| codes.contains(&code));
        let above =
            line > 0 && ignored_codes(self.line(line - 1)).is_some_and(|(alone, codes)| alone && codes.contains(&code));
        here || above
    }
}

/// Each `charter-ignore` comment of `text`, from its `#`, with the 0-based lines whose warnings
/// and hints it silences: its own, and the next one when it is alone on its line. The formatter
/// checks that these lines hold the same keys and values after it moves lines around.
pub fn suppression_coverage(text: &str) -> Vec<(&str, std::ops::RangeInclusive<u32>)> {
    if !text.contains(MARKER) {
        return Vec::new();
    }
    let lines = Lines::new(text);
    (0..lines.index.line_count() as u32)
        .filter_map(|l| {
            let line = lines.line(l);
            let (alone, _) = ignored_codes(line)?;
            let hash = line[..line.find(MARKER)?].rfind('#')?;
            Some((line[hash..].trim_end(), l..=l + u32::from(alone)))
        })
        .collect()
}

/// The codes a line's `charter-ignore` comment names, and whether the comment is alone on it.
fn ignored_codes(line: &str) -> Option<(bool, Vec<Code>)> {
    let at = line.find(MARKER)?;
    let hash = line[..at].trim_end().strip_suffix('#').map(str::len)?;
    let before = &line[..hash];
    if !(before.is_empty() || before.ends_with([' ', '\t'])) {
        return None; // a `#` inside a word is not a comment
    }
    let codes = line[at + MARKER.len()..]
        .split(',')
        .filter_map(|c| Code::from_name(c.trim()))
        .collect();
    Some((before.trim().is_empty(), codes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextRange;

    fn hint_at(text: &str, needle: &str, code: Code) -> Diagnostic {
        let start = text.find(needle).unwrap();
        Diagnostic::new(code, TextRange::new(start, start + needle.len()), "x")
    }

    #[test]
    fn same_line_and_line_above_suppress_warnings_and_hints() {
        let text =
            "a: 1 # charter-ignore: redundant-rule\n# charter-ignore: shadowed-rule, dead-requirement\nb: 2\nc: 3\n";
        let kept = apply_suppressions(
            text,
            vec![
                hint_at(text, "a: 1", Code::RedundantRule),
                hint_at(text, "b: 2", Code::ShadowedRule),
                hint_at(text, "c: 3", Code::ShadowedRule),
                hint_at(text, "a: 1", Code::ShadowedRule),
            ],
        );
        let kept: Vec<(Code, usize)> = kept.iter().map(|d| (d.code, d.range.start)).collect();
        assert_eq!(
            kept,
            vec![
                (Code::ShadowedRule, text.find("c: 3").unwrap()),
                (Code::ShadowedRule, 0)
            ]
        );
    }

    #[test]
    fn errors_are_never_suppressed_and_trailing_comment_does_not_reach_next_line() {
        let text = "a: 1 # charter-ignore: unknown-key, redundant-rule\nb: 2\r\n";
        let kept = apply_suppressions(
            text,
            vec![
                hint_at(text, "a: 1", Code::UnknownKey),
                hint_at(text, "b: 2", Code::RedundantRule),
            ],
        );
        assert_eq!(kept.len(), 2);
    }
}
