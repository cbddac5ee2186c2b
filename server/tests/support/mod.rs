//! What the integration tests share. `temp` holds the temporary folders they write into, `run`
//! the repository's path and runs of the built `charter` binary; this file is a small LSP
//! client: it spawns the built `charter lsp` and talks to it over stdio exactly like an editor
//! (JSON-RPC with `Content-Length` framing).
//!
//! One reader thread parses every byte the server writes to stdout; anything that is not a
//! well-framed JSON-RPC message is recorded as a framing error, and [`Server::finish`] (or
//! [`Server::assert_clean_stdout`]) fails the test on it. Responses are routed by id, the
//! server's own requests (`client/registerCapability`, `workspace/configuration`,
//! `window/workDoneProgress/create`) are recorded and answered, and notifications are queued.
//! Every wait has a timeout, so a hang fails the test instead of blocking it.

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod run;
mod temp;
mod yaml;

// Each test binary compiles this folder and uses only part of it.
#[allow(unused_imports)]
pub use run::*;
#[allow(unused_imports)]
pub use temp::*;
#[allow(unused_imports)]
pub use yaml::*;

/// How long any single wait may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------------
// Client options

/// What the test client tells the server about itself in `initialize`.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `general.positionEncodings`; `None` leaves the field out.
    pub encodings: Option<Vec<&'static str>>,
    pub locale: Option<&'static str>,
    pub watch_registration: bool,
    pub progress: bool,
    pub configuration: Option<Value>,
    /// Workspace folders (as `workspaceFolders`, and the first as `rootUri`).
    pub folders: Vec<String>,
    pub init_options: Option<Value>,
    pub env: Vec<(&'static str, &'static str)>,
    /// Send only `rootUri` (the first folder), as older clients do, no `workspaceFolders`.
    pub root_uri_only: bool,
    /// `foldingRange.lineFoldingOnly`: the client folds whole lines only.
    pub line_folding_only: bool,
    /// More client capabilities, merged into the usual ones (e.g. pulled diagnostics).
    pub capabilities: Option<Value>,
}

impl Options {
    pub fn initialize_params(&self) -> Value {
        let mut general = json!({});
        if let Some(encodings) = &self.encodings {
            general["positionEncodings"] = json!(encodings);
        }
        let folders: Vec<Value> = self
            .folders
            .iter()
            .enumerate()
            .map(|(i, uri)| json!({ "uri": uri, "name": format!("folder{i}") }))
            .collect();
        let mut params = json!({
            "processId": std::process::id(),
            "clientInfo": { "name": "charter-test-client", "version": "0" },
            "rootUri": self.folders.first().cloned(),
            "workspaceFolders": if folders.is_empty() { Value::Null } else { json!(folders) },
            "capabilities": {
                "general": general,
                "workspace": {
                    "didChangeWatchedFiles": { "dynamicRegistration": self.watch_registration },
                    "configuration": self.configuration.is_some(),
                    "workspaceFolders": true,
                    "applyEdit": true,
                },
                "window": { "workDoneProgress": self.progress },
                "textDocument": {
                    "synchronization": { "didSave": true },
                    "hover": { "contentFormat": ["markdown", "plaintext"] },
                    "completion": { "completionItem": { "snippetSupport": false } },
                    "publishDiagnostics": { "relatedInformation": true, "versionSupport": true },
                    "rename": { "prepareSupport": true },
                    "codeAction": { "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix"] } } },
                    "documentSymbol": { "hierarchicalDocumentSymbolSupport": true },
                    "foldingRange": { "lineFoldingOnly": self.line_folding_only },
                },
            },
        });
        if self.root_uri_only {
            params["workspaceFolders"] = Value::Null;
        }
        if let Some(more) = &self.capabilities {
            merge(&mut params["capabilities"], more);
        }
        if let Some(locale) = self.locale {
            params["locale"] = json!(locale);
        }
        if let Some(init) = &self.init_options {
            params["initializationOptions"] = init.clone();
        }
        params
    }
}

/// Merges `more` into `into`, object by object; anything else in `more` replaces.
fn merge(into: &mut Value, more: &Value) {
    match (into, more) {
        (Value::Object(into), Value::Object(more)) => {
            for (key, value) in more {
                merge(into.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
        (into, more) => *into = more.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// The server process

#[derive(Default)]
struct State {
    responses: HashMap<i64, Value>,
    notifications: VecDeque<Value>,
    /// Requests the server sent us, in order (already answered).
    server_requests: Vec<Value>,
    /// Responses whose id is null (answers to messages the server could not read).
    null_id: Vec<Value>,
    framing_errors: Vec<String>,
    /// How many well-formed messages were read.
    messages: usize,
    closed: bool,
}

struct Shared {
    state: Mutex<State>,
    cond: Condvar,
}

pub struct Server {
    child: Child,
    stdin: Arc<Mutex<Option<ChildStdin>>>,
    shared: Arc<Shared>,
    stderr: Arc<Mutex<String>>,
    next_id: AtomicI64,
    reader: Option<JoinHandle<()>>,
    /// `XDG_CACHE_HOME` of the server: the bundled policies are written below it.
    pub cache: TempDir,
    pub initialize_result: Value,
    exited: bool,
}

fn write_message(stdin: &Mutex<Option<ChildStdin>>, body: &[u8]) -> std::io::Result<()> {
    let mut guard = stdin.lock().unwrap_or_else(|p| p.into_inner());
    let Some(stdin) = guard.as_mut() else {
        return Err(std::io::Error::other("stdin closed"));
    };
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(body);
    stdin.write_all(&frame)?;
    stdin.flush()
}

/// Reads one framed message: `Ok(None)` at a clean end of the stream.
fn read_frame(reader: &mut impl BufRead) -> Result<Option<Vec<u8>>, String> {
    let mut length: Option<usize> = None;
    let mut first = true;
    loop {
        let mut line = Vec::new();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("read error: {e}"))?;
        if n == 0 {
            return if first {
                Ok(None)
            } else {
                Err(String::from("end of stream inside a header"))
            };
        }
        first = false;
        let Some(line) = line.strip_suffix(b"\r\n") else {
            return Err(format!(
                "header line not ended by CRLF: {:?}",
                String::from_utf8_lossy(&line)
            ));
        };
        if line.is_empty() {
            break;
        }
        let line = std::str::from_utf8(line).map_err(|_| String::from("header is not UTF-8"))?;
        let Some((name, value)) = line.split_once(": ") else {
            return Err(format!("not a header line: {line:?}"));
        };
        if name.eq_ignore_ascii_case("Content-Length") {
            length = Some(
                value
                    .trim()
                    .parse()
                    .map_err(|_| format!("bad Content-Length: {value:?}"))?,
            );
        } else if !name.eq_ignore_ascii_case("Content-Type") {
            return Err(format!("unexpected header {line:?}"));
        }
    }
    let length = length.ok_or_else(|| String::from("message without Content-Length"))?;
    let mut body = vec![0; length];
    reader
        .read_exact(&mut body)
        .map_err(|e| format!("body shorter than its Content-Length ({length}): {e}"))?;
    Ok(Some(body))
}

fn reader_loop(stdout: impl Read, shared: Arc<Shared>, stdin: Arc<Mutex<Option<ChildStdin>>>, configuration: Value) {
    let mut reader = BufReader::new(stdout);
    loop {
        let body = match read_frame(&mut reader) {
            Ok(Some(body)) => body,
            Ok(None) => break,
            Err(e) => {
                // Record, then keep the rest of the stream for the message.
                let mut rest = Vec::new();
                let _ = reader.read_to_end(&mut rest);
                let mut state = shared.state.lock().unwrap();
                state.framing_errors.push(format!(
                    "{e}; rest of stdout: {:?}",
                    String::from_utf8_lossy(&rest[..rest.len().min(300)])
                ));
                break;
            }
        };
        let message: Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                let mut state = shared.state.lock().unwrap();
                state
                    .framing_errors
                    .push(format!("body is not JSON ({e}): {:?}", String::from_utf8_lossy(&body)));
                shared.cond.notify_all();
                continue;
            }
        };
        if message.get("jsonrpc") != Some(&json!("2.0")) {
            let mut state = shared.state.lock().unwrap();
            state.framing_errors.push(format!("not JSON-RPC 2.0: {message}"));
            shared.cond.notify_all();
            continue;
        }
        let method = message.get("method").and_then(Value::as_str).map(str::to_owned);
        let id = message.get("id").cloned();
        match (method, id) {
            (Some(method), Some(id)) => {
                // A request from the server: answer it like an editor would.
                let result = match method.as_str() {
                    "workspace/configuration" => {
                        let n = message["params"]["items"].as_array().map_or(1, Vec::len);
                        Ok(json!(vec![configuration.clone(); n]))
                    }
                    "client/registerCapability"
                    | "client/unregisterCapability"
                    | "window/workDoneProgress/create"
                    | "workspace/applyEdit"
                    | "workspace/diagnostic/refresh"
                    | "window/showMessageRequest" => Ok(Value::Null),
                    _ => Err(json!({ "code": -32601, "message": "unknown method" })),
                };
                let answer = match result {
                    Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
                    Err(error) => json!({ "jsonrpc": "2.0", "id": id, "error": error }),
                };
                {
                    let mut state = shared.state.lock().unwrap();
                    state.messages += 1;
                    state.server_requests.push(message.clone());
                    shared.cond.notify_all();
                }
                let _ = write_message(&stdin, answer.to_string().as_bytes());
            }
            (Some(_), None) => {
                let mut state = shared.state.lock().unwrap();
                state.messages += 1;
                state.notifications.push_back(message);
                shared.cond.notify_all();
            }
            (None, Some(id)) => {
                let mut state = shared.state.lock().unwrap();
                state.messages += 1;
                match id.as_i64() {
                    Some(n) => {
                        state.responses.insert(n, message);
                    }
                    None if id.is_null() => state.null_id.push(message),
                    None => state
                        .framing_errors
                        .push(format!("response with an unexpected id: {message}")),
                }
                shared.cond.notify_all();
            }
            (None, None) => {
                let mut state = shared.state.lock().unwrap();
                state
                    .framing_errors
                    .push(format!("neither request nor response: {message}"));
                shared.cond.notify_all();
            }
        }
    }
    let mut state = shared.state.lock().unwrap();
    state.closed = true;
    shared.cond.notify_all();
}

impl Server {
    /// Spawns `charter lsp` without initializing it.
    pub fn spawn(options: &Options) -> Server {
        let cache = TempDir::new("cache");
        let mut command = Command::new(env!("CARGO_BIN_EXE_charter"));
        command
            .arg("lsp")
            .env("XDG_CACHE_HOME", &cache.path)
            .env_remove("CHARTER_TEST_PANIC")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &options.env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("spawn charter lsp");
        let stdin = Arc::new(Mutex::new(child.stdin.take()));
        let stdout = child.stdout.take().expect("stdout");
        let mut stderr_pipe = child.stderr.take().expect("stderr");
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            cond: Condvar::new(),
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        {
            let stderr = stderr.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                loop {
                    match stderr_pipe.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => stderr.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n])),
                    }
                }
            });
        }
        let configuration = options.configuration.clone().unwrap_or(Value::Null);
        let reader = {
            let shared = shared.clone();
            let stdin = stdin.clone();
            std::thread::spawn(move || reader_loop(stdout, shared, stdin, configuration))
        };
        Server {
            child,
            stdin,
            shared,
            stderr,
            next_id: AtomicI64::new(1),
            reader: Some(reader),
            cache,
            initialize_result: Value::Null,
            exited: false,
        }
    }

    /// Spawns, sends `initialize` and `initialized`.
    pub fn start(options: &Options) -> Server {
        let mut server = Server::spawn(options);
        let result = server
            .request("initialize", options.initialize_params())
            .unwrap_or_else(|e| panic!("initialize failed: {e}"));
        server.initialize_result = result;
        server.notify("initialized", json!({}));
        server
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn wait<T>(&self, what: &str, timeout: Duration, mut f: impl FnMut(&mut State) -> Option<T>) -> T {
        let deadline = Instant::now() + timeout;
        let mut state = self.shared.state.lock().unwrap();
        loop {
            if let Some(found) = f(&mut state) {
                return found;
            }
            let now = Instant::now();
            if now >= deadline || state.closed {
                let closed = state.closed;
                let pending: Vec<String> = state.notifications.iter().map(short).collect();
                drop(state);
                panic!(
                    "timed out waiting for {what} (server stdout closed: {closed})\nqueued notifications: {pending:#?}\nserver stderr:\n{}",
                    self.stderr()
                );
            }
            state = self.shared.cond.wait_timeout(state, deadline - now).unwrap().0;
        }
    }

    pub fn send_raw(&self, bytes: &[u8]) {
        let mut guard = self.stdin.lock().unwrap();
        let stdin = guard.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write to server");
        stdin.flush().expect("flush");
    }

    pub fn send(&self, message: &Value) {
        write_message(&self.stdin, message.to_string().as_bytes()).expect("write to server");
    }

    /// Sends a request; returns its id.
    pub fn send_request(&self, method: &str, params: Value) -> i64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// The whole response message for `id`.
    pub fn response(&self, id: i64) -> Value {
        self.wait(&format!("the response to request {id}"), TIMEOUT, |s| {
            s.responses.remove(&id)
        })
    }

    /// Sends a request and waits for its answer: `Ok(result)` or `Err(error object)`.
    pub fn request(&self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.send_request(method, params);
        let response = self.response(id);
        match response.get("error") {
            Some(error) => Err(error.clone()),
            None => Ok(response
                .get("result")
                .cloned()
                .unwrap_or_else(|| panic!("response without result or error: {response}"))),
        }
    }

    /// A request that must succeed.
    pub fn ok(&self, method: &str, params: Value) -> Value {
        let p = params.clone();
        self.request(method, params)
            .unwrap_or_else(|e| panic!("{method} {p} failed: {e}\nserver stderr:\n{}", self.stderr()))
    }

    pub fn notify(&self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    pub fn open(&self, uri: &str, text: &str) {
        self.open_version(uri, text, 1);
    }

    pub fn open_version(&self, uri: &str, text: &str, version: i32) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": version, "text": text } }),
        );
    }

    pub fn change(&self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        );
    }

    pub fn close(&self, uri: &str) {
        self.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
    }

    /// The next notification with `method`, taken out of the queue (others stay queued).
    pub fn notification(&self, method: &str) -> Value {
        self.wait(&format!("a {method} notification"), TIMEOUT, |s| {
            let i = s.notifications.iter().position(|n| n["method"] == method)?;
            s.notifications.remove(i)
        })
    }

    /// The params of the next `publishDiagnostics` for `uri`.
    pub fn publish(&self, uri: &str) -> Value {
        self.wait(&format!("publishDiagnostics for {uri}"), TIMEOUT, |s| {
            let i = s
                .notifications
                .iter()
                .position(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri)?;
            s.notifications.remove(i).map(|n| n["params"].clone())
        })
    }

    /// The first `publishDiagnostics` for `uri` for which `pred` holds; earlier ones for it are
    /// dropped.
    pub fn publish_where(&self, uri: &str, what: &str, pred: impl FnMut(&Value) -> bool) -> Value {
        self.publish_where_within(uri, what, TIMEOUT, pred)
    }

    /// Like [`publish_where`](Self::publish_where), waiting up to `timeout`.
    pub fn publish_where_within(
        &self,
        uri: &str,
        what: &str,
        timeout: Duration,
        mut pred: impl FnMut(&Value) -> bool,
    ) -> Value {
        self.wait(&format!("publishDiagnostics for {uri} with {what}"), timeout, |s| {
            loop {
                let i = s
                    .notifications
                    .iter()
                    .position(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri)?;
                let n = s.notifications.remove(i).expect("present");
                if pred(&n["params"]) {
                    return Some(n["params"].clone());
                }
            }
        })
    }

    /// The publication for `uri` and `version` (earlier ones are dropped).
    pub fn publish_version(&self, uri: &str, version: i64) -> Value {
        self.publish_where(uri, &format!("version {version}"), |p| p["version"] == version)
    }

    /// Waits until every change sent so far has been checked and what it publishes has
    /// arrived: opens a fresh document and waits for its own publication. The diagnostics
    /// worker checks changed files a batch at a time, in the order they changed, and publishes
    /// a batch in file order; a new document is both the latest change and the newest file,
    /// so whatever earlier changes publish arrives before it. Tests that something is *not*
    /// published settle first: waiting a fixed while instead passes on a slow machine without
    /// having seen anything.
    pub fn settle(&self) {
        static N: AtomicI64 = AtomicI64::new(0);
        let uri = format!(
            "untitled:charter-settle-{}.usecases.yaml",
            N.fetch_add(1, Ordering::Relaxed)
        );
        self.open(&uri, "manifest: settle\nuse-cases: []\n");
        self.publish_version(&uri, 1);
    }

    /// Every `publishDiagnostics` for `uri` that arrived up to [`settle`](Self::settle) (all
    /// taken out of the queue).
    pub fn publishes_until_settled(&self, uri: &str) -> Vec<Value> {
        self.settle();
        let mut state = self.shared.state.lock().unwrap();
        let mut out = Vec::new();
        state.notifications.retain(|n| {
            if n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri {
                out.push(n["params"].clone());
                false
            } else {
                true
            }
        });
        out
    }

    /// Waits for the work-done progress that reports the end of workspace indexing (the
    /// client must advertise `window.workDoneProgress`).
    pub fn wait_indexed(&self) {
        self.wait("the end of indexing ($/progress end)", TIMEOUT, |s| {
            let i = s
                .notifications
                .iter()
                .position(|n| n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end")?;
            s.notifications.remove(i)
        });
    }

    /// Whether the end of workspace indexing has been reported (its `$/progress` end is
    /// queued, and stays queued).
    pub fn indexing_ended(&self) -> bool {
        let state = self.shared.state.lock().unwrap();
        state
            .notifications
            .iter()
            .any(|n| n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end")
    }

    /// The notifications with `method` received so far (left in the queue).
    pub fn queued(&self, method: &str) -> Vec<Value> {
        let state = self.shared.state.lock().unwrap();
        state
            .notifications
            .iter()
            .filter(|n| n["method"] == method)
            .cloned()
            .collect()
    }

    /// Waits until the server has sent `n` requests with `method`.
    pub fn server_requests_counted(&self, method: &str, n: usize) {
        self.wait(&format!("{n} {method} requests from the server"), TIMEOUT, |s| {
            (s.server_requests.iter().filter(|r| r["method"] == method).count() >= n).then_some(())
        });
    }

    pub fn server_requests(&self) -> Vec<Value> {
        self.shared.state.lock().unwrap().server_requests.clone()
    }

    /// Waits until the server has sent a request with `method`.
    pub fn server_request(&self, method: &str) -> Value {
        self.wait(&format!("a {method} request from the server"), TIMEOUT, |s| {
            s.server_requests.iter().find(|r| r["method"] == method).cloned()
        })
    }

    pub fn null_id_responses(&self) -> Vec<Value> {
        self.shared.state.lock().unwrap().null_id.clone()
    }

    /// Waits for the `n`-th (0-based) response with a null id.
    pub fn nth_null_id_response(&self, n: usize) -> Value {
        self.wait(&format!("response #{n} with a null id"), TIMEOUT, |s| {
            s.null_id.get(n).cloned()
        })
    }

    /// Fails the test if the server wrote anything to stdout that is not a framed message.
    pub fn assert_clean_stdout(&self) {
        let state = self.shared.state.lock().unwrap();
        assert!(
            state.framing_errors.is_empty(),
            "stdout carried something other than protocol messages: {:#?}\nserver stderr:\n{}",
            state.framing_errors,
            self.stderr()
        );
    }

    /// `shutdown` then `exit`, stdin left open like an editor that keeps the pipe: the
    /// process must end with status 0 within a second; stdout must have been clean.
    pub fn finish(mut self) {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Ok(Value::Null), "shutdown answers null");
        self.notify("exit", Value::Null);
        let status = self.wait_exit(Duration::from_secs(1));
        assert!(
            status.is_some(),
            "the server did not exit within a second of `exit`\nserver stderr:\n{}",
            self.stderr()
        );
        assert_eq!(
            status.and_then(|s| s.code()),
            Some(0),
            "exit status after shutdown + exit"
        );
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        self.assert_clean_stdout();
    }

    /// The exit status if the process ends within `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                self.exited = true;
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn close_stdin(&self) {
        self.stdin.lock().unwrap().take();
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().ok().flatten().is_none()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's peak resident memory so far (`VmHWM` in `/proc/<pid>/status`), in MiB.
    /// Linux only.
    pub fn peak_memory_mib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).expect("read /proc/<pid>/status");
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no VmHWM in {status}"));
        kib / 1024
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if !self.exited && self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 400 {
        format!("{}…", s.chars().take(400).collect::<String>())
    } else {
        s
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers on LSP values

/// `{ line, character }`.
pub fn pos(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

pub fn range(sl: u32, sc: u32, el: u32, ec: u32) -> Value {
    json!({ "start": pos(sl, sc), "end": pos(el, ec) })
}

/// A diagnostic reduced to (code, severity, [start line, start char, end line, end char]).
pub fn brief(d: &Value) -> (String, i64, [u64; 4]) {
    let r = &d["range"];
    (
        d["code"].as_str().unwrap_or("?").to_owned(),
        d["severity"].as_i64().unwrap_or(0),
        [
            r["start"]["line"].as_u64().unwrap(),
            r["start"]["character"].as_u64().unwrap(),
            r["end"]["line"].as_u64().unwrap(),
            r["end"]["character"].as_u64().unwrap(),
        ],
    )
}

/// The diagnostics of a publication, reduced and sorted by position.
pub fn briefs(publish: &Value) -> Vec<(String, i64, [u64; 4])> {
    let mut all: Vec<_> = publish["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("no diagnostics array: {publish}"))
        .iter()
        .map(brief)
        .collect();
    all.sort_by(|a, b| (a.2, &a.0).cmp(&(b.2, &b.0)));
    all
}

pub fn d(code: &str, severity: i64, r: [u64; 4]) -> (String, i64, [u64; 4]) {
    (code.to_owned(), severity, r)
}

pub fn codes(publish: &Value) -> Vec<String> {
    briefs(publish).into_iter().map(|b| b.0).collect()
}

/// The diagnostic with `code` in a publication (the first by position).
pub fn find<'a>(publish: &'a Value, code: &str) -> &'a Value {
    publish["diagnostics"]
        .as_array()
        .and_then(|all| all.iter().find(|d| d["code"] == code))
        .unwrap_or_else(|| panic!("no {code} in {publish:#}"))
}

/// Byte offset of an LSP position in `text` under `utf8` (bytes) or UTF-16 units; clamped.
pub fn offset(text: &str, line: u64, character: u64, utf8: bool) -> usize {
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut units = 0u64;
    for (i, c) in text[start..end].char_indices() {
        if units >= character {
            return start + i;
        }
        units += if utf8 { c.len_utf8() } else { c.len_utf16() } as u64;
    }
    end
}

/// The text a range covers.
pub fn slice<'t>(text: &'t str, range: &Value, utf8: bool) -> &'t str {
    let a = offset(
        text,
        range["start"]["line"].as_u64().unwrap(),
        range["start"]["character"].as_u64().unwrap(),
        utf8,
    );
    let b = offset(
        text,
        range["end"]["line"].as_u64().unwrap(),
        range["end"]["character"].as_u64().unwrap(),
        utf8,
    );
    &text[a..b]
}

/// Applies LSP text edits (non-overlapping, any order) to `text`.
pub fn apply_edits(text: &str, edits: &[Value], utf8: bool) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let r = &e["range"];
            let a = offset(
                text,
                r["start"]["line"].as_u64().unwrap(),
                r["start"]["character"].as_u64().unwrap(),
                utf8,
            );
            let b = offset(
                text,
                r["end"]["line"].as_u64().unwrap(),
                r["end"]["character"].as_u64().unwrap(),
                utf8,
            );
            (a, b, e["newText"].as_str().unwrap().to_owned())
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_owned();
    for (a, b, new) in spans {
        out.replace_range(a..b, &new);
    }
    out
}

/// The position (line, character) of the `n`-th (0-based) occurrence of `needle` in `text`,
/// plus `delta` characters, in the given encoding.
pub fn find_pos(text: &str, needle: &str, n: usize, delta: usize, utf8: bool) -> Value {
    let at = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("{needle:?} #{n} not in text"))
        .0;
    let at = at + needle[..delta].len();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..line_start].matches('\n').count();
    let col: usize = text[line_start..at]
        .chars()
        .map(|c| if utf8 { c.len_utf8() } else { c.len_utf16() })
        .sum();
    pos(line as u32, col as u32)
}

/// Every symbol of a (nested) documentSymbol answer, flattened with its depth.
pub fn flatten_symbols(symbols: &Value) -> Vec<(usize, Value)> {
    fn walk(list: &Value, depth: usize, out: &mut Vec<(usize, Value)>) {
        for s in list.as_array().into_iter().flatten() {
            out.push((depth, s.clone()));
            walk(&s["children"], depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(symbols, 0, &mut out);
    out
}

/// The requests that take a document and a position (hover, completion, definition,
/// references, prepareRename, documentHighlight, selectionRange), at `at` in document `doc`
/// (`{"uri": …}`).
pub fn position_requests(doc: &Value, at: &Value) -> Vec<(&'static str, Value)> {
    let here = json!({ "textDocument": doc, "position": at });
    let mut references = here.clone();
    references["context"] = json!({ "includeDeclaration": true });
    vec![
        ("textDocument/hover", here.clone()),
        ("textDocument/completion", here.clone()),
        ("textDocument/definition", here.clone()),
        ("textDocument/references", references),
        ("textDocument/prepareRename", here.clone()),
        ("textDocument/documentHighlight", here),
        (
            "textDocument/selectionRange",
            json!({ "textDocument": doc, "positions": [at] }),
        ),
    ]
}
