//! The user's guide (`docs/`) against the code: generated parts up to date, a page for every
//! diagnostic code and none for a code that does not exist, each page's example reporting
//! exactly what its markers say and its fix reporting nothing, and every link of the
//! repository's Markdown resolving inside the repository (or to a well-formed web address).

use std::collections::BTreeSet;

use charter::diagnostic::{Code, Severity};
use xtask::examples::{Reported, check, excerpts, guide_sections, page_examples, with_ignore_comments};
use xtask::markdown::{Marker, markers, regions};
use xtask::{CODES_DIR, COMMAND, code_page, root};

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative)).unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
}

#[test]
fn generated_docs_are_up_to_date() {
    let stale = xtask::stale(&root()).unwrap_or_else(|e| panic!("generating the docs failed: {e}"));
    assert!(
        stale.is_empty(),
        "these generated files are out of date: {}\nrun `{COMMAND}` and commit the result",
        stale.join(", ")
    );
}

#[test]
fn every_code_has_a_page_and_every_page_is_a_code() {
    let pages: BTreeSet<String> = std::fs::read_dir(root().join(CODES_DIR))
        .expect("the codes' folder exists")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = Code::ALL.iter().map(|c| format!("{c}.md")).collect();
    let missing: Vec<&String> = expected.difference(&pages).collect();
    let extra: Vec<&String> = pages.difference(&expected).collect();
    assert!(missing.is_empty(), "codes without a page in {CODES_DIR}: {missing:?}");
    assert!(
        extra.is_empty(),
        "pages in {CODES_DIR} for no code of `codes!` (server/src/diagnostic.rs): {extra:?}"
    );
    let summary = read("docs/src/SUMMARY.md");
    let index = read(xtask::CODE_INDEX);
    for code in Code::ALL {
        assert!(
            summary.contains(&format!("(codes/{code}.md)")),
            "SUMMARY.md lists `{code}`"
        );
        assert!(
            index.contains(&format!("(codes/{code}.md)")),
            "the code index lists `{code}`"
        );
    }
}

#[test]
fn every_code_page_has_its_parts() {
    for &code in Code::ALL {
        let path = code_page(code);
        let page = read(&path);
        assert_eq!(
            page.lines().next(),
            Some(format!("# {code}").as_str()),
            "{path}: the title"
        );
        let names: Vec<String> = regions(&page)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(names, ["code-header", "code-output"], "{path}: the generated parts");
        for heading in ["## What it means", "## Example", "## How to fix it"] {
            assert!(page.lines().any(|l| l == heading), "{path} has a section `{heading}`");
        }
        assert!(page.contains(code.severity().as_str()), "{path} names the severity");
    }
}

/// The markers of every example file, as (file, marker).
fn expected(files: &[(String, String)]) -> BTreeSet<(String, Marker)> {
    files
        .iter()
        .flat_map(|(name, text)| markers(text).into_iter().map(move |m| (name.clone(), m)))
        .collect()
}

fn actual(reported: &[Reported]) -> BTreeSet<(String, Marker)> {
    reported.iter().map(|r| (r.file.clone(), r.marker.clone())).collect()
}

fn describe(reported: &[Reported]) -> String {
    reported
        .iter()
        .map(|r| {
            format!(
                "  {}:{} {}[{}] {}",
                r.file, r.marker.line, r.marker.severity, r.marker.code, r.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_code_page_example_reports_its_code_and_its_fix_is_clean() {
    let mut failures = Vec::new();
    for &code in Code::ALL {
        let path = code_page(code);
        let page = read(&path);
        let examples = match page_examples(&page) {
            Ok(examples) => examples,
            Err(e) => {
                failures.push(format!("{path}: {e}"));
                continue;
            }
        };
        if examples.example.is_empty() || examples.fix.is_empty() {
            failures.push(format!(
                "{path}: needs YAML files (first line `# NAME.policy.yaml`) under both `## Example` and `## How to fix it`"
            ));
            continue;
        }
        let reported = check(&examples.example);
        if !reported.iter().any(|r| r.marker.code == code.as_str()) {
            failures.push(format!(
                "{path}: the example does not report `{code}`; it reports:\n{}",
                describe(&reported)
            ));
        }
        let expected_markers = expected(&examples.example);
        if actual(&reported) != expected_markers {
            failures.push(format!(
                "{path}: the example's markers say {expected_markers:?}, Charter reports:\n{}",
                describe(&reported)
            ));
        }
        // The fix's own markers hold; every file the fix leaves as it was must now be clean.
        let fixed = check(&examples.fixed);
        if actual(&fixed) != expected(&examples.fix) {
            failures.push(format!(
                "{path}: after the fix, Charter reports (the fix's markers say {:?}):\n{}",
                expected(&examples.fix),
                describe(&fixed)
            ));
        }
        if fixed.iter().any(|r| r.marker.code == code.as_str()) {
            failures.push(format!("{path}: the fix still reports `{code}`"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The header says whether a code can be suppressed; the example shows it is so.
#[test]
fn warnings_and_hints_are_suppressed_by_a_comment_and_errors_are_not() {
    for &code in Code::ALL {
        let page = read(&code_page(code));
        let examples = page_examples(&page).expect("a well-formed page");
        let files: Vec<(String, String)> = examples
            .example
            .iter()
            .map(|(name, text)| {
                let lines: Vec<usize> = markers(text)
                    .into_iter()
                    .filter(|m| m.code == code.as_str())
                    .map(|m| m.line)
                    .collect();
                (name.clone(), with_ignore_comments(text, &lines, code.as_str()))
            })
            .collect();
        let left = check(&files).iter().filter(|r| r.marker.code == code.as_str()).count();
        match code.severity() {
            Severity::Warning | Severity::Hint => {
                assert_eq!(
                    left, 0,
                    "`# charter-ignore: {code}` silences `{code}` in its page's example"
                )
            }
            Severity::Error | Severity::Info => {
                assert!(
                    left > 0,
                    "`# charter-ignore: {code}` must not silence the error `{code}`"
                )
            }
        }
    }
}

/// The guide's pages outside `codes/`, hand-written (the generated ones quote no YAML files).
fn guide_pages() -> Vec<String> {
    xtask::links::markdown_files(&root().join(xtask::BOOK_SRC))
        .into_iter()
        .filter(|p| !p.starts_with("codes/") && !p.starts_with("editors/"))
        .map(|p| format!("{}/{p}", xtask::BOOK_SRC))
        .collect()
}

/// Every YAML file a guide page shows (first line `# NAME.policy.yaml`) is checked with the
/// files shown before it on the page, and Charter reports exactly what its markers say.
#[test]
fn every_example_in_the_guide_reports_what_its_markers_say() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in guide_pages() {
        let page = read(&path);
        for (heading, files, workspace) in guide_sections(&page) {
            checked += files.len();
            let names: Vec<&String> = files.iter().map(|(n, _)| n).collect();
            let reported: Vec<Reported> = check(&workspace)
                .into_iter()
                .filter(|r| names.contains(&&r.file))
                .collect();
            if actual(&reported) != expected(&files) {
                failures.push(format!(
                    "{path}, section `{heading}`: the markers say {:?}; Charter reports:\n{}",
                    expected(&files),
                    describe(&reported)
                ));
            }
        }
    }
    assert!(checked >= 10, "the guide shows YAML examples ({checked} found)");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Blocks that quote a repository file (`# from examples/acme.policy.yaml`) quote it word for
/// word, so they cannot go stale.
#[test]
fn excerpts_quote_their_file_word_for_word() {
    let mut count = 0;
    for path in guide_pages() {
        let page = read(&path);
        for (file, text, line) in excerpts(&page) {
            count += 1;
            let source = read(&file);
            assert!(
                source.contains(&text),
                "{path}:{line}: the excerpt is not a part of {file} as it is now; copy it again"
            );
        }
    }
    assert!(count > 0, "the layering guide quotes examples/acme.policy.yaml");
}

#[test]
fn repository_links_resolve_inside_the_repository() {
    let problems = xtask::links::check_repository(&root());
    assert!(
        problems.is_empty(),
        "broken or escaping links in the repository's Markdown:\n{}",
        problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_book_knows_where_it_is_published() {
    let book = read("docs/book.toml");
    let site = charter::diagnostic::DEFAULT_DOCS_URL;
    let path = site.splitn(4, '/').nth(3).map(|p| format!("/{p}")).unwrap_or_default();
    assert!(
        book.contains(&format!("site-url = \"{path}\"")),
        "docs/book.toml's site-url is the path of {site}"
    );
    assert!(
        book.contains(&format!("git-repository-url = \"{}\"", xtask::links::REPOSITORY)),
        "docs/book.toml links the repository of Cargo.toml"
    );
}

#[test]
fn the_command_line_reference_quotes_every_subcommand() {
    let page = read("docs/src/reference/cli.md");
    let regions: Vec<String> = regions(&page)
        .expect("well-formed regions")
        .into_iter()
        .map(|r| r.name)
        .collect();
    for subcommand in charter::cli::subcommands() {
        assert!(
            regions.contains(&format!("help {subcommand}")),
            "docs/src/reference/cli.md has no section for `charter {subcommand}`: add one with a region \
             `<!-- begin generated: help {subcommand} -->` … `<!-- end generated -->`, then run `{COMMAND}`"
        );
    }
}

/// Every whole policy or manifest the docs show (a YAML block with `manifest`, or `policy` and
/// `version`, at its top) is in the layout `charter fmt` writes, so a reader who copies it gets
/// a formatted file.
#[test]
fn every_policy_and_manifest_the_docs_show_is_formatted() {
    let mut failures = Vec::new();
    for path in xtask::layout::markdown_files(&root()) {
        let page = read(&path);
        match xtask::layout::unformatted(&page) {
            Ok(blocks) => failures.extend(blocks.iter().map(|b| b.diff(&format!("{path}:{}", b.line)))),
            Err(e) => failures.push(format!("{path}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "these YAML blocks are not in the layout of `charter fmt`; run `{}` (or format each by \
         hand as the diff shows):\n{}",
        xtask::layout::COMMAND,
        failures.join("\n")
    );
}
