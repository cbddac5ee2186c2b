//! The editor's state: open documents, what changed since the last snapshot, settings. It is
//! held under the session mutex only as long as applying one edit or handing over what changed
//! takes: no parsing, no checking and no reading of files happens under it (see
//! [`super::state`] for the whole model).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::config::Config;
use super::files::{Files, key_of};
use super::snapshot::Snapshot;
use crate::diagnostic::FileId;
use crate::model::Date;
use crate::text::{Encoding, Splice, offset_in};
use crate::workspace::{FileKind, SourceFile};

/// An open document: the editor's text, which wins over the disk.
#[derive(Debug)]
pub struct Document {
    pub rope: Rope,
    pub version: i32,
}

/// A file as read from disk, parsed off the async threads; `None`: gone (deleted, unreadable).
pub type Disk = Option<Arc<SourceFile>>;

/// What changed since the builder last took the changes, and the state to judge it in.
pub struct Delta {
    pub generation: u64,
    /// Files read from disk or gone, in the order they came.
    pub disk: Vec<(FileId, Disk)>,
    /// Open documents whose text changed, with where (`None`: all of it) and the text now.
    pub edited: Vec<(FileId, Option<Splice>, Rope)>,
    pub files: Arc<Files>,
    pub versions: HashMap<FileId, i32>,
    pub today: Date,
    /// Where the pages of diagnostic codes are (`codeDescription`).
    pub docs_base: String,
    pub encoding: Encoding,
    pub locale: String,
}

pub struct Session {
    files: Arc<Files>,
    pub open: HashMap<FileId, Document>,
    /// Open documents changed since the builder last took them, with where.
    edited: HashMap<FileId, Option<Splice>>,
    disk: Vec<(FileId, Disk)>,
    /// Per file, whether the workspace holds it (as of the changes handed over or queued).
    present: Vec<bool>,
    /// Per file, whether it was ever read from disk (else it only exists in the editor).
    from_disk: Vec<bool>,
    /// Files changed since diagnostics were last published.
    pending: BTreeSet<FileId>,
    pub config: Config,
    pub encoding: Encoding,
    pub locale: String,
    /// Workspace folders, and the extra policy folders indexed from them.
    pub roots: Vec<PathBuf>,
    /// Counts every change; a snapshot is current while nothing changed since it was taken.
    generation: u64,
    latest: Option<(u64, Arc<Snapshot>)>,
    /// Workspace indexings begun and not finished; the first begins with the session, as
    /// `initialized` starts it. Until they finish, a manifest's policy may be a file not read
    /// yet, so `unknown-policy` is not published.
    indexing: u32,
    /// The newest indexing: files an older one read arrive too late to be installed.
    index_epoch: u64,
    /// Open files not published while indexing, because of their `unknown-policy`.
    held: BTreeSet<FileId>,
    /// How diagnostics reach the client, as negotiated at `initialize`.
    pub delivery: Delivery,
    /// Pull mode: something changed that may change the diagnostics of files other than the
    /// one changed (a policy, a file from disk, the settings, the end of an indexing), which
    /// the client does not know to pull again.
    refresh: bool,
}

/// How diagnostics reach the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delivery {
    /// `textDocument/publishDiagnostics` for open files, as they change.
    #[default]
    Push,
    /// The client pulls them (`textDocument/diagnostic`, `workspace/diagnostic`), and is asked
    /// to pull again (`workspace/diagnostic/refresh`) when other files' may have changed.
    Pull,
}

impl Session {
    /// A session knowing the bundled policies (`bundled`: their workspace paths, in order),
    /// served from `bundled_dir` so that editors can open them.
    pub fn new(
        encoding: Encoding,
        locale: String,
        config: Config,
        bundled: &[String],
        bundled_dir: Option<&Path>,
    ) -> Self {
        let mut files = Files::default();
        for path in bundled {
            let name = path.strip_prefix(crate::workspace::BUNDLED_PREFIX).unwrap_or(path);
            let uri = bundled_dir.and_then(|dir| Uri::from_file_path(dir.join(name)));
            let key = uri.as_ref().map_or_else(|| path.clone(), key_of);
            let file = files.push(uri.clone(), key, FileKind::Policy, true);
            if let Some(uri) = &uri {
                files.alias(uri, file, true);
            }
        }
        Session {
            present: vec![true; files.len()],
            from_disk: vec![true; files.len()],
            files: Arc::new(files),
            open: HashMap::new(),
            edited: HashMap::new(),
            disk: Vec::new(),
            pending: BTreeSet::new(),
            config,
            encoding,
            locale,
            roots: Vec::new(),
            generation: 1,
            latest: None,
            indexing: 1,
            index_epoch: 0,
            held: BTreeSet::new(),
            delivery: Delivery::Push,
            refresh: false,
        }
    }

    /// The file `uri` names, if the session knows it.
    pub fn file(&self, uri: &Uri) -> Option<FileId> {
        self.files.lookup(uri)
    }

    pub fn files(&self) -> Arc<Files> {
        self.files.clone()
    }

    fn touch(&mut self, file: FileId) {
        self.pending.insert(file);
        self.refresh |= self.files.entry(file).kind == FileKind::Policy || !self.open.contains_key(&file);
        self.changed();
    }

    /// Something changed, so the newest snapshot is out of date: it is let go now, for the
    /// builder applying the change to find the open files unshared and edit them in place.
    /// Kept, it made every edit copy the whole file (text, tree and document), which for a
    /// 100,000-line manifest was most of the edit's time and twice its memory.
    fn changed(&mut self) {
        self.generation += 1;
        self.latest = None;
    }

    /// Files for `uris` (each with its identity, resolved off the async threads), added when
    /// new; `None` for files that are neither policies nor manifests.
    pub fn intern_all(&mut self, uris: &[(Uri, String)]) -> Vec<Option<FileId>> {
        let files = Arc::make_mut(&mut self.files);
        let ids = uris.iter().map(|(uri, key)| files.intern(uri, key.clone())).collect();
        self.present.resize(self.files.len(), false);
        self.from_disk.resize(self.files.len(), false);
        ids
    }

    pub fn did_open(&mut self, uri: &Uri, text: String, version: i32) -> Option<FileId> {
        // A spelling not seen before is resolved to its file here, once.
        let file = match self.files.seen(uri) {
            Some(file) => file,
            None => self.intern_all(&[(uri.clone(), key_of(uri))])[0]?,
        };
        if self.files.entry(file).bundled {
            return None; // the cached copy of a bundled policy is read-only and clean
        }
        Arc::make_mut(&mut self.files).alias(uri, file, true);
        self.present[file.0 as usize] = true;
        self.open.insert(
            file,
            Document {
                rope: Rope::from_str(&text),
                version,
            },
        );
        self.edited.insert(file, None);
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
        let mut pending = self.edited.get(&file).copied();
        for change in changes {
            let splice = apply_change(&mut doc.rope, change, encoding);
            pending = Some(match pending {
                None => splice,
                Some(before) => before.zip(splice).map(|(before, next)| before.then(next)),
            });
        }
        doc.version = version;
        if let Some(pending) = pending {
            self.edited.insert(file, pending);
        }
        self.touch(file);
        true
    }

    /// Closes a document; the caller reads the file on disk, which the workspace goes back to
    /// (or forgets it, when it is gone). Until then the workspace keeps the editor's text of a
    /// file read from disk before, so that what depends on it does not flicker; a file that
    /// only ever existed in the editor is forgotten at once.
    pub fn did_close(&mut self, uri: &Uri) -> Option<FileId> {
        let file = self.file(uri)?;
        self.open.remove(&file)?;
        self.edited.remove(&file);
        if !self.from_disk[file.0 as usize] {
            self.present[file.0 as usize] = false;
            self.disk.push((file, None));
        }
        self.touch(file);
        Some(file)
    }

    /// Files read from disk (`Some`) or gone (`None`), parsed by the caller. Open documents
    /// keep the editor's text, bundled policies their own; files an indexing older than the
    /// newest read (`epoch`) are dropped, the newer one reads them again.
    pub fn install(&mut self, files: Vec<(FileId, Disk)>, epoch: Option<u64>) {
        if epoch.is_some_and(|e| e != self.index_epoch) {
            return;
        }
        for (file, disk) in files {
            let slot = file.0 as usize;
            if self.open.contains_key(&file) || self.files.entry(file).bundled {
                continue;
            }
            if disk.is_none() && !self.present[slot] {
                continue; // gone, and already not in the workspace
            }
            self.present[slot] = disk.is_some();
            self.from_disk[slot] |= disk.is_some();
            self.disk.push((file, disk));
            self.touch(file);
        }
    }

    /// Applies new settings; true when the policy folders changed (they need indexing).
    pub fn set_config(&mut self, config: Config) -> bool {
        if config == self.config {
            return false;
        }
        let reindex = config.policy_paths != self.config.policy_paths;
        self.config = config;
        self.changed();
        self.pending.extend(self.open.keys().copied());
        self.refresh = true;
        reindex
    }

    /// The newest snapshot, if nothing changed since it was taken.
    pub fn current(&self) -> Option<Arc<Snapshot>> {
        let (generation, snapshot) = self.latest.as_ref()?;
        (*generation == self.generation).then(|| snapshot.clone())
    }

    /// Hands over what changed since the last call, to build a snapshot from; the newest
    /// snapshot when it is current. Cheap: ropes are shared, not copied.
    pub fn delta(&mut self) -> Result<Delta, Arc<Snapshot>> {
        if let Some(current) = self.current() {
            return Err(current);
        }
        let edited = std::mem::take(&mut self.edited)
            .into_iter()
            .filter_map(|(file, splice)| Some((file, splice, self.open.get(&file)?.rope.clone())))
            .collect();
        Ok(Delta {
            generation: self.generation,
            disk: std::mem::take(&mut self.disk),
            edited,
            files: self.files.clone(),
            versions: self.open.iter().map(|(f, d)| (*f, d.version)).collect(),
            today: self.config.today.unwrap_or_else(crate::clock::today),
            docs_base: self.config.docs_base().to_owned(),
            encoding: self.encoding,
            locale: self.locale.clone(),
        })
    }

    /// Keeps `snapshot`, built from the delta of `generation`, as the newest, unless it is
    /// out of date already (see [`changed`](Self::changed)).
    pub fn offer(&mut self, generation: u64, snapshot: Arc<Snapshot>) {
        if generation == self.generation {
            self.latest = Some((generation, snapshot));
        }
    }

    /// The open files whose diagnostics may have changed since the last call: a changed
    /// manifest affects itself; a changed policy may affect every open file. The flag:
    /// whether the workspace is still being indexed.
    pub fn take_pending(&mut self) -> (Vec<FileId>, bool) {
        let changed = std::mem::take(&mut self.pending);
        let any_policy = changed.iter().any(|&f| self.files.entry(f).kind == FileKind::Policy);
        let mut files: Vec<FileId> = if any_policy {
            self.open.keys().copied().collect()
        } else {
            changed.into_iter().filter(|f| self.open.contains_key(f)).collect()
        };
        files.sort();
        (files, self.indexing > 0)
    }

    /// Pull mode: whether the client should pull again since the last call (see
    /// [`Delivery::Pull`]). What push mode would publish is dropped: the client pulls it.
    pub fn take_refresh(&mut self) -> bool {
        self.pending.clear();
        self.held.clear();
        std::mem::take(&mut self.refresh)
    }

    /// Whether the workspace is being indexed (a policy may be in a file not read yet).
    pub fn indexing(&self) -> bool {
        self.indexing > 0
    }

    /// The version of an open document now (to skip publishing results already outdated).
    pub fn version(&self, file: FileId) -> Option<i32> {
        self.open.get(&file).map(|d| d.version)
    }

    /// Forgets a workspace folder (`canonical`: its canonical path, resolved by the caller)
    /// and the files read from under it; open documents stay.
    pub fn forget_folder(&mut self, folder: &Path, canonical: &Path) {
        self.roots.retain(|r| r != folder && r != canonical);
        let under: Vec<FileId> = self
            .files
            .under(canonical)
            .filter(|f| !self.open.contains_key(f))
            .collect();
        self.install(under.into_iter().map(|f| (f, None)).collect(), None);
    }

    /// An indexing starts: the ones begun before it are superseded. Returns its epoch.
    pub fn begin_indexing(&mut self) -> u64 {
        self.indexing += 1;
        self.index_epoch += 1;
        self.index_epoch
    }

    /// The first indexing, which the session began with, gets its epoch.
    pub fn first_indexing(&mut self) -> u64 {
        self.index_epoch
    }

    /// An indexing ended (installed or superseded). Once the last one has, documents held
    /// back for their `unknown-policy` are checked again.
    pub fn end_indexing(&mut self) {
        self.indexing = self.indexing.saturating_sub(1);
        self.refresh |= self.indexing == 0;
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
