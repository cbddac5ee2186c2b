//! The set of files the engine judges together: their text, their kind, and each one parsed
//! once into a tree and a document. Bundled policies are files like any other, marked as such.

mod bundled;
mod registry;

pub use bundled::{BUNDLED_PREFIX, bundled_files};
pub use registry::{Registry, Resolved};

use crate::diagnostic::{Diagnostic, FileId};
use crate::model::{ManifestDoc, PolicyDoc, lower_manifest, lower_policy};
use crate::syntax::{Limits, Tree, parse};

/// What a file is, by its name (SPEC §1): every other file is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    Policy,
    Manifest,
}

impl FileKind {
    pub fn of_path(path: &str) -> Option<FileKind> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let stem = name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".yml"))?;
        if stem.len() > ".policy".len() && stem.ends_with(".policy") {
            Some(FileKind::Policy)
        } else if stem.len() > ".usecases".len() && stem.ends_with(".usecases") {
            Some(FileKind::Manifest)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone)]
pub enum Document {
    Policy(PolicyDoc),
    Manifest(ManifestDoc),
}

/// One file, parsed: the stages that need nothing but its own text.
#[derive(Debug)]
pub struct SourceFile {
    /// As the front end names it: a path as given on the command line, a URI, or
    /// `<bundled>/…` for the policies compiled in.
    pub path: String,
    pub text: String,
    pub kind: FileKind,
    pub bundled: bool,
    pub tree: Tree,
    pub doc: Document,
    /// `yaml-syntax` and the structural diagnostics of lowering.
    pub diagnostics: Vec<Diagnostic>,
}

impl SourceFile {
    pub fn parse(id: FileId, path: String, text: String, kind: FileKind, bundled: bool) -> Self {
        let parsed = parse(&text, &Limits::default());
        let mut diagnostics = parsed.diagnostics;
        let doc = match kind {
            FileKind::Policy => Document::Policy(lower_policy(&parsed.tree, id, &mut diagnostics)),
            FileKind::Manifest => Document::Manifest(lower_manifest(&parsed.tree, id, &mut diagnostics)),
        };
        Self {
            path,
            text,
            kind,
            bundled,
            tree: parsed.tree,
            doc,
            diagnostics,
        }
    }

    pub fn policy(&self) -> Option<&PolicyDoc> {
        match &self.doc {
            Document::Policy(doc) => Some(doc),
            Document::Manifest(_) => None,
        }
    }

    pub fn manifest(&self) -> Option<&ManifestDoc> {
        match &self.doc {
            Document::Manifest(doc) => Some(doc),
            Document::Policy(_) => None,
        }
    }
}

/// The files judged together. A `FileId` is an index into it.
#[derive(Debug, Default)]
pub struct Workspace {
    files: Vec<SourceFile>,
}

impl Workspace {
    /// A workspace holding the bundled policies and nothing else.
    pub fn with_bundled() -> Self {
        let mut ws = Workspace::default();
        for (path, text) in bundled_files() {
            ws.add(path, text.to_owned(), FileKind::Policy, true);
        }
        ws
    }

    /// Parses and adds a file; the kind is the caller's (usually [`FileKind::of_path`]).
    pub fn add(&mut self, path: String, text: String, kind: FileKind, bundled: bool) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile::parse(id, path, text, kind, bundled));
        id
    }

    /// Adds many files, parsing them on every core.
    pub fn add_all(&mut self, files: Vec<(String, String, FileKind)>) -> Vec<FileId> {
        let first = self.files.len();
        let parsed = parallel_map(files, |i, (path, text, kind)| {
            SourceFile::parse(FileId((first + i) as u32), path, text, kind, false)
        });
        self.files.extend(parsed);
        (first..self.files.len()).map(|i| FileId(i as u32)).collect()
    }

    /// Replaces a file's text (and so its tree and document).
    pub fn set_text(&mut self, id: FileId, text: String) {
        let old = &self.files[id.0 as usize];
        let (path, kind, bundled) = (old.path.clone(), old.kind, old.bundled);
        self.files[id.0 as usize] = SourceFile::parse(id, path, text, kind, bundled);
    }

    /// Adds a diagnostic found before parsing (text that was not valid UTF-8).
    pub fn push_diagnostic(&mut self, id: FileId, diagnostic: Diagnostic) {
        self.files[id.0 as usize].diagnostics.insert(0, diagnostic);
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn ids(&self) -> impl Iterator<Item = FileId> + '_ {
        (0..self.files.len() as u32).map(FileId)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Maps `f` over `items` on up to every available core, keeping the order.
pub fn parallel_map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(usize, T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len().max(1));
    if threads <= 1 {
        return items.into_iter().enumerate().map(|(i, t)| f(i, t)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let mut chunks: Vec<Vec<(usize, T)>> = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        if i % chunk == 0 {
            chunks.push(Vec::with_capacity(chunk));
        }
        chunks.last_mut().expect("pushed above").push((i, item));
    }
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || chunk.into_iter().map(|(i, t)| f(i, t)).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker panicked"))
            .collect()
    })
}
