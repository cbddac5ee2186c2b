//! Document links: a section's `url` opens the official text, and a policy reference (a
//! manifest's `policy:`, a policy's `extends:`) opens the file that defines the policy it
//! resolves to, a bundled one included. A reference that is malformed or resolves to nothing
//! gets no link (its diagnostic says why), and neither does a `url` that is not a web address.

use super::target::{Resolver, Target, TargetKind, inner_range};
use super::{DocLink, LinkTarget};
use crate::check::Context;
use crate::compact::CompactStr;
use crate::diagnostic::FileId;
use crate::model::{PolicyRef, Spanned};
use crate::resolve::policy_name;
use crate::workspace::Document;

pub fn document_links(cx: &Context, file: FileId) -> Vec<DocLink> {
    let source = cx.ws.file(file);
    let (reference, urls) = match &source.doc {
        Document::Policy(doc) => (doc.extends.as_ref(), section_urls(&source.text, doc)),
        Document::Manifest(doc) => (doc.policy.as_ref(), Vec::new()),
    };
    let mut links: Vec<DocLink> = reference.and_then(|r| policy_link(cx, file, r)).into_iter().collect();
    links.extend(urls);
    links
}

/// The link of a policy reference to the file of the policy it resolves to.
fn policy_link(cx: &Context, file: FileId, reference: &Spanned<PolicyRef>) -> Option<DocLink> {
    let name = reference.value.to_string();
    let target = Target {
        kind: TargetKind::Policy,
        range: reference.range,
        name,
        declaration: false,
    };
    let declared = Resolver::new(cx, file).declaration(&target)?;
    let policy = policy_name(&cx.ws, declared.file);
    let tooltip = if cx.ws.file(declared.file).bundled {
        format!("Open the bundled policy `{policy}` (read-only)")
    } else {
        format!("Open policy `{policy}`")
    };
    Some(DocLink {
        range: inner_range(&cx.ws.file(file).text, target.range, &target.name),
        target: LinkTarget::File(declared.file),
        tooltip,
    })
}

fn section_urls(text: &str, doc: &crate::model::PolicyDoc) -> Vec<DocLink> {
    doc.sections
        .iter()
        .filter_map(|s| {
            let url: &Spanned<CompactStr> = s.url.as_ref()?;
            is_web_address(&url.value).then(|| DocLink {
                range: inner_range(text, url.range, &url.value),
                target: LinkTarget::Url(url.value.to_string()),
                tooltip: format!("Open the official text of section `{}`", s.id.value),
            })
        })
        .collect()
}

/// An `http`/`https` address with a host: what an editor can open in a browser.
fn is_web_address(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/') && !url.contains(char::is_whitespace))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::target::tests::{bundled_2025, file_of, fixture, slice};

    const BASE: &str = "policy: acme\nversion: 2025-01-01\nextends: \"anthropic-usage@2025-09-15\"\nsections:\n  plans:\n    title: Pläne\n    url: https://acme.example/policy#plans\n  faq:\n    url: see the wiki\n";

    fn links_of(files: &[(&str, &str)], path: &str) -> (Context, Vec<(String, LinkTarget, String)>) {
        let (cx, _, _) = fixture(files);
        let file = file_of(&cx, path);
        let links = document_links(&cx, file)
            .into_iter()
            .map(|l| (slice(&cx, file, l.range).to_owned(), l.target, l.tooltip))
            .collect();
        (cx, links)
    }

    #[test]
    fn extends_links_the_bundled_file_and_a_url_links_itself() {
        let (cx, links) = links_of(&[("acme.policy.yaml", &format!("$0{BASE}"))], "acme.policy.yaml");
        assert_eq!(
            links,
            [
                (
                    "anthropic-usage@2025-09-15".into(),
                    LinkTarget::File(bundled_2025(&cx)),
                    "Open the bundled policy `anthropic-usage@2025-09-15` (read-only)".into()
                ),
                (
                    "https://acme.example/policy#plans".into(),
                    LinkTarget::Url("https://acme.example/policy#plans".into()),
                    "Open the official text of section `plans`".into()
                ),
            ],
            "the quotes are not part of the link; `see the wiki` is no address"
        );
    }

    #[test]
    fn a_manifest_policy_links_the_workspace_file_unless_it_is_unknown() {
        let manifest = "manifest: m\npolicy: acme\nuse-cases: []\n";
        let (cx, links) = links_of(
            &[
                ("acme.policy.yaml", BASE),
                ("m.usecases.yaml", &format!("$0{manifest}")),
            ],
            "m.usecases.yaml",
        );
        let acme = file_of(&cx, "acme.policy.yaml");
        assert_eq!(
            links,
            [(
                "acme".into(),
                LinkTarget::File(acme),
                "Open policy `acme@2025-01-01`".into()
            )]
        );
        for policy in ["nowhere", "acme@1999-01-01", "not a ref!"] {
            let manifest = format!("$0manifest: m\npolicy: {policy}\nuse-cases: []\n");
            let (_, links) = links_of(
                &[("acme.policy.yaml", BASE), ("m.usecases.yaml", &manifest)],
                "m.usecases.yaml",
            );
            assert_eq!(links, [], "`{policy}` resolves to no file");
        }
    }
}
