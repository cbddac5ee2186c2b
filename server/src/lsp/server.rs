//! The `LanguageServer` implementation: notifications update the session synchronously, in
//! arrival order, before any `.await`; requests run their handler on a snapshot, off the
//! async threads, with panics turned into error responses.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::config::Config;
use super::diagnostics::Publisher;
use super::handlers;
use super::session::Session;
use super::snapshot::Snapshot;
use crate::text::Encoding;

/// Set by `shutdown`: the process exit status depends on it.
static SHUT_DOWN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn shut_down_cleanly() -> bool {
    SHUT_DOWN.load(std::sync::atomic::Ordering::SeqCst)
}

pub struct Charter {
    client: Client,
    session: Arc<Mutex<Session>>,
    wake: Arc<Notify>,
    capabilities: Mutex<ClientFlags>,
}

/// What the client said it supports, as far as the server needs to know.
#[derive(Debug, Default, Clone, Copy)]
struct ClientFlags {
    watch_registration: bool,
    configuration: bool,
    progress: bool,
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
        let session = Arc::new(Mutex::new(Session::new(
            Encoding::Utf16,
            String::from("en"),
            Config::default(),
            None,
        )));
        let wake = Arc::new(Notify::new());
        super::diagnostics::spawn(publisher, session.clone(), wake.clone());
        Self {
            client,
            session,
            wake,
            capabilities: Mutex::new(ClientFlags::default()),
        }
    }

    /// The session, even after a panic while it was held (its state stays usable).
    fn session(&self) -> MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
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
        let snapshot = self.snapshot(name)?;
        let task = tokio::task::spawn_blocking(move || {
            std::panic::catch_unwind(AssertUnwindSafe(|| handler(&snapshot, params)))
        });
        match task.await {
            Ok(Ok(result)) => Ok(result),
            Ok(Err(panic)) => Err(internal_error(name, panic.as_ref())),
            Err(join) => Err(internal_error(name, &join.to_string())),
        }
    }

    fn snapshot(&self, name: &'static str) -> Result<Arc<Snapshot>> {
        let mut session = self.session();
        std::panic::catch_unwind(AssertUnwindSafe(|| session.snapshot()))
            .map_err(|panic| internal_error(name, panic.as_ref()))
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
        let reindex = {
            let mut session = self.session();
            let reindex = session.set_config(config);
            if reindex {
                session.begin_indexing();
            }
            reindex
        };
        self.changed();
        if reindex {
            self.index_workspace().await;
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
    /// folders, reporting progress when the client shows it. The caller has begun it in the
    /// session (the first one is begun by the session itself).
    async fn index_workspace(&self) {
        let (roots, extra) = {
            let session = self.session();
            (session.roots.clone(), session.config.policy_paths.clone())
        };
        let progress = if self.flags().progress {
            let token = ProgressToken::String(String::from("charter-index"));
            match self.client.create_work_done_progress(token.clone()).await {
                Ok(()) => Some(self.client.progress(token, "Charter: indexing policies").begin().await),
                Err(_) => None,
            }
        } else {
            None
        };
        let files = tokio::task::spawn_blocking(move || read_tree(&roots, &extra))
            .await
            .unwrap_or_default();
        let count = files.len();
        self.session().index(files);
        self.changed();
        if let Some(progress) = progress {
            progress.finish_with_message(format!("{count} files")).await;
        }
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

/// Every policy and manifest under the roots (all kinds) and the extra folders (policies),
/// read from disk; unreadable files and folders are skipped with a log line.
fn read_tree(roots: &[PathBuf], extra: &[PathBuf]) -> Vec<(Uri, String)> {
    let found = crate::discover::discover(roots);
    let policies = crate::discover::discover(extra);
    for error in found.errors.iter().chain(&policies.errors) {
        eprintln!("charter: skipping: {error}");
    }
    for line in found.passed_over.iter().chain(&policies.passed_over) {
        eprintln!("charter: skipping {line}");
    }
    let files = found.files.into_iter().chain(
        policies
            .files
            .into_iter()
            .filter(|(_, kind)| *kind == crate::workspace::FileKind::Policy),
    );
    files
        .filter_map(|(path, _)| {
            let read = std::fs::canonicalize(&path)
                .and_then(|absolute| Ok((crate::discover::read_file(&absolute)?, absolute)));
            match read {
                Ok((bytes, absolute)) => Some((
                    Uri::from_file_path(&absolute)?,
                    crate::text::decode(&bytes).0.into_owned(),
                )),
                Err(e) => {
                    eprintln!("charter: skipping `{}`: {e}", path.display());
                    None
                }
            }
        })
        .collect()
}

fn negotiate_encoding(params: &InitializeParams) -> Encoding {
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
fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
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

fn server_capabilities(encoding: Encoding) -> ServerCapabilities {
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
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        inlay_hint_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
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

impl LanguageServer for Charter {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = negotiate_encoding(&params);
        let locale = params.locale.clone().unwrap_or_else(|| String::from("en"));
        let config = params
            .initialization_options
            .as_ref()
            .map(Config::from_json)
            .unwrap_or_default();
        let flags = ClientFlags {
            watch_registration: params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            configuration: params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.configuration)
                .unwrap_or(false),
            progress: params
                .capabilities
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
        };
        *self.capabilities.lock().unwrap_or_else(|p| p.into_inner()) = flags;
        let bundled_dir = super::bundled::write_cache();
        let mut session = Session::new(encoding, locale, config, bundled_dir.as_deref());
        session.roots = workspace_roots(&params);
        *self.session() = session;
        Ok(InitializeResult {
            capabilities: server_capabilities(encoding),
            server_info: Some(ServerInfo {
                name: String::from("charter"),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.register_watchers().await;
        self.pull_configuration().await;
        self.index_workspace().await;
    }

    async fn shutdown(&self) -> Result<()> {
        SHUT_DOWN.store(true, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    // Notifications: the session changes before the first `.await`, so in arrival order.

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.session().did_open(&doc.uri, doc.text, doc.version);
        self.changed();
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let doc = params.text_document;
        if self.session().did_change(&doc.uri, doc.version, params.content_changes) {
            self.changed();
        }
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {
        self.changed();
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if self.session().did_close(&uri).is_some() {
            // A closed file's problems are no longer shown; the disk version is still indexed.
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
            self.changed();
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let events: Vec<(Uri, Option<String>)> = params
            .changes
            .into_iter()
            .map(|event| {
                let path = event.uri.to_file_path().filter(|p| {
                    event.typ != FileChangeType::DELETED
                        && crate::workspace::FileKind::of_path(&p.to_string_lossy()).is_some()
                });
                // Unreadable now (or not a regular file): as good as deleted.
                let text = path.and_then(|p| match crate::discover::read_file(&p) {
                    Ok(bytes) => Some(crate::text::decode(&bytes).0.into_owned()),
                    Err(e) => {
                        eprintln!("charter: skipping `{}`: {e}", p.display());
                        None
                    }
                });
                (event.uri, text)
            })
            .collect();
        {
            let mut session = self.session();
            for (uri, text) in events {
                session.disk_changed(&uri, text);
            }
        }
        self.changed();
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
        {
            let mut session = self.session();
            for removed in &params.event.removed {
                if let Some(path) = removed.uri.to_file_path() {
                    session.forget_folder(&path);
                }
            }
            for added in &params.event.added {
                if let Some(path) = added.uri.to_file_path() {
                    session.roots.push(path.into_owned());
                }
            }
        }
        self.session().begin_indexing();
        self.changed();
        self.index_workspace().await;
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
