//! The little Markdown the docs tasks read: generated regions, fenced blocks under their
//! section headings, the YAML examples of a code's page and the markers in them.

/// The first line of a generated region; the name (and arguments) follow, then this note.
pub const BEGIN: &str = "<!-- begin generated: ";
pub const END: &str = "<!-- end generated -->";
/// What the first line of a region says after its name.
pub const NOTE: &str = "(`cargo xtask docs` writes this part) -->";

/// A generated region: its name with arguments (`help check`), and the byte range of its
/// content, between the marker lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub name: String,
    pub content: std::ops::Range<usize>,
}

/// The generated regions of `text`, in order; an error names the line of a broken marker.
pub fn regions(text: &str) -> Result<Vec<Region>, String> {
    let mut regions = Vec::new();
    let mut open: Option<(String, usize, usize)> = None;
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix(BEGIN) {
            if let Some((name, _, line)) = &open {
                return Err(format!("line {}: region `{name}` of line {line} is not closed", i + 1));
            }
            let name = rest.split(" (").next().unwrap_or(rest).trim_end_matches("-->").trim();
            open = Some((name.to_owned(), offset + line.len(), i + 1));
        } else if trimmed == END {
            let Some((name, start, _)) = open.take() else {
                return Err(format!("line {}: `{END}` without a region to end", i + 1));
            };
            regions.push(Region {
                name,
                content: start..offset,
            });
        }
        offset += line.len();
    }
    match open {
        Some((name, _, line)) => Err(format!("region `{name}` of line {line} is not closed")),
        None => Ok(regions),
    }
}

/// The text of a region's first line.
pub fn begin_line(name: &str) -> String {
    format!("{BEGIN}{name} {NOTE}")
}

/// `text` with every region's content replaced by `fill(name)`.
pub fn fill_regions(text: &str, mut fill: impl FnMut(&str) -> Result<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for region in regions(text)? {
        out.push_str(&text[at..region.content.start]);
        let content = fill(&region.name)?;
        out.push_str(&content);
        if !content.is_empty() && !content.ends_with('\n') {
            out.push('\n');
        }
        at = region.content.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// A fenced code block: its info string, its text, the `## ` or `### ` heading it stands under
/// and the 1-based line of its opening fence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Block {
    pub info: String,
    pub body: String,
    pub section: String,
    pub line: usize,
}

/// Every fenced block (```` ``` ```` fences) of `text`.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut section = String::new();
    let mut current: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut current {
            Some(block) if trimmed.starts_with("```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.body.push_str(line);
                block.body.push('\n');
            }
            None if trimmed.starts_with("```") => {
                current = Some(Block {
                    info: trimmed.trim_start_matches('`').trim().to_owned(),
                    body: String::new(),
                    section: section.clone(),
                    line: i + 1,
                });
            }
            None => {
                if let Some(heading) = line.strip_prefix("## ").or_else(|| line.strip_prefix("### ")) {
                    section = heading.trim().to_owned();
                }
            }
        }
    }
    blocks
}

/// The file name a YAML example gives on its first line (`# acme.policy.yaml`), when it names
/// a policy or manifest file.
pub fn example_file_name(block: &Block) -> Option<&str> {
    if block.info.split([' ', ',']).next() != Some("yaml") {
        return None;
    }
    let first = block.body.lines().next()?.strip_prefix("# ")?.trim();
    let kinds = [".policy.yaml", ".policy.yml", ".usecases.yaml", ".usecases.yml"];
    let plain = first.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    (plain && kinds.iter().any(|k| first.ends_with(k))).then_some(first)
}

/// A diagnostic an example says Charter reports: `# error[unknown-key]` in a comment, on the
/// line it is about (or, alone on a line, about the nearest line above that is not such a
/// comment).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Marker {
    /// 1-based.
    pub line: usize,
    pub severity: String,
    pub code: String,
}

const SEVERITIES: [&str; 4] = ["error", "warning", "info", "hint"];

/// The markers of one example file.
pub fn markers(text: &str) -> Vec<Marker> {
    let mut found = Vec::new();
    let mut target = 0;
    for (i, line) in text.lines().enumerate() {
        let Some(hash) = comment_start(line) else {
            target = i + 1;
            continue;
        };
        let comment = &line[hash..];
        let here = marked(comment);
        let alone = line[..hash].trim().is_empty();
        if !alone {
            target = i + 1;
        }
        if here.is_empty() && alone {
            // A plain comment line: neither a target nor a marker.
            continue;
        }
        let line = if alone { target } else { i + 1 };
        found.extend(here.into_iter().map(|(severity, code)| Marker { line, severity, code }));
    }
    found.sort();
    found
}

/// Where a YAML comment starts on `line`: a `#` at the start or after a space, outside quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if (c == '"' || c == '\'') && (previous == ' ' || "[{:,".contains(previous)) => quote = Some(c),
            None if c == '#' && previous.is_whitespace() => return Some(i),
            None => {}
        }
        previous = c;
    }
    None
}

/// The `severity[code]` tokens of a comment.
fn marked(comment: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for severity in SEVERITIES {
        let mut rest = comment;
        let pattern = format!("{severity}[");
        while let Some(at) = rest.find(&pattern) {
            let after = &rest[at + pattern.len()..];
            let before_ok = rest[..at].chars().last().is_none_or(|c| !c.is_ascii_alphanumeric());
            if let Some(end) = after.find(']') {
                let code = &after[..end];
                if before_ok && !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                    found.push((severity.to_owned(), code.to_owned()));
                }
            }
            rest = after;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_found_and_filled() {
        let text = format!("a\n{}\nold\n{END}\nb\n", begin_line("x y"));
        let found = regions(&text).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "x y");
        assert_eq!(&text[found[0].content.clone()], "old\n");
        let filled = fill_regions(&text, |name| Ok(format!("new {name}"))).unwrap();
        assert_eq!(filled, format!("a\n{}\nnew x y\n{END}\nb\n", begin_line("x y")));
        assert!(regions(&format!("{}\n", begin_line("open"))).is_err());
        assert!(regions(&format!("{END}\n")).is_err());
    }

    #[test]
    fn blocks_know_their_section() {
        let text = "# T\n## Example\n```yaml\n# a.policy.yaml\npolicy: a\n```\n## How to fix it\n```text\nx\n```\n";
        let found = blocks(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].section, "Example");
        assert_eq!(example_file_name(&found[0]), Some("a.policy.yaml"));
        assert_eq!(found[1].section, "How to fix it");
        assert_eq!(example_file_name(&found[1]), None);
    }

    #[test]
    fn markers_name_their_line() {
        let text = "# a.policy.yaml\npolicy: a   # error[unknown-key]: why\n  x: 1\n# ^ warning[shadowed-rule] hint[redundant-rule]\nq: '#error[no]'\n";
        assert_eq!(
            markers(text),
            vec![
                Marker {
                    line: 2,
                    severity: "error".into(),
                    code: "unknown-key".into()
                },
                Marker {
                    line: 3,
                    severity: "hint".into(),
                    code: "redundant-rule".into()
                },
                Marker {
                    line: 3,
                    severity: "warning".into(),
                    code: "shadowed-rule".into()
                },
            ]
        );
    }
}
