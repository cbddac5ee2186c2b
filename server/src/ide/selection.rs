//! Selection ranges ("expand selection"): from the scalar under the cursor outwards, its
//! `key: value` entry, the mapping holding it, that mapping's own entry or sequence item (from
//! its `- `), and so on up to the whole document. Each range strictly contains the one before, as LSP requires:
//! a range equal to the previous one (a mapping with one entry) is left out.

use crate::check::Context;
use crate::diagnostic::FileId;
use crate::syntax::{NodeId, NodeKind, Tree};
use crate::text::TextRange;

/// The chain at `offset`, innermost first, ending with the whole document (never empty).
pub fn selection_ranges(cx: &Context, file: FileId, offset: usize) -> Vec<TextRange> {
    let source = cx.ws.file(file);
    let mut outermost_first = vec![TextRange::new(0, source.text.len())];
    let tree = source.tree();
    if let Some(root) = tree.root() {
        descend(&source.text, tree, root, offset, &mut outermost_first);
    }
    let mut chain: Vec<TextRange> = Vec::new();
    for range in outermost_first.into_iter().rev() {
        let grows = chain
            .last()
            .is_none_or(|&inner| range != inner && range.start <= inner.start && inner.end <= range.end);
        if grows {
            chain.push(range);
        }
    }
    chain
}

/// Pushes the ranges from `node` down to the innermost node at `offset`.
fn descend(text: &str, tree: &Tree, mut node: NodeId, offset: usize, out: &mut Vec<TextRange>) {
    if !tree.range(node).touches(offset) {
        return;
    }
    loop {
        let parent = tree.range(node);
        out.push(parent);
        // An alias's node lies elsewhere in the text: only children inside the parent count.
        let inside = |id: NodeId| {
            let r = tree.range(id);
            parent.start <= r.start && r.end <= parent.end
        };
        let next = match tree.kind(node) {
            NodeKind::Mapping(entries) => {
                let entries = entries.iter().filter(|e| inside(e.key) && inside(e.value));
                let Some(entry) = at(entries, offset, |e| tree.range(e.key).cover(tree.range(e.value))) else {
                    return;
                };
                let (key, value) = (tree.range(entry.key), tree.range(entry.value));
                out.push(key.cover(value));
                if key.contains(offset) || key.touches(offset) && !value.contains(offset) {
                    entry.key
                } else if value.touches(offset) {
                    entry.value
                } else {
                    return; // between the key and its value
                }
            }
            NodeKind::Sequence(items) => {
                let Some(&item) = at(items.iter().filter(|&&i| inside(i)), offset, |i| tree.range(**i)) else {
                    return;
                };
                out.extend(with_dash(text, tree.range(item)).filter(|r| parent.start <= r.start));
                item
            }
            NodeKind::Scalar(_) | NodeKind::Invalid => return,
        };
        node = next;
    }
}

/// A block list's item from its `- `, so that one step selects the whole item to move or delete.
fn with_dash(text: &str, item: TextRange) -> Option<TextRange> {
    let before = text[..item.start].trim_end_matches([' ', '\t']);
    before
        .ends_with('-')
        .then(|| TextRange::new(before.len() - 1, item.end))
}

/// The child whose range contains `offset`, else one that ends at it (a cursor just after a
/// word is on that word).
fn at<T>(children: impl Iterator<Item = T>, offset: usize, range: impl Fn(&T) -> TextRange) -> Option<T> {
    let mut touching = None;
    for child in children {
        let r = range(&child);
        if r.contains(offset) {
            return Some(child);
        }
        if touching.is_none() && r.touches(offset) {
            touching = Some(child);
        }
    }
    touching
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::target::tests::{fixture, slice};

    fn chain(path: &str, text: &str) -> Vec<String> {
        let (cx, file, offset) = fixture(&[(path, text)]);
        selection_ranges(&cx, file, offset)
            .into_iter()
            .map(|r| slice(&cx, file, r).to_owned())
            .collect()
    }

    #[test]
    fn from_an_id_in_a_list_out_to_the_document() {
        let text = "manifest: m\nuse-cases:\n  - id: 合同\n    categories: [high-risk.le$0gal, cyber]\n";
        let document = text.replace("$0", "");
        assert_eq!(
            chain("m.usecases.yaml", text),
            [
                "high-risk.legal",
                "[high-risk.legal, cyber]",
                "categories: [high-risk.legal, cyber]",
                "id: 合同\n    categories: [high-risk.legal, cyber]",
                "- id: 合同\n    categories: [high-risk.legal, cyber]",
                "use-cases:\n  - id: 合同\n    categories: [high-risk.legal, cyber]",
                document.trim_end(),
                &document,
            ]
        );
    }

    #[test]
    fn a_list_item_with_its_dash_then_the_list() {
        let text = "manifest: m\nuse-cases:\n  - id: a\n  - id: b\n    categories: [cy$0ber]\n";
        let chain = chain("m.usecases.yaml", text);
        assert_eq!(
            chain[3..6],
            [
                "id: b\n    categories: [cyber]",
                "- id: b\n    categories: [cyber]",
                "- id: a\n  - id: b\n    categories: [cyber]",
            ]
        );
    }

    #[test]
    fn a_key_then_its_entry_and_no_range_twice() {
        // The one-entry mapping `{ tier: paid }` equals nothing else; the root mapping of a
        // file without a trailing newline equals the document, and is given once.
        let text = "policy: p\nrules:\n  - when: { ti$0er: paid }";
        assert_eq!(
            chain("p.policy.yaml", text),
            [
                "tier",
                "tier: paid",
                "{ tier: paid }",
                "when: { tier: paid }",
                "- when: { tier: paid }",
                "rules:\n  - when: { tier: paid }",
                "policy: p\nrules:\n  - when: { tier: paid }",
            ]
        );
    }

    #[test]
    fn each_range_strictly_contains_the_previous_at_every_offset() {
        let text = "$0policy: p # note\nsections:\n  s:\n    text: |\n      Zeile\n    url: &u 'https://x.example'\nx: *u\nrules: [ {id: r}, ]\n";
        let (cx, file, _) = fixture(&[("p.policy.yaml", text)]);
        let len = cx.ws.file(file).text.len();
        for offset in 0..=len + 1 {
            let chain = selection_ranges(&cx, file, offset);
            assert_eq!(chain.last(), Some(&TextRange::new(0, len)));
            for pair in chain.windows(2) {
                let (inner, outer) = (pair[0], pair[1]);
                assert!(inner != outer && outer.start <= inner.start && inner.end <= outer.end);
            }
            assert!(
                chain[0].touches(offset.min(len)) || chain.len() == 1,
                "at {offset}: {chain:?}"
            );
        }
    }
}
