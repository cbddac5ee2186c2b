//! Which file a URI names. A file gets its identity once, when a spelling of its URI is first
//! seen: `file:` URIs by their canonical path (links resolved, percent-encoding undone), so
//! that `/work/a.policy.yaml` and `/link/a.policy.yaml` are one file. Later lookups of a
//! spelling seen before are a hash lookup: no `canonicalize` per request, and a document keeps
//! its identity after its file (or the link it was opened through) is deleted.

use std::collections::HashMap;
use std::path::Path;

use tower_lsp_server::ls_types::Uri;

use crate::diagnostic::FileId;
use crate::workspace::FileKind;

#[derive(Debug, Clone)]
pub struct Entry {
    /// The URI to publish with: the client's spelling once it opened the file.
    pub uri: Option<Uri>,
    /// The identity of the file: its canonical path, or the URI when it is not a `file:` one.
    pub key: String,
    pub kind: FileKind,
    pub bundled: bool,
}

impl Entry {
    /// The file's path in the workspace: its URI.
    pub fn path(&self) -> String {
        self.uri
            .as_ref()
            .map_or_else(|| self.key.clone(), |u| u.as_str().to_owned())
    }
}

/// Every file the session knows, by id; cloned into each snapshot (behind an `Arc`).
#[derive(Debug, Clone, Default)]
pub struct Files {
    entries: Vec<Entry>,
    by_spelling: HashMap<String, FileId>,
    by_key: HashMap<String, FileId>,
}

impl Files {
    pub fn entry(&self, file: FileId) -> &Entry {
        &self.entries[file.0 as usize]
    }

    pub fn uri(&self, file: FileId) -> Option<&Uri> {
        self.entries.get(file.0 as usize)?.uri.as_ref()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The file of a spelling seen before.
    pub fn seen(&self, uri: &Uri) -> Option<FileId> {
        self.by_spelling.get(uri.as_str()).copied()
    }

    /// The file `uri` names: a spelling seen before, else by identity (this touches the disk
    /// to resolve links, so the session calls it only for spellings it has not seen).
    pub fn lookup(&self, uri: &Uri) -> Option<FileId> {
        self.seen(uri).or_else(|| self.by_key.get(&key_of(uri)).copied())
    }

    /// The file with identity `key`.
    pub fn by_key(&self, key: &str) -> Option<FileId> {
        self.by_key.get(key).copied()
    }

    /// Remembers `uri` as a spelling of `file`, and the URI to publish with when `publish`.
    pub fn alias(&mut self, uri: &Uri, file: FileId, publish: bool) {
        self.by_spelling.insert(uri.as_str().to_owned(), file);
        if publish {
            self.entries[file.0 as usize].uri = Some(uri.clone());
        }
    }

    /// The file for `uri`: the one its spelling was first resolved to, else the one with
    /// identity `key`, else a new one; `None` for files that are neither policies nor
    /// manifests.
    pub fn intern(&mut self, uri: &Uri, key: String) -> Option<FileId> {
        // A spelling keeps the identity it was first given, even once its link no longer
        // resolves (its file was deleted).
        if let Some(file) = self.seen(uri) {
            return Some(file);
        }
        if let Some(file) = self.by_key(&key) {
            self.by_spelling.insert(uri.as_str().to_owned(), file);
            return Some(file);
        }
        let kind = FileKind::of_path(uri.path().as_str())?;
        let file = self.push(Some(uri.clone()), key, kind, false);
        self.by_spelling.insert(uri.as_str().to_owned(), file);
        Some(file)
    }

    /// Adds a file under a new id (the bundled policies, in the workspace's order).
    pub fn push(&mut self, uri: Option<Uri>, key: String, kind: FileKind, bundled: bool) -> FileId {
        let file = FileId(self.entries.len() as u32);
        self.by_key.insert(key.clone(), file);
        self.entries.push(Entry {
            uri,
            key,
            kind,
            bundled,
        });
        file
    }

    /// The files whose identity lies under `folder` (a canonical path).
    pub fn under<'a>(&'a self, folder: &'a Path) -> impl Iterator<Item = FileId> + 'a {
        self.by_key
            .iter()
            .filter(move |(key, _)| Path::new(key.as_str()).starts_with(folder))
            .map(|(_, file)| *file)
    }
}

/// The identity of the file `uri` names: for `file:` URIs the canonical path (links resolved,
/// percent-encoding undone; the path as written when it cannot be resolved), else the URI.
pub fn key_of(uri: &Uri) -> String {
    match uri.to_file_path() {
        Some(path) => std::fs::canonicalize(&path)
            .unwrap_or_else(|_| path.into_owned())
            .to_string_lossy()
            .into_owned(),
        None => uri.as_str().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        s.parse().unwrap()
    }

    #[test]
    fn two_spellings_of_one_path_are_one_file() {
        let mut files = Files::default();
        let a = files.intern(&uri("file:///w/a.policy.yaml"), "/w/a.policy.yaml".into());
        let b = files.intern(&uri("file:///w/%61.policy.yaml"), "/w/a.policy.yaml".into());
        assert_eq!(a, b);
        assert_eq!(files.len(), 1);
        assert_eq!(files.seen(&uri("file:///w/%61.policy.yaml")), a);
    }

    #[test]
    fn a_spelling_keeps_its_identity_when_its_link_no_longer_resolves() {
        let mut files = Files::default();
        let link = uri("file:///link/bot.usecases.yaml");
        let first = files.intern(&link, "/real/bot.usecases.yaml".into());
        // Deleted: resolving the link now gives the path as written.
        let again = files.intern(&link, "/link/bot.usecases.yaml".into());
        assert_eq!(first, again);
        assert_eq!(files.len(), 1);
    }

    #[test]
    fn files_of_other_kinds_get_no_id() {
        let mut files = Files::default();
        assert_eq!(files.intern(&uri("file:///w/notes.yaml"), "/w/notes.yaml".into()), None);
        assert_eq!(files.len(), 0);
    }
}
