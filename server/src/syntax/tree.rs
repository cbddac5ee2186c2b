//! The YAML tree the rest of the engine reads. Nodes live in one arena; every node keeps the
//! byte range of its text. Aliases point at the anchored node instead of copying it.

use crate::compact::CompactStr;
use crate::text::TextRange;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar {
    /// The scalar's value after YAML unescaping and folding.
    pub text: CompactStr,
    pub style: ScalarStyle,
}

impl Scalar {
    /// YAML 1.2 core schema null: an empty plain scalar, `~`, `null`, `Null`, `NULL`.
    pub fn is_null(&self) -> bool {
        self.style == ScalarStyle::Plain && matches!(self.text.as_str(), "" | "~" | "null" | "Null" | "NULL")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub key: NodeId,
    pub value: NodeId,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    Scalar(Scalar),
    Sequence(Vec<NodeId>),
    /// Entries in source order; duplicate keys are kept (the model layer reports them).
    Mapping(Vec<Entry>),
    /// Stands where the builder gave up on a node (an alias past the budget, nesting past the
    /// limit, a parse error); a `yaml-syntax` diagnostic already explains why.
    Invalid,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub kind: NodeKind,
    /// The node's own text; for an alias (`*a`), the alias token, not the anchored node.
    pub range: TextRange,
}

#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: Option<NodeId>,
    /// Whether the text defines an anchor: then a node's meaning may depend on text far from
    /// it, and a partial re-parse is not safe.
    pub(crate) anchored: bool,
    /// Whether a node carries a tag (`!t`): the tree keeps no tags, so a rewrite of the text
    /// from the tree (the formatter) would drop them.
    pub(crate) tagged: bool,
    /// Nodes no longer reachable from the root, left behind by [`Tree::replace_items`].
    pub(crate) garbage: usize,
}

impl Tree {
    /// The document's root node; `None` for an empty document.
    pub fn root(&self) -> Option<NodeId> {
        self.root
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    pub fn kind(&self, id: NodeId) -> &NodeKind {
        &self.node(id).kind
    }

    pub fn range(&self, id: NodeId) -> TextRange {
        self.node(id).range
    }

    pub fn scalar(&self, id: NodeId) -> Option<&Scalar> {
        match self.kind(id) {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn entries(&self, id: NodeId) -> Option<&[Entry]> {
        match self.kind(id) {
            NodeKind::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn items(&self, id: NodeId) -> Option<&[NodeId]> {
        match self.kind(id) {
            NodeKind::Sequence(items) => Some(items),
            _ => None,
        }
    }

    /// The first entry whose key is the scalar `key`.
    pub fn get(&self, map: NodeId, key: &str) -> Option<Entry> {
        self.entries(map)?
            .iter()
            .copied()
            .find(|e| self.scalar(e.key).is_some_and(|s| s.text == key))
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Every node reachable from the root, each once, parents before children. (The arena may
    /// also hold nodes a partial re-parse left behind.)
    pub fn reachable(&self) -> Vec<NodeId> {
        let mut seen = vec![false; self.nodes.len()];
        let mut order = Vec::new();
        let mut stack: Vec<NodeId> = self.root.into_iter().collect();
        while let Some(id) = stack.pop() {
            match seen.get_mut(id.0 as usize) {
                Some(seen) if !*seen => *seen = true,
                _ => continue, // an alias (the anchored node is listed once), or no node
            }
            order.push(id);
            match self.kind(id) {
                NodeKind::Sequence(items) => stack.extend(items.iter().rev()),
                NodeKind::Mapping(entries) => stack.extend(entries.iter().rev().flat_map(|e| [e.value, e.key])),
                NodeKind::Scalar(_) | NodeKind::Invalid => {}
            }
        }
        order
    }

    /// Replaces items `old` of the sequence `seq` with the root items of `part`, a tree parsed
    /// from text that now starts at byte `at`; offsets from `old_end` on (in the old text) move
    /// by `delta`. `ancestors` are the nodes holding `seq`, itself included: those that ended
    /// with the replaced items end with the new ones. The replaced nodes stay in the arena,
    /// unreachable, and are counted as garbage.
    pub(crate) fn replace_items(
        &mut self,
        ancestors: &[NodeId],
        old: std::ops::Range<usize>,
        part: Tree,
        at: usize,
        old_end: usize,
        delta: isize,
    ) {
        let seq = *ancestors.last().expect("the sequence itself");
        let ending_inside: Vec<NodeId> = ancestors
            .iter()
            .copied()
            .filter(|&a| (at..old_end).contains(&self.range(a).end))
            .collect();
        for node in &mut self.nodes {
            node.range = node.range.shifted(old_end, delta);
        }
        let base = self.nodes.len() as u32;
        let new_items: Vec<NodeId> = part
            .root
            .and_then(|root| match &part.nodes[root.0 as usize].kind {
                NodeKind::Sequence(items) => Some(items.iter().map(|i| NodeId(i.0 + base)).collect()),
                _ => None,
            })
            .unwrap_or_default();
        self.garbage += part.nodes.len();
        self.nodes.extend(part.nodes.into_iter().map(|mut node| {
            node.range = TextRange::new(node.range.start + at, node.range.end + at);
            match &mut node.kind {
                NodeKind::Sequence(items) => items.iter_mut().for_each(|i| i.0 += base),
                NodeKind::Mapping(entries) => entries.iter_mut().for_each(|e| {
                    e.key.0 += base;
                    e.value.0 += base;
                }),
                NodeKind::Scalar(_) | NodeKind::Invalid => {}
            }
            node
        }));
        if let NodeKind::Sequence(items) = &mut self.nodes[seq.0 as usize].kind {
            items.splice(old, new_items);
        }
        let last = self
            .items(seq)
            .and_then(|items| items.last())
            .map(|&i| self.range(i).end);
        for a in ending_inside {
            let node = &mut self.nodes[a.0 as usize];
            node.range.end = last.unwrap_or(node.range.end).max(node.range.start);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}
