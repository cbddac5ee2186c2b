//! The keys and list items of a tree named by their place (the keys and item numbers leading
//! to them), so that a part of a text can be found again in its formatted text, where key
//! order may have moved it: what range formatting replaces.

use crate::syntax::{NodeId, NodeKind, Tree};
use crate::text::TextRange;

/// One step of a place: a key of a map, or the number of an item of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Item(usize),
}

/// Every key (from the key to the end of its value) and every list item of `tree`, with its
/// place, parents before children.
pub fn parts(tree: &Tree) -> Vec<(Vec<Step>, TextRange)> {
    let mut out = Vec::new();
    if let Some(root) = tree.root() {
        collect(tree, root, &mut Vec::new(), &mut out);
    }
    out
}

fn collect(tree: &Tree, node: NodeId, place: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, TextRange)>) {
    let mut visit = |step: Step, range: TextRange, child: NodeId, place: &mut Vec<Step>| {
        place.push(step);
        out.push((place.clone(), range));
        collect(tree, child, place, out);
        place.pop();
    };
    match tree.kind(node) {
        NodeKind::Sequence(items) => {
            for (i, &item) in items.iter().enumerate() {
                visit(Step::Item(i), tree.range(item), item, place);
            }
        }
        NodeKind::Mapping(entries) => {
            for e in entries {
                let key = tree.scalar(e.key).map_or("", |s| s.text.as_str()).to_owned();
                let range = tree.range(e.key).cover(tree.range(e.value));
                visit(Step::Key(key), range, e.value, place);
            }
        }
        NodeKind::Scalar(_) | NodeKind::Invalid => {}
    }
}

/// The range of the part at `place` in `tree` (as [`parts`] gives it); the first of equal keys.
pub fn find(tree: &Tree, place: &[Step]) -> Option<TextRange> {
    let mut node = tree.root()?;
    let mut range = tree.range(node);
    for step in place {
        (node, range) = match step {
            Step::Item(i) => {
                let item = *tree.items(node)?.get(*i)?;
                (item, tree.range(item))
            }
            Step::Key(key) => {
                let e = tree.get(node, key)?;
                (e.value, tree.range(e.key).cover(tree.range(e.value)))
            }
        };
    }
    Some(range)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Limits, parse};

    #[test]
    fn a_moved_key_is_found_by_its_place() {
        let old = "rules:\n  - effect: allow\n    id: a\n  - effect: prohibit\n    id: b\n";
        let new = "rules:\n  - id: a\n    effect: allow\n  - id: b\n    effect: prohibit\n";
        let (old_tree, new_tree) = (parse(old, &Limits::default()).tree, parse(new, &Limits::default()).tree);
        let place = [Step::Key("rules".into()), Step::Item(1), Step::Key("id".into())];
        let (_, at) = parts(&old_tree).into_iter().find(|(p, _)| p[..] == place).unwrap();
        assert_eq!(&old[at.start..at.end], "id: b");
        let found = find(&new_tree, &place).unwrap();
        assert_eq!(found.start, new.find("id: b").unwrap());
        assert_eq!(find(&new_tree, &[Step::Key("rules".into()), Step::Item(2)]), None);
    }
}
