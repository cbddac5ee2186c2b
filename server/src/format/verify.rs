//! The formatter's check of its own output, before anything is written: the output parses
//! without error, to the same values as the input in the same order (keys in the canonical
//! order), with the same comments. Otherwise the input is kept and the reason returned.

use super::comments::Comments;
use super::order::{Shape, ordered};
use super::scalar::type_of;
use super::{Refusal, line_of};
use crate::check::suppression_coverage;
use crate::syntax::{Limits, NodeId, NodeKind, Tree, parse};
use crate::text::{Encoding, LineIndex};
use crate::workspace::FileKind;

pub(super) fn verify(text: &str, tree: &Tree, comments: &Comments, out: &str, kind: FileKind) -> Result<(), Refusal> {
    let parsed = parse(out, &Limits::default());
    if let Some(d) = parsed.diagnostics.first() {
        return Err(Refusal::Internal(format!(
            "the formatted text would not parse ({} at line {})",
            d.message,
            line_of(out, d.range.start)
        )));
    }
    let differs = match (tree.root(), parsed.tree.root()) {
        (Some(a), Some(b)) => same(comments, tree, a, &parsed.tree, b, Shape::Root(kind)).err(),
        (None, None) => None,
        (Some(a), None) => Some(a),
        (None, Some(_)) => Some(NodeId(0)),
    };
    if let Some(node) = differs {
        let at = if tree.is_empty() { 0 } else { tree.range(node).start };
        return Err(Refusal::Internal(format!(
            "formatting would change the value at line {}",
            line_of(text, at)
        )));
    }
    let mut before = comments.all.clone();
    let mut after = Comments::scan(out, &parsed.tree)
        .map_err(|r| {
            Refusal::Internal(format!(
                "the formatted text's comments cannot be read back ({})",
                r.reason()
            ))
        })?
        .all;
    before.sort_unstable();
    after.sort_unstable();
    if before != after {
        return Err(Refusal::Internal("formatting would lose or change a comment".into()));
    }
    same_suppressions(text, tree, out, &parsed.tree)
}

/// Each `# charter-ignore` comment silences the same keys and values in the output as in the
/// input. Every code it can silence starts at a scalar (a rule's id, a reference), so the
/// scalars on the lines it covers are compared, by their place in the document.
fn same_suppressions(text: &str, tree: &Tree, out: &str, out_tree: &Tree) -> Result<(), Refusal> {
    let before = coverage(text, tree);
    if before.is_empty() {
        return Ok(());
    }
    let key = |c: &Covered| (c.comment.clone(), c.places.clone());
    let mut after: Vec<_> = coverage(out, out_tree).iter().map(key).collect();
    after.sort_unstable();
    let mut expected: Vec<_> = before.iter().map(key).collect();
    expected.sort_unstable();
    if expected == after {
        return Ok(());
    }
    let changed = before.iter().find(|c| !after.contains(&key(c))).unwrap_or(&before[0]);
    Err(Refusal::Unsupported(format!(
        "line {} has `{}`, and the layout would change which keys and values it applies to; \
         format this file by hand, or put the comment on the line of the id it is for",
        changed.line + 1,
        changed.comment
    )))
}

/// A suppression comment and the places of the scalars on the lines it covers.
struct Covered {
    /// 0-based, for the message.
    line: u32,
    comment: String,
    places: Vec<String>,
}

fn coverage(text: &str, tree: &Tree) -> Vec<Covered> {
    let comments = suppression_coverage(text);
    if comments.is_empty() {
        return Vec::new();
    }
    let index = LineIndex::new(text);
    let mut places: Vec<(u32, String)> = Vec::new();
    if let Some(root) = tree.root() {
        scalar_places(tree, root, String::new(), &mut |id, place| {
            let line = index.position(text, tree.range(id).start, Encoding::Utf8).0;
            places.push((line, place));
        });
    }
    comments
        .into_iter()
        .map(|(comment, lines)| {
            let mut covered: Vec<String> = places
                .iter()
                .filter(|(l, _)| lines.contains(l))
                .map(|(_, p)| p.clone())
                .collect();
            covered.sort_unstable();
            Covered {
                line: *lines.start(),
                comment: comment.to_owned(),
                places: covered,
            }
        })
        .collect()
}

/// Every scalar under `node` with its place: the keys and item numbers leading to it (a key
/// itself ends in `:`), which key order does not change.
fn scalar_places(tree: &Tree, node: NodeId, place: String, visit: &mut dyn FnMut(NodeId, String)) {
    match tree.kind(node) {
        NodeKind::Scalar(_) => visit(node, place),
        NodeKind::Sequence(items) => {
            for (i, &item) in items.iter().enumerate() {
                scalar_places(tree, item, format!("{place}/{i}"), visit);
            }
        }
        NodeKind::Mapping(entries) => {
            for e in entries {
                let key = tree.scalar(e.key).map_or("", |s| s.text.as_str());
                visit(e.key, format!("{place}/{key}:"));
                scalar_places(tree, e.value, format!("{place}/{key}"), visit);
            }
        }
        NodeKind::Invalid => {}
    }
}

/// Whether `b` (in the output) holds what `a` (in the input) does; `Err` names the first node
/// of `a` that differs.
fn same(comments: &Comments, ta: &Tree, a: NodeId, tb: &Tree, b: NodeId, shape: Shape) -> Result<(), NodeId> {
    match (ta.kind(a), tb.kind(b)) {
        (NodeKind::Scalar(x), NodeKind::Scalar(y)) if x.text == y.text && type_of(x) == type_of(y) => Ok(()),
        (NodeKind::Sequence(x), NodeKind::Sequence(y)) if x.len() == y.len() => {
            for (&i, &j) in x.iter().zip(y) {
                same(comments, ta, i, tb, j, shape.item())?;
            }
            Ok(())
        }
        (NodeKind::Mapping(x), NodeKind::Mapping(y)) if x.len() == y.len() => {
            for (e, f) in ordered(ta, x, shape, comments.keeps_first(a, x)).into_iter().zip(y) {
                same(comments, ta, e.key, tb, f.key, Shape::Free)?;
                let child = shape.child(ta.scalar(e.key).map_or("", |s| s.text.as_str()));
                same(comments, ta, e.value, tb, f.value, child)?;
            }
            Ok(())
        }
        _ => Err(a),
    }
}
