//! Reading the files a command works on into a [`Workspace`], with the bundled policies.

use std::path::PathBuf;

use crate::diagnostic::FileId;
use crate::discover::{discover, read_file};
use crate::text::decode;
use crate::workspace::{FileKind, Workspace};

pub struct Loaded {
    pub ws: Workspace,
    /// The files found under the paths given (not the bundled ones, nor `--policy-path`).
    pub reported: Vec<FileId>,
    /// Unreadable input, one line each.
    pub errors: Vec<String>,
}

/// Loads every policy and manifest under `paths`, then the policies under `policy_paths`.
pub fn load(paths: &[PathBuf], policy_paths: &[PathBuf]) -> Loaded {
    let mut ws = Workspace::with_bundled();
    let found = discover(paths);
    for path in &found.skipped {
        eprintln!(
            "charter: skipping `{}`: not a policy (*.policy.yaml) or manifest (*.usecases.yaml)",
            path.display()
        );
    }
    let extra = discover(policy_paths);
    for line in found.passed_over.iter().chain(&extra.passed_over) {
        eprintln!("charter: skipping {line}");
    }
    let mut errors = found.errors;
    let reported = read_into(&mut ws, found.files, &mut errors);
    errors.extend(extra.errors);
    let policies = extra
        .files
        .into_iter()
        .filter(|(_, kind)| *kind == FileKind::Policy)
        .collect();
    read_into(&mut ws, policies, &mut errors);
    Loaded { ws, reported, errors }
}

fn read_into(ws: &mut Workspace, files: Vec<(PathBuf, FileKind)>, errors: &mut Vec<String>) -> Vec<FileId> {
    let mut texts = Vec::with_capacity(files.len());
    let mut not_utf8 = Vec::new();
    for (path, kind) in files {
        match read_file(&path) {
            Ok(bytes) => {
                let (text, invalid) = decode(&bytes);
                if let Some(invalid) = invalid {
                    not_utf8.push((texts.len(), invalid));
                }
                texts.push((path.display().to_string(), text.into_owned(), kind));
            }
            Err(e) => errors.push(format!("cannot read `{}`: {e}", path.display())),
        }
    }
    let ids = ws.add_all(texts);
    for (i, invalid) in not_utf8 {
        ws.report_invalid_utf8(ids[i], invalid);
    }
    ids
}
