//! Byte ranges and the one place where byte offsets become line/column positions.
//!
//! The engine works in byte offsets into the file's UTF-8 text. Front ends convert at their
//! boundary through [`LineIndex`]; nothing else in the crate computes lines or columns.

/// A half-open byte range `start..end` into a file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Self { start, end }
    }

    pub fn empty(at: usize) -> Self {
        Self { start: at, end: at }
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains(self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// Like [`contains`](Self::contains) but also true at `end`: where a cursor touching the
    /// range still belongs to it.
    pub fn touches(self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The range after text was inserted or removed at `from`: offsets at or after `from`
    /// move by `delta` bytes, earlier ones stay.
    pub fn shifted(self, from: usize, delta: isize) -> TextRange {
        let shift = |offset: usize| {
            if offset >= from {
                offset.saturating_add_signed(delta)
            } else {
                offset
            }
        };
        let start = shift(self.start);
        TextRange::new(start, shift(self.end).max(start))
    }
}

/// The offset where the line holding `offset` starts (after a `\n`, `\r` or `\r\n`).
pub fn line_start_of(text: &str, offset: usize) -> usize {
    text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1)
}

/// Where an edit changed a text: the bytes before `start` are the same in the old and the new
/// text, and so are the old text from `old_end` and the new text from `new_end`. Several edits
/// merge into one splice that covers them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Splice {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

impl Splice {
    /// `removed` bytes at `start` replaced by `inserted` bytes.
    pub fn edit(start: usize, removed: usize, inserted: usize) -> Splice {
        Splice {
            start,
            old_end: start + removed,
            new_end: start + inserted,
        }
    }

    /// How much longer the new text is.
    pub fn delta(self) -> isize {
        self.new_end as isize - self.old_end as isize
    }

    /// This splice followed by `next` (whose offsets are in this splice's new text), as one
    /// splice from this one's old text to `next`'s new text.
    pub fn then(self, next: Splice) -> Splice {
        let start = self.start.min(next.start);
        // Where `next` removes beyond this splice's new text, that text was old text.
        let beyond = next.old_end.saturating_sub(self.new_end);
        let old_end = self.old_end + beyond;
        let new_end = (self.new_end.max(next.old_end) as isize + next.delta()) as usize;
        Splice {
            start,
            old_end,
            new_end,
        }
    }
}

/// The unit in which a column is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes of UTF-8 (LSP `utf-8`).
    Utf8,
    /// UTF-16 code units (LSP `utf-16`, the protocol's default).
    Utf16,
    /// Unicode scalar values: what the command line prints as columns (LSP `utf-32`).
    Utf32,
}

impl Encoding {
    /// How many units of this encoding `c` takes.
    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// Where each line of a text starts, to turn byte offsets into (line, column) and back.
///
/// Lines end at `\n`, `\r\n` or a lone `\r`: the breaks LSP counts. Unicode line and paragraph
/// separators (U+2028, U+2029) and NEL are ordinary characters, as in LSP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the start of each line; `starts[0] == 0`, so never empty.
    starts: Vec<usize>,
    /// Length of the text in bytes.
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        // Built for every snapshot of an edited file: memchr finds the breaks of a 5 MB
        // manifest in a fraction of the time a byte loop takes.
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            // The `\r` of a `\r\n` does not end the line; its `\n` does.
            if !(bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        Self {
            starts,
            len: text.len(),
        }
    }

    /// Number of lines; a text ending in a line break has an empty last line, as in LSP.
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where `line` (0-based) starts; the text's length for lines past the end.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len)
    }

    /// 0-based line and column (in `enc` units) of a byte offset; offsets past the end or inside a
    /// char are clamped to a char boundary.
    ///
    /// An offset between the `\r` and `\n` of a CRLF maps to the end of its line, the only column
    /// an editor can show there.
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> (u32, u32) {
        position_in(&IndexedStr { text, index: self }, offset, enc)
    }

    /// Byte offset of a 0-based (line, column in `enc` units); clamped: a line past the end gives
    /// the text's length, a column past the line's end gives the end of the line (before its line
    /// break), a column inside a char (a UTF-16 surrogate pair, a UTF-8 sequence) gives the char's
    /// start.
    pub fn offset(&self, text: &str, line: u32, col: u32, enc: Encoding) -> usize {
        offset_in(&IndexedStr { text, index: self }, line, col, enc)
    }

    /// Byte offset where `line`'s content ends, before its line break.
    fn content_end(&self, text: &str, line: usize) -> usize {
        let Some(&next) = self.starts.get(line + 1) else {
            return text.len();
        };
        let bytes = text.as_bytes();
        let mut end = next;
        if end > 0 && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > 0 && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        end.max(self.starts[line])
    }
}

/// What the position conversions need of a text, so that they are written once for both a
/// plain string with its [`LineIndex`] and an editor's rope.
pub trait Lines {
    /// Length in bytes.
    fn len_bytes(&self) -> usize;
    /// Number of lines, breaking at `\n`, `\r\n` and `\r` (a trailing break starts an empty
    /// last line).
    fn line_count(&self) -> usize;
    /// The 0-based line holding byte `offset` (at most the length).
    fn line_of(&self, offset: usize) -> usize;
    /// The characters of `line` with their byte offsets, its line break left out.
    fn line_chars(&self, line: usize) -> impl Iterator<Item = (usize, char)> + '_;
    /// Byte offset where `line` starts.
    fn line_start(&self, line: usize) -> usize;
}

/// 0-based line and column of a byte offset, clamped (see [`LineIndex::position`]).
pub fn position_in(text: &impl Lines, offset: usize, enc: Encoding) -> (u32, u32) {
    let offset = offset.min(text.len_bytes());
    let line = text.line_of(offset);
    let col: usize = text
        .line_chars(line)
        .take_while(|&(at, c)| at + c.len_utf8() <= offset)
        .map(|(_, c)| enc.units(c))
        .sum();
    (to_u32(line), to_u32(col))
}

/// Byte offset of a 0-based line and column, clamped (see [`LineIndex::offset`]).
pub fn offset_in(text: &impl Lines, line: u32, col: u32, enc: Encoding) -> usize {
    let line = line as usize;
    if line >= text.line_count() {
        return text.len_bytes();
    }
    let (col, mut units, mut end) = (col as usize, 0, text.line_start(line));
    for (at, c) in text.line_chars(line) {
        units += enc.units(c);
        if units > col {
            return at;
        }
        end = at + c.len_utf8();
    }
    end
}

struct IndexedStr<'a> {
    text: &'a str,
    index: &'a LineIndex,
}

impl Lines for IndexedStr<'_> {
    fn len_bytes(&self) -> usize {
        self.text.len()
    }

    fn line_count(&self) -> usize {
        self.index.line_count()
    }

    fn line_of(&self, offset: usize) -> usize {
        self.index.starts.partition_point(|&start| start <= offset) - 1
    }

    fn line_chars(&self, line: usize) -> impl Iterator<Item = (usize, char)> + '_ {
        let start = self.index.line_start(line);
        let end = self.index.content_end(self.text, line);
        self.text[start..end].char_indices().map(move |(i, c)| (start + i, c))
    }

    fn line_start(&self, line: usize) -> usize {
        self.index.line_start(line)
    }
}

impl Lines for ropey::Rope {
    fn len_bytes(&self) -> usize {
        ropey::Rope::len_bytes(self)
    }

    fn line_count(&self) -> usize {
        self.len_lines()
    }

    fn line_of(&self, offset: usize) -> usize {
        self.byte_to_line(offset)
    }

    fn line_chars(&self, line: usize) -> impl Iterator<Item = (usize, char)> + '_ {
        let mut at = self.line_to_byte(line);
        self.line(line)
            .chars()
            .take_while(|&c| c != '\n' && c != '\r')
            .map(move |c| {
                let here = at;
                at += c.len_utf8();
                (here, c)
            })
    }

    fn line_start(&self, line: usize) -> usize {
        self.line_to_byte(line)
    }
}

/// LSP and the CLI count in `u32`; a text over 4 GiB saturates instead of wrapping.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Where a file's bytes stopped being UTF-8, as [`decode`] found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidUtf8 {
    /// The first replacement character (U+FFFD) in the decoded text: the valid prefix is kept
    /// unchanged, so this is also where the first invalid byte was (after a byte-order mark).
    pub at: usize,
    /// The bytes start with a UTF-16 byte-order mark: the file was most likely saved as UTF-16.
    pub looks_like_utf16: bool,
}

impl InvalidUtf8 {
    /// The first replacement character's range in the decoded text.
    pub fn range(self) -> TextRange {
        TextRange::new(self.at, self.at + '\u{FFFD}'.len_utf8())
    }
}

/// Bytes of a file → text. Invalid UTF-8 is replaced (U+FFFD) so that nothing downstream has to
/// cope with it, and where it starts is returned for the caller to report. A leading
/// byte-order mark is dropped: editors do not show it, so the first line's columns must not
/// count it (and LSP clients never send it).
pub fn decode(bytes: &[u8]) -> (std::borrow::Cow<'_, str>, Option<InvalidUtf8>) {
    let looks_like_utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    let bytes = bytes.strip_prefix("\u{FEFF}".as_bytes()).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (std::borrow::Cow::Borrowed(text), None),
        Err(e) => {
            let invalid = InvalidUtf8 {
                at: e.valid_up_to(),
                looks_like_utf16,
            };
            (String::from_utf8_lossy(bytes), Some(invalid))
        }
    }
}

/// [`decode`] of bytes the caller no longer needs: UTF-8 becomes the text in the same buffer
/// instead of a copy (a workspace's files were each held twice while read).
pub fn decode_owned(mut bytes: Vec<u8>) -> (String, Option<InvalidUtf8>) {
    let bom = "\u{FEFF}".as_bytes();
    let skip = if bytes.starts_with(bom) { bom.len() } else { 0 };
    if std::str::from_utf8(&bytes[skip..]).is_err() {
        let (text, invalid) = decode(&bytes);
        return (text.into_owned(), invalid);
    }
    bytes.drain(..skip);
    (String::from_utf8(bytes).expect("checked above"), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Encoding::{Utf8, Utf16, Utf32};

    /// Random edit sequences: the merged splice must leave the text outside it untouched.
    #[test]
    fn merged_splices_cover_every_change() {
        let mut rng = crate::testing::Rng(0x5911CE);
        for _ in 0..2000 {
            let old: Vec<u8> = (0..rng.below(40)).map(|_| b'a' + rng.below(3) as u8).collect();
            let mut text = old.clone();
            let mut merged: Option<Splice> = None;
            for _ in 0..1 + rng.below(4) {
                let start = rng.below(text.len() + 1);
                let removed = rng.below(text.len() - start + 1);
                let inserted: Vec<u8> = (0..rng.below(5)).map(|_| b'x').collect();
                text.splice(start..start + removed, inserted.iter().copied());
                let splice = Splice::edit(start, removed, inserted.len());
                merged = Some(merged.map_or(splice, |m| m.then(splice)));
            }
            let m = merged.unwrap();
            assert_eq!(text.len() as isize - old.len() as isize, m.delta());
            assert_eq!(old[..m.start], text[..m.start]);
            assert_eq!(old[m.old_end..], text[m.new_end..]);
        }
    }

    #[test]
    fn shifting_moves_only_offsets_at_or_after_the_edit() {
        let range = TextRange::new(4, 10);
        assert_eq!(range.shifted(10, 3), TextRange::new(4, 13));
        assert_eq!(range.shifted(4, -2), TextRange::new(2, 8));
        assert_eq!(range.shifted(11, 5), range);
    }

    #[test]
    fn rope_and_string_convert_alike() {
        let text = "a: 中文😀\r\nb\rc\n\n😀x\r\n";
        let rope = ropey::Rope::from_str(text);
        let index = LineIndex::new(text);
        assert_eq!(Lines::line_count(&rope), index.line_count());
        for enc in ALL {
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    position_in(&rope, offset, enc),
                    index.position(text, offset, enc),
                    "{offset} {enc:?}"
                );
            }
            for line in 0..7 {
                for col in 0..12 {
                    assert_eq!(
                        offset_in(&rope, line, col, enc),
                        index.offset(text, line, col, enc),
                        "{line}:{col} {enc:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn decode_drops_a_byte_order_mark() {
        let (text, error) = decode("\u{FEFF}policy: x\n".as_bytes());
        assert_eq!((text.as_ref(), error), ("policy: x\n", None));
        let (text, error) = decode(b"\xEF\xBB\xBFa: \xFF\n");
        assert_eq!(text, "a: \u{FFFD}\n");
        assert_eq!(error.map(InvalidUtf8::range), Some(TextRange::new(3, 6)));
    }

    const ALL: [Encoding; 3] = [Utf8, Utf16, Utf32];

    fn positions(text: &str, offset: usize) -> [(u32, u32); 3] {
        let index = LineIndex::new(text);
        ALL.map(|enc| index.position(text, offset, enc))
    }

    #[test]
    fn ascii() {
        let text = "ab\ncd\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        assert_eq!(
            [index.line_start(0), index.line_start(1), index.line_start(2)],
            [0, 3, 6]
        );
        assert_eq!(positions(text, 4), [(1, 1); 3]);
        assert_eq!(positions(text, 6), [(2, 0); 3]);
        for enc in ALL {
            assert_eq!(index.offset(text, 1, 1, enc), 4);
        }
    }

    #[test]
    fn empty_text() {
        let index = LineIndex::new("");
        assert_eq!(index.line_count(), 1);
        assert_eq!(index.position("", 0, Utf16), (0, 0));
        assert_eq!(index.position("", 5, Utf16), (0, 0));
        assert_eq!(index.offset("", 0, 3, Utf16), 0);
        assert_eq!(index.offset("", 4, 0, Utf8), 0);
    }

    #[test]
    fn cjk_three_bytes() {
        let text = "k: 中文x\n";
        let x = text.find('x').unwrap();
        assert_eq!(x, 9);
        assert_eq!(positions(text, x), [(0, 9), (0, 5), (0, 5)]);
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, 0, 5, Utf16), x);
        assert_eq!(index.offset(text, 0, 5, Utf32), x);
        assert_eq!(index.offset(text, 0, 9, Utf8), x);
        // Inside a char: clamped back to its start.
        assert_eq!(index.offset(text, 0, 4, Utf8), 3);
        assert_eq!(index.position(text, 4, Utf16), (0, 3));
    }

    #[test]
    fn emoji_four_bytes_two_utf16_units() {
        let text = "a😀b";
        assert_eq!(positions(text, 5), [(0, 5), (0, 3), (0, 2)]);
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, 0, 3, Utf16), 5);
        assert_eq!(
            index.offset(text, 0, 2, Utf16),
            1,
            "inside the surrogate pair: the char's start"
        );
        assert_eq!(index.offset(text, 0, 2, Utf32), 5);
        assert_eq!(index.position(text, 3, Utf16), (0, 1), "inside the char: its start");
    }

    #[test]
    fn cr_crlf_and_mixed_line_breaks() {
        let text = "a\rb\r\nc\nd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!((0..4).map(|l| index.line_start(l)).collect::<Vec<_>>(), [0, 2, 5, 7]);
        assert_eq!(index.position(text, 2, Utf16), (1, 0));
        assert_eq!(index.position(text, 3, Utf16), (1, 1), "at the \\r: end of line 1");
        assert_eq!(
            index.position(text, 4, Utf16),
            (1, 1),
            "between \\r and \\n: end of line 1"
        );
        assert_eq!(index.position(text, 8, Utf16), (3, 1));
        assert_eq!(
            index.offset(text, 1, 99, Utf16),
            3,
            "past the end of the line: before its break"
        );
        assert_eq!(index.offset(text, 2, 99, Utf8), 6);
        assert_eq!(index.offset(text, 3, 99, Utf32), text.len());
        // Unicode line separators are not LSP line breaks.
        assert_eq!(LineIndex::new("a\u{2028}b\u{85}c").line_count(), 1);
        // A CRLF split by nothing but itself still counts once; `\n\r` is two breaks.
        assert_eq!(LineIndex::new("\r\n").line_count(), 2);
        assert_eq!(LineIndex::new("\n\r").line_count(), 3);
    }

    #[test]
    fn clamping() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 99, Utf16), (1, 2));
        assert_eq!(index.offset(text, 9, 0, Utf16), text.len());
        assert_eq!(index.offset(text, 0, 9, Utf16), 2);
        assert_eq!(index.line_start(9), text.len());
    }

    #[test]
    fn round_trips_at_every_char_boundary() {
        let text = "a: 中文😀\r\n\r\n  - é\rb😀😀\n\nend 𝄞x\r\n";
        let index = LineIndex::new(text);
        let bytes = text.as_bytes();
        for offset in 0..=text.len() {
            let mid_crlf = offset > 0 && bytes[offset - 1] == b'\r' && bytes.get(offset) == Some(&b'\n');
            if !text.is_char_boundary(offset) || mid_crlf {
                continue;
            }
            for enc in ALL {
                let (line, col) = index.position(text, offset, enc);
                assert_eq!(
                    index.offset(text, line, col, enc),
                    offset,
                    "offset {offset} {enc:?} -> ({line}, {col})"
                );
            }
        }
        // And position → offset → position for every column of every line.
        for enc in ALL {
            for line in 0..index.line_count() as u32 {
                for col in 0..12 {
                    let offset = index.offset(text, line, col, enc);
                    let (l, c) = index.position(text, offset, enc);
                    assert_eq!(l, line);
                    assert!(c <= col);
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn round_trips_on_arbitrary_text(text in "[a \r\n\t中é😀𝄞\u{2028}]{0,40}", pick in 0usize..64) {
            let index = LineIndex::new(&text);
            let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let offset = boundaries[pick % boundaries.len()];
            let mid_crlf = offset > 0 && text[..offset].ends_with('\r') && text[offset..].starts_with('\n');
            for enc in ALL {
                let (line, col) = index.position(&text, offset, enc);
                let back = index.offset(&text, line, col, enc);
                if mid_crlf {
                    proptest::prop_assert_eq!(back, offset - 1);
                } else {
                    proptest::prop_assert_eq!(back, offset);
                }
            }
        }
    }

    #[test]
    fn decode_valid_utf8_borrows() {
        let (text, invalid) = decode("a: é".as_bytes());
        assert!(matches!(text, std::borrow::Cow::Borrowed("a: é")));
        assert!(invalid.is_none());
    }

    #[test]
    fn decode_invalid_utf8_replaces_and_says_where() {
        let bytes = b"ok: \xe4\xb8\xad\nbad: \xff\xfe x\n";
        let (text, invalid) = decode(bytes);
        let invalid = invalid.unwrap();
        assert_eq!(
            invalid,
            InvalidUtf8 {
                at: 13,
                looks_like_utf16: false
            }
        );
        assert_eq!(&text[invalid.range().start..invalid.range().end], "\u{FFFD}");
        assert_eq!(text, "ok: 中\nbad: \u{FFFD}\u{FFFD} x\n");
        let (_, invalid) = decode(b"\xff\xfea\x00");
        assert!(invalid.unwrap().looks_like_utf16);
        // A truncated sequence at the very end.
        let (text, invalid) = decode(b"a\xe4\xb8");
        assert_eq!(text, "a\u{FFFD}");
        assert_eq!(invalid.unwrap().range(), TextRange::new(1, 4));
    }

    #[test]
    fn decoding_owned_bytes_gives_what_decoding_borrowed_ones_does() {
        let bom = "\u{FEFF}";
        for bytes in [
            format!("{bom}a: é\n").into_bytes(),
            format!("{bom}{bom}a\n").into_bytes(),
            b"\xEF\xBB\xBFa: \xFF\n".to_vec(),
            b"\xff\xfea\x00".to_vec(),
            b"plain: text\n".to_vec(),
            Vec::new(),
        ] {
            let (text, invalid) = decode(&bytes);
            assert_eq!(decode_owned(bytes.clone()), (text.into_owned(), invalid), "{bytes:?}");
        }
    }
}
