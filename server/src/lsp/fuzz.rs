//! The language server driven by fuzz input: the body of the `lsp` fuzz target.
//!
//! The first byte's lowest bit picks how the rest is read:
//! - even, raw: a byte stream from an editor. It goes through the frame decoder that guards
//!   stdin ([`super::transport::filter_input`]); every body that passes must decode as the
//!   protocol layer decodes it (one that does not would end the real server), and each request
//!   and notification goes to the service, after an `initialize` of our own unless the stream
//!   starts with one.
//! - odd, structured: a sequence of choices that become well-formed messages (`initialize`,
//!   `didOpen`/`didChange` with arbitrary text and ranges, every request the server answers),
//!   which get much further into the server than mutated JSON does.
//!
//! The service is the real `LspService`, built as `lsp::run` builds it, called one message at
//! a time, so that a failing input replays. Every request must get its response, and not the
//! internal error that a caught panic becomes; after the input, every document is checked once
//! more through `codeAction`, so that the diagnostics of its last text are always computed.
//!
//! Each input gets a fresh single-threaded runtime: a server spawns a diagnostics worker that
//! lives as long as its runtime, so one shared runtime would keep every input's worker and
//! session alive. Building a runtime costs far less than a server's start (measured in
//! `fuzz/README.md`).

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tower::{Service, ServiceExt};
use tower_lsp_server::LspService;
use tower_lsp_server::jsonrpc::{ErrorCode, Request, Response};

use super::server::{Charter, debug_panic};
use crate::fuzz::Choices;

/// Longer than any message takes, short enough to report a hang as a finding.
const WAIT: Duration = Duration::from_secs(20);

/// Messages taken from one input: enough for the sequences worth finding (open, edit, ask),
/// few enough that each input stays cheap (every edit makes the next request resolve the
/// workspace again).
const MAX_MESSAGES: usize = 16;

/// Documents the structured input talks about: both kinds, with `file:` and other schemes,
/// and one that is neither kind (the server ignores it).
const DOCS: [&str; 4] = [
    "file:///charter-fuzz/input.policy.yaml",
    "file:///charter-fuzz/input.usecases.yaml",
    "untitled:draft.usecases.yml",
    "file:///charter-fuzz/notes.yaml",
];

/// Days the structured input judges as of; all valid, so that no run depends on the clock.
const DAYS: [&str; 6] = [
    "2026-01-01",
    "2024-06-06",
    "2025-09-14",
    "2025-09-15",
    "2000-01-01",
    "9999-12-31",
];

pub fn run(data: &[u8]) {
    set_up_once();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let mut server = Driver::new();
        let (&mode, rest) = data.split_first().unwrap_or((&0, &[]));
        if mode & 1 == 0 {
            raw(&mut server, rest).await;
        } else {
            structured(&mut server, Choices::new(rest)).await;
        }
        server.check_open_documents().await;
    });
}

/// The bundled policies are written below `$XDG_CACHE_HOME` at `initialize`: keep them out
/// of the user's cache.
fn set_up_once() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let dir = std::env::temp_dir().join("charter-fuzz-cache");
        // SAFETY: before the first server of the process starts, and nothing in this crate
        // reads the environment through libc.
        unsafe { std::env::set_var("XDG_CACHE_HOME", dir) };
    });
}

/// One server and what the input has done to it.
struct Driver {
    service: LspService<Charter>,
    next_id: i64,
    /// After `exit` the service takes nothing more.
    exited: bool,
    /// Documents opened at some point (by index into [`DOCS`] or by URI from raw input).
    opened: Vec<Value>,
}

impl Driver {
    /// The service as `lsp::run` builds it, and a client that answers the server's requests
    /// (`workspace/configuration` with nothing, the rest with `null`).
    fn new() -> Driver {
        let (service, socket) = LspService::build(Charter::new)
            .custom_method("charter/debugPanic", debug_panic)
            .finish();
        tokio::spawn(async move {
            let (mut requests, mut responses) = socket.split();
            while let Some(request) = requests.next().await {
                let Some(id) = request.id().cloned() else { continue };
                let result = match request.method() {
                    "workspace/configuration" => json!([null]),
                    _ => Value::Null,
                };
                if responses.send(Response::from_ok(id, result)).await.is_err() {
                    break;
                }
            }
        });
        Driver {
            service,
            next_id: 1,
            exited: false,
            opened: Vec::new(),
        }
    }

    async fn request(&mut self, method: &str, params: Value) {
        let id = self.next_id;
        self.next_id += 1;
        let request = Request::build(method.to_owned()).id(id).params(params).finish();
        self.call(request).await;
    }

    async fn notify(&mut self, method: &str, params: Value) {
        let request = Request::build(method.to_owned()).params(params).finish();
        self.call(request).await;
    }

    /// Sends one message; a request must come back answered, with its id, and not with the
    /// internal error of a panic.
    async fn call(&mut self, request: Request) {
        if self.exited {
            return;
        }
        let method = request.method().to_owned();
        let id = request.id().cloned();
        if method == "textDocument/didOpen"
            && let Some(uri) = request.params().and_then(|p| p.pointer("/textDocument/uri"))
            && !self.opened.contains(uri)
        {
            self.opened.push(uri.clone());
        }
        let Ok(Ok(service)) = tokio::time::timeout(WAIT, self.service.ready()).await else {
            self.exited = true; // `exit` came, or the service stopped taking messages
            return;
        };
        let response = tokio::time::timeout(WAIT, service.call(request))
            .await
            .unwrap_or_else(|_| panic!("{method}: no answer within {WAIT:?}"));
        let Ok(response) = response else {
            self.exited = true;
            return;
        };
        let Some(id) = id else { return };
        let Some(response) = response else {
            panic!("{method} (id {id}) got no response");
        };
        assert_eq!(response.id(), &id, "{method}: the response's id");
        if let Some(error) = response.error()
            && error.code == ErrorCode::InternalError
        {
            panic!("{method} failed inside the server: {}", error.message);
        }
    }

    /// Asks for the code actions of every document ever opened: the same diagnostics the
    /// worker publishes, computed where a panic becomes a finding.
    async fn check_open_documents(&mut self) {
        for uri in std::mem::take(&mut self.opened) {
            let params = json!({
                "textDocument": { "uri": uri },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": u32::MAX, "character": 0 } },
                "context": { "diagnostics": [] },
            });
            self.request("textDocument/codeAction", params).await;
        }
    }
}

/// Raw input: frames decoded as from stdin, then each request and notification in turn
/// (responses have no request of the server's to answer).
async fn raw(server: &mut Driver, bytes: &[u8]) {
    let mut passed = Vec::new();
    let (replies, _replies) = tokio::sync::mpsc::unbounded_channel();
    super::transport::filter_input(bytes, &mut passed, replies).await;
    let mut messages: Vec<Request> = frames(&passed).filter_map(request_in).take(MAX_MESSAGES).collect();
    if messages.first().is_none_or(|m| m.method() != "initialize") {
        initialize(server, json!({}), DAYS[0]).await;
    }
    for message in messages.drain(..) {
        server.call(off_disk(message)).await;
    }
}

/// The request or notification in a body the frame decoder let through, decoded as
/// tower-lsp-server's transport decodes it (a `Response` first, then a `Request`); `None` for
/// a response. A body that decodes as neither is a finding: that transport stops reading at
/// it, and the server ends.
fn request_in(body: &[u8]) -> Option<Request> {
    let text =
        std::str::from_utf8(body).unwrap_or_else(|e| panic!("the frame decoder passed a body that is not UTF-8: {e}"));
    if serde_json::from_str::<Response>(text).is_ok() {
        return None;
    }
    match serde_json::from_str::<Request>(text) {
        Ok(request) => Some(request),
        Err(e) => panic!("the frame decoder passed a body the protocol layer cannot decode ({e}): {text}"),
    }
}

/// The bodies of the frames the decoder let through (it writes them with a `Content-Length`
/// header only).
fn frames(mut framed: &[u8]) -> impl Iterator<Item = &[u8]> {
    std::iter::from_fn(move || {
        let end = framed.windows(4).position(|w| w == b"\r\n\r\n")?;
        let header = std::str::from_utf8(&framed[..end]).ok()?;
        let length: usize = header.strip_prefix("Content-Length: ")?.parse().ok()?;
        let body = framed.get(end + 4..end + 4 + length)?;
        framed = &framed[end + 4 + length..];
        Some(body)
    })
}

/// The message without what would make the server read the disk beyond single files: folders
/// to index (a root of `/` would walk the whole machine), and watched-file events (which read
/// any path, `/dev/zero` included).
fn off_disk(message: Request) -> Request {
    let (method, id, params) = message.into_parts();
    let (method, params) = match &*method {
        "workspace/didChangeWorkspaceFolders" | "workspace/didChangeWatchedFiles" => {
            (std::borrow::Cow::Borrowed("$/fuzz/dropped"), None)
        }
        _ => (method, params.map(without_folders)),
    };
    let mut builder = Request::build(method);
    if let Some(id) = id {
        builder = builder.id(id);
    }
    if let Some(params) = params {
        builder = builder.params(params);
    }
    builder.finish()
}

fn without_folders(mut value: Value) -> Value {
    match &mut value {
        Value::Object(map) => {
            for key in ["rootUri", "rootPath", "workspaceFolders", "policyPaths"] {
                map.remove(key);
            }
            for v in map.values_mut() {
                *v = without_folders(v.take());
            }
        }
        Value::Array(items) => {
            for v in items {
                *v = without_folders(v.take());
            }
        }
        _ => {}
    }
    value
}

async fn initialize(server: &mut Driver, capabilities: Value, today: &str) {
    let params = json!({
        "capabilities": capabilities,
        "initializationOptions": { "today": today },
    });
    server.request("initialize", params).await;
    server.notify("initialized", json!({})).await;
}

/// Structured input: an `initialize` shaped by the first choice, then up to
/// [`MAX_MESSAGES`] messages.
async fn structured(server: &mut Driver, mut c: Choices<'_>) {
    let flags = c.byte();
    let today = DAYS[usize::from(c.byte()) % DAYS.len()];
    let mut capabilities = json!({
        "workspace": {
            "configuration": flags & 2 != 0,
            "didChangeWatchedFiles": { "dynamicRegistration": flags & 4 != 0 },
        },
        "window": { "workDoneProgress": flags & 8 != 0 },
    });
    if flags & 1 != 0 {
        capabilities["general"] = json!({ "positionEncodings": ["utf-8", "utf-16"] });
    }
    initialize(server, capabilities, today).await;
    let mut versions = [0i32; DOCS.len()];
    for _ in 0..MAX_MESSAGES {
        if c.is_empty() {
            break;
        }
        let op = c.byte();
        let doc = usize::from(c.byte()) % DOCS.len();
        versions[doc] += 1;
        let (method, params) = message(op, DOCS[doc], versions[doc], &mut c);
        let is_request =
            (method.starts_with("textDocument/") && !method.starts_with("textDocument/did")) || method == "shutdown";
        if is_request {
            server.request(method, params).await;
        } else {
            server.notify(method, params).await;
        }
    }
}

/// The message that choice `op` makes about document `uri`.
fn message(op: u8, uri: &str, version: i32, c: &mut Choices<'_>) -> (&'static str, Value) {
    let doc = json!({ "uri": uri });
    let at = |c: &mut Choices<'_>| json!({ "textDocument": doc, "position": position(c) });
    match op % 20 {
        0 | 1 => (
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": version, "text": c.text() } }),
        ),
        2 => (
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": c.text() }] }),
        ),
        3 | 4 => {
            // A stale version is ignored by the server; the edits still have to be read.
            let version = if c.byte() & 1 == 0 { version } else { 0 };
            let changes: Vec<Value> = (0..=c.byte() % 3)
                .map(|_| json!({ "range": range(c), "text": c.text() }))
                .collect();
            (
                "textDocument/didChange",
                json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
            )
        }
        5 => ("textDocument/didClose", json!({ "textDocument": doc })),
        6 => ("textDocument/didSave", json!({ "textDocument": doc })),
        7 => ("textDocument/hover", at(c)),
        8 => {
            let mut params = at(c);
            let trigger = [":", " ", "[", ",", ".", "@"][usize::from(c.byte()) % 6];
            params["context"] = json!({ "triggerKind": 2, "triggerCharacter": trigger });
            ("textDocument/completion", params)
        }
        9 => ("textDocument/definition", at(c)),
        10 => {
            let mut params = at(c);
            params["context"] = json!({ "includeDeclaration": c.byte() & 1 == 0 });
            ("textDocument/references", params)
        }
        11 => ("textDocument/prepareRename", at(c)),
        12 => {
            let mut params = at(c);
            params["newName"] = json!(c.text());
            ("textDocument/rename", params)
        }
        13 => ("textDocument/documentSymbol", json!({ "textDocument": doc })),
        14 => (
            "textDocument/codeAction",
            json!({ "textDocument": doc, "range": range(c), "context": { "diagnostics": [] } }),
        ),
        15 => (
            "textDocument/inlayHint",
            json!({ "textDocument": doc, "range": range(c) }),
        ),
        16 => ("textDocument/codeLens", json!({ "textDocument": doc })),
        17 => {
            let today = DAYS[usize::from(c.byte()) % DAYS.len()];
            (
                "workspace/didChangeConfiguration",
                json!({ "settings": { "charter": { "today": today } } }),
            )
        }
        18 => ("shutdown", Value::Null),
        _ => ("exit", Value::Null),
    }
}

fn position(c: &mut Choices<'_>) -> Value {
    json!({ "line": c.number(), "character": c.number() })
}

fn range(c: &mut Choices<'_>) -> Value {
    json!({ "start": position(c), "end": position(c) })
}

/// The structured input that opens each `(document index, text)` and asks for most requests
/// at the values of its first few `key: value` lines: a seed of the corpus.
#[doc(hidden)]
pub fn seed(texts: &[(usize, &str)]) -> Vec<u8> {
    let mut out = vec![1, 0b1011, 0];
    for &(doc, text) in texts {
        let len = text.len().min(usize::from(u16::MAX));
        out.extend([0, doc as u8]);
        out.extend((len as u16).to_le_bytes());
        out.extend(&text.as_bytes()[..len]);
    }
    for &(doc, text) in texts {
        for (n, (line, column)) in values(text).take(4).enumerate() {
            let at = [number(line), number(column)].concat();
            // Hover, completion (trigger `:`), definition, references, prepareRename, in turn.
            let op = [7, 8, 9, 10, 11][n % 5];
            out.extend([op, doc as u8]);
            out.extend(&at);
            if op == 8 || op == 10 {
                out.push(0); // the trigger character, `includeDeclaration`
            }
        }
        out.extend([13, doc as u8, 16, doc as u8, 15, doc as u8, 0, 0, 40, 0]);
    }
    out
}

/// Where the value of each `key: value` line starts, as (line, column in bytes).
fn values(text: &str) -> impl Iterator<Item = (u32, u32)> + '_ {
    text.lines().enumerate().filter_map(|(i, line)| {
        let trimmed = line.trim_start();
        let colon = line.find(": ")?;
        let value = line[colon + 2..].trim_start();
        let interesting = !trimmed.starts_with('#') && !value.is_empty() && !value.starts_with('#');
        interesting.then(|| (i as u32, (line.len() - value.len()) as u32))
    })
}

/// A number as [`Choices::number`] reads it back.
fn number(n: u32) -> Vec<u8> {
    match u8::try_from(n) {
        Ok(small) if small < 240 => vec![small],
        _ => [&[255][..], &n.to_le_bytes()].concat(),
    }
}

/// The raw input of a short session: `initialize`, the text of `text` opened as a manifest,
/// a hover, `shutdown` and `exit`, framed as an editor frames them.
#[doc(hidden)]
pub fn raw_seed(text: &str) -> Vec<u8> {
    let uri = DOCS[1];
    let messages = [
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": { "capabilities": {}, "initializationOptions": { "today": DAYS[0] } } }),
        json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }),
        json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen",
                "params": { "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": text } } }),
        json!({ "jsonrpc": "2.0", "id": 2, "method": "textDocument/hover",
                "params": { "textDocument": { "uri": uri }, "position": { "line": 2, "character": 4 } } }),
        json!({ "jsonrpc": "2.0", "id": 3, "method": "shutdown" }),
        json!({ "jsonrpc": "2.0", "method": "exit" }),
    ];
    let mut out = vec![0];
    for message in messages {
        let body = message.to_string();
        out.extend(format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes());
    }
    out
}
