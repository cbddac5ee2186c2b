//! The server's mutable state: open documents, the workspace the engine judges, settings.
//! It lives behind one mutex that is never held across an `.await`; handlers that only read
//! take an immutable [`Snapshot`] instead, so a slow request never blocks typing.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::config::Config;
use super::snapshot::Snapshot;
use crate::check::{CheckCache, Resolutions};
use crate::diagnostic::FileId;
use crate::text::{Encoding, Splice, offset_in};
use crate::workspace::{FileKind, Workspace};

/// An open document: the editor's text, which wins over the disk.
#[derive(Debug)]
pub struct Document {
    pub rope: Rope,
    pub version: i32,
}

pub struct Session {
    ws: Workspace,
    /// Per file, the URI to publish with (the client's spelling once it opened the file).
    uris: Vec<Option<Uri>>,
    /// Files by [`uri_key`]: one file however its URI is spelled.
    by_key: Arc<HashMap<String, FileId>>,
    pub open: HashMap<FileId, Document>,
    /// Open documents whose text changed since the workspace last parsed them, with where
    /// (`None`: all of it).
    unparsed: HashMap<FileId, Option<Splice>>,
    /// Files changed since diagnostics were last published.
    pending: BTreeSet<FileId>,
    pub config: Config,
    pub encoding: Encoding,
    pub locale: String,
    /// Workspace folders, and the extra policy folders indexed from them.
    pub roots: Vec<PathBuf>,
    snapshot: Option<Arc<Snapshot>>,
    /// Workspace indexings begun and not finished; the first begins with the session, as
    /// `initialized` starts it. Until they finish, a manifest's policy may be a file not read
    /// yet, so `unknown-policy` is not published.
    indexing: u32,
    /// Open files not published while indexing, because of their `unknown-policy`.
    held: BTreeSet<FileId>,
    /// The policies as last resolved, reused while no policy changes.
    resolutions: Option<Arc<Resolutions>>,
    cache: Arc<CheckCache>,
}

impl Session {
    pub fn new(encoding: Encoding, locale: String, config: Config, bundled_dir: Option<&Path>) -> Self {
        let ws = Workspace::with_bundled();
        let mut session = Session {
            uris: Vec::new(),
            by_key: Arc::new(HashMap::new()),
            open: HashMap::new(),
            unparsed: HashMap::new(),
            pending: BTreeSet::new(),
            config,
            encoding,
            locale,
            roots: Vec::new(),
            snapshot: None,
            indexing: 1,
            held: BTreeSet::new(),
            resolutions: None,
            cache: Arc::default(),
            ws,
        };
        // Bundled policies are served from files in the cache folder, so that editors can open
        // them for "go to definition".
        for id in session.ws.ids().collect::<Vec<_>>() {
            let uri = bundled_dir.and_then(|dir| {
                let name = session
                    .ws
                    .file(id)
                    .path
                    .strip_prefix(crate::workspace::BUNDLED_PREFIX)?;
                Uri::from_file_path(dir.join(name))
            });
            if let Some(uri) = &uri {
                Arc::make_mut(&mut session.by_key).insert(uri_key(uri), id);
            }
            session.uris.push(uri);
        }
        session
    }

    pub fn file(&self, uri: &Uri) -> Option<FileId> {
        self.by_key.get(&uri_key(uri)).copied()
    }

    fn touch(&mut self, file: FileId) {
        self.pending.insert(file);
        self.snapshot = None;
    }

    /// The file for `uri`, added to the workspace (with `text`) when new; `None` for files
    /// that are neither policies nor manifests.
    fn file_for(&mut self, uri: &Uri, text: &str) -> Option<FileId> {
        if let Some(file) = self.file(uri) {
            return Some(file);
        }
        let kind = FileKind::of_path(uri.path().as_str())?;
        let file = self.ws.add(uri.to_string(), text.to_owned(), kind, false);
        Arc::make_mut(&mut self.by_key).insert(uri_key(uri), file);
        self.uris.push(Some(uri.clone()));
        Some(file)
    }

    pub fn did_open(&mut self, uri: &Uri, text: String, version: i32) -> Option<FileId> {
        let file = self.file_for(uri, &text)?;
        if self.ws.file(file).bundled {
            return None; // the cached copy of a bundled policy is read-only and clean
        }
        // Publish under the editor's own spelling of the URI.
        self.uris[file.0 as usize] = Some(uri.clone());
        // A file new to the workspace was parsed from this text just now, and one indexed
        // from disk usually was; a second parse of a big manifest would double the time to
        // its first diagnostics. (Text decoded from invalid UTF-8 on disk is parsed again, to
        // drop the diagnostic about the disk's bytes.)
        let current = self.ws.file(file);
        let parsed = current.text == text && !current.removed && !text.contains('\u{FFFD}');
        if !parsed {
            self.unparsed.insert(file, None);
        }
        self.open.insert(
            file,
            Document {
                rope: Rope::from_str(&text),
                version,
            },
        );
        self.touch(file);
        Some(file)
    }

    /// Applies edits in order. A change older than the document (a stale version) is ignored.
    pub fn did_change(&mut self, uri: &Uri, version: i32, changes: Vec<TextDocumentContentChangeEvent>) -> bool {
        let Some(file) = self.file(uri) else { return false };
        let encoding = self.encoding;
        let Some(doc) = self.open.get_mut(&file) else {
            return false;
        };
        if version <= doc.version {
            return false;
        }
        let mut pending = self.unparsed.get(&file).copied();
        for change in changes {
            let splice = apply_change(&mut doc.rope, change, encoding);
            pending = Some(match pending {
                None => splice,
                Some(before) => before.zip(splice).map(|(before, next)| before.then(next)),
            });
        }
        doc.version = version;
        if let Some(pending) = pending {
            self.unparsed.insert(file, pending);
        }
        self.touch(file);
        true
    }

    /// Closes a document: the workspace goes back to the file on disk, or forgets it.
    pub fn did_close(&mut self, uri: &Uri) -> Option<FileId> {
        let file = self.file(uri)?;
        self.open.remove(&file)?;
        self.unparsed.remove(&file);
        self.cache.forget(file);
        let disk = uri.to_file_path().and_then(|p| crate::discover::read_file(&p).ok());
        match disk.map(|bytes| crate::text::decode(&bytes).0.into_owned()) {
            Some(text) => self.ws.set_text(file, text),
            None => self.ws.remove(file),
        }
        self.touch(file);
        Some(file)
    }

    /// A file changed on disk (created, changed: `Some(text)`; deleted: `None`). Open
    /// documents keep the editor's text.
    pub fn disk_changed(&mut self, uri: &Uri, text: Option<String>) {
        match (self.file(uri), text) {
            (Some(file), _) if self.open.contains_key(&file) || self.ws.file(file).bundled => {}
            (Some(file), Some(text)) => {
                self.ws.set_text(file, text);
                self.touch(file);
            }
            (Some(file), None) => {
                self.ws.remove(file);
                self.touch(file);
            }
            (None, Some(text)) => {
                if let Some(file) = self.file_for(uri, &text) {
                    self.touch(file);
                }
            }
            (None, None) => {}
        }
    }

    /// Applies new settings; true when the policy folders changed (they need indexing).
    pub fn set_config(&mut self, config: Config) -> bool {
        if config == self.config {
            return false;
        }
        let reindex = config.policy_paths != self.config.policy_paths;
        self.config = config;
        self.snapshot = None;
        self.pending.extend(self.open.keys().copied());
        reindex
    }

    /// The current snapshot, parsing documents edited since the last one.
    pub fn snapshot(&mut self) -> Arc<Snapshot> {
        for (file, splice) in std::mem::take(&mut self.unparsed) {
            let Some(doc) = self.open.get(&file) else { continue };
            // `String::from` copies the rope's chunks; `to_string` goes through `fmt::Display`
            // run by run, which took 3 ms of every edit to a 5 MB manifest.
            let text = String::from(&doc.rope);
            match splice {
                Some(splice) => self.ws.splice_text(file, text, splice),
                None => self.ws.set_text(file, text),
            }
        }
        if let Some(snapshot) = &self.snapshot {
            return snapshot.clone();
        }
        let today = self.config.today.unwrap_or_else(crate::clock::today);
        let versions = self.open.iter().map(|(f, d)| (*f, d.version)).collect();
        let snapshot = Arc::new(
            Snapshot::new(
                self.ws.clone(),
                today,
                self.resolutions.take(),
                self.cache.clone(),
                self.uris.clone(),
                self.by_key.clone(),
                versions,
                self.encoding,
                self.locale.clone(),
            )
            .with_docs_base(self.config.docs_base()),
        );
        self.resolutions = Some(snapshot.cx.resolutions());
        self.snapshot = Some(snapshot.clone());
        snapshot
    }

    /// The snapshot and the open files whose diagnostics may have changed since the last call:
    /// a changed manifest affects itself; a changed policy may affect every open file. The
    /// flag: whether the workspace is still being indexed.
    pub fn take_pending(&mut self) -> (Arc<Snapshot>, Vec<FileId>, bool) {
        let snapshot = self.snapshot();
        let changed = std::mem::take(&mut self.pending);
        let any_policy = changed.iter().any(|&f| self.ws.file(f).kind == FileKind::Policy);
        let mut files: Vec<FileId> = if any_policy {
            self.open.keys().copied().collect()
        } else {
            changed.into_iter().filter(|f| self.open.contains_key(f)).collect()
        };
        files.sort();
        (snapshot, files, self.indexing > 0)
    }

    /// The version of an open document now (to skip publishing results already outdated).
    pub fn version(&self, file: FileId) -> Option<i32> {
        self.open.get(&file).map(|d| d.version)
    }

    /// Forgets a workspace folder and the files read from under it (open documents stay).
    pub fn forget_folder(&mut self, folder: &Path) {
        let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
        self.roots
            .retain(|r| std::fs::canonicalize(r).unwrap_or_else(|_| r.clone()) != folder);
        let under: Vec<FileId> = self
            .by_key
            .iter()
            .filter(|(key, file)| Path::new(key.as_str()).starts_with(&folder) && !self.open.contains_key(file))
            .map(|(_, file)| *file)
            .collect();
        for file in under {
            if !self.ws.file(file).bundled && !self.ws.file(file).removed {
                self.ws.remove(file);
                self.touch(file);
            }
        }
    }

    /// A workspace indexing other than the first (which the session begins with) starts.
    pub fn begin_indexing(&mut self) {
        self.indexing += 1;
    }

    /// Adds files read from disk by an indexing (documents already open keep their text).
    /// Once the last one ends, documents held back for their `unknown-policy` are checked
    /// again (if a policy was read, every open document is anyway).
    pub fn index(&mut self, files: Vec<(Uri, String)>) {
        for (uri, text) in files {
            self.disk_changed(&uri, Some(text));
        }
        self.indexing = self.indexing.saturating_sub(1);
        self.release_held();
    }

    /// Files not published while indexing because of their `unknown-policy`; they are
    /// checked again once it ends (closed ones are left out by `take_pending`).
    pub fn held_back(&mut self, files: Vec<FileId>) {
        self.held.extend(files);
        self.release_held();
    }

    /// With no indexing under way (it may have ended while they were checked), the held
    /// files are checked again.
    fn release_held(&mut self) {
        if self.indexing == 0 {
            self.pending.append(&mut self.held);
        }
    }
}

/// One content change: a range edit (giving where the text changed), or the whole text.
fn apply_change(rope: &mut Rope, change: TextDocumentContentChangeEvent, encoding: Encoding) -> Option<Splice> {
    let Some(range) = change.range else {
        *rope = Rope::from_str(&change.text);
        return None;
    };
    let start = offset_in(&*rope, range.start.line, range.start.character, encoding);
    let end = offset_in(&*rope, range.end.line, range.end.character, encoding).max(start);
    let splice = Splice::edit(start, end - start, change.text.len());
    let (start, end) = (rope.byte_to_char(start), rope.byte_to_char(end));
    rope.remove(start..end);
    rope.insert(start, &change.text);
    Some(splice)
}

/// One key per file however its URI is spelled: for `file:` URIs the canonical path (links
/// resolved, percent-encoding undone), else the URI itself.
pub fn uri_key(uri: &Uri) -> String {
    match uri.to_file_path() {
        Some(path) => std::fs::canonicalize(&path)
            .unwrap_or_else(|_| path.into_owned())
            .to_string_lossy()
            .into_owned(),
        None => uri.as_str().to_owned(),
    }
}
