//! The YAML tree the rest of the engine reads. Nodes live in one arena; every node keeps the
//! byte range of its text. Aliases point at the anchored node instead of copying it.

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
    pub text: String,
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

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}
