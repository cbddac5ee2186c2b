//! In-process tests of the language server through its real `tower::Service`: requests and
//! notifications go in as JSON-RPC values, and a task drains the `ClientSocket` (the
//! server's messages to the client), answering the server's own requests like an editor.

use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tower::{Service, ServiceExt};
use tower_lsp_server::LspService;
use tower_lsp_server::jsonrpc::{self, Request, Response};
use tower_lsp_server::ls_types::*;

use super::server::{Charter, debug_panic};

const WAIT: Duration = Duration::from_secs(10);

/// Bundled policies are written below `$XDG_CACHE_HOME`: point it at a folder of the temp
/// folder once, before any server starts, so that tests never write to the user's cache.
fn cache_home() -> std::path::PathBuf {
    static ONCE: Once = Once::new();
    let dir = std::env::temp_dir().join("charter-lsp-unit-tests-cache");
    ONCE.call_once(|| {
        // SAFETY: set once, before the first server of this test binary reads it; nothing in
        // this crate reads the environment through libc.
        unsafe { std::env::set_var("XDG_CACHE_HOME", &dir) };
    });
    dir
}

/// A fresh folder in the temp folder, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("charter-lsp-unit-{tag}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(std::fs::canonicalize(&dir).unwrap())
    }

    fn write(&self, name: &str, text: &str) -> Uri {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        Uri::from_file_path(&path).unwrap()
    }

    fn uri(&self, name: &str) -> Uri {
        Uri::from_file_path(self.0.join(name)).unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Client {
    service: LspService<Charter>,
    next_id: i64,
    /// Notifications from the server, in order.
    notifications: mpsc::UnboundedReceiver<Request>,
    /// Requests the server sent (already answered).
    server_requests: Arc<Mutex<Vec<Request>>>,
    drain: tokio::task::JoinHandle<()>,
}

impl Client {
    /// Builds the service like `lsp::run` does and starts draining its socket.
    fn new() -> Client {
        cache_home();
        let (service, socket) = LspService::build(Charter::new)
            .custom_method("charter/debugPanic", debug_panic)
            .finish();
        let (tx, notifications) = mpsc::unbounded_channel();
        let server_requests = Arc::new(Mutex::new(Vec::new()));
        let seen = server_requests.clone();
        let drain = tokio::spawn(async move {
            let (mut requests, mut responses) = socket.split();
            while let Some(request) = requests.next().await {
                let Some(id) = request.id().cloned() else {
                    if tx.send(request).is_err() {
                        break;
                    }
                    continue;
                };
                let result = match request.method() {
                    "workspace/configuration" => json!([null]),
                    _ => Value::Null,
                };
                seen.lock().unwrap().push(request);
                if responses.send(Response::from_ok(id, result)).await.is_err() {
                    break;
                }
            }
        });
        Client {
            service,
            next_id: 1,
            notifications,
            server_requests,
            drain,
        }
    }

    /// `new`, `initialize` (with `params` merged over a default) and `initialized`.
    async fn start(params: Value) -> (Client, InitializeResult) {
        let mut client = Client::new();
        let mut init = json!({
            "capabilities": {
                "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true }, "configuration": true },
                "window": { "workDoneProgress": true },
            },
        });
        if let (Some(init), Some(extra)) = (init.as_object_mut(), params.as_object()) {
            for (k, v) in extra {
                init.insert(k.clone(), v.clone());
            }
        }
        let result = client.request("initialize", init).await.expect("initialize");
        let result: InitializeResult = serde_json::from_value(result).expect("an InitializeResult");
        client.notify("initialized", json!({})).await;
        (client, result)
    }

    async fn call(&mut self, request: Request) -> Option<Response> {
        let service = tokio::time::timeout(WAIT, self.service.ready())
            .await
            .expect("service ready in time")
            .expect("service not exited");
        tokio::time::timeout(WAIT, service.call(request))
            .await
            .expect("answered in time")
            .expect("service not exited")
    }

    async fn request(&mut self, method: &'static str, params: Value) -> Result<Value, jsonrpc::Error> {
        let id = self.next_id;
        self.next_id += 1;
        let request = Request::build(method).id(id).params(params).finish();
        let response = self.call(request).await.expect("a request gets a response");
        let (got, body) = response.into_parts();
        assert_eq!(got, jsonrpc::Id::Number(id));
        body
    }

    async fn ok<T: serde::de::DeserializeOwned>(&mut self, method: &'static str, params: Value) -> T {
        let value = self
            .request(method, params.clone())
            .await
            .unwrap_or_else(|e| panic!("{method} {params} failed: {e}"));
        serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{method} answered {value}: {e}"))
    }

    async fn notify(&mut self, method: &'static str, params: Value) {
        let request = Request::build(method).params(params).finish();
        assert!(self.call(request).await.is_none(), "a notification gets no response");
    }

    async fn open(&mut self, uri: &Uri, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": text } }),
        )
        .await;
    }

    async fn change(&mut self, uri: &Uri, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        )
        .await;
    }

    /// The next notification with `method` (others before it are dropped).
    async fn notification(&mut self, method: &str) -> Value {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let next = tokio::time::timeout_at(deadline, self.notifications.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {method}"))
                .expect("socket open");
            if next.method() == method {
                return next.params().cloned().unwrap_or(Value::Null);
            }
        }
    }

    /// The first publication for `uri` that satisfies `pred` (earlier ones are dropped).
    async fn publish_where(
        &mut self,
        uri: &Uri,
        pred: impl Fn(&PublishDiagnosticsParams) -> bool,
    ) -> PublishDiagnosticsParams {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let next = tokio::time::timeout_at(deadline, self.notifications.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for diagnostics of {}", uri.as_str()))
                .expect("socket open");
            if next.method() != "textDocument/publishDiagnostics" {
                continue;
            }
            let params: PublishDiagnosticsParams = serde_json::from_value(next.params().cloned().unwrap()).unwrap();
            if &params.uri == uri && pred(&params) {
                return params;
            }
        }
    }

    async fn publish_version(&mut self, uri: &Uri, version: i32) -> PublishDiagnosticsParams {
        self.publish_where(uri, |p| p.version == Some(version)).await
    }

    /// Every publication for `uri` until that of a fresh document opened now, which comes
    /// after whatever earlier changes publish: the worker checks changed files a batch at a
    /// time, in the order they changed, and publishes a batch in file order, and a new document
    /// is the latest change and the newest file. Tests that something is *not* published read
    /// up to there: waiting a fixed while instead passes on a slow machine without having seen
    /// anything.
    async fn publishes_until_settled(&mut self, uri: &Uri) -> Vec<PublishDiagnosticsParams> {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("charter-settle-{}-{n}.usecases.yaml", std::process::id());
        let settle = Uri::from_file_path(std::env::temp_dir().join(name)).unwrap();
        self.open(&settle, "manifest: settle\nuse-cases: []\n").await;
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut out = Vec::new();
        loop {
            let next = tokio::time::timeout_at(deadline, self.notifications.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for diagnostics of {}", settle.as_str()))
                .expect("socket open");
            if next.method() != "textDocument/publishDiagnostics" {
                continue;
            }
            let params: PublishDiagnosticsParams = serde_json::from_value(next.params().cloned().unwrap()).unwrap();
            if params.uri == settle {
                return out;
            }
            if &params.uri == uri {
                out.push(params);
            }
        }
    }

    async fn wait_indexed(&mut self) {
        loop {
            let progress = self.notification("$/progress").await;
            if progress["value"]["kind"] == "end" {
                return;
            }
        }
    }

    async fn finish(mut self) {
        assert_eq!(self.request("shutdown", Value::Null).await, Ok(Value::Null));
        self.notify("exit", Value::Null).await;
        self.drain.abort();
    }
}

fn at(uri: &Uri, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

fn range(sl: u32, sc: u32, el: u32, ec: u32) -> Range {
    Range::new(Position::new(sl, sc), Position::new(el, ec))
}

fn brief(p: &PublishDiagnosticsParams) -> Vec<(String, Range)> {
    let mut all: Vec<(String, Range)> = p
        .diagnostics
        .iter()
        .map(|d| {
            let code = match &d.code {
                Some(NumberOrString::String(s)) => s.clone(),
                other => format!("{other:?}"),
            };
            (code, d.range)
        })
        .collect();
    all.sort_by_key(|(code, r)| (r.start, code.clone()));
    all
}

fn b(code: &str, r: Range) -> (String, Range) {
    (code.to_owned(), r)
}

const BOT: &str = "\
manifest: bot
policy: anthropic-usage@2025-09-15
use-cases:
  - id: legal-help
    categories: [high-risk.legal]
  - id: malware-lab
    categories: [cyber.malware]
  - id: typo-case
    categories: [high-risk.legl]
";

const ACME_POLICY: &str = "\
policy: acme
version: 2025-10-01
extends: anthropic-usage@2025-09-15
safeguards:
  audit-log:
    summary: Every conversation is logged.
rules:
  - id: defense-logged
    effect: require
    categories: [cyber.defense]
    safeguards: [audit-log]
";

const ACME_BOT: &str = "\
manifest: acme-bot
policy: acme@2025-10-01
use-cases:
  - id: blue-team
    categories: [cyber.defense]
  - id: logged-team
    categories: [cyber.defense]
    safeguards: [audit-log]
";

fn bundled_uri() -> Uri {
    Uri::from_file_path(cache_home().join("charter/0.1.0/bundled/anthropic-usage/2025-09-15.policy.yaml")).unwrap()
}

/// The range of `token` on the first line of the bundled 2025 policy that starts with `line`
/// (indentation included).
fn bundled_range(line: &str, token: &str) -> Range {
    let (n, start) = crate::testing::bundled_2025_position(line, token);
    range(n, start, n, start + token.len() as u32)
}

/// A started server with `BOT` open (its first diagnostics received).
async fn with_bot() -> (Client, TempDir, Uri) {
    let dir = TempDir::new("bot");
    let uri = dir.uri("bot.usecases.yaml");
    let (mut client, _) = Client::start(json!({})).await;
    client.open(&uri, BOT).await;
    client.publish_version(&uri, 1).await;
    (client, dir, uri)
}

/// A started server on a workspace with `ACME_POLICY` and `ACME_BOT`, both open.
async fn with_acme() -> (Client, TempDir, Uri, Uri) {
    let dir = TempDir::new("acme");
    let policy = dir.write("acme.policy.yaml", ACME_POLICY);
    let manifest = dir.write("bot.usecases.yaml", ACME_BOT);
    let root = Uri::from_file_path(&dir.0).unwrap();
    let (mut client, _) = Client::start(json!({ "workspaceFolders": [{ "uri": root, "name": "ws" }] })).await;
    client.wait_indexed().await;
    client.open(&policy, ACME_POLICY).await;
    client.open(&manifest, ACME_BOT).await;
    client.publish_version(&manifest, 1).await;
    (client, dir, policy, manifest)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initialize_answers_server_info_and_capabilities() {
    let (client, result) = Client::start(json!({
        "capabilities": { "general": { "positionEncodings": ["utf-8", "utf-16"] } },
    }))
    .await;
    let info = result.server_info.expect("serverInfo");
    assert_eq!(info.name, "charter");
    assert_eq!(info.version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
    let caps = result.capabilities;
    assert_eq!(caps.position_encoding, Some(PositionEncodingKind::UTF8));
    assert!(matches!(
        caps.text_document_sync,
        Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            ..
        }))
    ));
    assert!(caps.hover_provider.is_some() && caps.completion_provider.is_some());
    assert!(caps.definition_provider.is_some() && caps.references_provider.is_some());
    assert!(matches!(
        caps.rename_provider,
        Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            ..
        }))
    ));
    assert!(caps.document_symbol_provider.is_some() && caps.code_action_provider.is_some());
    assert!(caps.inlay_hint_provider.is_some() && caps.code_lens_provider.is_some());
    client.finish().await;

    let (client, result) = Client::start(json!({})).await;
    assert_eq!(result.capabilities.position_encoding, Some(PositionEncodingKind::UTF16));
    // The client allows dynamic registration: the server registers its watchers.
    let requests = client
        .server_requests
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.method().to_owned())
        .collect::<Vec<_>>();
    assert!(
        requests.iter().any(|m| m == "client/registerCapability"),
        "{requests:?}"
    );
    client.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn did_open_publishes_diagnostics() {
    let dir = TempDir::new("open");
    let uri = dir.uri("bot.usecases.yaml");
    let (mut client, _) = Client::start(json!({})).await;
    client.open(&uri, BOT).await;
    let publish = client.publish_version(&uri, 1).await;
    assert_eq!(
        brief(&publish),
        vec![
            b("missing-safeguard", range(3, 8, 3, 18)),
            b("prohibited-use", range(6, 17, 6, 30)),
            b("unknown-category", range(8, 17, 8, 31)),
        ]
    );
    let prohibited = publish.diagnostics.iter().find(|d| d.range.start.line == 6).unwrap();
    assert_eq!(prohibited.source.as_deref(), Some("charter"));
    assert_eq!(prohibited.severity, Some(DiagnosticSeverity::ERROR));
    let related = prohibited.related_information.as_ref().expect("related information");
    assert_eq!(related[0].location.uri, bundled_uri());
    assert_eq!(
        related[0].location.range,
        bundled_range("  - id: no-malicious-cyber", "no-malicious-cyber")
    );
    client.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_right_after_a_change_sees_the_new_text() {
    let (mut client, _dir, uri) = with_bot().await;
    client
        .change(
            &uri,
            2,
            json!([{ "range": range(6, 17, 6, 30), "text": "cyber.defense" }]),
        )
        .await;
    // No waiting for diagnostics: the code actions come from the newest text.
    let actions: Option<CodeActionResponse> = client
        .ok(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": range(6, 0, 6, 40), "context": { "diagnostics": [] } }),
        )
        .await;
    assert_eq!(actions, Some(vec![]), "the prohibited-use of version 1 is gone");
    let hover: Option<Hover> = client.ok("textDocument/hover", at(&uri, 6, 22)).await;
    let hover = hover.expect("hover on `cyber.defense`");
    let HoverContents::Markup(markup) = hover.contents else {
        panic!("markdown expected")
    };
    assert!(markup.value.contains("cyber.defense"), "{}", markup.value);
    client.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_is_answered() {
    let (mut client, _dir, uri) = with_bot().await;
    let hover: Option<Hover> = client.ok("textDocument/hover", at(&uri, 4, 24)).await;
    let hover = hover.expect("hover on `high-risk.legal`");
    assert_eq!(hover.range, Some(range(4, 17, 4, 32)));
    let HoverContents::Markup(markup) = hover.contents else {
        panic!("markdown expected")
    };
    assert_eq!(markup.kind, MarkupKind::Markdown);
    assert!(
        markup.value.contains("High-Risk Use Case Requirements"),
        "{}",
        markup.value
    );
    client.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_is_answered() {
    let dir = TempDir::new("completion");
    let uri = dir.uri("partial.usecases.yaml");
    let (mut client, _) = Client::start(json!({})).await;
    client
        .open(
            &uri,
            "manifest: bot\nuse-cases:\n  - id: a\n    categories: [high-risk.l",
        )
        .await;
    let completion: Option<CompletionResponse> = client.ok("textDocument/completion", at(&uri, 3, 28)).await;
    let items = match completion {
        Some(CompletionResponse::Array(items)) => items,
        Some(CompletionResponse::List(list)) => list.items,
        None => Vec::new(),
    };
    let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
    assert!(labels.contains(&"high-risk.legal"), "{labels:?}");
    client.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_is_answered() {
    let (mut client, _dir, uri) = with_bot().await;
    let definition: Option<GotoDefinitionResponse> = client.ok("textDocument/definition", at(&uri, 4, 24)).await;
    let locations = match definition.expect("a definition") {
        GotoDefinitionResponse::Scalar(l) => vec![l],
        GotoDefinitionResponse::Array(all) => all,
        GotoDefinitionResponse::Link(links) => links
            .into_iter()
            .map(|l| Location::new(l.target_uri, l.target_selection_range))
            .collect(),
    };
    assert_eq!(
        locations,
        vec![Location::new(
            bundled_uri(),
            bundled_range("  high-risk.legal:", "high-risk.legal")
        )]
    );
    client.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn references_are_answered() {
    let (mut client, _dir, policy, manifest) = with_acme().await;
    let mut params = at(&manifest, 7, 20);
    params["context"] = json!({ "includeDeclaration": true });
    let references: Option<Vec<Location>> = client.ok("textDocument/references", params).await;
    let mut references = references.expect("references");
    references.sort_by_key(|l| (l.uri.as_str().to_owned(), l.range.start));
    assert_eq!(
        references,
        vec![
            Location::new(policy.clone(), range(4, 2, 4, 11)),
            Location::new(policy.clone(), range(10, 17, 10, 26)),
            Location::new(manifest.clone(), range(7, 17, 7, 26)),
        ]
    );
    client.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_is_answered() {
    let (mut client, _dir, policy, manifest) = with_acme().await;
    let prepared: Option<PrepareRenameResponse> = client.ok("textDocument/prepareRename", at(&manifest, 7, 20)).await;
    assert_eq!(prepared, Some(PrepareRenameResponse::Range(range(7, 17, 7, 26))));
    let mut params = at(&manifest, 7, 20);
    params["newName"] = json!("audit-trail");
    let edit: Option<WorkspaceEdit> = client.ok("textDocument/rename", params.clone()).await;
    let changes = edit.and_then(|e| e.changes).expect("changes");
    let mut policy_edits = changes[&policy].clone();
    policy_edits.sort_by_key(|e| e.range.start);
    assert_eq!(
        policy_edits,
        vec![
            TextEdit::new(range(4, 2, 4, 11), String::from("audit-trail")),
            TextEdit::new(range(10, 17, 10, 26), String::from("audit-trail")),
        ]
    );
    assert_eq!(
        changes[&manifest],
        vec![TextEdit::new(range(7, 17, 7, 26), String::from("audit-trail"))]
    );
    params["newName"] = json!("Not An Id");
    let refused = client.request("textDocument/rename", params).await;
    assert!(refused.is_err(), "{refused:?}");
    client.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_symbols_are_answered() {
    let (mut client, _dir, uri) = with_bot().await;
    let symbols: Option<DocumentSymbolResponse> = client
        .ok("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri } }))
        .await;
    let Some(DocumentSymbolResponse::Nested(symbols)) = symbols else {
        panic!("nested symbols expected: {symbols:?}")
    };
    fn names(all: &[DocumentSymbol], out: &mut Vec<(String, SymbolKind)>) {
        for s in all {
            out.push((s.name.clone(), s.kind));
            names(s.children.as_deref().unwrap_or_default(), out);
        }
    }
    let mut all = Vec::new();
    names(&symbols, &mut all);
    for id in ["legal-help", "malware-lab", "typo-case"] {
        assert!(all.contains(&(id.to_owned(), SymbolKind::OBJECT)), "{all:?}");
    }
    client.finish().await;
}

/// Indexing keeps no YAML tree of a file that is not open: opening it with the text already
/// read from disk must bring back everything that reads one (the outline, completion, an edit
/// re-parsing part of the file).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_read_by_the_index_then_opened_has_its_outline_completion_and_edits() {
    let dir = TempDir::new("reopened");
    dir.write("acme.policy.yaml", ACME_POLICY);
    let manifest = dir.write("bot.usecases.yaml", ACME_BOT);
    let root = Uri::from_file_path(&dir.0).unwrap();
    let (mut client, _) = Client::start(json!({ "workspaceFolders": [{ "uri": root, "name": "ws" }] })).await;
    client.wait_indexed().await;
    client.open(&manifest, ACME_BOT).await;
    let before = client.publish_version(&manifest, 1).await.diagnostics.len();
    let symbols: Option<DocumentSymbolResponse> = client
        .ok(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": manifest } }),
        )
        .await;
    let Some(DocumentSymbolResponse::Nested(symbols)) = symbols else {
        panic!("nested symbols expected: {symbols:?}")
    };
    let names: Vec<&str> = symbols.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["acme-bot", "blue-team", "logged-team"]);
    // The manifest's symbol spans its whole `manifest: acme-bot` entry, which only the tree knows.
    assert_eq!(symbols[0].range, range(0, 0, 0, 18));

    // `logged-team`'s `safeguards: [audit-log]` (line 7) loses its value, then gets it back.
    let edit = |text: &str, from: u32, to: u32| json!([{ "range": range(7, from, 7, to), "text": text }]);
    client.change(&manifest, 2, edit("", 17, 26)).await;
    let missing = client.publish_version(&manifest, 2).await;
    assert_eq!(missing.diagnostics.len(), before + 1, "{missing:?}");
    let completion: Option<CompletionResponse> = client.ok("textDocument/completion", at(&manifest, 7, 17)).await;
    let items = match completion {
        Some(CompletionResponse::Array(items)) => items,
        Some(CompletionResponse::List(list)) => list.items,
        None => Vec::new(),
    };
    assert!(items.iter().any(|i| i.label == "audit-log"), "{items:?}");
    client.change(&manifest, 3, edit("audit-log", 17, 17)).await;
    assert_eq!(client.publish_version(&manifest, 3).await.diagnostics.len(), before);
    client.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_actions_are_answered() {
    let (mut client, _dir, uri) = with_bot().await;
    let actions: Option<CodeActionResponse> = client
        .ok(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": range(3, 8, 3, 18), "context": { "diagnostics": [] } }),
        )
        .await;
    let actions = actions.expect("actions");
    let [CodeActionOrCommand::CodeAction(action)] = actions.as_slice() else {
        panic!("one quick fix expected: {actions:?}")
    };
    assert_eq!(action.title, "Add `human-in-the-loop`, `ai-disclosure` to `safeguards`");
    assert_eq!(action.kind, Some(CodeActionKind::QUICKFIX));
    let attached = action.diagnostics.as_ref().expect("attached diagnostic");
    assert_eq!(attached.len(), 1);
    assert_eq!(
        attached[0].code,
        Some(NumberOrString::String(String::from("missing-safeguard")))
    );
    assert_eq!(attached[0].range, range(3, 8, 3, 18));
    client.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inlay_hints_are_answered() {
    let (mut client, _dir, uri) = with_bot().await;
    let hints: Option<Vec<InlayHint>> = client
        .ok(
            "textDocument/inlayHint",
            json!({ "textDocument": { "uri": uri }, "range": range(0, 0, 9, 0) }),
        )
        .await;
    let hints = hints.expect("hints");
    let legal = hints
        .iter()
        .find(|h| h.position == Position::new(3, 18))
        .unwrap_or_else(|| panic!("a hint after `legal-help`: {hints:?}"));
    let InlayHintLabel::String(label) = &legal.label else {
        panic!("{legal:?}")
    };
    assert!(label.contains("human-in-the-loop"), "{label}");
    client.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_lenses_are_answered() {
    let (mut client, _dir, uri) = with_bot().await;
    let lenses: Option<Vec<CodeLens>> = client
        .ok("textDocument/codeLens", json!({ "textDocument": { "uri": uri } }))
        .await;
    let lenses = lenses.expect("lenses");
    let first = lenses
        .iter()
        .find(|l| l.range.start.line == 0)
        .unwrap_or_else(|| panic!("a lens on the first line: {lenses:?}"));
    let title = &first.command.as_ref().expect("a command").title;
    assert!(title.contains("anthropic-usage@2025-09-15"), "{title}");
    client.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_request_is_an_error_and_the_service_goes_on() {
    // SAFETY: see `cache_home`; `debug_panic` only checks that the variable is set.
    unsafe { std::env::set_var("CHARTER_TEST_PANIC", "1") };
    let (mut client, _dir, uri) = with_bot().await;
    let error = client
        .request("charter/debugPanic", json!({}))
        .await
        .expect_err("a panic is an error");
    assert_eq!(error.code, jsonrpc::ErrorCode::InternalError);
    assert!(error.message.contains("deliberate panic"), "{}", error.message);
    let hover = client.request("textDocument/hover", at(&uri, 4, 24)).await;
    assert!(hover.is_ok(), "{hover:?}");
    client
        .change(&uri, 2, json!([{ "range": range(8, 30, 8, 30), "text": "a" }]))
        .await;
    let publish = client.publish_version(&uri, 2).await;
    assert!(brief(&publish).iter().all(|(code, _)| code != "unknown-category"));
    client.finish().await;
}

/// A burst of 50 edits costs far fewer than 50 checks, and the last publication is for the
/// last version, with that version's diagnostics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_changes_is_coalesced_and_the_last_publication_is_current() {
    let (mut client, _dir, uri) = with_bot().await;
    // Versions 2..=50 alternately insert and delete an `x` in `high-risk.leg|l` (each state
    // has an unknown-category with another name); version 51 turns the `x` into `a`.
    for version in 2..=50 {
        let change = if version % 2 == 0 {
            json!([{ "range": range(8, 30, 8, 30), "text": "x" }])
        } else {
            json!([{ "range": range(8, 30, 8, 31), "text": "" }])
        };
        client.change(&uri, version, change).await;
    }
    client
        .change(&uri, 51, json!([{ "range": range(8, 30, 8, 31), "text": "a" }]))
        .await;

    let last = client.publish_version(&uri, 51).await;
    // Nothing older may arrive after it.
    let after = client.publishes_until_settled(&uri).await;
    assert!(
        after.iter().all(|p| p.version == Some(51)),
        "a publication after version 51: {:?}",
        after.iter().map(|p| p.version).collect::<Vec<_>>()
    );
    assert_eq!(
        brief(&last),
        vec![
            b("missing-safeguard", range(3, 8, 3, 18)),
            b("prohibited-use", range(6, 17, 6, 30)),
            b("missing-safeguard", range(7, 8, 7, 17)),
        ]
    );
    client.finish().await;
}

/// The same burst, counting every publication on the way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_changes_publishes_far_fewer_than_fifty_times() {
    let (mut client, _dir, uri) = with_bot().await;
    for version in 2..=51 {
        let change = if version % 2 == 0 {
            json!([{ "range": range(8, 30, 8, 30), "text": "x" }])
        } else {
            json!([{ "range": range(8, 30, 8, 31), "text": "" }])
        };
        client.change(&uri, version, change).await;
    }
    let mut count = 0;
    let mut versions = Vec::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let next = tokio::time::timeout_at(deadline, client.notifications.recv())
            .await
            .expect("the publication of version 51 in time")
            .expect("socket open");
        if next.method() != "textDocument/publishDiagnostics" {
            continue;
        }
        let params: PublishDiagnosticsParams = serde_json::from_value(next.params().cloned().unwrap()).unwrap();
        if params.uri != uri {
            continue;
        }
        count += 1;
        versions.push(params.version);
        if params.version == Some(51) {
            // Version 51 (odd) deleted the `x`: back to `high-risk.legl`.
            assert_eq!(
                brief(&params),
                vec![
                    b("missing-safeguard", range(3, 8, 3, 18)),
                    b("prohibited-use", range(6, 17, 6, 30)),
                    b("unknown-category", range(8, 17, 8, 31)),
                ]
            );
            break;
        }
    }
    let later = client.publishes_until_settled(&uri).await;
    versions.extend(later.iter().map(|p| p.version));
    count += later.len();
    eprintln!("{count} publications for 50 edits: {versions:?}");
    assert!(count <= 10, "{count} publications for 50 edits: {versions:?}");
    assert_eq!(versions.last(), Some(&Some(51)), "{versions:?}");
    let mut sorted = versions.clone();
    sorted.sort();
    assert_eq!(versions, sorted, "publications go forward in versions: {versions:?}");
    client.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn semantic_tokens_are_answered_whole_and_by_range() {
    let (mut client, _dir, uri) = with_bot().await;
    let full: SemanticTokensResult = client
        .ok(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": uri } }),
        )
        .await;
    let SemanticTokensResult::Tokens(full) = full else {
        panic!("tokens expected: {full:?}")
    };
    // `anthropic-usage@2025-09-15` on line 1: a policy (type 0) from the bundled library
    // (modifier bit 2); then `legal-help` on line 3, a use case declared (type 6, bit 0).
    let first = |t: &SemanticToken| {
        (
            t.delta_line,
            t.delta_start,
            t.length,
            t.token_type,
            t.token_modifiers_bitset,
        )
    };
    assert_eq!(first(&full.data[0]), (1, 8, 26, 0, 4));
    assert_eq!(first(&full.data[1]), (2, 8, 10, 6, 1));
    let part: SemanticTokensRangeResult = client
        .ok(
            "textDocument/semanticTokens/range",
            json!({ "textDocument": { "uri": uri }, "range": range(3, 0, 3, 20) }),
        )
        .await;
    let SemanticTokensRangeResult::Tokens(part) = part else {
        panic!("tokens expected: {part:?}")
    };
    assert_eq!(part.data.iter().map(first).collect::<Vec<_>>(), vec![(3, 8, 10, 6, 1)]);
    client.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fix_all_is_answered_to_a_request_for_source_actions() {
    let (mut client, _dir, uri) = with_bot().await;
    let actions: Option<CodeActionResponse> = client
        .ok(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": range(0, 0, 0, 0), "context": { "diagnostics": [], "only": ["source"] } }),
        )
        .await;
    let actions = actions.expect("actions");
    let [CodeActionOrCommand::CodeAction(action)] = actions.as_slice() else {
        panic!("one fix-all expected: {actions:?}")
    };
    assert_eq!(action.kind, Some(CodeActionKind::new("source.fixAll.charter")));
    let edits = &action.edit.as_ref().and_then(|e| e.changes.as_ref()).expect("changes")[&uri];
    assert_eq!(
        edits,
        &vec![TextEdit {
            range: range(8, 17, 8, 31),
            new_text: String::from("high-risk.legal"),
        }]
    );
    client.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pulled_diagnostics_are_answered_and_unchanged_when_asked_again() {
    let dir = TempDir::new("pull");
    let uri = dir.uri("bot.usecases.yaml");
    let capabilities = json!({
        "textDocument": { "diagnostic": {} },
        "workspace": { "diagnostics": { "refreshSupport": true } },
    });
    let (mut client, result) = Client::start(json!({ "capabilities": capabilities })).await;
    assert!(result.capabilities.diagnostic_provider.is_some());
    client.open(&uri, BOT).await;
    let pull = |previous: Option<String>| json!({ "textDocument": { "uri": uri }, "previousResultId": previous });
    let first: DocumentDiagnosticReportResult = client.ok("textDocument/diagnostic", pull(None)).await;
    let DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(full)) = first else {
        panic!("a full report expected: {first:?}")
    };
    let report = full.full_document_diagnostic_report;
    assert_eq!(report.items.len(), 3, "{:?}", report.items);
    let again: DocumentDiagnosticReportResult = client
        .ok("textDocument/diagnostic", pull(report.result_id.clone()))
        .await;
    let DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Unchanged(unchanged)) = again else {
        panic!("unchanged expected: {again:?}")
    };
    assert_eq!(
        Some(unchanged.unchanged_document_diagnostic_report.result_id),
        report.result_id
    );
    client.finish().await;
}
