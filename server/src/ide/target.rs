//! Placeholder until written.
use crate::check::Context;
use crate::diagnostic::FileId;
use crate::text::TextRange;
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetKind { Category, Attribute, Value { attribute: String }, Safeguard, Section, Rule, UseCase, Policy }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target { pub kind: TargetKind, pub range: TextRange, pub name: String, pub declaration: bool }
pub fn target_at(_cx: &Context, _file: FileId, _offset: usize) -> Option<Target> { None }
