//! Which file is policy `id@version`: workspace policies first, bundled ones behind them.

use std::collections::HashMap;

use super::Workspace;
use crate::diagnostic::FileId;
use crate::model::{Date, PolicyRef};

#[derive(Debug, Default)]
pub struct Registry {
    /// Per policy id, its versions ascending, each with the file that defines it.
    versions: HashMap<String, Vec<(Date, FileId)>>,
    /// Workspace files that replace a bundled policy: (workspace file, bundled file).
    pub replaced: Vec<(FileId, FileId)>,
    /// Files declaring an `id@version` another file already declares: (second, first).
    pub duplicates: Vec<(FileId, FileId)>,
}

/// What a policy reference resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Found(FileId),
    /// No policy has this id.
    UnknownId,
    /// The id is known but not at this version.
    UnknownVersion {
        known: Vec<Date>,
    },
    /// A bare id whose every version takes effect after `today`.
    NotYetInEffect {
        earliest: Date,
    },
}

impl Registry {
    pub fn build(ws: &Workspace) -> Self {
        let mut registry = Registry::default();
        // Workspace files before bundled ones, so that the former win.
        let mut files: Vec<FileId> = ws.ids().collect();
        files.sort_by_key(|&f| ws.file(f).bundled);
        for file in files {
            let Some(doc) = ws.file(file).policy() else { continue };
            let (Some(id), Some(version)) = (&doc.id, &doc.version) else {
                continue;
            };
            let versions = registry.versions.entry(id.value.to_string()).or_default();
            match versions.iter().find(|(d, _)| *d == version.value) {
                Some(&(_, first)) if ws.file(file).bundled && !ws.file(first).bundled => {
                    registry.replaced.push((first, file));
                }
                Some(&(_, first)) => registry.duplicates.push((file, first)),
                None => versions.push((version.value, file)),
            }
        }
        for versions in registry.versions.values_mut() {
            versions.sort();
        }
        registry
    }

    pub fn resolve(&self, reference: &PolicyRef, today: Date) -> Resolved {
        let Some(versions) = self.versions.get(&reference.id) else {
            return Resolved::UnknownId;
        };
        match reference.version {
            Some(version) => match versions.iter().find(|(d, _)| *d == version) {
                Some(&(_, file)) => Resolved::Found(file),
                None => Resolved::UnknownVersion {
                    known: versions.iter().map(|(d, _)| *d).collect(),
                },
            },
            None => match self.newest_in_effect(&reference.id, today) {
                Some((_, file)) => Resolved::Found(file),
                None => Resolved::NotYetInEffect {
                    earliest: versions[0].0,
                },
            },
        }
    }

    /// The newest version of `id` whose date has come.
    pub fn newest_in_effect(&self, id: &str, today: Date) -> Option<(Date, FileId)> {
        self.versions.get(id)?.iter().rev().find(|(d, _)| *d <= today).copied()
    }

    /// Every known `id@version`, for suggestions and completion.
    pub fn references(&self) -> impl Iterator<Item = (String, Date, FileId)> + '_ {
        self.versions
            .iter()
            .flat_map(|(id, versions)| versions.iter().map(move |&(d, f)| (id.clone(), d, f)))
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.versions.keys().map(String::as_str)
    }
}
