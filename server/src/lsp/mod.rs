//! `charter lsp`: the language server, LSP 3.17 over standard input/output, on
//! `tower-lsp-server`. The session (`session`) holds the mutable state; requests read
//! immutable snapshots (`snapshot`); each request has its own handler (`handlers`); a single
//! worker publishes diagnostics (`diagnostics`). The engine below knows nothing of LSP.

mod bundled;
mod config;
mod convert;
mod diagnostics;
mod handlers;
mod server;
mod session;
mod snapshot;

use std::process::ExitCode;

use tower_lsp_server::{LspService, Server};

/// Serves on stdin/stdout until the client exits. Stdout carries only protocol messages;
/// logs go to stderr.
pub fn run() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("charter: cannot start the language server: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async {
        let (service, socket) = LspService::build(server::Charter::new)
            .custom_method("charter/debugPanic", server::debug_panic)
            .finish();
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .serve(service)
            .await;
    });
    ExitCode::SUCCESS
}
