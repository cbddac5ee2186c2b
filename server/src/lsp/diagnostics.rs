//! The diagnostics worker: one task that publishes for the newest text. Edits only mark files
//! and wake it; a burst of edits while it works costs one more check, not one per keystroke,
//! and no fixed delay is waited.

use std::sync::{Arc, Mutex};

use tokio::sync::Notify;
use tower_lsp_server::Client;

use super::convert::diagnostic;
use super::session::Session;
use super::snapshot::Snapshot;
use crate::diagnostic::FileId;

pub fn spawn(client: Client, session: Arc<Mutex<Session>>, wake: Arc<Notify>) {
    tokio::spawn(async move {
        loop {
            wake.notified().await;
            // Parsing the edited text and checking run off the async threads.
            let shared = session.clone();
            let computed = tokio::task::spawn_blocking(move || {
                let (snapshot, files) = shared.lock().unwrap_or_else(|p| p.into_inner()).take_pending();
                compute(&snapshot, &files)
            })
            .await;
            let Ok(results) = computed else { continue };
            for (uri, diagnostics, version) in results {
                let current = {
                    let session = session.lock().unwrap_or_else(|p| p.into_inner());
                    session.file(&uri).and_then(|f| session.version(f))
                };
                // Closed meanwhile (`None`), or a newer edit is waiting: nothing to show now.
                if current != version {
                    continue;
                }
                client.publish_diagnostics(uri, diagnostics, version).await;
            }
        }
    });
}

type Published = (
    tower_lsp_server::ls_types::Uri,
    Vec<tower_lsp_server::ls_types::Diagnostic>,
    Option<i32>,
);

fn compute(snapshot: &Snapshot, files: &[FileId]) -> Vec<Published> {
    files
        .iter()
        .filter_map(|&file| {
            let uri = snapshot.uri(file)?.clone();
            let version = snapshot.versions.get(&file).copied();
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                snapshot
                    .diagnostics(file)
                    .iter()
                    .map(|d| diagnostic(snapshot, file, d))
                    .collect()
            }));
            match result {
                Ok(diagnostics) => Some((uri, diagnostics, version)),
                Err(_) => {
                    eprintln!(
                        "charter: checking {} failed (a bug); its diagnostics are not updated",
                        uri.as_str()
                    );
                    None
                }
            }
        })
        .collect()
}
