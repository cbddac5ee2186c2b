//! What the client offers and what the server answers at `initialize`: the position
//! encoding, the workspace folders, the features the server may use, and its capabilities.

use std::path::PathBuf;

use tower_lsp_server::ls_types::*;

use super::handlers::{code_action, diagnostic, semantic_tokens};
use super::session::Delivery;
use crate::text::Encoding;

/// What the client said it supports, as far as the server needs to know.
#[derive(Debug, Default, Clone, Copy)]
pub struct ClientFlags {
    pub watch_registration: bool,
    pub configuration: bool,
    pub progress: bool,
    /// The client folds whole lines only (`foldingRange.lineFoldingOnly`).
    pub line_folding_only: bool,
    /// Can pull diagnostics (`textDocument.diagnostic`).
    pub pull_diagnostics: bool,
    /// Can be asked to pull them again (`workspace.diagnostics.refreshSupport`).
    pub diagnostic_refresh: bool,
}

impl ClientFlags {
    pub fn of(params: &InitializeParams) -> Self {
        let workspace = params.capabilities.workspace.as_ref();
        ClientFlags {
            watch_registration: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
            progress: params
                .capabilities
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
            line_folding_only: params
                .capabilities
                .text_document
                .as_ref()
                .and_then(|t| t.folding_range.as_ref())
                .and_then(|f| f.line_folding_only)
                .unwrap_or(false),
            pull_diagnostics: params
                .capabilities
                .text_document
                .as_ref()
                .is_some_and(|t| t.diagnostic.is_some()),
            diagnostic_refresh: workspace
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
        }
    }

    /// How diagnostics reach this client: pulled only when it can also be asked to pull again.
    /// A client that pulls without `refreshSupport` would never learn that an edit of a policy,
    /// a file changed on disk, the settings or the end of the indexing changed what its open
    /// manifests report, and would show stale problems: it gets them pushed.
    pub fn delivery(&self) -> Delivery {
        match self.pull_diagnostics && self.diagnostic_refresh {
            true => Delivery::Pull,
            false => Delivery::Push,
        }
    }
}

/// UTF-8 positions when the client offers them, else UTF-16.
pub fn negotiate_encoding(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|e| e.contains(&PositionEncodingKind::UTF8)) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

fn encoding_kind(encoding: Encoding) -> PositionEncodingKind {
    match encoding {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        _ => PositionEncodingKind::UTF16,
    }
}

#[allow(deprecated)] // `root_uri` is how older clients name their one folder
pub fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
    let folders = params.workspace_folders.iter().flatten().map(|f| f.uri.clone());
    let uris: Vec<Uri> = folders.chain(params.root_uri.clone()).collect();
    let mut roots: Vec<PathBuf> = uris
        .iter()
        .filter_map(|u| u.to_file_path().map(|p| p.into_owned()))
        .collect();
    roots.dedup();
    roots.truncate(if params.workspace_folders.as_ref().is_some_and(|f| !f.is_empty()) {
        params.workspace_folders.as_ref().map_or(0, Vec::len)
    } else {
        roots.len()
    });
    roots
}

/// What the server offers; the diagnostic provider only to a client that pulls (`delivery`).
pub fn server_capabilities(encoding: Encoding, delivery: Delivery) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding_kind(encoding)),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                include_text: Some(false),
            })),
            ..TextDocumentSyncOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some([":", " ", "[", ",", ".", "@"].map(String::from).to_vec()),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_range_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::SOURCE_FIX_ALL,
                code_action::FIX_ALL,
            ]),
            ..CodeActionOptions::default()
        })),
        inlay_hint_provider: Some(OneOf::Left(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: semantic_tokens::legend(),
                range: Some(true),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                ..SemanticTokensOptions::default()
            },
        )),
        diagnostic_provider: (delivery != Delivery::Push).then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some(diagnostic::IDENTIFIER.to_owned()),
                // A policy's edit changes the diagnostics of the manifests under it.
                inter_file_dependencies: true,
                workspace_diagnostics: true,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })
        }),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        document_link_provider: Some(DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        }),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}
