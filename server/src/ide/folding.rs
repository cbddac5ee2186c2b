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
use crate::syntax::{NodeKind, ScalarStyle, Tree};
use crate::text::TextRange;

/// The file's folding regions, sorted by start (outer before inner at the same start).
pub fn folding_ranges(cx: &Context, file: FileId) -> Vec<Fold> {
    let source = cx.ws.file(file);
    let tree = source.tree();
    let mut folds = node_folds(tree);
    folds.extend(comment_folds(&source.text, &non_plain_scalars(tree)));
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

/// Quoted and block scalars, sorted (they never overlap): inside them, a line starting with `#`
/// is content, not a comment.
fn non_plain_scalars(tree: &Tree) -> Vec<TextRange> {
    let mut ranges: Vec<TextRange> = tree
        .reachable()
        .into_iter()
        .filter(|&id| tree.scalar(id).is_some_and(|s| !matches!(s.style, ScalarStyle::Plain)))
        .map(|id| tree.range(id))
        .collect();
    ranges.sort();
    ranges
}

/// Whether `offset` lies in one of `sorted` (disjoint ranges): a binary search, as a big file
/// has thousands of quoted scalars.
fn inside_any(sorted: &[TextRange], offset: usize) -> bool {
    let after = sorted.partition_point(|r| r.start <= offset);
    after > 0 && sorted[after - 1].contains(offset)
}

/// Runs of two or more consecutive lines holding only a comment, from the first `#` to the end
/// of the last comment.
fn comment_folds(text: &str, scalars: &[TextRange]) -> Vec<Fold> {
    let mut out = Vec::new();
    let mut run: Option<(TextRange, usize)> = None; // (range so far, lines in it)
    let mut flush = |run: &mut Option<(TextRange, usize)>| {
        if let Some((range, lines)) = run.take()
            && lines > 1
        {
            out.push(Fold {
                range,
                kind: FoldKind::Comment,
            });
        }
    };
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = content.len() - content.trim_start_matches([' ', '\t']).len();
        let hash = start + indent;
        let comment = content[indent..].starts_with('#') && !inside_any(scalars, hash);
        if comment {
            let range = TextRange::new(hash, start + content.len());
            run = Some(match run {
                Some((so_far, lines)) => (so_far.cover(range), lines + 1),
                None => (range, 1),
            });
        } else {
            flush(&mut run);
        }
        start += line.len();
    }
    flush(&mut run);
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
