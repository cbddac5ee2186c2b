//! The set of files the engine judges together: their text, their kind, and each one parsed
//! once into a tree and a document. Bundled policies are files like any other, marked as such.

mod bundled;
mod registry;
mod reparse;

pub use bundled::{BUNDLED_PREFIX, bundled_files};
pub use registry::{Registry, Resolved};

use std::sync::{Arc, OnceLock};

use crate::diagnostic::{Code, Diagnostic, FileId};
use crate::model::{ManifestDoc, PolicyDoc, lower_manifest, lower_policy};
use crate::syntax::{Limits, Tree, parse};
use crate::text::{InvalidUtf8, Splice, TextRange};

/// Files larger than this are not parsed (one `yaml-syntax` error says so): a real policy or
/// manifest is well under a megabyte, while 50 MB of YAML takes ~1 GB and, in a debug build, a
/// minute to check.
pub const MAX_FILE_BYTES: usize = 16 << 20;

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
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// As the front end names it: a path as given on the command line, a URI, or
    /// `<bundled>/…` for the policies compiled in.
    pub path: String,
    pub text: String,
    pub kind: FileKind,
    pub bundled: bool,
    /// Deleted: kept only so that its id stays valid.
    pub removed: bool,
    /// The YAML tree, which only the editor's features on an open document read (completion,
    /// the outline, a partial re-parse). A file indexed from disk drops it once lowered, as it
    /// is bigger than text and document together (a 100,000-line manifest: 12.4 MiB against
    /// 7.5, `cargo bench --bench memory`); [`tree`](Self::tree) parses it again when asked.
    tree: OnceLock<Tree>,
    pub doc: Document,
    /// `yaml-syntax` and the structural diagnostics of lowering.
    pub diagnostics: Vec<Diagnostic>,
    /// How many items of `use-cases` write each id, for `reparse`; built on its first use.
    item_ids: OnceLock<reparse::ItemIds>,
}

impl SourceFile {
    pub fn parse(id: FileId, path: String, text: String, kind: FileKind, bundled: bool) -> Self {
        if text.len() > MAX_FILE_BYTES {
            return Self::too_large(id, path, text, kind, bundled);
        }
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
            removed: false,
            tree: OnceLock::from(parsed.tree),
            doc,
            diagnostics,
            item_ids: OnceLock::new(),
        }
    }

    /// The file without its tree, as the workspace keeps a file that is not open: the text,
    /// the document and the diagnostics are what checking and the cross-file features read.
    pub fn without_tree(mut self) -> Self {
        self.tree = OnceLock::new();
        self
    }

    /// The YAML tree of the text, parsed again if it was dropped (and kept from then on, by
    /// every workspace sharing this file: a request on a file that is not open pays once).
    pub fn tree(&self) -> &Tree {
        self.tree.get_or_init(|| {
            // A file too large to parse has the empty tree it was given.
            if self.text.len() > MAX_FILE_BYTES {
                return Tree::default();
            }
            parse(&self.text, &Limits::default()).tree
        })
    }

    /// A file over [`MAX_FILE_BYTES`], left unparsed: an empty document and one `yaml-syntax`
    /// error at its start.
    fn too_large(id: FileId, path: String, text: String, kind: FileKind, bundled: bool) -> Self {
        let mut file = Self::parse(id, path, String::new(), kind, bundled);
        let message = format!(
            "file is {} bytes, over the {} MiB limit for a policy or manifest, so it is not checked; split it into smaller files",
            text.len(),
            MAX_FILE_BYTES >> 20
        );
        file.diagnostics = vec![Diagnostic::new(Code::YamlSyntax, TextRange::empty(0), message)];
        file.text = text;
        file
    }

    /// A file the workspace does not hold (yet): it keeps an id given out for it valid.
    pub fn absent(id: FileId, path: String, kind: FileKind) -> Self {
        let mut file = Self::parse(id, path, String::new(), kind, false);
        file.removed = true;
        file.diagnostics.clear();
        file
    }

    /// Whether the YAML parsed without error (structure may still be wrong).
    pub fn is_well_formed(&self) -> bool {
        !self.diagnostics.iter().any(|d| d.code == Code::YamlSyntax)
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

/// The error for a file whose bytes were not UTF-8, at the first character that replaced them.
pub(crate) fn invalid_utf8(invalid: InvalidUtf8) -> Diagnostic {
    let hint = if invalid.looks_like_utf16 {
        " (it looks like UTF-16)"
    } else {
        ""
    };
    let message = format!("file is not valid UTF-8 at byte {}{hint}; save it as UTF-8", invalid.at);
    Diagnostic::new(Code::YamlSyntax, invalid.range(), message)
}

/// The files judged together. A `FileId` is an index into it. Cloning is cheap (files are
/// shared), so an editor can keep a snapshot per version and change a copy.
#[derive(Debug, Default, Clone)]
pub struct Workspace {
    files: Vec<Arc<SourceFile>>,
    /// Per file, its newest parse without a `yaml-syntax` error, for completion while the
    /// current text is half-typed.
    last_good: Vec<Option<Arc<SourceFile>>>,
}

impl Workspace {
    /// A workspace holding the bundled policies and nothing else.
    pub fn with_bundled() -> Self {
        // The bundled texts are constants, so they are parsed once per process: the language
        // server starts two sessions, the tests and the fuzz targets thousands (it was half of
        // the `engine` fuzz target's time).
        static BUNDLED: std::sync::OnceLock<Workspace> = std::sync::OnceLock::new();
        BUNDLED
            .get_or_init(|| {
                let mut ws = Workspace::default();
                for (path, text) in bundled_files() {
                    ws.add(path, text.to_owned(), FileKind::Policy, true);
                }
                ws
            })
            .clone()
    }

    /// Parses and adds a file; the kind is the caller's (usually [`FileKind::of_path`]).
    pub fn add(&mut self, path: String, text: String, kind: FileKind, bundled: bool) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.push(SourceFile::parse(id, path, text, kind, bundled));
        id
    }

    /// Adds many files, parsing them on every core.
    pub fn add_all(&mut self, files: Vec<(String, String, FileKind)>) -> Vec<FileId> {
        let first = self.files.len();
        let parsed = parallel_map(files, |i, (path, text, kind)| {
            SourceFile::parse(FileId((first + i) as u32), path, text, kind, false)
        });
        for file in parsed {
            self.push(file);
        }
        (first..self.files.len()).map(|i| FileId(i as u32)).collect()
    }

    fn push(&mut self, file: SourceFile) {
        let file = Arc::new(file);
        self.last_good.push(file.is_well_formed().then(|| file.clone()));
        self.files.push(file);
    }

    /// Puts a file parsed elsewhere (with this `id`) in its place; ids between the last one
    /// and `id` are filled with `absent` files. Its last good parse becomes the file itself
    /// or none: an older one would be a second copy of a file nobody is typing in (that is
    /// what [`set_text`](Self::set_text) and [`splice_text`](Self::splice_text) keep one for).
    pub fn put(&mut self, id: FileId, file: Arc<SourceFile>, absent: impl Fn(FileId) -> SourceFile) {
        let slot = id.0 as usize;
        while self.files.len() < slot {
            self.push(absent(FileId(self.files.len() as u32)));
        }
        let good = file.is_well_formed().then(|| file.clone());
        if slot == self.files.len() {
            self.files.push(file);
            self.last_good.push(good);
        } else {
            self.files[slot] = file;
            self.last_good[slot] = good;
        }
    }

    /// Replaces a file's text (and so its tree and document).
    pub fn set_text(&mut self, id: FileId, text: String) {
        let old = self.file(id);
        let (path, kind, bundled) = (old.path.clone(), old.kind, old.bundled);
        let file = Arc::new(SourceFile::parse(id, path, text, kind, bundled));
        if file.is_well_formed() {
            self.last_good[id.0 as usize] = Some(file.clone());
        }
        self.files[id.0 as usize] = file;
    }

    /// Replaces a file's text after an edit that `splice` describes: a manifest whose edit
    /// stays inside its use cases re-parses only those (see `reparse`); anything else is
    /// parsed whole.
    pub fn splice_text(&mut self, id: FileId, text: String, splice: Splice) {
        let slot = id.0 as usize;
        let Some(plan) = reparse::plan(&self.files[slot], &text, splice) else {
            return self.set_text(id, text);
        };
        // A plan needs a well-formed file, which `last_good` is then a second reference to:
        // dropped, the file is changed in place rather than copied (a copy of a 100,000-line
        // manifest cost more than the rest of the edit).
        self.last_good[slot] = None;
        reparse::apply(Arc::make_mut(&mut self.files[slot]), id, text, plan);
        self.last_good[slot] = Some(self.files[slot].clone());
    }

    /// Reports that the file's bytes were not UTF-8 ([`crate::text::decode`] replaced them):
    /// a `yaml-syntax` error at the first replacement, before the file's other diagnostics.
    pub fn report_invalid_utf8(&mut self, id: FileId, invalid: InvalidUtf8) {
        Arc::make_mut(&mut self.files[id.0 as usize])
            .diagnostics
            .insert(0, invalid_utf8(invalid));
    }

    /// The file's newest version that parsed without a YAML syntax error, if any.
    pub fn last_good(&self, id: FileId) -> Option<&SourceFile> {
        self.last_good[id.0 as usize].as_deref()
    }

    /// Takes a file out of the workspace (deleted on disk): it keeps its id, but is empty and
    /// no longer listed by [`ids`](Self::ids).
    pub fn remove(&mut self, id: FileId) {
        let old = self.file(id);
        let gone = SourceFile::absent(id, old.path.clone(), old.kind);
        self.files[id.0 as usize] = Arc::new(gone);
        self.last_good[id.0 as usize] = None;
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The file as shared between workspaces: two workspaces hold the same parse of a file
    /// when these are the same `Arc`.
    pub fn shared(&self, id: FileId) -> &Arc<SourceFile> {
        &self.files[id.0 as usize]
    }

    /// Every file's id, removed files left out.
    pub fn ids(&self) -> impl Iterator<Item = FileId> + '_ {
        (0..self.files.len() as u32)
            .map(FileId)
            .filter(|f| !self.file(*f).removed)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_that_are_not_utf8_are_a_syntax_error_at_the_first_replacement() {
        let mut ws = Workspace::default();
        for (bytes, message) in [
            (
                &b"manifest: caf\xe9\nuse-cases: []\n"[..],
                "file is not valid UTF-8 at byte 13; save it as UTF-8",
            ),
            (
                b"\xff\xfem\x00",
                "file is not valid UTF-8 at byte 0 (it looks like UTF-16); save it as UTF-8",
            ),
        ] {
            let (text, invalid) = crate::text::decode(bytes);
            let id = ws.add(
                String::from("x.usecases.yaml"),
                text.into_owned(),
                FileKind::Manifest,
                false,
            );
            ws.report_invalid_utf8(id, invalid.expect("not UTF-8"));
            let first = &ws.file(id).diagnostics[0];
            assert_eq!((first.code, first.message.as_str()), (Code::YamlSyntax, message));
            assert_eq!(&ws.file(id).text[first.range.start..first.range.end], "\u{FFFD}");
        }
    }
}
