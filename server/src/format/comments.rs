//! Comments and blank lines, which the YAML tree does not hold, recovered from the text.
//!
//! A `#` outside every scalar starts a comment. A comment after something on its line trails
//! the last scalar before it (a key, a value, an item) and is written after it again; a comment
//! alone on its line belongs, with the blank lines around it, to the first key or item below
//! it, and travels with that key or item when keys are put in order.

use std::collections::HashMap;

use super::{Refusal, scalar, unsupported};
use crate::check::SUPPRESSION_MARKER;
use crate::syntax::{Entry, NodeId, NodeKind, ScalarStyle, Tree};
use crate::text::TextRange;

/// A line kept above a key or item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum GapLine {
    /// One or more blank lines, kept as one.
    Blank,
    /// A comment alone on its line, from its `#`, without trailing white space.
    Comment(String),
}

#[derive(Debug, Default)]
pub(super) struct Comments {
    /// The lines above each key or item, by the key's node (for a mapping entry) or the item's.
    pub leading: HashMap<NodeId, Vec<GapLine>>,
    /// The comment after a scalar on its line.
    pub trailing: HashMap<NodeId, String>,
    /// Comments at the top of the file, set apart from the first key by a blank line: they
    /// stay at the top whatever key comes first.
    pub header: Vec<GapLine>,
    /// Comments after the last node.
    pub footer: Vec<GapLine>,
    /// Every comment's text, in the order of the text.
    pub all: Vec<String>,
}

/// Every comment of `text`: from a `#` outside every scalar to the end of its line (a `\r`
/// before the line feed left out), in text order. The one answer to "is this `#` a comment"
/// for the formatter and for folding.
pub fn comment_ranges(text: &str, tree: &Tree) -> Vec<TextRange> {
    Scalars::of(text, tree)
        .comment_spans(text)
        .into_iter()
        .map(|(start, end)| TextRange::new(start, start + text[start..end].trim_end_matches('\r').len()))
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    Blank,
    Comment,
    Content,
}

impl Comments {
    pub(super) fn scan(text: &str, tree: &Tree) -> Result<Comments, Refusal> {
        let scalars = Scalars::of(text, tree);
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .filter(|&s| s < text.len() || s == 0)
            .collect();
        let line_index = |at: usize| starts.partition_point(|&s| s <= at) - 1;
        let mut lines: Vec<Line> = starts
            .iter()
            .map(|&s| {
                let end = text[s..].find('\n').map_or(text.len(), |i| s + i);
                match text[s..end].trim().is_empty() && !scalars.inside(s) {
                    true => Line::Blank,
                    false => Line::Content,
                }
            })
            .collect();
        let mut comments = Comments::default();
        let mut own_line: HashMap<usize, String> = HashMap::new();
        for (start, end) in scalars.comment_spans(text) {
            let body = text[start..end].trim_end().to_owned();
            comments.all.push(body.clone());
            let line = line_index(start);
            if text[starts[line]..start].trim().is_empty() {
                lines[line] = Line::Comment;
                own_line.insert(line, body);
            } else if let Some(node) = scalars.last_before(starts[line], start) {
                comments.trailing.insert(node, body);
            } else {
                return Err(unsupported(
                    text,
                    start,
                    "has a comment after `-`, `[` or `]` with no value before it",
                ));
            }
        }
        refuse_markers(text, &starts, &lines, &scalars)?;
        let mut claimed = vec![false; lines.len()];
        for (slot, at) in slots(tree) {
            let line = line_index(at);
            if std::mem::replace(&mut claimed[line], true) {
                continue;
            }
            let mut gap = Vec::new();
            let mut l = line;
            while l > 0 && lines[l - 1] != Line::Content && !claimed[l - 1] {
                l -= 1;
                claimed[l] = true;
                gap.push(match lines[l] {
                    Line::Comment => GapLine::Comment(own_line[&l].clone()),
                    _ => GapLine::Blank,
                });
            }
            gap.reverse();
            gap.dedup_by(|a, b| *a == GapLine::Blank && *b == GapLine::Blank);
            if !gap.is_empty() {
                comments.leading.insert(slot, gap);
            }
        }
        let last_content = lines.iter().rposition(|&l| l == Line::Content);
        for (l, kind) in lines.iter().enumerate() {
            let after_content = last_content.is_none_or(|c| l > c);
            match kind {
                Line::Comment if after_content => comments.footer.push(GapLine::Comment(own_line[&l].clone())),
                Line::Blank if after_content && comments.footer.last() != Some(&GapLine::Blank) => {
                    comments.footer.push(GapLine::Blank)
                }
                Line::Comment if !claimed[l] => {
                    return Err(unsupported(
                        text,
                        starts[l],
                        "has a comment between a key and its value; move it above the key",
                    ));
                }
                _ => {}
            }
        }
        if comments.footer.last() == Some(&GapLine::Blank) {
            comments.footer.pop();
        }
        comments.split_header(tree);
        Ok(comments)
    }

    /// Whether map `map` keeps its first key first: when a `# charter-ignore` comment alone on
    /// its line is right above that key's line, which it covers (`check/suppress.rs`), putting
    /// another key there would change what the comment silences.
    pub(super) fn keeps_first(&self, map: NodeId, entries: &[Entry]) -> bool {
        let Some(first) = entries.first() else { return false };
        [map, first.key].iter().any(|slot| {
            self.leading.get(slot).is_some_and(|gap| {
                gap.last()
                    .is_some_and(|l| matches!(l, GapLine::Comment(c) if c.contains(SUPPRESSION_MARKER)))
            })
        })
    }

    /// The root's lines: up to the last blank line, the file's header; after it, the first
    /// key's or item's own.
    fn split_header(&mut self, tree: &Tree) {
        let Some(root) = tree.root() else { return };
        let Some(mut gap) = self.leading.remove(&root) else {
            return;
        };
        let first_child = match tree.kind(root) {
            NodeKind::Mapping(entries) => entries.first().map(|e| e.key),
            NodeKind::Sequence(items) => items.first().copied(),
            _ => None,
        };
        if let Some(blank) = gap.iter().rposition(|l| *l == GapLine::Blank) {
            let own = gap.split_off(blank + 1);
            gap.pop();
            while gap.first() == Some(&GapLine::Blank) {
                gap.remove(0);
            }
            self.header = gap;
            gap = own;
        }
        if !gap.is_empty() {
            self.leading.insert(first_child.unwrap_or(root), gap);
        }
    }
}

/// Where `c` first occurs in `text` outside every scalar and comment: the `&` of an anchor or
/// the `!` of a tag, not one in `R&D` or `# note!`.
pub(super) fn first_outside(text: &str, tree: &Tree, c: char) -> Option<usize> {
    let scalars = Scalars::of(text, tree);
    let comments = scalars.comment_spans(text);
    text.match_indices(c).map(|(at, _)| at).find(|&at| {
        let in_comment = comments.iter().any(|&(start, end)| start <= at && at < end);
        !in_comment && !scalars.inside(at)
    })
}

/// Document markers (`---`, `...`) and directives (`%YAML`) the tree does not record.
fn refuse_markers(text: &str, starts: &[usize], lines: &[Line], scalars: &Scalars) -> Result<(), Refusal> {
    for (l, &s) in starts.iter().enumerate() {
        let line = &text[s..];
        let marker = (line.starts_with("---") || line.starts_with("..."))
            && line[3..].chars().next().is_none_or(char::is_whitespace);
        if lines[l] == Line::Content && (marker || line.starts_with('%')) && !scalars.inside(s) {
            return Err(unsupported(text, s, "has a document marker or directive"));
        }
    }
    Ok(())
}

/// Where keys and items start, in document order, outer before inner: each claims the comments
/// and blank lines above its line, unless one before it on the same line did. The root is the
/// first (it starts where its first key or item does).
fn slots(tree: &Tree) -> Vec<(NodeId, usize)> {
    let mut out = Vec::new();
    let Some(root) = tree.root() else { return out };
    // (the slot to list, if any; the node whose keys and items follow it)
    let mut stack = vec![(Some(root), root)];
    while let Some((slot, node)) = stack.pop() {
        if let Some(slot) = slot {
            out.push((slot, tree.range(slot).start));
        }
        match tree.kind(node) {
            NodeKind::Mapping(entries) => {
                for e in entries.iter().rev() {
                    stack.push((None, e.value));
                    stack.push((Some(e.key), e.key));
                }
            }
            NodeKind::Sequence(items) => stack.extend(items.iter().rev().map(|&i| (Some(i), i))),
            _ => {}
        }
    }
    out
}

/// The scalars of a text: the ranges comments cannot start in, and where each ends on its
/// first line for trailing comments.
struct Scalars {
    /// Ranges inside scalars, sorted by start. A block scalar's is its header and its content,
    /// not the rest of its header's line (which may hold a comment).
    opaque: Vec<(usize, usize)>,
    /// (where a comment after it may start, the scalar), sorted.
    ends: Vec<(usize, NodeId)>,
}

impl Scalars {
    fn of(text: &str, tree: &Tree) -> Scalars {
        let mut opaque = Vec::new();
        let mut ends = Vec::new();
        for id in tree.reachable() {
            let NodeKind::Scalar(s) = tree.kind(id) else { continue };
            let range = tree.range(id);
            if matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded) {
                let header_end = range.start + scalar::block_header(text, range).len();
                opaque.push((range.start, header_end));
                if let Some(nl) = text[header_end..range.end].find('\n') {
                    opaque.push((header_end + nl + 1, range.end));
                }
                ends.push((header_end, id));
            } else if !(s.style == ScalarStyle::Plain && s.text.is_empty()) {
                {
                    opaque.push((range.start, range.end));
                }
                ends.push((range.end, id));
            } else {
                // An empty value: its range may run over what follows it.
                ends.push((range.start, id));
            }
        }
        opaque.sort_unstable();
        ends.sort_unstable();
        Scalars { opaque, ends }
    }

    /// Whether byte `at` is inside a scalar.
    fn inside(&self, at: usize) -> bool {
        let i = self.opaque.partition_point(|&(s, _)| s <= at);
        i > 0 && at < self.opaque[i - 1].1
    }

    /// The scalar ending last at or before `at` and at or after `line_start`.
    fn last_before(&self, line_start: usize, at: usize) -> Option<NodeId> {
        let i = self.ends.partition_point(|&(end, _)| end <= at);
        let (end, id) = *self.ends.get(i.checked_sub(1)?)?;
        (end >= line_start).then_some(id)
    }

    /// (start, end) of every comment: from a `#` outside the scalars to the end of its line.
    fn comment_spans(&self, text: &str) -> Vec<(usize, usize)> {
        let mut spans = Vec::new();
        let mut at = 0;
        let mut next = 0; // the first opaque range not yet passed
        while at < text.len() {
            while next < self.opaque.len() && self.opaque[next].1 <= at {
                next += 1;
            }
            let stop = match self.opaque.get(next) {
                Some(&(s, e)) if s <= at => {
                    at = e;
                    continue;
                }
                Some(&(s, _)) => s,
                None => text.len(),
            };
            match text[at..stop].find('#') {
                Some(i) => {
                    let start = at + i;
                    let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
                    spans.push((start, end));
                    at = end;
                }
                None => at = stop,
            }
        }
        spans
    }
}
