//! The formatter's check of its own output, before anything is written: the output parses
//! without error, to the same values as the input in the same order (keys in the canonical
//! order), with the same comments. Otherwise the input is kept and the reason returned.

use super::comments::Comments;
use super::order::{Shape, ordered};
use super::scalar::type_of;
use super::{Refusal, line_of};
use crate::syntax::{Limits, NodeId, NodeKind, Tree, parse};
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
        (Some(a), Some(b)) => same(tree, a, &parsed.tree, b, Shape::Root(kind)).err(),
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
    Ok(())
}

/// Whether `b` (in the output) holds what `a` (in the input) does; `Err` names the first node
/// of `a` that differs.
fn same(ta: &Tree, a: NodeId, tb: &Tree, b: NodeId, shape: Shape) -> Result<(), NodeId> {
    match (ta.kind(a), tb.kind(b)) {
        (NodeKind::Scalar(x), NodeKind::Scalar(y)) if x.text == y.text && type_of(x) == type_of(y) => Ok(()),
        (NodeKind::Sequence(x), NodeKind::Sequence(y)) if x.len() == y.len() => {
            for (&i, &j) in x.iter().zip(y) {
                same(ta, i, tb, j, shape.item())?;
            }
            Ok(())
        }
        (NodeKind::Mapping(x), NodeKind::Mapping(y)) if x.len() == y.len() => {
            for (e, f) in ordered(ta, x, shape).into_iter().zip(y) {
                same(ta, e.key, tb, f.key, Shape::Free)?;
                let child = shape.child(ta.scalar(e.key).map_or("", |s| s.text.as_str()));
                same(ta, e.value, tb, f.value, child)?;
            }
            Ok(())
        }
        _ => Err(a),
    }
}
