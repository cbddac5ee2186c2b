//! The diagnostics worker: one task that publishes for the newest text. Edits only mark files
//! and wake it; a burst of edits while it works costs one more check, not one per keystroke,
//! and no fixed delay is waited. With a client that pulls diagnostics instead
//! (`handlers::diagnostic`), it publishes nothing and only asks the client to pull again when
//! a change reaches beyond the file changed.

use std::sync::Arc;

use serde::Serialize;
use tokio::sync::{Notify, mpsc};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::PublishDiagnosticsParams;

use super::convert::diagnostic;
use super::session::Delivery;
use super::snapshot::Snapshot;
use super::state::State;
use crate::diagnostic::{Code, Diagnostic, FileId};

/// Where publications go.
#[derive(Clone)]
pub enum Publisher {
    /// Through the protocol library, which turns each into a `serde_json::Value` first (the
    /// in-process tests and the fuzz target read them there).
    #[cfg_attr(not(any(test, feature = "testing")), allow(dead_code))]
    Client(Client),
    /// Straight to the output as finished frames, serialized off the async threads: a
    /// manifest with thousands of diagnostics is megabytes of JSON, and building a `Value`
    /// tree of it cost more than checking the manifest. Weak, so that the output ends when
    /// the protocol service does.
    Frames(mpsc::WeakUnboundedSender<Vec<u8>>),
}

/// The worker; `client` asks a pulling client to pull again (`workspace/diagnostic/refresh`).
pub fn spawn(publisher: Publisher, client: Client, state: Arc<State>, wake: Arc<Notify>) {
    tokio::spawn(async move {
        loop {
            wake.notified().await;
            let delivery = state.session().delivery;
            if delivery == Delivery::Pull {
                if state.session().take_refresh() {
                    // Its answer is waited for apart, so that the worker goes on meanwhile.
                    let client = client.clone();
                    tokio::spawn(async move { client.workspace_diagnostic_refresh().await });
                }
                continue;
            }
            // Building the snapshot, checking and serializing run off the async threads, and
            // outside the session lock: edits go on meanwhile.
            let shared = state.clone();
            let frames = matches!(publisher, Publisher::Frames(_));
            let computed = tokio::task::spawn_blocking(move || {
                let (files, indexing) = shared.session().take_pending();
                if files.is_empty() {
                    return Vec::new();
                }
                // Built after the pending files were taken, so it holds every change they had.
                let snapshot = shared.snapshot();
                let (published, held) = compute(&snapshot, &files, indexing);
                if !held.is_empty() {
                    shared.session().held_back(held);
                }
                let frame = |p: &PublishDiagnosticsParams| frames.then(|| notification(p));
                published.into_iter().map(|p| (frame(&p), p)).collect::<Vec<_>>()
            })
            .await;
            let Ok(results) = computed else { continue };
            for (frame, params) in results {
                let current = {
                    let session = state.session();
                    session.file(&params.uri).and_then(|f| session.version(f))
                };
                // Closed meanwhile (`None`), or a newer edit is waiting: nothing to show now.
                if current != params.version {
                    continue;
                }
                match (&publisher, frame) {
                    (Publisher::Frames(out), Some(frame)) => {
                        if let Some(out) = out.upgrade() {
                            let _ = out.send(frame);
                        }
                    }
                    (Publisher::Client(client), _) => {
                        client
                            .publish_diagnostics(params.uri, params.diagnostics, params.version)
                            .await;
                    }
                    (Publisher::Frames(_), None) => unreachable!("frames are made for this publisher"),
                }
            }
        }
    });
}

/// A `textDocument/publishDiagnostics` notification, framed for the output.
fn notification(params: &PublishDiagnosticsParams) -> Vec<u8> {
    #[derive(Serialize)]
    struct Notification<'a> {
        jsonrpc: &'static str,
        method: &'static str,
        params: &'a PublishDiagnosticsParams,
    }
    let body = serde_json::to_vec(&Notification {
        jsonrpc: "2.0",
        method: "textDocument/publishDiagnostics",
        params,
    })
    .expect("diagnostics are plain data");
    super::transport::framed(&body)
}

/// Whether a file's diagnostics are held back while the workspace is being `indexing`: with
/// `unknown-policy`, its policy may be a file not read yet, and a false error (or a false
/// all-clear without it) that changes a moment later is worse than a short wait. Pushed, the
/// file is checked again once indexing ends; pulled, the answer waits for it.
pub fn held(all: &[Diagnostic], indexing: bool) -> bool {
    indexing && all.iter().any(|d| d.code == Code::UnknownPolicy)
}

/// The publications for `files`, and the files [`held`] back.
fn compute(snapshot: &Snapshot, files: &[FileId], indexing: bool) -> (Vec<PublishDiagnosticsParams>, Vec<FileId>) {
    let mut held_back = Vec::new();
    let published = files
        .iter()
        .filter_map(|&file| {
            let uri = snapshot.uri(file)?.clone();
            let version = snapshot.versions.get(&file).copied();
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let all = snapshot.diagnostics(file);
                (!held(&all, indexing)).then(|| all.iter().map(|d| diagnostic(snapshot, file, d)).collect())
            }));
            match result {
                Ok(None) => {
                    held_back.push(file);
                    None
                }
                Ok(Some(diagnostics)) => Some(PublishDiagnosticsParams {
                    uri,
                    diagnostics,
                    version,
                }),
                Err(_) => {
                    eprintln!(
                        "charter: checking {} failed (a bug); its diagnostics are not updated",
                        uri.as_str()
                    );
                    None
                }
            }
        })
        .collect();
    (published, held_back)
}
