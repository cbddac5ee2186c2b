//! The canonical layout of policies and manifests (`charter fmt`, editor formatting): text in,
//! text out, pure. The layout is rebuilt from the YAML tree; what the tree does not hold is
//! recovered from the text (comments, blank lines, how scalars are written) or, when it cannot be
//! reproduced exactly (anchors, tags, document markers), the file is refused and left as it is.
//!
//! Every result is checked before it is returned (`verify`): the output must parse to the same
//! values in the same order (up to the key order the layout imposes) and keep every comment.

mod comments;
mod diff;
mod order;
pub mod part;
mod print;
mod scalar;
mod verify;

use std::borrow::Cow;

pub use comments::comment_ranges;
pub use diff::{Hunk, line_diff, lines};

use crate::diagnostic::Diagnostic;
use crate::syntax::{Limits, NodeKind, ScalarStyle, Tree, parse};
use crate::text::{Encoding, LineIndex, TextRange};
use crate::workspace::FileKind;
use comments::Comments;

/// The widest line a flow list or map may make (in characters, indentation included).
pub const WIDTH: usize = 100;

/// Why a text was not formatted; the text is then left exactly as it was.
#[derive(Debug, Clone)]
pub enum Refusal {
    /// `yaml-syntax` errors: the diagnostics `charter check` reports for the text.
    Syntax(Vec<Diagnostic>),
    /// YAML the formatter does not rewrite; the message says what and where.
    Unsupported(String),
    /// The formatter's check of its own output failed: a bug, reported rather than written.
    Internal(String),
}

impl Refusal {
    /// One line for people: why the file was left as it was.
    pub fn reason(&self) -> String {
        match self {
            Refusal::Syntax(d) => format!(
                "it has a YAML syntax error ({}); fix it first",
                d.first().map_or("", |d| d.message.as_str())
            ),
            Refusal::Unsupported(why) => why.clone(),
            Refusal::Internal(why) => format!("{why}; this is a bug in Charter, please report it with the file"),
        }
    }
}

/// `text` in the canonical layout for a file of `kind`; `Ok` with the same text when it already
/// is. Keeps a byte-order mark and the line endings (`\n` or `\r\n`) the text uses.
pub fn format(text: &str, kind: FileKind) -> Result<String, Refusal> {
    let parsed = parse(text, &Limits::default());
    if !parsed.diagnostics.is_empty() {
        return Err(Refusal::Syntax(parsed.diagnostics));
    }
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let crlf = uses_crlf(body)?;
    // YAML reads `\r\n` as one line break, inside scalars too: the values do not change.
    let body: Cow<str> = if crlf {
        body.replace("\r\n", "\n").into()
    } else {
        body.into()
    };
    // The tree's ranges must be those of `body`: parsed again only if it differs from `text`.
    let tree = if body.len() == text.len() {
        parsed.tree
    } else {
        parse(&body, &Limits::default()).tree
    };
    refuse_unsupported(&body, &tree)?;
    let comments = Comments::scan(&body, &tree)?;
    let out = print::print(&body, &tree, &comments, kind).map_err(|node| {
        unsupported(
            &body,
            tree.range(node).start,
            "has a comment after a value whose key has one too; join the two or move one above the key",
        )
    })?;
    verify::verify(&body, &tree, &comments, &out, kind)?;
    let out = if crlf { out.replace('\n', "\r\n") } else { out };
    Ok(format!("{bom}{out}"))
}

/// Whether the text's lines end in `\r\n`; a `\r` alone is refused, as turning it into either
/// ending would change how other tools split the file.
fn uses_crlf(text: &str) -> Result<bool, Refusal> {
    let crs = text.matches('\r').count();
    let crlfs = text.matches("\r\n").count();
    if crs != crlfs {
        let at = text.find('\r').unwrap_or(0);
        return Err(Refusal::Unsupported(format!(
            "line {} ends in a carriage return without a line feed; use `\\n` or `\\r\\n` line endings",
            line_of(text, at)
        )));
    }
    Ok(crs > 0)
}

/// The refusal of YAML the layout does not reproduce: what, at which line, and what to do.
fn unsupported(text: &str, at: usize, what: &str) -> Refusal {
    Refusal::Unsupported(format!(
        "line {} {what}, which `charter fmt` does not rewrite; format this file by hand",
        line_of(text, at)
    ))
}

/// 1-based line of byte `at`, for messages.
fn line_of(text: &str, at: usize) -> u32 {
    LineIndex::new(text).position(text, at, Encoding::Utf8).0 + 1
}

/// Refuses what the layout cannot write back exactly: anchors, aliases and tags (the tree keeps
/// none of them), document markers and directives, block scalars whose indentation or trailing
/// lines are part of their header, and keys that are not one-line scalars.
fn refuse_unsupported(text: &str, tree: &Tree) -> Result<(), Refusal> {
    let unsupported = |at: usize, what: &str| Err(unsupported(text, at, what));
    if tree.anchored {
        let at = comments::first_outside(text, tree, '&').unwrap_or(0);
        return unsupported(at, "defines an anchor (`&name`) for aliases (`*name`)");
    }
    if tree.tagged {
        let at = comments::first_outside(text, tree, '!').unwrap_or(0);
        return unsupported(at, "has a tag (`!name`)");
    }
    for id in tree.reachable() {
        let range = tree.range(id);
        match tree.kind(id) {
            NodeKind::Scalar(s) if matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded) => {
                if !matches!(text.as_bytes().get(range.start), Some(b'|' | b'>')) {
                    return unsupported(range.start, "has a block scalar whose header cannot be found");
                }
                if scalar::block_has_trailing_space_lines(text, range) {
                    return unsupported(range.start, "has block text ending in lines of spaces");
                }
                let header = scalar::block_header(text, range);
                if header.contains(|c: char| c == '+' || c.is_ascii_digit()) {
                    return unsupported(
                        range.start,
                        &format!("has a block scalar header `{header}` with keep chomping or an indentation indicator"),
                    );
                }
            }
            // A plain scalar on one line is written back as it is: it must be exactly its value.
            NodeKind::Scalar(s)
                if s.style == ScalarStyle::Plain
                    && !s.text.is_empty()
                    && !text[range.start..range.end].contains('\n')
                    && text[range.start..range.end] != *s.text.as_str() =>
            {
                return unsupported(range.start, "has a plain scalar whose text cannot be found");
            }
            // YAML reserves these to start other tokens; a reader that took one as the start of a
            // plain value (in flow context) may read it otherwise where the layout moves it.
            NodeKind::Scalar(s)
                if s.style == ScalarStyle::Plain
                    && s.text.starts_with([
                        ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`',
                    ]) =>
            {
                return unsupported(
                    range.start,
                    &format!(
                        "has a value starting with `{}`, which YAML reserves; quote it",
                        &s.text[..1]
                    ),
                );
            }
            NodeKind::Mapping(entries) => {
                for e in entries {
                    if !one_line_key(text, tree, e.key) {
                        return unsupported(tree.range(e.key).start, "has a key that is not a one-line scalar");
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn one_line_key(text: &str, tree: &Tree, key: crate::syntax::NodeId) -> bool {
    let range: TextRange = tree.range(key);
    tree.scalar(key).is_some_and(|s| {
        !matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded)
            && !(s.style == ScalarStyle::Plain && s.text.is_empty())
            && !text[range.start..range.end].contains('\n')
    })
}

#[cfg(test)]
mod tests;
