//! Key order: each map of the two formats lists its keys in the order of the format reference
//! (`model::keys`, which the reference's tables follow); keys it does not know (attributes of a
//! use case, typos) keep their order after the known ones. Maps keyed by ids (`attributes`,
//! `categories`, ...) keep the author's order.

use crate::model::keys::{self, Keys};
use crate::syntax::{Entry, Tree};
use crate::workspace::FileKind;

/// What a map or list is in its file's format, by where it sits.
#[derive(Debug, Clone, Copy)]
pub(super) enum Shape {
    Root(FileKind),
    /// A map from ids to maps with these keys.
    IdMap(Keys),
    /// A list of maps with these keys.
    List(Keys),
    /// A map with these keys.
    Object(Keys),
    /// Anything else: no order imposed.
    Free,
}

impl Shape {
    fn keys(self) -> Option<Keys> {
        match self {
            Shape::Root(FileKind::Policy) => Some(keys::POLICY),
            Shape::Root(FileKind::Manifest) => Some(keys::MANIFEST),
            Shape::Object(keys) => Some(keys),
            _ => None,
        }
    }

    /// The shape of the value of `key` in a map of this shape.
    pub(super) fn child(self, key: &str) -> Shape {
        match (self, key) {
            (Shape::Root(FileKind::Policy), "attributes") => Shape::IdMap(keys::ATTRIBUTE),
            (Shape::Root(FileKind::Policy), "safeguards") => Shape::IdMap(keys::SAFEGUARD),
            (Shape::Root(FileKind::Policy), "sections") => Shape::IdMap(keys::SECTION),
            (Shape::Root(FileKind::Policy), "categories") => Shape::IdMap(keys::CATEGORY),
            (Shape::Root(FileKind::Policy), "rules") => Shape::List(keys::RULE),
            (Shape::Root(FileKind::Manifest), "use-cases") => Shape::List(keys::USE_CASE),
            (Shape::IdMap(keys), _) => Shape::Object(keys),
            _ => Shape::Free,
        }
    }

    /// The shape of an item of a list of this shape.
    pub(super) fn item(self) -> Shape {
        match self {
            Shape::List(keys) => Shape::Object(keys),
            _ => Shape::Free,
        }
    }
}

/// The entries of a map of shape `shape` in the canonical order (a stable sort: duplicate keys
/// keep their order, so the one that counts stays first). With `keep_first`, the first entry
/// stays first and only the others are put in order.
pub(super) fn ordered(tree: &Tree, entries: &[Entry], shape: Shape, keep_first: bool) -> Vec<Entry> {
    let mut out = entries.to_vec();
    let sorted = if keep_first && !out.is_empty() {
        &mut out[1..]
    } else {
        &mut out[..]
    };
    if let Some(keys) = shape.keys() {
        let rank = |e: &Entry| {
            let name = tree.scalar(e.key).map_or("", |s| s.text.as_str());
            keys.iter().position(|(k, _)| *k == name).unwrap_or(keys.len())
        };
        sorted.sort_by_key(rank);
    }
    out
}
