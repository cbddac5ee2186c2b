//! Charter: a checker for usage-policy files and use-case manifests.
//!
//! The data path is the module tree: `text` (byte ranges, positions) → `syntax` (YAML tree)
//! → `model` (typed documents) → `resolve` (workspace, references, layers) → `analysis`
//! (verdicts, findings) → `check` (diagnostics per file); `compare` sets two versions of a
//! policy side by side and `report` gathers every verdict of a workspace for review. Front
//! ends (`cli`, the language server) only translate.

pub mod analysis;
pub mod check;
pub mod cli;
pub mod clock;
pub mod compact;
pub mod compare;
pub mod diagnostic;
pub mod discover;
#[cfg(feature = "testing")]
#[doc(hidden)]
pub mod fuzz;
pub mod ide;
pub mod lsp;
pub mod model;
pub mod report;
pub mod resolve;
pub mod schema;
pub mod syntax;
#[cfg(any(test, feature = "testing"))]
#[doc(hidden)]
pub mod testing;
pub mod text;
pub mod workspace;
