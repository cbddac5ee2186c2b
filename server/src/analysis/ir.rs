//! The resolved, index-based policy the analysis runs on: a category tree, attributes with
//! their values, and one rule list per layer (base first). Built by `resolve` from documents
//! whose references all resolved; it holds no text positions, only indices back into them.

use crate::model::Effect;

/// Index of a category in [`Categories`].
pub type CatId = u32;

/// The category tree, parents stored before their children so that one forward pass visits
/// the tree top-down and one backward pass bottom-up.
#[derive(Debug, Clone, Default)]
pub struct Categories {
    pub names: Vec<String>,
    pub parent: Vec<Option<CatId>>,
    pub children: Vec<Vec<CatId>>,
    /// Where the names of each depth begin in `names` (and, last, where they end), so that a
    /// lookup compares names of one depth only: resolving a 10,000-rule policy looks up a
    /// category per rule, on every keystroke in an editor.
    bands: Vec<usize>,
}

impl Categories {
    /// Builds the tree from dotted ids; an id whose parent is missing becomes a root (the
    /// caller reports `undeclared-parent`). Ids are sorted so parents precede children.
    pub fn from_ids<'a>(ids: impl IntoIterator<Item = &'a str>) -> Self {
        let mut names: Vec<String> = ids.into_iter().map(str::to_owned).collect();
        names.sort_by(|a, b| depth_of(a).cmp(&depth_of(b)).then_with(|| a.cmp(b)));
        names.dedup();
        let index: std::collections::HashMap<&str, CatId> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i as CatId))
            .collect();
        let parent: Vec<Option<CatId>> = names
            .iter()
            .map(|n| n.rsplit_once('.').and_then(|(p, _)| index.get(p).copied()))
            .collect();
        let mut children = vec![Vec::new(); names.len()];
        for (i, p) in parent.iter().enumerate() {
            if let Some(p) = p {
                children[*p as usize].push(i as CatId);
            }
        }
        let mut bands = vec![0];
        for (i, name) in names.iter().enumerate() {
            while bands.len() <= depth_of(name) {
                bands.push(i);
            }
        }
        bands.push(names.len());
        Self {
            names,
            parent,
            children,
            bands,
        }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn find(&self, name: &str) -> Option<CatId> {
        // Sorted by (depth, name): binary search within the name's depth band.
        let depth = depth_of(name);
        let (start, end) = (*self.bands.get(depth)?, *self.bands.get(depth + 1)?);
        let idx = self.names[start..end].binary_search_by(|n| n.as_str().cmp(name)).ok()?;
        Some((start + idx) as CatId)
    }

    /// How many ancestors `c` has.
    pub fn depth(&self, c: CatId) -> usize {
        self.bands
            .partition_point(|&start| start <= c as usize)
            .saturating_sub(1)
    }

    pub fn is_leaf(&self, c: CatId) -> bool {
        self.children[c as usize].is_empty()
    }

    pub fn name(&self, c: CatId) -> &str {
        &self.names[c as usize]
    }

    /// Whether `a` is `c` or one of its ancestors.
    pub fn is_ancestor_or_self(&self, a: CatId, c: CatId) -> bool {
        let mut cur = Some(c);
        while let Some(n) = cur {
            if n == a {
                return true;
            }
            cur = self.parent[n as usize];
        }
        false
    }

    /// The leaves at or below `c`, in tree order.
    pub fn leaves_under(&self, c: CatId) -> Vec<CatId> {
        let mut out = Vec::new();
        let mut stack = vec![c];
        while let Some(n) = stack.pop() {
            let kids = &self.children[n as usize];
            if kids.is_empty() {
                out.push(n);
            }
            stack.extend(kids.iter().rev());
        }
        out
    }
}

fn depth_of(name: &str) -> usize {
    name.bytes().filter(|&b| b == b'.').count()
}

#[derive(Debug, Clone)]
pub struct Attribute {
    pub name: String,
    pub values: Vec<String>,
    /// Index into `values`.
    pub default: u32,
}

/// Where an IR rule came from: the layer, the rule's index in that layer's document, and which
/// of its listed categories this is (a rule with several categories counts as one rule per
/// category).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleOrigin {
    pub layer: u32,
    pub rule: u32,
    pub listing: u32,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub effect: Effect,
    pub category: CatId,
    /// Per attribute (same order as [`Model::attributes`]): `None` for any value, else the
    /// sorted indices of the allowed values.
    pub when: Vec<Option<Vec<u32>>>,
    /// Indices into [`Model::safeguards`]; empty unless `effect` is `Require`.
    pub safeguards: Vec<u32>,
    pub origin: RuleOrigin,
}

#[derive(Debug, Clone, Default)]
pub struct Layer {
    pub rules: Vec<Rule>,
    /// The layer's own `default:`, when it sets one.
    pub default: Option<Effect>,
}

/// A policy with its whole `extends` chain flattened: categories and attributes of every layer,
/// and each layer's own rules. `layers[0]` is the root base; the last layer is the policy itself.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub categories: Categories,
    pub attributes: Vec<Attribute>,
    pub safeguards: Vec<String>,
    pub layers: Vec<Layer>,
}
