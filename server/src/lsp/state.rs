//! How the server stays responsive: who holds what, and for how long.
//!
//! - **Edits never wait.** A notification (`didOpen`, `didChange`, `didClose`) changes the
//!   [`Session`] under its mutex, synchronously and in arrival order, before any `.await`.
//!   That mutex is only ever held to apply one change or to hand over what changed: it guards
//!   ropes and sets of file ids, never parsing, checking or the disk.
//! - **Snapshots are built off the async threads and outside that lock.** A request or the
//!   diagnostics worker needing the current state calls [`State::snapshot`] on a blocking
//!   thread. Under the session lock it takes the [`Delta`] (what changed since the last
//!   snapshot: ropes are shared, not copied), releases it, and applies the delta to the
//!   [`Builder`]'s workspace: re-parsing the edited documents, installing files parsed
//!   elsewhere, resolving changed policies. Builders take turns on their own lock, so deltas
//!   apply in the order they were taken; a snapshot nobody changed since is reused, not built.
//! - **Indexing and disk reads run in the background** (`indexing.rs`): files are read,
//!   resolved to their identity and parsed on blocking threads, then handed to the session as
//!   parsed files, which costs the builder a pointer each. An edit made while the workspace is
//!   being indexed is checked against what is known now, and checked again when the index
//!   lands. A newer indexing supersedes an older one, whose results are dropped.
//! - **One file's analysis does not hold up another's requests**: each snapshot checks a file
//!   lazily, when its diagnostics are first asked for, and requests run concurrently.
//!
//! This is ruff's model (a mutable session on one side, immutable snapshots handed to request
//! handlers) with the snapshot building itself moved off the lock.

use std::sync::{Arc, Mutex, MutexGuard};

use super::session::{Delta, Session};
use super::snapshot::Snapshot;
use crate::check::{CheckCache, Resolutions};
use crate::workspace::{SourceFile, Workspace};

/// The session and the builder, shared by every handler and the diagnostics worker.
pub struct State {
    session: Mutex<Session>,
    builder: Mutex<Builder>,
}

impl State {
    pub fn new(session: Session) -> Self {
        Self {
            session: Mutex::new(session),
            builder: Mutex::new(Builder::default()),
        }
    }

    /// The session, even after a panic while it was held (its state stays usable).
    pub fn session(&self) -> MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Replaces the session (at `initialize`) and starts the workspace afresh.
    pub fn reset(&self, session: Session) {
        *self.session() = session;
        *self.builder.lock().unwrap_or_else(|p| p.into_inner()) = Builder::default();
    }

    /// A snapshot of the newest state. Blocks while another thread builds one, so it must be
    /// called on a blocking thread, never on an async one.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        if let Some(current) = self.session().current() {
            return current;
        }
        let mut builder = self.builder.lock().unwrap_or_else(|p| p.into_inner());
        // One lock of the session (a guard in a `match` scrutinee would live through its arms).
        let taken = self.session().delta();
        let delta = match taken {
            Ok(delta) => delta,
            // Built by another thread while this one waited for the builder.
            Err(current) => return current,
        };
        let generation = delta.generation;
        let snapshot = Arc::new(builder.build(delta));
        self.session().offer(generation, snapshot.clone());
        snapshot
    }
}

/// The workspace as of the last snapshot, changed delta by delta.
pub struct Builder {
    ws: Workspace,
    /// The policies as last resolved, reused while no policy changes.
    resolutions: Option<Arc<Resolutions>>,
    /// Use-case results carried from snapshot to snapshot.
    cache: Arc<CheckCache>,
}

impl Default for Builder {
    fn default() -> Self {
        Self {
            ws: Workspace::with_bundled(),
            resolutions: None,
            cache: Arc::default(),
        }
    }
}

impl Builder {
    fn build(&mut self, delta: Delta) -> Snapshot {
        self.apply(&delta);
        let snapshot = Snapshot::new(
            self.ws.clone(),
            delta.today,
            self.resolutions.take(),
            self.cache.clone(),
            delta.files,
            delta.versions,
            delta.encoding,
            delta.locale,
        )
        .with_docs_base(&delta.docs_base);
        self.resolutions = Some(snapshot.cx.resolutions());
        snapshot
    }

    fn apply(&mut self, delta: &Delta) {
        let placeholder = |file: crate::diagnostic::FileId| {
            let entry = delta.files.entry(file);
            SourceFile::absent(file, entry.path(), entry.kind)
        };
        for (file, disk) in &delta.disk {
            self.cache.forget(*file);
            match disk {
                Some(parsed) => self.ws.put(*file, parsed.clone(), placeholder),
                None if (file.0 as usize) < self.ws.len() => self.ws.remove(*file),
                None => {}
            }
        }
        for (file, splice, rope) in &delta.edited {
            // `String::from` copies the rope's chunks; `to_string` goes through `fmt::Display`
            // run by run, which took 3 ms of every edit to a 5 MB manifest.
            let text = String::from(rope);
            if (file.0 as usize) >= self.ws.len() {
                let entry = delta.files.entry(*file);
                let parsed = SourceFile::parse(*file, entry.path(), text, entry.kind, false);
                self.ws.put(*file, Arc::new(parsed), placeholder);
                continue;
            }
            match splice {
                Some(splice) => self.ws.splice_text(*file, text, *splice),
                // A document opened with the text the workspace just parsed (from disk) is not
                // lowered twice, but gets back the tree indexing dropped, here rather than in
                // the first request that reads it; text decoded from invalid UTF-8 on disk is
                // parsed again, to drop the diagnostic about the disk's bytes.
                None if self.parsed(*file, &text) => {
                    self.ws.file(*file).tree();
                }
                None => self.ws.set_text(*file, text),
            }
        }
    }

    fn parsed(&self, file: crate::diagnostic::FileId, text: &str) -> bool {
        let current = self.ws.file(file);
        current.text == text && !current.removed && !text.contains('\u{FFFD}')
    }
}
