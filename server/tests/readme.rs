//! The README's table of diagnostics and the codes the engine defines must agree: every code
//! documented once, with its severity, linking its page of the user's guide, and nothing
//! documented that does not exist.

use charter::diagnostic::Code;

#[test]
fn readme_documents_every_code_with_its_severity() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let rows: Vec<(String, String)> = readme
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            // `[`code`](docs/src/codes/code.md)`
            let (label, target) = cells.get(1)?.strip_prefix('[')?.split_once("](")?;
            let code = label.strip_prefix('`')?.strip_suffix('`')?;
            let target = target.strip_suffix(')')?;
            assert_eq!(
                target,
                format!("docs/src/codes/{code}.md"),
                "the README links `{code}`'s page"
            );
            let severity = cells.get(2)?;
            Code::from_name(code).map(|_| (code.to_owned(), severity.to_string()))
        })
        .collect();
    let documented: Vec<&str> = rows.iter().map(|(c, _)| c.as_str()).collect();
    let defined: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(documented, defined, "the README lists the codes of SPEC §4, in order");
    for (code, severity) in &rows {
        let expected = Code::from_name(code).unwrap().severity().as_str();
        assert_eq!(severity, expected, "severity of `{code}` in the README");
    }
}
