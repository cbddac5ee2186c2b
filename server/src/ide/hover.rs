//! Placeholder until written.
use super::HoverResult;
use crate::check::Context;
use crate::diagnostic::FileId;
pub fn hover(_cx: &Context, _file: FileId, _offset: usize, _locale: &str) -> Option<HoverResult> { None }
