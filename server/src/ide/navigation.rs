//! Placeholder until written.
use super::{Location, WorkspaceEdit};
use crate::check::Context;
use crate::diagnostic::FileId;
use crate::text::TextRange;
pub fn definition(_cx: &Context, _file: FileId, _offset: usize) -> Vec<Location> { Vec::new() }
pub fn references(_cx: &Context, _file: FileId, _offset: usize, _include_declaration: bool) -> Vec<Location> { Vec::new() }
pub fn prepare_rename(_cx: &Context, _file: FileId, _offset: usize) -> Option<TextRange> { None }
pub fn rename(_cx: &Context, _file: FileId, _offset: usize, _new_name: &str) -> Result<WorkspaceEdit, String> { Err(String::from("not yet")) }
