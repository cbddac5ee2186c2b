//! Support shared by the tests and benchmarks (not part of the engine's interface).

/// A small deterministic generator (xorshift): inputs and random walks that replay from a seed.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (which must not be 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with the given chance, in percent.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One LSP content change: a range as (line, character) pairs in the session's position
/// encoding (UTF-8 bytes or UTF-16 units), or `None` to replace the whole text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub range: Option<[(u32, u32); 2]>,
    pub text: String,
}

/// What random changes insert: every kind of line break (and the Unicode separators LSP does
/// not count as breaks), characters of 2, 3 and 4 bytes (a 4-byte one is a UTF-16 surrogate
/// pair), a byte-order mark, and bits of YAML.
const INSERTS: &[&str] = &[
    "",
    "",
    "\r",
    "\n",
    "\r\n",
    "\n\r",
    "a\r",
    "\nb",
    "\r\r\n",
    "é",
    "中",
    "😀",
    "𝄞x",
    "\u{2028}",
    "\u{85}",
    "\u{FEFF}",
    "- ",
    ": ",
    "  ",
    "\t",
    "#",
    "'",
    "[",
    "]",
    "{",
    "}",
    ",",
    "x",
    "id: x",
    "high-risk.legal",
];

impl Change {
    /// A random change to `text`, hostile on purpose: positions inside a multi-byte character
    /// or a surrogate pair, past the end of a line or of the text, reversed ranges, ranges that
    /// cover exactly one line break, and line breaks of every kind inserted next to others.
    pub fn random(rng: &mut Rng, text: &str, utf8: bool) -> Change {
        let lines = lsp_lines(text);
        let start = random_position(rng, &lines, utf8);
        let range = match rng.below(10) {
            // Exactly the line break after a line (it may be `\r`, `\n` or `\r\n`).
            0 if (start.0 as usize) + 1 < lines.len() => {
                let line = start.0 as usize;
                [(start.0, width(lines[line].1, utf8)), (start.0 + 1, 0)]
            }
            1 | 2 => [start, random_position(rng, &lines, utf8)],
            _ => [start, (start.0, start.1.saturating_add(rng.below(6) as u32))],
        };
        let mut insert = String::from(*rng.pick(INSERTS));
        if rng.chance(20) {
            insert.push_str(rng.pick::<&str>(INSERTS));
        }
        Change {
            range: Some(range),
            text: insert,
        }
    }

    /// Applies the change as the language server does: a line past the end is the end of the
    /// text, a column past a line's content is the end of that content (before its break), a
    /// column inside a character is that character's start, and an end before the start is
    /// the start.
    pub fn apply(&self, text: &mut String, utf8: bool) {
        let Some([(sl, sc), (el, ec)]) = self.range else {
            text.clone_from(&self.text);
            return;
        };
        let start = lsp_offset(text, sl, sc, utf8);
        let end = lsp_offset(text, el, ec, utf8).max(start);
        text.replace_range(start..end, &self.text);
    }
}

/// Byte offset of an LSP position in `text`, clamped (see [`Change::apply`]). Written apart
/// from `crate::text`, as the model the server is compared with.
pub fn lsp_offset(text: &str, line: u32, character: u32, utf8: bool) -> usize {
    let Some(&(start, content)) = lsp_lines(text).get(line as usize) else {
        return text.len();
    };
    let mut units = 0;
    for (at, c) in content.char_indices() {
        units += char_units(c, utf8);
        if units > character {
            return start + at;
        }
    }
    start + content.len()
}

/// Each line's byte start and content (its break left out), breaking at `\r\n`, `\r` and `\n`
/// as LSP does; a text ending in a break has an empty last line.
fn lsp_lines(text: &str) -> Vec<(usize, &str)> {
    let mut lines = Vec::new();
    let (bytes, mut start, mut i) = (text.as_bytes(), 0, 0);
    while i < bytes.len() {
        let len = match (bytes[i], bytes.get(i + 1)) {
            (b'\r', Some(b'\n')) => 2,
            (b'\r' | b'\n', _) => 1,
            _ => 0,
        };
        if len == 0 {
            i += 1;
            continue;
        }
        lines.push((start, &text[start..i]));
        i += len;
        start = i;
    }
    lines.push((start, &text[start..]));
    lines
}

fn char_units(c: char, utf8: bool) -> u32 {
    (if utf8 { c.len_utf8() } else { c.len_utf16() }) as u32
}

fn width(line: &str, utf8: bool) -> u32 {
    line.chars().map(|c| char_units(c, utf8)).sum()
}

/// A position on a random line: at a character boundary, inside a character that takes more
/// than one unit, at or past the line's end, or on a line past the end of the text.
fn random_position(rng: &mut Rng, lines: &[(usize, &str)], utf8: bool) -> (u32, u32) {
    if rng.chance(3) {
        let past = [lines.len() as u32, lines.len() as u32 + 7, u32::MAX];
        return (*rng.pick(&past), rng.below(4) as u32);
    }
    let line = rng.below(lines.len());
    let content = lines[line].1;
    let chars: Vec<char> = content.chars().collect();
    let before = |k: usize| chars[..k].iter().map(|&c| char_units(c, utf8)).sum::<u32>();
    let character = match rng.below(10) {
        0 => width(content, utf8),
        1 => width(content, utf8) + 1 + rng.below(3) as u32,
        2 if rng.chance(10) => u32::MAX,
        3..=5 => {
            // Inside a character of several units, if the line has one.
            let wide: Vec<usize> = (0..chars.len()).filter(|&k| char_units(chars[k], utf8) > 1).collect();
            match wide.as_slice() {
                [] => before(rng.below(chars.len() + 1)),
                wide => {
                    let k = *rng.pick(wide);
                    before(k) + 1 + rng.below(char_units(chars[k], utf8) as usize - 1) as u32
                }
            }
        }
        _ => before(rng.below(chars.len() + 1)),
    };
    (line as u32, character)
}

/// A manifest with the shapes a partial re-parse must get right or refuse: comments,
/// flow maps, block scalars, CRLF, missing and repeated ids, keys after the list.
pub fn random_manifest(rng: &mut Rng) -> String {
    let mut out = String::from("# header\nmanifest: m\nuse-cases:\n");
    let indent = *rng.pick(&["", "  ", "    "]);
    for n in 0..2 + rng.below(8) {
        let id = match rng.below(10) {
            0 => String::from("Bad Id"),
            1 => String::from("u1"),
            _ => format!("u{n}"),
        };
        let item = match rng.below(6) {
            0 => format!("{indent}- {{ id: {id}, categories: [cyber.defense], audience: consumer }}\n"),
            1 => format!(
                "{indent}- id: {id}\n{indent}  summary: |\n{indent}    Line one.\n\n{indent}    Résumé 合同 😀.\n{indent}  categories: [cyber.malware]\n"
            ),
            2 => format!(
                "{indent}- id: {id}\n{indent}  # a comment\n{indent}  categories:\n{indent}    - high-risk.legal\n{indent}  audience: consumer\n"
            ),
            3 => format!("{indent}- summary: no id\n{indent}  categories: [politics.research]\n"),
            4 => format!("{indent}- [not, a, map]\n"),
            _ => format!(
                "{indent}- id: {id}\n{indent}  categories: [cyber.defense]\n{indent}  safeguards: [ai-disclosure]\n"
            ),
        };
        out.push_str(&item);
    }
    if rng.chance(20) {
        out.push_str("owner: someone@example.com\n");
    }
    if rng.chance(15) {
        out = out.replace('\n', "\r\n");
    }
    out
}

const MANIFEST_PIECES: &[&str] = &[
    "x",
    " ",
    "\n",
    "\r\n",
    "\r",
    "- ",
    "  - id: new\n",
    ":",
    "#",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "&a ",
    "*a",
    "---\n",
    "é",
    "😀",
    "  ",
    "cyber.malware",
    "audience: business\n    ",
];

/// A random edit of `text`, as `(start, end, inserted)`: pieces of YAML, words typed over
/// values, and copies of other text of the file.
pub fn random_manifest_edit(rng: &mut Rng, text: &str) -> (usize, usize, String) {
    let boundary = |rng: &mut Rng| {
        let mut at = rng.below(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let start = boundary(rng);
    let mut end = (start + rng.below(12)).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let inserted = match rng.below(4) {
        0 => String::new(),
        // A word typed over a value: what most keystrokes do.
        3 => {
            let start = text[..start].rfind([' ', '\n']).map_or(0, |i| i + 1);
            let end = text[start..]
                .find([' ', '\n', ',', ']'])
                .map_or(text.len(), |i| i + start);
            return (
                start,
                end,
                rng.pick(&["consumer", "business", "u9", "cyber.malware", "x"])
                    .to_string(),
            );
        }
        1 => rng.pick(MANIFEST_PIECES).to_string(),
        _ => {
            // A copy of other text from the file: moves whole lines and items around.
            let from = boundary(rng);
            let mut to = (from + rng.below(40)).min(text.len());
            while !text.is_char_boundary(to) {
                to -= 1;
            }
            text[from..to].to_string()
        }
    };
    (start, end, inserted)
}

/// Where `token` stands on the first line of the bundled 2025 policy that starts with `line`
/// (indentation included), as a 0-based line and column. The bundled ids are ASCII, so the
/// column is the same in UTF-8 and UTF-16; tests find places in the policy this way rather
/// than by line numbers that every edit of the policy moves.
pub fn bundled_2025_position(line: &str, token: &str) -> (u32, u32) {
    let text = include_str!("../policies/anthropic-usage/2025-09-15.policy.yaml");
    let (n, found) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with(line))
        .unwrap_or_else(|| panic!("no line {line:?} in the bundled policy"));
    let start = found.find(token).expect("the token on its line") as u32;
    (n as u32, start)
}
