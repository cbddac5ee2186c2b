//! Temporary folders the tests write workspaces into.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh folder under the system temp folder, removed on drop.
pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "charter-test-{tag}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).expect("create temp folder");
        // The server canonicalizes what it indexes; compare like with like.
        let path = std::fs::canonicalize(&path).expect("canonicalize temp folder");
        TempDir { path }
    }

    /// Writes `contents` at `rel` (creating folders) and returns the file's path.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(&path, contents).expect("write file");
        path
    }

    /// The `file://` URI of `rel` below the folder.
    pub fn uri(&self, rel: &str) -> String {
        file_uri(&self.path.join(rel))
    }

    pub fn root_uri(&self) -> String {
        file_uri(&self.path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A `file://` URI as VS Code writes it: every byte except `A-Za-z0-9-._~/` percent-encoded.
pub fn file_uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for &b in path.to_str().expect("UTF-8 path").as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
