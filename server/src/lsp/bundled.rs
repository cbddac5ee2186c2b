//! The bundled policies written out to a cache folder, so that "go to definition" into them
//! opens a real file. Nothing else is ever written.

use std::path::PathBuf;

use crate::workspace::{BUNDLED_PREFIX, bundled_files};

/// `$XDG_CACHE_HOME/charter/<version>/bundled`, else `~/.cache/…`, else the temp folder.
fn cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("charter").join(env!("CARGO_PKG_VERSION")).join("bundled")
}

/// Writes every bundled policy (unless already there, unchanged) and returns the folder;
/// `None`, with a log line, when it cannot be written.
pub fn write_cache() -> Option<PathBuf> {
    let dir = cache_dir();
    for (path, text) in bundled_files() {
        let name = path.strip_prefix(BUNDLED_PREFIX).unwrap_or(&path);
        let target = dir.join(name);
        if std::fs::read_to_string(&target).is_ok_and(|t| t == text) {
            continue;
        }
        let written = target
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&target, text));
        if let Err(e) = written {
            eprintln!("charter: cannot write the bundled policies to {}: {e}", dir.display());
            return None;
        }
    }
    Some(dir)
}
