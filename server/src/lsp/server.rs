//! The `LanguageServer` implementation: a thin layer over [`State`]. Notifications change the
//! session synchronously, in arrival order, before any `.await`; requests run their handler on
//! a snapshot on a blocking thread, with panics turned into error responses; disk reads and
//! parsing run in the background (`indexing`). `state.rs` describes the model.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::capabilities::{ClientFlags, negotiate_encoding, server_capabilities, workspace_roots};
use super::config::Config;
use super::diagnostics::Publisher;
use super::handlers;
use super::indexing::{load, read_tree, read_uris};
use super::session::Delivery;
use super::session::Session;
use super::snapshot::Snapshot;
use super::state::State;
use crate::text::Encoding;

/// Set by `shutdown`: the process exit status depends on it.
static SHUT_DOWN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn shut_down_cleanly() -> bool {
    SHUT_DOWN.load(std::sync::atomic::Ordering::SeqCst)
}

pub struct Charter {
    client: Client,
    state: Arc<State>,
    wake: Arc<Notify>,
    /// Told when an indexing ends: pulls held back for it ask again.
    indexed: Arc<Notify>,
    capabilities: Mutex<ClientFlags>,
    /// Per document, the last reason shown for leaving it unformatted: format on save or on
    /// paste asks again and again, and the same warning each time would be noise.
    refusals_shown: Mutex<HashMap<Uri, String>>,
}

/// The paths of the bundled policies, in the workspace's order.
fn bundled_paths() -> Vec<String> {
    crate::workspace::bundled_files()
        .into_iter()
        .map(|(path, _)| path)
        .collect()
}

impl Charter {
    /// A server that publishes through `client`: how the in-process drivers (tests, the fuzz
    /// target) build it; `charter lsp` uses [`with_publisher`](Self::with_publisher).
    #[cfg(any(test, feature = "testing"))]
    pub fn new(client: Client) -> Self {
        Self::with_publisher(client.clone(), Publisher::Client(client))
    }

    /// A server whose diagnostics go to `publisher` (see [`Publisher`]).
    pub fn with_publisher(client: Client, publisher: Publisher) -> Self {
        let session = Session::new(
            Encoding::Utf16,
            String::from("en"),
            Config::default(),
            &bundled_paths(),
            None,
        );
        let state = Arc::new(State::new(session));
        let wake = Arc::new(Notify::new());
        super::diagnostics::spawn(publisher, client.clone(), state.clone(), wake.clone());
        Self {
            client,
            state,
            wake,
            indexed: Arc::new(Notify::new()),
            capabilities: Mutex::new(ClientFlags::default()),
            refusals_shown: Mutex::default(),
        }
    }

    fn flags(&self) -> ClientFlags {
        *self.capabilities.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs a request handler on the current snapshot, on a blocking thread; a panic becomes
    /// an error response and a line on stderr, and the server goes on.
    async fn read<P, R>(&self, name: &'static str, params: P, handler: fn(&Snapshot, P) -> R) -> Result<R>
    where
        P: Send + 'static,
        R: Send + 'static,
    {
        let state = self.state.clone();
        let task = tokio::task::spawn_blocking(move || {
            std::panic::catch_unwind(AssertUnwindSafe(|| handler(&state.snapshot(), params)))
        });
        match task.await {
            Ok(Ok(result)) => Ok(result),
            Ok(Err(panic)) => Err(internal_error(name, panic.as_ref())),
            Err(join) => Err(internal_error(name, &join.to_string())),
        }
    }

    fn changed(&self) {
        self.wake.notify_one();
    }

    async fn pull_configuration(&self) {
        if !self.flags().configuration {
            return;
        }
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some(String::from("charter")),
        };
        if let Ok(values) = self.client.configuration(vec![item]).await
            && let Some(value) = values.first()
            && !value.is_null()
        {
            self.apply_config(Config::from_json(value)).await;
        }
    }

    async fn apply_config(&self, config: Config) {
        let epoch = {
            let mut session = self.state.session();
            session.set_config(config).then(|| session.begin_indexing())
        };
        self.changed();
        if let Some(epoch) = epoch {
            self.index_workspace(epoch).await;
        }
    }

    async fn register_watchers(&self) {
        if !self.flags().watch_registration {
            return;
        }
        let watchers = ["**/*.policy.{yaml,yml}", "**/*.usecases.{yaml,yml}"]
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.to_owned()),
                kind: None,
            })
            .to_vec();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: String::from("charter-watch-files"),
            method: String::from("workspace/didChangeWatchedFiles"),
            register_options: serde_json::to_value(options).ok(),
        };
        if let Err(e) = self.client.register_capability(vec![registration]).await {
            eprintln!("charter: the client refused file watchers: {e}");
        }
    }

    /// Reads every policy and manifest under the workspace folders and the configured policy
    /// folders in the background, reporting progress when the client shows it. The caller has
    /// begun the indexing of `epoch` in the session; edits and requests go on meanwhile.
    async fn index_workspace(&self, epoch: u64) {
        let (roots, extra) = {
            let session = self.state.session();
            (session.roots.clone(), session.config.policy_paths.clone())
        };
        let progress = if self.flags().progress {
            let token = ProgressToken::String(format!("charter-index-{epoch}"));
            match self.client.create_work_done_progress(token.clone()).await {
                Ok(()) => Some(self.client.progress(token, "Charter: indexing policies").begin().await),
                Err(_) => None,
            }
        } else {
            None
        };
        let read = tokio::task::spawn_blocking(move || read_tree(&roots, &extra))
            .await
            .unwrap_or_default();
        let count = read.len();
        load(&self.state, read, Some(epoch)).await;
        self.state.session().end_indexing();
        self.indexed.notify_waiters();
        self.changed();
        if let Some(progress) = progress {
            progress.finish_with_message(format!("{count} files")).await;
        }
    }

    /// A formatting answer's edits, after showing why the file was left as it is: no edits
    /// alone would look like a file already formatted. A reason already shown for the document
    /// goes to the log instead.
    async fn formatted(&self, uri: Uri, formatted: handlers::formatting::Formatted) -> Option<Vec<TextEdit>> {
        let shown = {
            let mut shown = self.refusals_shown.lock().unwrap_or_else(|e| e.into_inner());
            match &formatted.refused {
                Some(message) => shown.insert(uri, message.clone()).as_ref() == Some(message),
                None => {
                    shown.remove(&uri);
                    false
                }
            }
        };
        if let Some(message) = formatted.refused {
            let kind = if shown { MessageType::LOG } else { MessageType::WARNING };
            match shown {
                true => self.client.log_message(kind, message).await,
                false => self.client.show_message(kind, message).await,
            }
        }
        formatted.edits
    }

    /// Reads `uris` from disk in the background and gives the workspace what it found.
    async fn reload(&self, uris: Vec<Uri>) {
        let read = tokio::task::spawn_blocking(move || read_uris(uris))
            .await
            .unwrap_or_default();
        load(&self.state, read, None).await;
        self.changed();
    }
}

fn internal_error(name: &str, panic: &(dyn std::any::Any + Send)) -> Error {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| String::from("unknown panic"));
    eprintln!("charter: {name} failed (a bug in Charter): {message}");
    Error {
        code: ErrorCode::InternalError,
        message: format!("{name} failed: {message}").into(),
        data: None,
    }
}

impl LanguageServer for Charter {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = negotiate_encoding(&params);
        let locale = params.locale.clone().unwrap_or_else(|| String::from("en"));
        let config = params
            .initialization_options
            .as_ref()
            .map(Config::from_json)
            .unwrap_or_default();
        *self.capabilities.lock().unwrap_or_else(|p| p.into_inner()) = ClientFlags::of(&params);
        // Writing the bundled policies to the cache folder is disk work: off the async threads.
        let bundled_dir = tokio::task::spawn_blocking(super::bundled::write_cache)
            .await
            .ok()
            .flatten();
        let mut session = Session::new(encoding, locale, config, &bundled_paths(), bundled_dir.as_deref());
        session.roots = workspace_roots(&params);
        session.delivery = self.flags().delivery();
        let delivery = session.delivery;
        self.state.reset(session);
        Ok(InitializeResult {
            capabilities: server_capabilities(encoding, delivery),
            server_info: Some(ServerInfo {
                name: String::from("charter"),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let epoch = self.state.session().first_indexing();
        self.register_watchers().await;
        self.pull_configuration().await;
        self.index_workspace(epoch).await;
    }

    async fn shutdown(&self) -> Result<()> {
        SHUT_DOWN.store(true, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    // Notifications: the session changes before the first `.await`, so in arrival order.

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.state.session().did_open(&doc.uri, doc.text, doc.version);
        self.changed();
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let doc = params.text_document;
        let changed = self
            .state
            .session()
            .did_change(&doc.uri, doc.version, params.content_changes);
        if changed {
            self.changed();
        }
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {
        self.changed();
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if self.state.session().did_close(&uri).is_some() {
            self.changed();
            // A closed file's problems are no longer shown (a pulling client drops them
            // itself); the workspace goes back to its version on disk, read in the background.
            if self.flags().delivery() == Delivery::Push {
                self.client.publish_diagnostics(uri.clone(), Vec::new(), None).await;
            }
            self.reload(vec![uri]).await;
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        // A deleted file reads as gone; so does one that is unreadable now.
        let uris = params.changes.into_iter().map(|event| event.uri).collect();
        self.reload(uris).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        // Only a `charter` section is ours: clients send other servers' settings, or `{}`
        // merely to say that something changed (Eglot does at start).
        match params.settings.get("charter") {
            Some(settings) => self.apply_config(Config::from_json(settings)).await,
            None => self.pull_configuration().await,
        }
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let removed: Vec<std::path::PathBuf> = params
            .event
            .removed
            .iter()
            .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
            .collect();
        let canonical = {
            let removed = removed.clone();
            tokio::task::spawn_blocking(move || {
                removed
                    .iter()
                    .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
                    .collect::<Vec<_>>()
            })
            .await
            .unwrap_or_default()
        };
        let epoch = {
            let mut session = self.state.session();
            for (folder, canonical) in removed.iter().zip(&canonical) {
                session.forget_folder(folder, canonical);
            }
            for added in &params.event.added {
                if let Some(path) = added.uri.to_file_path() {
                    session.roots.push(path.into_owned());
                }
            }
            session.begin_indexing()
        };
        self.changed();
        self.index_workspace(epoch).await;
    }

    // Requests.

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        self.read("hover", params, handlers::hover::run).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        self.read("completion", params, handlers::completion::run).await
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        self.read("definition", params, handlers::definition::run).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        self.read("references", params, handlers::references::run).await
    }

    async fn prepare_rename(&self, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>> {
        self.read("prepareRename", params, handlers::rename::prepare).await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        self.read("rename", params, handlers::rename::run).await?
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        self.read("documentSymbol", params, handlers::document_symbol::run)
            .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.read("codeAction", params, handlers::code_action::run).await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.read("inlayHint", params, handlers::inlay_hint::run).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.read("codeLens", params, handlers::code_lens::run).await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let uri = params.text_document.uri.clone();
        let formatted = self.read("formatting", params, handlers::formatting::document).await?;
        Ok(self.formatted(uri, formatted).await)
    }

    async fn range_formatting(&self, params: DocumentRangeFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let uri = params.text_document.uri.clone();
        let formatted = self
            .read("rangeFormatting", params, handlers::formatting::range)
            .await?;
        Ok(self.formatted(uri, formatted).await)
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let line_folding_only = self.flags().line_folding_only;
        self.read(
            "foldingRange",
            (params, line_folding_only),
            handlers::folding_range::run,
        )
        .await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        self.read("documentLink", params, handlers::document_link::run).await
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        self.read("workspace/symbol", params, handlers::workspace_symbol::run)
            .await
    }

    async fn document_highlight(&self, params: DocumentHighlightParams) -> Result<Option<Vec<DocumentHighlight>>> {
        self.read("documentHighlight", params, handlers::document_highlight::run)
            .await
    }

    async fn selection_range(&self, params: SelectionRangeParams) -> Result<Option<Vec<SelectionRange>>> {
        self.read("selectionRange", params, handlers::selection_range::run)
            .await
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        self.read("semanticTokens/full", params, handlers::semantic_tokens::full)
            .await
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        self.read("semanticTokens/range", params, handlers::semantic_tokens::range)
            .await
    }

    /// A file's diagnostics, once they no longer depend on files not indexed yet.
    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        loop {
            // Registered before the indexing is looked at: one ending in between wakes it.
            let indexed = self.indexed.notified();
            let indexing = self.state.session().indexing();
            let pulled = (params.clone(), indexing);
            match self.read("diagnostic", pulled, handlers::diagnostic::document).await? {
                Some(report) => return Ok(report),
                None => indexed.await,
            }
        }
    }

    /// Every workspace file's diagnostics, once the workspace is indexed.
    async fn workspace_diagnostic(&self, params: WorkspaceDiagnosticParams) -> Result<WorkspaceDiagnosticReportResult> {
        loop {
            let indexed = self.indexed.notified();
            if !self.state.session().indexing() {
                break;
            }
            indexed.await;
        }
        self.read("workspace/diagnostic", params, handlers::diagnostic::workspace)
            .await
    }
}

/// A request that panics on purpose, for testing that a panic never takes the server down;
/// answered only when `CHARTER_TEST_PANIC` is set, and only built with the `testing` feature
/// (never into the shipped binary).
#[cfg(feature = "testing")]
pub async fn debug_panic(server: &Charter, _: serde_json::Value) -> Result<serde_json::Value> {
    if std::env::var_os("CHARTER_TEST_PANIC").is_none() {
        return Err(Error::method_not_found());
    }
    server
        .read("charter/debugPanic", (), |_, ()| -> serde_json::Value {
            panic!("deliberate panic for testing")
        })
        .await
}
