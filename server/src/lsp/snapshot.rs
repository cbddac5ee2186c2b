//! An immutable view of the workspace at one moment: what every request handler reads.
//! Position conversion to and from LSP happens here, through `text`, for every file.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::files::Files;
use crate::check::{CheckCache, Context, Resolutions};
use crate::diagnostic::{Diagnostic, FileId};
use crate::model::Date;
use crate::text::{Encoding, LineIndex, TextRange};
use crate::workspace::Workspace;

pub struct Snapshot {
    pub cx: Context,
    files: Arc<Files>,
    /// Versions of the open documents, as of this snapshot.
    pub versions: HashMap<FileId, i32>,
    pub encoding: Encoding,
    pub locale: String,
    /// The base address of the code pages diagnostics link to (`codeDescription.href`).
    pub docs_base: String,
    lines: Vec<OnceLock<LineIndex>>,
    /// Diagnostics computed for this snapshot, shared by publishing and code actions.
    diagnostics: Mutex<HashMap<FileId, Arc<Vec<Diagnostic>>>>,
    /// Use-case results carried from snapshot to snapshot.
    cache: Arc<CheckCache>,
    /// The result ids of pulled reports (`handlers::diagnostic`), computed once per snapshot: a
    /// client polls the workspace's every few seconds, mostly to hear `unchanged`.
    result_ids: Mutex<HashMap<FileId, String>>,
}

impl Snapshot {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        ws: Workspace,
        today: Date,
        resolutions: Option<Arc<Resolutions>>,
        cache: Arc<CheckCache>,
        files: Arc<Files>,
        versions: HashMap<FileId, i32>,
        encoding: Encoding,
        locale: String,
    ) -> Self {
        let lines = (0..ws.len()).map(|_| OnceLock::new()).collect();
        Self {
            cx: Context::reusing(ws, today, resolutions),
            cache,
            files,
            versions,
            encoding,
            locale,
            docs_base: String::from(crate::diagnostic::DEFAULT_DOCS_URL),
            lines,
            diagnostics: Mutex::new(HashMap::new()),
            result_ids: Mutex::new(HashMap::new()),
        }
    }

    /// The snapshot with diagnostics linking the code pages under `base`.
    pub fn with_docs_base(mut self, base: &str) -> Self {
        self.docs_base = base.to_owned();
        self
    }

    pub fn uri(&self, file: FileId) -> Option<&Uri> {
        self.files.uri(file)
    }

    /// The file `uri` names, when the workspace holds it. Runs on request threads, so that a
    /// spelling of a URI not seen before may resolve its links here.
    pub fn file(&self, uri: &Uri) -> Option<FileId> {
        let file = self.files.lookup(uri)?;
        let held = (file.0 as usize) < self.cx.ws.len() && !self.cx.ws.file(file).removed;
        held.then_some(file)
    }

    fn lines(&self, file: FileId) -> &LineIndex {
        self.lines[file.0 as usize].get_or_init(|| LineIndex::new(&self.cx.ws.file(file).text))
    }

    /// The byte offset of an LSP position in `file`, clamped into the text.
    pub fn offset(&self, file: FileId, position: lsp::Position) -> usize {
        let text = &self.cx.ws.file(file).text;
        self.lines(file)
            .offset(text, position.line, position.character, self.encoding)
    }

    pub fn position(&self, file: FileId, offset: usize) -> lsp::Position {
        let text = &self.cx.ws.file(file).text;
        let (line, character) = self.lines(file).position(text, offset, self.encoding);
        lsp::Position { line, character }
    }

    pub fn range(&self, file: FileId, range: TextRange) -> lsp::Range {
        lsp::Range {
            start: self.position(file, range.start),
            end: self.position(file, range.end),
        }
    }

    pub fn location(&self, file: FileId, range: TextRange) -> Option<lsp::Location> {
        Some(lsp::Location {
            uri: self.uri(file)?.clone(),
            range: self.range(file, range),
        })
    }

    /// The file's diagnostics, computed once per snapshot.
    pub fn diagnostics(&self, file: FileId) -> Arc<Vec<Diagnostic>> {
        if let Some(done) = self.diagnostics.lock().expect("not poisoned").get(&file) {
            return done.clone();
        }
        let computed = Arc::new(self.cx.check_file_cached(file, &self.cache));
        self.diagnostics
            .lock()
            .expect("not poisoned")
            .insert(file, computed.clone());
        computed
    }

    /// The result id of the file's pulled report, `compute`d once per snapshot.
    pub fn result_id(&self, file: FileId, compute: impl FnOnce() -> String) -> String {
        if let Some(done) = self.result_ids.lock().expect("not poisoned").get(&file) {
            return done.clone();
        }
        let id = compute();
        self.result_ids.lock().expect("not poisoned").insert(file, id.clone());
        id
    }
}
