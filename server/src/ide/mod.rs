//! Editor features over the engine: pure functions from a checked workspace ([`Context`]), a
//! file and a byte offset to answers in byte ranges. The language server only translates
//! them to and from LSP; nothing here knows LSP.
//!
//! [`target`] finds what the cursor is on (a declaration or a reference, of which kind);
//! hover, navigation and rename all start from it.

mod completion;
mod fix_all;
mod folding;
mod formatting;
mod highlight;
mod hints;
mod hover;
mod links;
mod navigation;
mod selection;
mod symbols;
mod target;
mod tokens;
mod workspace_symbols;

pub use completion::completion;
pub use fix_all::{FixAll, fix_all};
pub use folding::folding_ranges;
pub use formatting::{formatting, refusal_message};
pub use highlight::document_highlights;
pub use hints::{code_lenses, inlay_hints};
pub use hover::hover;
pub use links::document_links;
pub use navigation::{definition, prepare_rename, references, rename};
pub use selection::selection_ranges;
pub use symbols::document_symbols;
pub use target::{Target, TargetKind, target_at};
pub use tokens::{SemanticToken, semantic_tokens};
pub use workspace_symbols::{MAX_WORKSPACE_SYMBOLS, workspace_symbols};

use crate::diagnostic::{Edit, FileId};
use crate::text::TextRange;

/// A place in a file of the workspace (bundled policies included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: FileId,
    pub range: TextRange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoverResult {
    /// The range of the hovered node.
    pub range: TextRange,
    pub markdown: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    Key,
    Category,
    Attribute,
    Value,
    Safeguard,
    Section,
    Rule,
    Policy,
    Keyword,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// One line shown beside the label (e.g. the declaring policy).
    pub detail: Option<String>,
    /// Markdown: the summary of what is completed.
    pub documentation: Option<String>,
    /// Replaces the partial word at the cursor.
    pub edit: Edit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Policy,
    Manifest,
    Group,
    Section,
    Attribute,
    Safeguard,
    Category,
    Rule,
    UseCase,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole declaration.
    pub range: TextRange,
    /// The id to select and reveal.
    pub selection: TextRange,
    pub children: Vec<Symbol>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint is shown (after the use case's `id` value).
    pub offset: usize,
    pub label: String,
    pub tooltip: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeLens {
    pub range: TextRange,
    pub title: String,
}

/// A region an editor can fold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fold {
    pub range: TextRange,
    pub kind: FoldKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoldKind {
    /// A collection or block scalar.
    Block,
    /// A run of comment lines.
    Comment,
}

/// A span of text that opens something when followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocLink {
    pub range: TextRange,
    pub target: LinkTarget,
    /// What following the link opens, naming it.
    pub tooltip: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A web address, as written.
    Url(String),
    /// A policy's file (a bundled one included).
    File(FileId),
}

/// An occurrence of the id under the cursor in the same file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Highlight {
    pub range: TextRange,
    /// Whether it declares the id (else it refers to it).
    pub write: bool,
}

/// A declaration found by a workspace-wide search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub kind: SymbolKind,
    /// The policy (`id@version`) or manifest id declaring it; `None` for a policy or manifest.
    pub container: Option<String>,
    /// Its id.
    pub location: Location,
}

/// The edits of a rename, per file.
pub type WorkspaceEdit = Vec<(FileId, Vec<Edit>)>;
