//! Diagnostics per file: the engine's one entry point for both front ends.
//!
//! A [`Context`] resolves every policy of a [`Workspace`] once; [`Context::check_file`] then
//! gives a file's diagnostics: its own syntax and structure, its references, and the verdicts
//! and findings of §3, with `charter-ignore` comments applied.

mod describe;
mod manifest;
mod policy;
mod suppress;

pub use describe::{Describe, section_text};
pub use manifest::{ResolvedUseCase, governing_policy, resolve_use_case, summarize, verdicts};
pub use suppress::apply_suppressions;

use std::collections::HashMap;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, FileId};
use crate::model::{Date, PolicyRef};
use crate::resolve::{ChainError, ResolvedPolicy, resolve_policy};
use crate::workspace::{Registry, Resolved, Workspace};

/// One policy's resolution and the diagnostics resolving it gave its file.
#[derive(Debug)]
pub struct Resolution {
    pub policy: Result<ResolvedPolicy, ChainError>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A workspace with every policy resolved, as of `today`. It owns its (cheaply cloned)
/// workspace, so a language server can keep one per snapshot.
pub struct Context {
    pub ws: Arc<Workspace>,
    pub registry: Registry,
    pub today: Date,
    policies: HashMap<FileId, Resolution>,
}

/// The bundled policy a manifest without `policy:` uses.
pub const DEFAULT_POLICY: &str = "anthropic-usage";

impl Context {
    pub fn new(ws: impl Into<Arc<Workspace>>, today: Date) -> Self {
        let ws: Arc<Workspace> = ws.into();
        let registry = Registry::build(&ws);
        let policies = ws
            .ids()
            .filter(|&f| ws.file(f).policy().is_some())
            .map(|f| {
                let (policy, diagnostics) = resolve_policy(&ws, &registry, f, today);
                (f, Resolution { policy, diagnostics })
            })
            .collect();
        Self {
            ws,
            registry,
            today,
            policies,
        }
    }

    /// The resolved policy defined by `file`, if its chain resolves.
    pub fn policy(&self, file: FileId) -> Option<&ResolvedPolicy> {
        self.policies.get(&file)?.policy.as_ref().ok()
    }

    /// What a manifest's `policy:` (or its absence) resolves to.
    pub fn resolve_reference(&self, reference: Option<&PolicyRef>) -> Resolved {
        let default = PolicyRef {
            id: DEFAULT_POLICY.to_owned(),
            version: None,
        };
        self.registry.resolve(reference.unwrap_or(&default), self.today)
    }

    /// Every diagnostic of one file, suppressions applied, sorted by position.
    pub fn check_file(&self, file: FileId) -> Vec<Diagnostic> {
        let source = self.ws.file(file);
        let mut diagnostics = source.diagnostics.clone();
        if source.policy().is_some() {
            policy::check(self, file, &mut diagnostics);
        } else {
            manifest::check(self, file, &mut diagnostics);
        }
        let mut diagnostics = apply_suppressions(&source.text, diagnostics);
        diagnostics.sort_by_key(|a| (a.range.start, a.range.end, a.code));
        diagnostics.dedup();
        diagnostics
    }

    /// Checks many files, on every core.
    pub fn check_files(&self, files: &[FileId]) -> Vec<Vec<Diagnostic>> {
        crate::workspace::parallel_map(files.to_vec(), |_, f| self.check_file(f))
    }

    pub(crate) fn resolution(&self, file: FileId) -> Option<&Resolution> {
        self.policies.get(&file)
    }
}
