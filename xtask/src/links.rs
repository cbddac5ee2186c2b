//! Links in the repository's Markdown files: every relative link must resolve to a file or
//! folder inside the repository (and to a heading, when it names one); a link to the
//! repository's own web pages (`…/blob/main/PATH`) must name a path that exists; every other
//! web link must be a well-formed `http(s)` address. Nothing may point outside the repository
//! except to the web.
//!
//! The built book's HTML is checked separately, by `docs/check-links.py`.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// Where the repository is published, from `repository` in `xtask/Cargo.toml`.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// Folders never scanned: build output, dependencies, version control.
const SKIP: &[&str] = &["target", "node_modules", ".git", "book", "corpus", "artifacts"];

/// A link that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub target: String,
    pub why: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: `{}`: {}", self.file, self.line, self.target, self.why)
    }
}

/// A link in a Markdown file: its 1-based line and target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub line: usize,
    pub target: String,
}

/// Every Markdown file of the repository (below `root`), relative paths sorted.
pub fn markdown_files(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    walk(root, root, &mut found);
    found.sort();
    found
}

fn walk(root: &Path, dir: &Path, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        // Links (`server/policies`, `server/codes`) lead to files already walked where they are.
        if entry.file_type().is_ok_and(|t| t.is_symlink()) {
            continue;
        }
        if path.is_dir() {
            if !SKIP.contains(&name.as_str()) {
                walk(root, &path, found);
            }
        } else if name.ends_with(".md") {
            let relative = path.strip_prefix(root).expect("below the root");
            found.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// The links of a Markdown text, outside code blocks and code spans: inline links and images,
/// reference definitions and autolinks.
pub fn links(text: &str) -> Vec<Link> {
    let mut found = Vec::new();
    let mut fence: Option<&str> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            continue;
        }
        let line_text = without_code_spans(line);
        let mut push = |target: &str| {
            let target = target.trim();
            let target = target.split_once([' ', '\t']).map_or(target, |(t, _)| t);
            let target = target.trim_start_matches('<').trim_end_matches('>');
            if !target.is_empty() {
                found.push(Link {
                    line: i + 1,
                    target: target.to_owned(),
                });
            }
        };
        // Reference definitions: `[label]: target`.
        if let Some(rest) = line_text.trim_start().strip_prefix('[')
            && let Some((label, target)) = rest.split_once("]:")
            && !label.contains(']')
        {
            push(target);
            continue;
        }
        let bytes = line_text.as_bytes();
        let mut at = 0;
        while let Some(i) = line_text[at..].find("](").map(|i| at + i) {
            let start = i + 2;
            let mut depth = 1;
            let mut end = start;
            while end < bytes.len() {
                match bytes[end] {
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                end += 1;
            }
            push(&line_text[start..end.min(bytes.len())]);
            at = end.min(bytes.len());
        }
        let mut at = 0;
        while let Some(i) = line_text[at..].find("<http").map(|i| at + i) {
            let end = line_text[i..].find('>').map_or(line_text.len(), |e| i + e);
            push(&line_text[i + 1..end]);
            at = end;
        }
    }
    found
}

/// The line with the text of its code spans blanked out.
fn without_code_spans(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    for c in line.chars() {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
        } else if in_code {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// The anchors of a Markdown text's headings, as GitHub and mdBook make them (lowercase,
/// spaces as `-`, punctuation dropped, `-1`, `-2` … for repeats), plus explicit `{#id}`s and
/// `<a id>`/`<a name>` anchors.
pub fn anchors(text: &str) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut found = Vec::new();
    let mut fence = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            fence = !fence;
            continue;
        }
        if fence {
            continue;
        }
        for key in ["id=\"", "name=\""] {
            let mut rest = line;
            while let Some(i) = rest.find(key) {
                let after = &rest[i + key.len()..];
                if let Some(end) = after.find('"') {
                    found.push(after[..end].to_owned());
                }
                rest = after;
            }
        }
        let Some(heading) = trimmed.strip_prefix('#') else {
            continue;
        };
        let heading = heading.trim_start_matches('#');
        if !heading.starts_with(' ') {
            continue;
        }
        let heading = heading.trim();
        if let Some(open) = heading.rfind("{#")
            && heading.ends_with('}')
        {
            found.push(heading[open + 2..heading.len() - 1].to_owned());
            continue;
        }
        let slug = slug(heading);
        let count = seen.entry(slug.clone()).or_insert(0);
        found.push(if *count == 0 {
            slug.clone()
        } else {
            format!("{slug}-{count}")
        });
        *count += 1;
    }
    found
}

/// A heading's anchor: its text without Markdown links' targets, lowercased, spaces as `-`,
/// other punctuation than `-` and `_` dropped.
pub fn slug(heading: &str) -> String {
    let mut text = String::new();
    let mut rest = heading;
    // `[text](target)` counts as `text`.
    while let Some(open) = rest.find('[') {
        let Some(mid) = rest[open..].find("](").map(|i| open + i) else {
            break;
        };
        let Some(close) = rest[mid..].find(')').map(|i| mid + i) else {
            break;
        };
        text.push_str(&rest[..open]);
        text.push_str(&rest[open + 1..mid]);
        rest = &rest[close + 1..];
    }
    text.push_str(rest);
    text.chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            c if c.is_whitespace() => Some('-'),
            _ => None,
        })
        .collect()
}

/// Whether `url` is a well-formed web address: `http(s)://host/…`, a host with a dot (or
/// `localhost`), no spaces.
pub fn well_formed_web(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next().unwrap_or("");
    let host_ok = (host.contains('.') || host == "localhost")
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    host_ok
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == '"')
}

/// `path` with `.` and `..` resolved lexically; `None` when it climbs above its start.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(p) => out.push(p),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// Checks every link of every Markdown file under `root`.
pub fn check_repository(root: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut texts: HashMap<String, String> = HashMap::new();
    let files = markdown_files(root);
    for file in &files {
        if let Ok(text) = std::fs::read_to_string(root.join(file)) {
            texts.insert(file.clone(), text);
        }
    }
    for file in &files {
        let Some(text) = texts.get(file) else { continue };
        for link in links(text) {
            if let Err(why) = check_link(root, file, &link.target, &texts) {
                problems.push(Problem {
                    file: file.clone(),
                    line: link.line,
                    target: link.target,
                    why,
                });
            }
        }
    }
    problems
}

fn check_link(root: &Path, file: &str, target: &str, texts: &HashMap<String, String>) -> Result<(), String> {
    if target.starts_with("mailto:") {
        return Ok(());
    }
    if let Some(path) = target.strip_prefix(REPOSITORY).and_then(|rest| {
        rest.strip_prefix("/blob/main/")
            .or_else(|| rest.strip_prefix("/tree/main/"))
    }) {
        let path = path.split('#').next().unwrap_or(path);
        return match normalize(Path::new(path)) {
            Some(p) if root.join(&p).exists() => Ok(()),
            _ => Err(format!("the repository has no `{path}`")),
        };
    }
    if target.contains("://") || target.starts_with("//") {
        return if well_formed_web(target) {
            Ok(())
        } else {
            Err(String::from(
                "not a well-formed http(s) address (links may leave the repository only for the web)",
            ))
        };
    }
    if let Some((scheme, _)) = target.split_once(':')
        && !scheme.contains('/')
        && !scheme.contains('#')
    {
        return Err(format!("`{scheme}:` links point outside the repository"));
    }
    let (path, anchor) = match target.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (target, None),
    };
    let path = percent_decode(path);
    if path.starts_with('/') {
        return Err(String::from(
            "an absolute path points outside the repository; write it relative to this file",
        ));
    }
    let dir = Path::new(file).parent().unwrap_or(Path::new(""));
    let resolved = if path.is_empty() {
        PathBuf::from(file)
    } else {
        normalize(&dir.join(&path)).ok_or("the link climbs out of the repository")?
    };
    let full = root.join(&resolved);
    if !full.exists() {
        return Err(format!("`{}` does not exist", resolved.display()));
    }
    if let Some(anchor) = anchor.filter(|a| !a.is_empty()) {
        let key = resolved.to_string_lossy().replace('\\', "/");
        if let Some(text) = texts.get(&key)
            && !anchors(text).iter().any(|a| a == anchor)
        {
            return Err(format!("`{key}` has no heading `#{anchor}`"));
        }
    }
    Ok(())
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_outside_code() {
        let text = "See [a](b.md#c) and `[x](not.md)`.\n```\n[y](nope.md)\n```\n[ref]: ../x.md\n<https://a.example/b>\n![img](p.png \"t\")\n";
        let targets: Vec<String> = links(text).into_iter().map(|l| l.target).collect();
        assert_eq!(targets, ["b.md#c", "../x.md", "https://a.example/b", "p.png"]);
    }

    #[test]
    fn anchors_follow_the_heading_slug_rules() {
        let text = "# Charter\n## What `charter check` reports\n## Speed\n## Speed\n### Custom {#mine}\n";
        assert_eq!(
            anchors(text),
            ["charter", "what-charter-check-reports", "speed", "speed-1", "mine"]
        );
        assert_eq!(slug("The [bundled](x.md) policy: 2025!"), "the-bundled-policy-2025");
    }

    #[test]
    fn web_addresses() {
        assert!(well_formed_web("https://www.anthropic.com/legal/aup"));
        assert!(well_formed_web("http://localhost:3000/x"));
        assert!(!well_formed_web("https://nohost/x"));
        assert!(!well_formed_web("https://a .example"));
        assert!(!well_formed_web("ftp://a.example"));
    }

    #[test]
    fn relative_links_stay_inside_the_repository() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let texts = HashMap::new();
        assert!(check_link(root, "README.md", "../outside/README.md", &texts).is_err());
        assert!(check_link(root, "README.md", "/etc/passwd", &texts).is_err());
        assert!(check_link(root, "README.md", "file:///etc/passwd", &texts).is_err());
        assert!(check_link(root, "README.md", "examples/README.md", &texts).is_ok());
        assert!(check_link(root, "README.md", "examples/nothing.md", &texts).is_err());
        let repo = format!("{REPOSITORY}/blob/main/examples/acme.policy.yaml");
        assert!(check_link(root, "README.md", &repo, &texts).is_ok());
        let gone = format!("{REPOSITORY}/blob/main/examples/gone.yaml");
        assert!(check_link(root, "README.md", &gone, &texts).is_err());
    }
}
