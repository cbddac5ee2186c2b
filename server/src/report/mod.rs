//! `charter report`'s content, for the people who sign off a deployment: what is deployed,
//! whether each use is allowed, what it owes, and what a new policy version changes. Built
//! from a checked workspace ([`build`]), rendered as one self-contained HTML page
//! ([`html::render`]) or as Markdown for a pull request ([`markdown::render`]). Pure: the
//! command line reads the files and writes the result.

mod grid;
pub mod html;
pub mod markdown;
mod matrix;
pub mod model;
mod use_cases;

use std::collections::HashMap;

pub use model::Report;
use model::{Against, Counts, Finding, PolicyReport, Section, SectionText};

use crate::check::{Context, Describe, governing_policy};
use crate::compare::{describe, use_case_changes};
use crate::diagnostic::FileId;
use crate::resolve::{ResolvedPolicy, policy_name};
use crate::text::{Encoding, LineIndex};

/// What the report is asked for besides the files.
pub struct Options<'a> {
    /// The language section texts are shown in first (`zh`, `en`…).
    pub locale: &'a str,
    /// With `--against OLD`: the old version and the version it is compared with.
    pub against: Option<(&'a ResolvedPolicy, &'a ResolvedPolicy)>,
}

/// The report of the files found under the paths (`files`: policies and manifests).
pub fn build(cx: &Context, files: &[FileId], options: &Options) -> Report {
    let changes: use_cases::Changes = match options.against {
        Some((old, new)) => use_case_changes(cx, files, old, new)
            .into_iter()
            .map(|c| {
                let text = format!("{} → {}", describe(&c.old), describe(&c.new));
                ((c.file, c.index), text)
            })
            .collect(),
        None => HashMap::new(),
    };
    let manifests: Vec<_> = files
        .iter()
        .filter_map(|&f| {
            let doc = cx.ws.file(f).manifest()?;
            Some(use_cases::manifest_report(cx, f, doc, options.locale, &changes))
        })
        .collect();
    let mut counts = Counts {
        files: files.len(),
        ..Counts::default()
    };
    for uc in manifests.iter().flat_map(|m| &m.use_cases) {
        use_cases::count(&mut counts, uc.verdict);
    }
    let policies: Vec<PolicyReport> = shown_policies(cx, files, options)
        .into_iter()
        .map(|p| {
            let old = options
                .against
                .filter(|(_, new)| new.file == p.file)
                .map(|(old, _)| old);
            policy_report(cx, p, old, options.locale)
        })
        .collect();
    let against = options.against.map(|(old, new)| Against {
        old: old.name(&cx.ws),
        new: new.name(&cx.ws),
        use_cases: changes.len(),
        cells: policies
            .iter()
            .filter_map(|p| p.matrix.as_ref().ok())
            .map(model::Matrix::changed)
            .sum(),
    });
    Report {
        judged_on: cx.today.to_string(),
        locale: options.locale.to_owned(),
        counts,
        manifests,
        policies,
        against,
    }
}

/// The policies with a part in the report: those defined under the paths, those the
/// manifests are judged by, the bases they extend, and the version `--against` compares
/// with; each once, in that order.
fn shown_policies<'c>(cx: &'c Context, files: &[FileId], options: &Options<'c>) -> Vec<&'c ResolvedPolicy> {
    let mut shown: Vec<&ResolvedPolicy> = Vec::new();
    let mut add = |p: &'c ResolvedPolicy| {
        for &f in p.chain.iter().rev() {
            if let Some(layer) = cx.policy(f).filter(|_| !shown.iter().any(|s| s.file == f)) {
                shown.push(layer);
            }
        }
    };
    for &f in files {
        if let Some(p) = cx.policy(f) {
            add(p);
        }
    }
    for &f in files {
        if let Some(doc) = cx.ws.file(f).manifest()
            && let Some(p) = governing_policy(cx, doc, &mut Vec::new())
        {
            add(p);
        }
    }
    if let Some((_, new)) = options.against {
        add(new);
    }
    shown
}

fn policy_report(cx: &Context, policy: &ResolvedPolicy, old: Option<&ResolvedPolicy>, locale: &str) -> PolicyReport {
    let file = cx.ws.file(policy.file);
    let doc = file.policy().expect("a resolved policy is a policy file");
    let describe = Describe::new(&cx.ws, policy);
    let lines = LineIndex::new(&file.text);
    let findings = cx
        .check_file(policy.file)
        .into_iter()
        .map(|d| Finding {
            severity: d.severity.as_str(),
            code: d.code.as_str(),
            line: lines.position(&file.text, d.range.start, Encoding::Utf32).0 + 1,
            message: d.message,
        })
        .collect();
    let name = policy.name(&cx.ws);
    let sections = doc
        .sections
        .iter()
        .map(|s| {
            // The reader's language first (as `charter explain --locale` picks it), then the
            // others the section is written in.
            let chosen = s.text.entry(locale).or_else(|| s.title.entry(locale)).map(|(l, _)| l);
            let mut langs: Vec<&String> = Vec::new();
            for (lang, _) in s.title.iter().chain(s.text.iter()) {
                if !langs.contains(&lang) {
                    langs.push(lang);
                }
            }
            langs.sort_by_key(|l| Some(*l) != chosen);
            Section {
                anchor: anchor(&name, &s.id.value),
                id: s.id.value.to_string(),
                url: s.url.as_ref().map(|u| u.value.to_string()),
                texts: langs
                    .into_iter()
                    .map(|lang| SectionText {
                        title: s.title_in(lang).to_owned(),
                        text: s.text.get(lang).unwrap_or_default().to_owned(),
                        lang: lang.clone(),
                    })
                    .collect(),
            }
        })
        .collect();
    PolicyReport {
        name,
        title: doc.title.as_ref().map(|t| t.value.to_string()),
        path: file.path.clone(),
        extends: (policy.chain.len() > 1).then(|| policy_name(&cx.ws, policy.chain[policy.chain.len() - 2])),
        notice: describe.unofficial_notice().filter(|_| file.bundled),
        matrix: grid::matrix(&cx.ws, policy, old),
        findings,
        sections,
    }
}

/// The anchor of section `id` of the policy named `policy` in the page.
fn anchor(policy: &str, id: &str) -> String {
    format!("section-{policy}-{id}")
}

/// The anchor of section `id` as `policy`'s chain declares it (in the file of some layer).
fn section_anchor(cx: &Context, policy: &ResolvedPolicy, id: &str) -> String {
    let declared = policy.scope.sections.decls.get(id).map(|d| d.file);
    anchor(&policy_name(&cx.ws, declared.unwrap_or(policy.file)), id)
}
