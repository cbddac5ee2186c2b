//! Use-case results kept from one check of a manifest to the next, so that an edit to one use
//! case re-judges only that one (an editor re-checks the whole file on every keystroke).
//!
//! A use case is judged from nothing but its own text, given the policies, so an entry is the
//! use case's text (from the start of its first line) with its diagnostics, stored relative to
//! that start and moved to wherever the same text is now. Entries are matched by position, not
//! looked up by hash: an edit leaves the use cases before it at their index and those after it
//! at their index counted from the end, so comparing texts at those two indices finds every
//! unchanged one with a memcmp, where hashing all of a 100,000-line manifest's use cases took
//! longer than judging them. Use cases moved elsewhere are judged again.
//!
//! All entries of a file are dropped when the policies it is judged by were resolved again,
//! and each check replaces them, so the cache holds one file's use cases, not their history.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::diagnostic::{Diagnostic, FileId};
use crate::model::UseCaseDecl;
use crate::text::line_start_of;

/// How a use case's verdict changes under the newest version of its policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    Same,
    Verdict,
    Safeguards,
}

/// What a manifest's use cases were judged by: resolutions (by serial) and the governing and
/// newest policy files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Judged {
    pub serial: u64,
    pub policy: FileId,
    pub newer: Option<FileId>,
}

/// One use case as last judged.
#[derive(Debug)]
struct Entry {
    text: Box<str>,
    /// Offsets relative to the start of the use case's first line.
    diagnostics: Vec<Diagnostic>,
    change: Change,
}

#[derive(Debug)]
struct FileEntries {
    judged: Judged,
    /// In the order of the use cases.
    entries: Vec<Entry>,
}

/// Per open manifest, the results of its use cases (see the module's documentation).
#[derive(Debug, Default)]
pub struct CheckCache {
    files: Mutex<HashMap<FileId, FileEntries>>,
}

impl CheckCache {
    /// Drops what is kept for `file` (closed, or gone).
    pub fn forget(&self, file: FileId) {
        self.lock().remove(&file);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<FileId, FileEntries>> {
        self.files.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Judges `use_cases` of `file` (whose text is `text`) with `judge`, which pushes a use
    /// case's diagnostics and tells its [`Change`], taking every use case whose text was judged
    /// the same way before from the cache.
    pub(crate) fn use_cases(
        &self,
        file: FileId,
        judged: Judged,
        text: &str,
        use_cases: &[UseCaseDecl],
        out: &mut Vec<Diagnostic>,
        mut judge: impl FnMut(&UseCaseDecl, &mut Vec<Diagnostic>) -> Change,
    ) -> Vec<Change> {
        let kept = self.lock().remove(&file);
        let mut old: Vec<Option<Entry>> = kept
            .filter(|k| k.judged == judged)
            .map_or_else(Vec::new, |k| k.entries.into_iter().map(Some).collect());
        let mut entries = Vec::with_capacity(use_cases.len());
        for (i, uc) in use_cases.iter().enumerate() {
            let start = line_start_of(text, uc.range.start);
            let own = &text[start..uc.range.end.max(start)];
            let from_end = (i + old.len()).checked_sub(use_cases.len());
            let entry = take_same(&mut old, i, own)
                .or_else(|| from_end.and_then(|j| take_same(&mut old, j, own)))
                .unwrap_or_else(|| {
                    let mut diagnostics = Vec::new();
                    let change = judge(uc, &mut diagnostics);
                    for d in &mut diagnostics {
                        d.shift(file, 0, -(start as isize));
                    }
                    Entry {
                        text: own.into(),
                        diagnostics,
                        change,
                    }
                });
            out.extend(entry.diagnostics.iter().map(|d| {
                let mut d = d.clone();
                d.shift(file, 0, start as isize);
                d
            }));
            entries.push(entry);
        }
        let changes = entries.iter().map(|e| e.change).collect();
        self.lock().insert(file, FileEntries { judged, entries });
        changes
    }
}

/// The old entry at `index` when it was judged from the same text.
fn take_same(old: &mut [Option<Entry>], index: usize, text: &str) -> Option<Entry> {
    let slot = old.get_mut(index)?;
    slot.as_ref().is_some_and(|e| &*e.text == text).then(|| slot.take())?
}

#[cfg(test)]
mod tests {
    use super::CheckCache;
    use crate::check::Context;
    use crate::model::Date;
    use crate::testing::Rng;
    use crate::text::Splice;
    use crate::workspace::{FileKind, Workspace};

    const VALUES: &[&str] = &[
        "cyber.defense",
        "cyber.malware",
        "high-risk.legal",
        "politics",
        "no.such",
        "consumer",
        "business",
        "[human-in-the-loop]",
        "[]",
        "[ai-disclosure, human-in-the-loop]",
    ];

    fn manifest(rng: &mut Rng) -> String {
        let policy = rng.pick(&[
            "anthropic-usage@2024-06-06",
            "anthropic-usage@2025-09-15",
            "anthropic-usage",
        ]);
        let mut text = format!("manifest: m\npolicy: {policy}\nuse-cases:\n");
        for n in 0..12 {
            text.push_str(&format!(
                "  - id: u{n}\n    categories: [{}]\n    audience: {}\n    safeguards: {}\n",
                rng.pick(&VALUES[..5]),
                rng.pick(&VALUES[5..7]),
                rng.pick(&VALUES[7..]),
            ));
        }
        text
    }

    /// Random edits to use cases (values swapped, use cases copied over others), each checked
    /// with the cache and without: the diagnostics must be the same.
    #[test]
    fn cached_checks_equal_fresh_ones() {
        let mut rng = Rng(0xCAC4E);
        let today = Date::parse("2026-01-01").unwrap();
        let bundled = Workspace::with_bundled();
        let mut resolutions = None;
        for _ in 0..25 {
            let mut text = manifest(&mut rng);
            let mut ws = bundled.clone();
            let file = ws.add("m.usecases.yaml".into(), text.clone(), FileKind::Manifest, false);
            let cache = CheckCache::default();
            for _ in 0..20 {
                let (start, end, new) = if rng.chance(80) {
                    // A value after `: ` on a random line.
                    let lines: Vec<usize> = text.match_indices(": ").map(|(i, _)| i + 2).collect();
                    let start = *rng.pick(&lines);
                    let end = start + text[start..].find('\n').unwrap();
                    (start, end, rng.pick(VALUES).to_string())
                } else if rng.chance(50) {
                    // A use case deleted, or a copy of one inserted: the ones after it keep
                    // their text at another index.
                    let items: Vec<usize> = text.match_indices("  - id").map(|(i, _)| i).collect();
                    let k = rng.below(items.len() - 1);
                    let (a, b) = (items[k], items[k + 1]);
                    if rng.chance(50) && items.len() > 3 {
                        (a, b, String::new())
                    } else {
                        (a, a, text[a..b].to_string())
                    }
                } else {
                    // One use case's text over another's: same text, new place.
                    let items: Vec<usize> = text.match_indices("  - id").map(|(i, _)| i).collect();
                    let k = rng.below(items.len() - 1);
                    let (a, b) = (items[k], items[k + 1]);
                    let from = *rng.pick(&items[..items.len() - 1]);
                    let to = items.iter().find(|&&i| i > from).copied().unwrap();
                    (a, b, text[from..to].to_string())
                };
                text.replace_range(start..end, &new);
                ws.splice_text(file, text.clone(), Splice::edit(start, end - start, new.len()));
                let cx = Context::reusing(ws.clone(), today, resolutions.take());
                resolutions = Some(cx.resolutions());
                assert_eq!(cx.check_file_cached(file, &cache), cx.check_file(file), "{text}");
            }
        }
    }
}
