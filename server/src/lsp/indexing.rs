//! Files from disk, in the background: the workspace index, watched-file changes and the disk
//! version of a closed document. Each is read, resolved to its identity and parsed on blocking
//! threads; the session only takes the parsed files (see [`super::state`]).

use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::ls_types::Uri;

use super::files::key_of;
use super::session::Disk;
use super::state::State;
use crate::diagnostic::FileId;
use crate::workspace::{SourceFile, parallel_map};

/// A file as read: its URI, its identity, and its text (`None`: gone or unreadable).
pub type Read = (Uri, String, Option<String>);

/// Reads `uris` from disk (a blocking call).
pub fn read_uris(uris: Vec<Uri>) -> Vec<Read> {
    uris.into_iter()
        .map(|uri| {
            let key = key_of(&uri);
            let path = uri.to_file_path();
            let ours = path.filter(|p| crate::workspace::FileKind::of_path(&p.to_string_lossy()).is_some());
            let text = ours.and_then(|path| match crate::discover::read_file(&path) {
                Ok(bytes) => Some(crate::text::decode_owned(bytes).0),
                Err(e) => {
                    eprintln!("charter: skipping `{}`: {e}", path.display());
                    None
                }
            });
            (uri, key, text)
        })
        .collect()
}

/// Every policy and manifest under the roots (all kinds) and the extra folders (policies),
/// read from disk (a blocking call); unreadable files and folders are skipped with a log line.
pub fn read_tree(roots: &[PathBuf], extra: &[PathBuf]) -> Vec<Read> {
    let found = crate::discover::discover(roots);
    let policies = crate::discover::discover(extra);
    for error in found.errors.iter().chain(&policies.errors) {
        eprintln!("charter: skipping: {error}");
    }
    for line in found.passed_over.iter().chain(&policies.passed_over) {
        eprintln!("charter: skipping {line}");
    }
    let files = found.files.into_iter().chain(
        policies
            .files
            .into_iter()
            .filter(|(_, kind)| *kind == crate::workspace::FileKind::Policy),
    );
    files
        .filter_map(|(path, _)| {
            let read = std::fs::canonicalize(&path)
                .and_then(|absolute| Ok((crate::discover::read_file(&absolute)?, absolute)));
            match read {
                Ok((bytes, absolute)) => {
                    let uri = Uri::from_file_path(&absolute)?;
                    let text = crate::text::decode_owned(bytes).0;
                    Some((uri, absolute.to_string_lossy().into_owned(), Some(text)))
                }
                Err(e) => {
                    eprintln!("charter: skipping `{}`: {e}", path.display());
                    None
                }
            }
        })
        .collect()
}

/// Gives the files read an id (under the session lock, briefly), parses them on blocking
/// threads, and hands them to the session; `epoch`: the indexing they belong to, if any.
pub async fn load(state: &Arc<State>, read: Vec<Read>, epoch: Option<u64>) {
    let keys: Vec<(Uri, String)> = read.iter().map(|(uri, key, _)| (uri.clone(), key.clone())).collect();
    let ids = state.session().intern_all(&keys);
    let files = state.session().files();
    let jobs: Vec<(FileId, Option<String>)> = ids
        .into_iter()
        .zip(read)
        .filter_map(|(id, (_, _, text))| Some((id?, text)))
        .collect();
    let parsed = tokio::task::spawn_blocking(move || {
        parallel_map(jobs, |_, (id, text)| -> (FileId, Disk) {
            let entry = files.entry(id);
            // Files from disk are not open (the session keeps an open document's text over
            // the disk's): their trees go, see `SourceFile::tree`.
            let parsed = text.map(|text| {
                let file = SourceFile::parse(id, entry.path(), text, entry.kind, false);
                Arc::new(file.without_tree())
            });
            (id, parsed)
        })
    })
    .await
    .unwrap_or_default();
    state.session().install(parsed, epoch);
}
