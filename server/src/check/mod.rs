//! Diagnostics per file: the engine's one entry point for both front ends.
//!
//! A [`Context`] resolves every policy of a [`Workspace`] once; [`Context::check_file`] then
//! gives a file's diagnostics: its own syntax and structure, its references, and the verdicts
//! and findings of §3, with `charter-ignore` comments applied.

mod alternatives;
mod cache;
mod describe;
mod manifest;
mod policy;
#[cfg(test)]
mod policy_edit_tests;
mod suppress;

pub use alternatives::{lifting, lifting_phrase};
pub use cache::CheckCache;
pub use describe::{Describe, section_text};
pub use manifest::{
    ResolvedUseCase, expectation, governing_policy, meets_expectation, resolve_use_case, summarize,
    superseded_reference, verdicts,
};
pub use suppress::{MARKER as SUPPRESSION_MARKER, apply_suppressions, suppression_coverage};

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use crate::diagnostic::{Diagnostic, FileId};
use crate::model::{Date, PolicyRef};
use crate::resolve::{ChainError, ResolvedPolicy, follow_chain, resolve_policy};
use crate::workspace::{Registry, Resolved, SourceFile, Workspace};

/// One policy's resolution and the diagnostics resolving it gave its file.
#[derive(Debug)]
pub struct Resolution {
    pub policy: Result<ResolvedPolicy, ChainError>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Every policy of a workspace resolved as of one day, with the policy files it was resolved
/// from: a later workspace with the very same policy files (an editor between two keystrokes
/// in a manifest) reuses it instead of resolving again. When some policy files changed (a
/// keystroke in a policy), the policies whose chains hold none of them are reused one by one,
/// and the others are resolved again, each starting its findings from its earlier analysis.
#[derive(Debug)]
pub struct Resolutions {
    today: Date,
    /// By file id, ascending. Weak, so that an edit to a policy no snapshot holds any more
    /// changes its file in place instead of copying it (a 10,000-rule policy's tree cost more
    /// to copy and drop than the rest of the edit); still an identity, as the allocation
    /// stays while a weak pointer holds it, and an edit in place moves the file out of it.
    sources: Vec<(FileId, Weak<SourceFile>)>,
    by_file: HashMap<FileId, Arc<Resolution>>,
    /// Distinguishes resolutions made at different times, for caches of results that depend
    /// on them.
    serial: u64,
}

impl Resolutions {
    fn build(ws: &Workspace, registry: &Registry, today: Date, previous: Option<&Resolutions>) -> Self {
        static SERIAL: AtomicU64 = AtomicU64::new(1);
        let sources = policy_sources(ws);
        let by_file = sources
            .iter()
            .map(|&(f, _)| {
                let earlier = previous.and_then(|p| Some((p, p.by_file.get(&f)?)));
                if let Some((_, kept)) = earlier.filter(|(p, r)| p.still_fits(ws, registry, today, f, r)) {
                    return (f, kept.clone());
                }
                let analysis = earlier.and_then(|(_, r)| Some(&r.policy.as_ref().ok()?.analysis));
                let (policy, diagnostics) = resolve_policy(ws, registry, f, today, analysis);
                (f, Arc::new(Resolution { policy, diagnostics }))
            })
            .collect();
        Self {
            today,
            sources,
            by_file,
            serial: SERIAL.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// Whether `resolution`, of `file` among these, holds in `ws` as well: same day, and the
    /// same chain of the very same files. (A chain that did not resolve is followed again,
    /// as its diagnostics depend on the whole workspace.)
    fn still_fits(
        &self,
        ws: &Workspace,
        registry: &Registry,
        today: Date,
        file: FileId,
        resolution: &Resolution,
    ) -> bool {
        let Ok(policy) = &resolution.policy else {
            return false;
        };
        let unchanged = |f: FileId| {
            let at = self.sources.binary_search_by_key(&f, |(id, _)| *id);
            at.is_ok_and(|at| same_file(&self.sources[at].1, ws.shared(f)))
        };
        today == self.today
            && policy.chain.iter().all(|&f| unchanged(f))
            && follow_chain(ws, registry, file, today).as_ref() == Ok(&policy.chain)
    }

    /// Whether these are the resolutions of `ws` as of `today`: same day, same policy files.
    fn fits(&self, ws: &Workspace, today: Date) -> bool {
        let mut now = ws.ids().filter(|&f| ws.file(f).policy().is_some());
        today == self.today
            && self
                .sources
                .iter()
                .all(|(f, source)| now.next() == Some(*f) && same_file(source, ws.shared(*f)))
            && now.next().is_none()
    }
}

fn policy_sources(ws: &Workspace) -> Vec<(FileId, Weak<SourceFile>)> {
    ws.ids()
        .filter(|&f| ws.file(f).policy().is_some())
        .map(|f| (f, Arc::downgrade(ws.shared(f))))
        .collect()
}

/// Whether `now` is the very file `then` was taken from.
fn same_file(then: &Weak<SourceFile>, now: &Arc<SourceFile>) -> bool {
    std::ptr::eq(then.as_ptr(), Arc::as_ptr(now))
}

/// A workspace with every policy resolved, as of `today`. It owns its (cheaply cloned)
/// workspace, so a language server can keep one per snapshot.
pub struct Context {
    pub ws: Arc<Workspace>,
    pub registry: Registry,
    pub today: Date,
    policies: Arc<Resolutions>,
}

/// The bundled policy a manifest without `policy:` uses.
pub const DEFAULT_POLICY: &str = "anthropic-usage";

impl Context {
    pub fn new(ws: impl Into<Arc<Workspace>>, today: Date) -> Self {
        Self::reusing(ws, today, None)
    }

    /// Like [`new`](Self::new), but takes `previous` resolutions when they still fit.
    pub fn reusing(ws: impl Into<Arc<Workspace>>, today: Date, previous: Option<Arc<Resolutions>>) -> Self {
        let ws: Arc<Workspace> = ws.into();
        let registry = Registry::build(&ws);
        let policies = match previous {
            Some(previous) if previous.fits(&ws, today) => previous,
            previous => Arc::new(Resolutions::build(&ws, &registry, today, previous.as_deref())),
        };
        Self {
            ws,
            registry,
            today,
            policies,
        }
    }

    /// Tells apart contexts whose policies were resolved separately.
    pub(crate) fn serial(&self) -> u64 {
        self.policies.serial
    }

    /// The resolutions, to hand to the next context.
    pub fn resolutions(&self) -> Arc<Resolutions> {
        self.policies.clone()
    }

    /// The resolved policy defined by `file`, if its chain resolves.
    pub fn policy(&self, file: FileId) -> Option<&ResolvedPolicy> {
        self.policies.by_file.get(&file)?.policy.as_ref().ok()
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
        self.check(file, None)
    }

    /// [`check_file`](Self::check_file), taking use cases judged before from `cache` (and
    /// keeping this check's results there).
    pub fn check_file_cached(&self, file: FileId, cache: &CheckCache) -> Vec<Diagnostic> {
        self.check(file, Some(cache))
    }

    fn check(&self, file: FileId, cache: Option<&CheckCache>) -> Vec<Diagnostic> {
        let source = self.ws.file(file);
        let mut diagnostics = source.diagnostics.clone();
        if source.policy().is_some() {
            policy::check(self, file, &mut diagnostics);
        } else {
            manifest::check(self, file, &mut diagnostics, cache);
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
        self.policies.by_file.get(&file).map(Arc::as_ref)
    }
}
