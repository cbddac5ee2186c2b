//! `charter explain-code`: a diagnostic code's page of the user's guide, in the terminal.
//!
//! The page is the very file the book publishes (`docs/src/codes/CODE.md`, compiled in through
//! [`Code::page`]), so the two never disagree. It is printed as plain text: the generator's
//! markers dropped, code blocks indented, and links into the book given as full addresses.

use clap::Args;

use super::DocsArgs;
use crate::diagnostic::{Code, did_you_mean};

#[derive(Args, Debug)]
pub struct ExplainCodeArgs {
    /// A diagnostic code, e.g. `unknown-key` (without one: the list of every code).
    #[arg(value_name = "CODE")]
    code: Option<String>,
    #[command(flatten)]
    docs: DocsArgs,
}

pub fn run(args: ExplainCodeArgs) -> Result<u8, String> {
    let base = args.docs.base()?;
    let Some(name) = args.code else {
        print!("{}", list());
        return Ok(0);
    };
    let code = find(&name)?;
    print!("{}", plain_text(code.page(), &base));
    println!("\nOnline: {}", code.docs_url(&base));
    Ok(0)
}

/// The code `name` means: exactly, or written in capitals or with `_` for `-`.
fn find(name: &str) -> Result<Code, String> {
    let normal = name.trim().to_ascii_lowercase().replace('_', "-");
    Code::from_name(&normal).ok_or_else(|| {
        let names = Code::ALL.iter().map(|c| c.as_str());
        let hint = match did_you_mean(&normal, names) {
            Some(near) => format!("; did you mean `{near}`? (`charter explain-code {near}`)"),
            None => String::from("; `charter explain-code` with no code lists every code"),
        };
        format!("`{name}` is not a diagnostic code of Charter{hint}")
    })
}

/// Every code with its severity and summary, one a line.
fn list() -> String {
    let width = Code::ALL.iter().map(|c| c.as_str().len()).max().unwrap_or(0);
    let mut out = String::from("Charter's diagnostic codes (`charter explain-code CODE` explains one):\n\n");
    for code in Code::ALL {
        out.push_str(&format!(
            "  {:width$}  {:7}  {}\n",
            code.as_str(),
            code.severity().as_str(),
            code.summary()
        ));
    }
    out
}

/// A page of the book as terminal text, links into the book resolved against `base` (the
/// book's root, ending in `/`).
pub fn plain_text(page: &str, base: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in page.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str("    ");
            out.push_str(line);
        } else if trimmed.starts_with("<!--") && trimmed.ends_with("-->") {
            continue;
        } else {
            out.push_str(&links(&line.replace("**", ""), base));
        }
        out.push('\n');
    }
    out
}

/// `[text](target)` → `text <address>`, a target relative to the codes' folder made absolute
/// under `base`, `.md` pages as the `.html` the book publishes.
fn links(line: &str, base: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|i| open + i) else {
            break;
        };
        let Some(end) = rest[close + 2..].find(')').map(|i| close + 2 + i) else {
            break;
        };
        out.push_str(&rest[..open]);
        let text = &rest[open + 1..close];
        let target = &rest[close + 2..end];
        out.push_str(&format!("{text} <{}>", absolute(target, base)));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// A relative link `target` (`../verdicts.md#conflicts`) resolved against the folder `from`
/// (as path segments): the segments it leads to, and its `#anchor` (or nothing). The book's
/// pages and the generated editor pages of `cargo xtask docs` resolve links this one way.
pub fn resolve_relative<'a>(from: &[&'a str], target: &'a str) -> (Vec<&'a str>, String) {
    let (path, anchor) = match target.split_once('#') {
        Some((path, anchor)) => (path, format!("#{anchor}")),
        None => (target, String::new()),
    };
    let mut parts = from.to_vec();
    for part in path.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            part => parts.push(part),
        }
    }
    (parts, anchor)
}

fn absolute(target: &str, base: &str) -> String {
    if target.contains("://") || target.starts_with("mailto:") {
        return target.to_owned();
    }
    let (parts, anchor) = resolve_relative(&["codes"], target);
    if parts == ["codes"] {
        return anchor; // an anchor on the page itself
    }
    let joined = parts.join("/");
    let joined = match joined.strip_suffix(".md") {
        Some(stem) if stem.ends_with("README") || stem.ends_with("index") => {
            format!(
                "{}index.html",
                stem.trim_end_matches("README").trim_end_matches("index")
            )
        }
        Some(stem) => format!("{stem}.html"),
        None => joined,
    };
    format!("{base}{joined}{anchor}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://docs.example/charter/";

    #[test]
    fn links_become_addresses_in_the_book() {
        assert_eq!(
            links(
                "see [the verdicts](../reference/verdicts.md#layers) and [`x`](rule-conflict.md).",
                BASE
            ),
            "see the verdicts <https://docs.example/charter/reference/verdicts.html#layers> and `x` \
             <https://docs.example/charter/codes/rule-conflict.html>."
        );
        assert_eq!(links("[web](https://a.example/x)", BASE), "web <https://a.example/x>");
        assert_eq!(links("no link [here] (x)", BASE), "no link [here] (x)");
    }

    #[test]
    fn pages_print_as_plain_text() {
        let page = "# `x`\n\n<!-- generated -->\n**Error**\n\n```yaml\n# a.policy.yaml\npolicy: a\n```\ndone\n";
        assert_eq!(
            plain_text(page, BASE),
            "# `x`\n\nError\n\n    # a.policy.yaml\n    policy: a\ndone\n"
        );
    }

    #[test]
    fn codes_are_found_forgivingly_and_typos_get_a_suggestion() {
        assert_eq!(find("unknown-key"), Ok(Code::UnknownKey));
        assert_eq!(find("UNKNOWN_KEY"), Ok(Code::UnknownKey));
        let typo = find("unknwn-key").unwrap_err();
        assert!(typo.contains("did you mean `unknown-key`?"), "{typo}");
        let nothing = find("zzz").unwrap_err();
        assert!(nothing.contains("lists every code"), "{nothing}");
    }

    #[test]
    fn the_list_names_every_code_with_its_severity() {
        let list = list();
        for code in Code::ALL {
            let line = list
                .lines()
                .find(|l| l.split_whitespace().next() == Some(code.as_str()));
            let line = line.unwrap_or_else(|| panic!("`{code}` is listed"));
            assert!(line.contains(code.severity().as_str()) && line.contains(code.summary()));
        }
    }
}
