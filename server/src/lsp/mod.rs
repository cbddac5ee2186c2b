//! `charter lsp`: the language server, LSP 3.17 over standard input/output, on
//! `tower-lsp-server`. `state` says who holds what and for how long: the session (`session`)
//! holds the editor's state; snapshots (`snapshot`), built off the async threads, are what
//! requests read; each request has its own handler (`handlers`); a single worker publishes
//! diagnostics (`diagnostics`); files come from disk in the background (`indexing`), named by
//! a stable identity (`files`). The engine below knows nothing of LSP.

mod bundled;
mod capabilities;
mod config;
mod convert;
mod diagnostics;
#[cfg(test)]
mod edit_tests;
mod files;
#[cfg(feature = "testing")]
#[doc(hidden)]
pub mod fuzz;
mod handlers;
mod indexing;
mod message;
mod server;
mod session;
mod snapshot;
mod state;
#[cfg(test)]
mod tests;
mod transport;

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
    let clean = runtime.block_on(serve());
    // Do not wait for the blocked read of stdin.
    runtime.shutdown_background();
    // LSP: exit after `shutdown` is status 0, an exit without it status 1.
    ExitCode::from(if clean { 0 } else { 1 })
}

/// Messages handled at once. Requests run on blocking threads, so a high bound costs little.
const MAX_CONCURRENT_MESSAGES: usize = 256;

/// Serves until the client exits or the input ends; true when `shutdown` came first.
async fn serve() -> bool {
    let (frames, outgoing) = tokio::sync::mpsc::unbounded_channel();
    let publisher = diagnostics::Publisher::Frames(frames.downgrade());
    let builder = LspService::build(|client| server::Charter::with_publisher(client, publisher));
    #[cfg(feature = "testing")]
    let builder = builder.custom_method("charter/debugPanic", server::debug_panic);
    let (service, socket) = builder.finish();
    let (to_service, service_input) = tokio::io::duplex(1 << 16);
    let (service_output, from_service) = tokio::io::duplex(1 << 16);
    let writer = tokio::spawn(transport::write_frames(tokio::io::stdout(), outgoing));
    let reader = tokio::spawn(transport::filter_input(tokio::io::stdin(), to_service, frames.clone()));
    let forwarder = tokio::spawn(transport::forward_output(from_service, frames));
    // tower-lsp-server polls at most this many messages at once, notifications included: at
    // its default of 4, four slow requests would hold up the next keystroke.
    Server::new(service_input, service_output, socket)
        .concurrency_level(MAX_CONCURRENT_MESSAGES)
        .serve(service)
        .await;
    // Everything the service wrote goes out; then the writer ends with its last sender.
    let _ = forwarder.await;
    reader.abort();
    let _ = reader.await;
    let _ = writer.await;
    server::shut_down_cleanly()
}
