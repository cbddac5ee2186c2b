//! Document highlights: every occurrence in the current file of the id under the cursor, the
//! declaration marked as written and the references as read. "The same id" is what references
//! mean by it: an occurrence counts when it resolves to the same declaration, so a value `none`
//! of `consent` is not lit up by the cursor on `none` of another attribute.

use super::Highlight;
use super::navigation::{same_name_in, uses_in};
use super::target::{Resolver, target_at};
use crate::check::Context;
use crate::diagnostic::FileId;

pub fn document_highlights(cx: &Context, file: FileId, offset: usize) -> Vec<Highlight> {
    let Some(target) = target_at(cx, file, offset) else {
        return Vec::new();
    };
    let found = match Resolver::new(cx, file).declaration(&target) {
        Some(declared) => uses_in(cx, file, &target.kind, &target.name, declared),
        None => same_name_in(cx, file, &target),
    };
    let mut out: Vec<Highlight> = found
        .into_iter()
        .map(|o| Highlight {
            range: o.range,
            write: o.declaration,
        })
        .collect();
    out.sort_by_key(|h| h.range);
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::target::tests::{fixture, slice};

    fn lit(files: &[(&str, &str)]) -> Vec<(String, usize, bool)> {
        let (cx, file, offset) = fixture(files);
        let text = &cx.ws.file(file).text;
        document_highlights(&cx, file, offset)
            .into_iter()
            .map(|h| {
                let line = text[..h.range.start].matches('\n').count();
                (slice(&cx, file, h.range).to_owned(), line, h.write)
            })
            .collect()
    }

    const POLICY: &str = "policy: acme\nversion: 2025-01-01\nextends: anthropic-usage@2025-09-15\nattributes:\n  tier:\n    summary: Tarif (überall)\n    values: [free, paid, none]\n    default: free\nsafeguards:\n  review:\n    summary: Geprüft.\ncategories:\n  support:\n    summary: Support.\nrules:\n  - id: r1\n    effect: require\n    categories: [support]\n    when: { tier: paid, consent: none }\n    safeguards: [review]\n  - id: r2\n    effect: prohibit\n    categories: [\"support\"]\n    when: { tier: [free, none] }\n";

    fn in_policy(needle: &str, nth: usize) -> Vec<(String, usize, bool)> {
        let at = POLICY.match_indices(needle).nth(nth).unwrap().0 + 1;
        let text = format!("{}$0{}", &POLICY[..at], &POLICY[at..]);
        lit(&[("acme.policy.yaml", &text)])
    }

    #[test]
    fn the_declaration_is_written_and_the_references_read() {
        let support = vec![
            ("support".to_owned(), 12, true),
            ("support".to_owned(), 17, false),
            ("\"support\"".to_owned(), 22, false),
        ];
        assert_eq!(in_policy("support:", 0), support);
        assert_eq!(in_policy("[support]", 0), support, "the same from a reference");
        assert_eq!(
            in_policy("free", 1),
            [
                ("free".to_owned(), 6, true),
                ("free".to_owned(), 7, false),
                ("free".to_owned(), 23, false)
            ]
        );
    }

    #[test]
    fn a_value_of_another_attribute_with_the_same_name_is_not_lit() {
        // `consent: none` is the bundled attribute's value; `tier`'s `none` is another.
        assert_eq!(
            in_policy("consent", 0),
            [("consent".to_owned(), 18, false)],
            "declared in the bundled policy: only read here"
        );
        let at = POLICY.find("consent: none").unwrap() + "consent: n".len();
        let text = format!("{}$0{}", &POLICY[..at], &POLICY[at..]);
        assert_eq!(lit(&[("acme.policy.yaml", &text)]), [("none".to_owned(), 18, false)]);
        assert_eq!(
            in_policy("none", 0),
            [("none".to_owned(), 6, true), ("none".to_owned(), 23, false)]
        );
    }

    #[test]
    fn nothing_off_an_id_and_an_undeclared_id_lights_its_namesakes() {
        assert_eq!(in_policy("summary", 0), []);
        let manifest = "manifest: m\nuse-cases:\n  - id: a\n    categories: [nowhere$0.x, cyber]\n  - id: b\n    categories: [nowhere.x]\n";
        assert_eq!(
            lit(&[("m.usecases.yaml", manifest)]),
            [("nowhere.x".to_owned(), 3, false), ("nowhere.x".to_owned(), 5, false)]
        );
    }
}
