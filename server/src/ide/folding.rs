//! Folding: the regions an editor can collapse, as byte ranges. Every mapping or sequence that
//! is a value or an item (the root would fold the whole file), every block scalar, and every run
//! of two or more comment lines. The front end turns them into lines and drops those that fit on
//! one line, which only it can count.
//!
//! A region ends where its content ends: the tree's collections stop at their last child, not at
//! the next key, so a folded `rules:` leaves the comment and the key after it in view.

use super::{Fold, FoldKind};
use crate::check::Context;
use crate::diagnostic::FileId;
use crate::format::comment_ranges;
use crate::syntax::{NodeKind, ScalarStyle, Tree};
use crate::text::TextRange;

/// The file's folding regions, sorted by start (outer before inner at the same start).
pub fn folding_ranges(cx: &Context, file: FileId) -> Vec<Fold> {
    let source = cx.ws.file(file);
    let tree = source.tree();
    let mut folds = node_folds(tree);
    folds.extend(comment_folds(&source.text, &comment_ranges(&source.text, tree)));
    folds.sort_by_key(|f| (f.range.start, std::cmp::Reverse(f.range.end)));
    folds.dedup_by_key(|f| f.range);
    folds
}

/// Collections under the root (from the key of their entry, so that the key stays the visible
/// first line) and block scalars.
fn node_folds(tree: &Tree) -> Vec<Fold> {
    let mut out = Vec::new();
    let region = |range| Fold {
        range,
        kind: FoldKind::Block,
    };
    for id in tree.reachable() {
        match tree.kind(id) {
            NodeKind::Mapping(entries) => {
                for e in entries {
                    if foldable(tree, e.value) {
                        out.push(region(tree.range(e.key).cover(tree.range(e.value))));
                    }
                }
            }
            NodeKind::Sequence(items) => {
                out.extend(
                    items
                        .iter()
                        .filter(|&&i| foldable(tree, i))
                        .map(|&i| region(tree.range(i))),
                );
            }
            NodeKind::Scalar(_) | NodeKind::Invalid => {}
        }
    }
    out
}

/// A value worth a fold of its own: a collection or a block scalar. (Whether it spans lines is
/// the front end's to judge.)
fn foldable(tree: &Tree, id: crate::syntax::NodeId) -> bool {
    match tree.kind(id) {
        NodeKind::Mapping(e) => !e.is_empty(),
        NodeKind::Sequence(i) => !i.is_empty(),
        NodeKind::Scalar(s) => matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded),
        NodeKind::Invalid => false,
    }
}

/// Runs of two or more consecutive lines holding only a comment, from the first `#` to the end
/// of the last comment.
fn comment_folds(text: &str, comments: &[TextRange]) -> Vec<Fold> {
    let own_line = |c: &&TextRange| {
        let line_start = text[..c.start].rfind('\n').map_or(0, |i| i + 1);
        text[line_start..c.start].trim_start_matches([' ', '\t']).is_empty()
    };
    // Only white space and one line break between the end of one comment and the next.
    let next_line = |end: usize, start: usize| {
        let gap = &text[end..start];
        gap.matches('\n').count() == 1 && gap.trim_matches([' ', '\t', '\r', '\n']).is_empty()
    };
    let mut out = Vec::new();
    let mut flush = |run: Option<(TextRange, usize)>| {
        if let Some((range, lines)) = run
            && lines > 1
        {
            out.push(Fold {
                range,
                kind: FoldKind::Comment,
            });
        }
    };
    let mut run: Option<(TextRange, usize)> = None; // (range so far, lines in it)
    for &comment in comments.iter().filter(own_line) {
        run = match run {
            Some((so_far, lines)) if next_line(so_far.end, comment.start) => Some((so_far.cover(comment), lines + 1)),
            done => {
                flush(done);
                Some((comment, 1))
            }
        };
    }
    flush(run);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::target::tests::fixture;

    /// The folds of `text` (a policy), each as its first and last line of text and its kind.
    fn folds(text: &str) -> Vec<(String, String, FoldKind)> {
        let marked = format!("$0{text}");
        let (cx, file, _) = fixture(&[("p.policy.yaml", &marked)]);
        folding_ranges(&cx, file)
            .into_iter()
            .map(|f| {
                let body = &text[f.range.start..f.range.end];
                let first = body.lines().next().unwrap_or_default().to_owned();
                let last = body.lines().last().unwrap_or_default().to_owned();
                (first, last, f.kind)
            })
            .collect()
    }

    fn region(first: &str, last: &str) -> (String, String, FoldKind) {
        (first.into(), last.into(), FoldKind::Block)
    }

    #[test]
    fn collections_and_block_scalars_fold_to_their_last_line_of_content() {
        let text = "policy: p\nsections:\n  s:\n    title: Überblick\n    text: |\n      # not a comment\n      Zeile zwei\n\n# about rules\nrules:\n  - id: r\n    categories: [a,\n      b]\n";
        assert_eq!(
            folds(text),
            [
                region("sections:", "      Zeile zwei"),
                region("s:", "      Zeile zwei"),
                region("text: |", "      Zeile zwei"),
                region("rules:", "      b]"),
                region("id: r", "      b]"),
                region("categories: [a,", "      b]"),
            ]
        );
    }

    #[test]
    fn runs_of_comment_lines_fold_but_not_one_line_nor_hashes_in_quotes() {
        let text = "# Acme's policy\n  # owned by legal\r\n# ask before editing\npolicy: p\n# one line\nversion: 2025-01-01\ntitle: \"Acme\n  # in quotes\n  # still the title\"\n";
        assert_eq!(
            folds(text),
            [(
                "# Acme's policy".into(),
                "# ask before editing".into(),
                FoldKind::Comment
            )]
        );
    }
}
