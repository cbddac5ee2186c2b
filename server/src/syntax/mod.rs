//! YAML text → [`Tree`]: a small, span-carrying tree built iteratively from `saphyr-parser`
//! events, with hard limits so that hostile input ends in a diagnostic.

mod builder;
mod tree;

pub use builder::{Limits, ParseOutput, parse};
pub use tree::{Entry, Node, NodeId, NodeKind, Scalar, ScalarStyle, Tree};
