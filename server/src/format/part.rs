//! The keys and list items of a tree named by their place (the keys and item numbers leading
//! to them), so that a part of a text can be found again in its formatted text, where key
//! order may have moved it: what range formatting replaces.

use crate::syntax::{NodeId, NodeKind, Tree};
use crate::text::{TextRange, line_start_of};

/// One step of a place: a key of a map (and how many equal keys come before it there, as a
/// file may repeat a key and the layout keeps repeated keys in order), or the number of an item
/// of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String, usize),
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
            for (i, e) in entries.iter().enumerate() {
                let key = key_text(tree, e.key);
                let before = entries[..i].iter().filter(|f| key_text(tree, f.key) == key).count();
                let range = tree.range(e.key).cover(tree.range(e.value));
                visit(Step::Key(key.to_owned(), before), range, e.value, place);
            }
        }
        NodeKind::Scalar(_) | NodeKind::Invalid => {}
    }
}

fn key_text(tree: &Tree, key: NodeId) -> &str {
    tree.scalar(key).map_or("", |s| s.text.as_str())
}

/// The range of the part at `place` in `tree` (as [`parts`] gives it).
pub fn find(tree: &Tree, place: &[Step]) -> Option<TextRange> {
    let mut node = tree.root()?;
    let mut range = tree.range(node);
    for step in place {
        (node, range) = match step {
            Step::Item(i) => {
                let item = *tree.items(node)?.get(*i)?;
                (item, tree.range(item))
            }
            Step::Key(key, before) => {
                let e = tree
                    .entries(node)?
                    .iter()
                    .filter(|e| key_text(tree, e.key) == key)
                    .nth(*before)?;
                (e.value, tree.range(e.key).cover(tree.range(e.value)))
            }
        };
    }
    Some(range)
}

/// `r` widened to whole lines: from the start of its first line (the `- ` before an item, the
/// indentation before a key) to after the line break ending its last line.
pub fn whole_lines(text: &str, r: TextRange) -> TextRange {
    let end = if r.end == 0 || text[..r.end].ends_with('\n') {
        r.end
    } else {
        text[r.end..].find('\n').map_or(text.len(), |i| r.end + i + 1)
    };
    TextRange::new(line_start_of(text, r.start), end)
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
        let place = [Step::Key("rules".into(), 0), Step::Item(1), Step::Key("id".into(), 0)];
        let (_, at) = parts(&old_tree).into_iter().find(|(p, _)| p[..] == place).unwrap();
        assert_eq!(&old[at.start..at.end], "id: b");
        let found = find(&new_tree, &place).unwrap();
        assert_eq!(found.start, new.find("id: b").unwrap());
        assert_eq!(find(&new_tree, &[Step::Key("rules".into(), 0), Step::Item(2)]), None);
    }

    #[test]
    fn a_repeated_key_is_told_apart_by_the_keys_before_it() {
        let text = "a: 1\nb: 2\na: 3\n";
        let tree = parse(text, &Limits::default()).tree;
        let second = find(&tree, &[Step::Key("a".into(), 1)]).unwrap();
        assert_eq!(&text[second.start..second.end], "a: 3");
        assert_eq!(parts(&tree)[2].0, [Step::Key("a".into(), 1)]);
    }
}
