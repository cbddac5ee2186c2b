//! How one scalar is written: when quotes can go, and how a scalar that spans lines is
//! indented again without changing its value.

use crate::syntax::{Scalar, ScalarStyle};
use crate::text::TextRange;

/// A scalar's type under the YAML 1.2 core schema: what a plain scalar means to other tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Type {
    Null,
    Bool,
    Int,
    Float,
    Str,
}

pub(super) fn type_of(s: &Scalar) -> Type {
    if s.style == ScalarStyle::Plain {
        plain_type(&s.text)
    } else {
        Type::Str
    }
}

fn plain_type(t: &str) -> Type {
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    let unsigned = t.strip_prefix(['-', '+']).unwrap_or(t);
    match t {
        "" | "~" | "null" | "Null" | "NULL" => Type::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => Type::Bool,
        _ if digits(unsigned, 10) => Type::Int,
        _ if t.strip_prefix("0o").is_some_and(|d| digits(d, 8)) => Type::Int,
        _ if t.strip_prefix("0x").is_some_and(|d| digits(d, 16)) => Type::Int,
        _ if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(t, ".nan" | ".NaN" | ".NAN") => Type::Float,
        _ if is_float(unsigned) => Type::Float,
        _ => Type::Str,
    }
}

/// `( \.[0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`, the sign already removed.
fn is_float(t: &str) -> bool {
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok =
        all_digits(int) && frac.is_none_or(all_digits) && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exponent_ok
}

/// Words YAML 1.1 tools (PyYAML, older libraries) read as booleans or null: left quoted even
/// though YAML 1.2 reads them as strings.
const YAML_1_1_SPECIAL: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
];

/// Whether the string `text` of a quoted scalar may be written plain, meaning the same string
/// to a YAML 1.2 reader and to a YAML 1.1 one: it starts with a letter (so it is no number,
/// date or indicator), holds no character that ends or splits a plain scalar, and is not a
/// keyword. In flow context (`[a, b]`) the flow indicators are out too.
pub(super) fn can_be_plain(text: &str, flow: bool) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    first.is_alphabetic()
        && !text
            .chars()
            .any(|c| c.is_control() || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'))
        && !text.ends_with([' ', ':'])
        && !text.contains(": ")
        && !text.contains(" #")
        && !(flow && text.contains([',', '[', ']', '{', '}', ':']))
        && plain_type(text) == Type::Str
        && !YAML_1_1_SPECIAL.contains(&text)
}

/// Whether a plain scalar written in block context stays one scalar inside `[...]`/`{...}`.
pub(super) fn plain_fits_flow(raw: &str) -> bool {
    !raw.contains([',', '[', ']', '{', '}'])
}

/// A plain or quoted scalar over several lines with its continuation lines indented by
/// `indent`: YAML drops their leading white space when it folds the lines, so any indentation
/// deeper than the parent's reads the same. Trailing white space is dropped as well for plain
/// scalars only: in a double-quoted one it may follow an escaping `\`.
pub(super) fn reindent_folded(raw: &str, indent: usize, plain: bool) -> String {
    let mut out = String::with_capacity(raw.len());
    for (i, line) in raw.split('\n').enumerate() {
        let line = if plain {
            line.trim_end_matches([' ', '\t'])
        } else {
            line
        };
        if i == 0 {
            out.push_str(line);
            continue;
        }
        out.push('\n');
        let rest = line.trim_start_matches([' ', '\t']);
        if !rest.is_empty() {
            push_indent(&mut out, indent);
            out.push_str(rest);
        }
    }
    out
}

/// The header of a block scalar (`|`, `>-`, ...) whose range is `range`.
pub(super) fn block_header(text: &str, range: TextRange) -> &str {
    let rest = &text[range.start..range.end];
    let len = 1 + rest
        .get(1..)
        .unwrap_or("")
        .bytes()
        .take_while(|b| matches!(b, b'1'..=b'9' | b'+' | b'-'))
        .count();
    &rest[..len.min(rest.len())]
}

/// The content lines of a block scalar, moved from their indentation to `indent`: the value
/// depends only on the indentation of each line relative to the first non-empty one, which is
/// kept. Lines of white space shorter than that indentation are empty lines either way.
pub(super) fn block_content(text: &str, range: TextRange, indent: usize) -> Vec<String> {
    let Some(body) = block_body(text, range) else {
        return Vec::new();
    };
    let base = content_indent(body);
    body.split('\n')
        .map(|line| {
            let rest = line
                .get(base..)
                .filter(|_| line.as_bytes()[..base].iter().all(|&b| b == b' '));
            match rest {
                Some(rest) if !rest.is_empty() => {
                    let mut l = String::with_capacity(indent + rest.len());
                    push_indent(&mut l, indent);
                    l.push_str(rest);
                    l
                }
                _ => String::new(),
            }
        })
        .collect()
}

/// The content lines of a block scalar, through the end of the last one: the scalar's range
/// stops before trailing white space, which a literal scalar keeps.
fn block_body(text: &str, range: TextRange) -> Option<&str> {
    let newline = text[range.start..range.end].find('\n')?;
    let end = text[range.end..].find('\n').map_or(text.len(), |i| range.end + i);
    Some(&text[range.start + newline + 1..end])
}

/// The indentation of a block scalar's content: that of its first non-empty line.
fn content_indent(body: &str) -> usize {
    body.split('\n')
        .find(|l| !l.trim().is_empty())
        .map_or(0, |l| l.len() - l.trim_start_matches(' ').len())
}

/// Whether lines of white space follow the block scalar's last content line that are deeper
/// than its content: they belong to its value, beyond its range.
pub(super) fn block_has_trailing_space_lines(text: &str, range: TextRange) -> bool {
    let Some(body) = block_body(text, range) else {
        return false;
    };
    let base = content_indent(body);
    text[range.end..]
        .split('\n')
        .skip(1)
        .take_while(|l| l.trim().is_empty())
        .any(|l| l.len() > base)
}

pub(super) fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}
