//! Finding policy and manifest files on disk, for the command line (the paths given) and the
//! language server (the workspace folders). The engine itself reads no files.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::workspace::FileKind;

/// Folders never worth descending into.
const SKIPPED_DIRS: &[&str] = &["node_modules", "target"];

#[derive(Debug, Default)]
pub struct Found {
    /// Each file with the path to show for it: the path given joined with the path below it.
    pub files: Vec<(PathBuf, FileKind)>,
    /// Problems that make the input unreadable (exit status 2), one line each.
    pub errors: Vec<String>,
    /// Files named directly that are neither policies nor manifests.
    pub skipped: Vec<PathBuf>,
}

/// Every policy and manifest at or under `roots`, in a stable order. Hidden folders and
/// `node_modules`/`target` are skipped; symlinked folders are followed once.
pub fn discover(roots: &[PathBuf]) -> Found {
    let mut found = Found::default();
    let mut seen_dirs = HashSet::new();
    for root in roots {
        match std::fs::metadata(root) {
            Err(e) => found.errors.push(format!("cannot read `{}`: {e}", root.display())),
            Ok(meta) if meta.is_dir() => walk(root, &mut seen_dirs, &mut found),
            Ok(_) => match FileKind::of_path(&root.to_string_lossy()) {
                Some(kind) => found.files.push((root.clone(), kind)),
                None => found.skipped.push(root.clone()),
            },
        }
    }
    let mut unique = HashSet::new();
    found.files.retain(|(p, _)| unique.insert(p.clone()));
    found
}

/// Iterative walk, so that deep trees cannot overflow the stack.
fn walk(root: &Path, seen_dirs: &mut HashSet<PathBuf>, found: &mut Found) {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        // A symlink loop leads back to a folder already seen.
        let Ok(canonical) = std::fs::canonicalize(&dir) else {
            continue;
        };
        if !seen_dirs.insert(canonical) {
            continue;
        }
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                found
                    .errors
                    .push(format!("cannot read folder `{}`: {e}", dir.display()));
                continue;
            }
        };
        let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        children.sort();
        let mut subdirs = Vec::new();
        for path in children {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if path.is_dir() {
                if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_str()) {
                    subdirs.push(path);
                }
            } else if let Some(kind) = FileKind::of_path(&name) {
                found.files.push((path, kind));
            }
        }
        stack.extend(subdirs.into_iter().rev());
    }
}
