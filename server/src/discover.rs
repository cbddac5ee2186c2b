//! Finding policy and manifest files on disk, for the command line (the paths given) and the
//! language server (the workspace folders). The engine itself reads no files.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::workspace::{FileKind, MAX_FILE_BYTES};

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
    /// What the walk passed over, one line each: links that lead back to a folder already read
    /// (a loop), links that lead nowhere or into a loop, policy or manifest names on something
    /// other than a regular file (a FIFO, a socket, a device).
    pub passed_over: Vec<String>,
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
            Ok(meta) => match FileKind::of_path(&root.to_string_lossy()) {
                Some(_) if !meta.is_file() => found
                    .errors
                    .push(format!("cannot read `{}`: not a regular file", root.display())),
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
        let canonical = match std::fs::canonicalize(&dir) {
            Ok(canonical) => canonical,
            Err(e) => {
                found.passed_over.push(format!("`{}`: {e}", dir.display()));
                continue;
            }
        };
        // A symlink loop leads back to a folder already seen.
        if !seen_dirs.insert(canonical.clone()) {
            let line = format!("`{}`: leads to `{}`, already read", dir.display(), canonical.display());
            found.passed_over.push(line);
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
            let kind = FileKind::of_path(&name);
            // Through links: `metadata` fails for one that leads nowhere or into a loop.
            match std::fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => {
                    if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_str()) {
                        subdirs.push(path);
                    }
                }
                Ok(meta) => match kind {
                    Some(kind) if meta.is_file() => found.files.push((path, kind)),
                    Some(_) => found
                        .passed_over
                        .push(format!("`{}`: not a regular file", path.display())),
                    None => {}
                },
                Err(e) if kind.is_some() => found.passed_over.push(format!("`{}`: {e}", path.display())),
                Err(_) => {}
            }
        }
        stack.extend(subdirs.into_iter().rev());
    }
}

/// Reads a policy or manifest from disk: only a regular file (a FIFO or a device such as
/// `/dev/zero` would block or never end) and only up to [`MAX_FILE_BYTES`] (a sparse file can
/// claim gigabytes).
pub fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    let limit = format!("the {} MiB limit for a policy or manifest", MAX_FILE_BYTES >> 20);
    // Checked before opening: opening a FIFO blocks until something writes to it.
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(std::io::Error::other(format!("{} bytes, over {limit}", meta.len())));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(std::io::Error::other(format!("grew past {limit} while read")));
    }
    Ok(bytes)
}
