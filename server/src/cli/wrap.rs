//! Wrapping prose for a terminal by display width, for English and Chinese alike.
//!
//! A terminal gives an ideograph two columns, so counting characters lets Chinese lines run
//! twice as long as asked. Chinese has no spaces between words: a line may break between any
//! two ideographs, but not before closing punctuation (`，` `。` `）`) nor after opening
//! punctuation (`（` `“`), the rule Chinese typesetting calls 避头尾. A space written between
//! Latin text and the ideograph after it (`2025 年`) is spacing, not a word boundary: it never
//! becomes a break, so a number stays with its unit.

use unicode_width::UnicodeWidthChar;

/// Punctuation that must not start a line.
const CLOSING: &str = "，。、；：！？）」』”’》〉】,.;:!?)";
/// Punctuation that must not end a line.
const OPENING: &str = "（「『“‘《〈【(";

/// `text` in lines of at most `width` display columns, paragraph by paragraph (one output
/// line per input line at least). A run that cannot be broken (a long word) overflows.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    text.lines()
        .flat_map(|paragraph| fill(&tokens(paragraph), width))
        .collect()
}

/// An unbreakable piece of a line: a word, or one ideograph.
#[derive(Debug)]
struct Token {
    text: String,
    width: usize,
    /// Whether a space was written before it.
    spaced: bool,
    /// Whether the line may end just before it.
    breakable: bool,
}

fn is_wide(c: char) -> bool {
    c.width().unwrap_or(0) >= 2
}

fn tokens(paragraph: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut spaced = false;
    for c in paragraph.chars() {
        if c.is_whitespace() {
            spaced = true;
            continue;
        }
        let width = c.width().unwrap_or(0);
        let prev = out.last().and_then(|t| t.text.chars().last());
        let joins_word = !spaced && !is_wide(c) && prev.is_some_and(|p| !is_wide(p));
        if joins_word {
            let last = out.last_mut().expect("a previous token");
            last.text.push(c);
            last.width += width;
            continue;
        }
        let breakable = match prev {
            None => false,
            Some(_) if CLOSING.contains(c) => false,
            Some(p) if OPENING.contains(p) => false,
            // A space before an ideograph is spacing that keeps a number with its unit
            // (`2025 年`); any other space is a break.
            Some(_) if spaced => !is_wide(c),
            Some(_) => true,
        };
        out.push(Token {
            text: c.to_string(),
            width,
            spaced: spaced && prev.is_some(),
            breakable,
        });
        spaced = false;
    }
    out
}

/// Greedy filling over chunks (a token the line may end before, with the tokens glued to it):
/// a chunk goes on the current line unless it would pass `width`.
fn fill(tokens: &[Token], width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    let mut rest = tokens;
    while let Some(first) = rest.first() {
        let len = 1 + rest[1..].iter().take_while(|t| !t.breakable).count();
        let (chunk, tail) = rest.split_at(len);
        rest = tail;
        let chunk_width: usize = chunk.iter().map(|t| t.width + usize::from(t.spaced)).sum();
        if used > 0 && used + chunk_width > width {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        for t in chunk {
            if t.spaced && !(used == 0 && std::ptr::eq(t, first)) {
                line.push(' ');
                used += 1;
            }
            line.push_str(&t.text);
            used += t.width;
        }
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn english_wraps_at_spaces() {
        let lines = wrap("the quick brown fox jumps over the lazy dog", 15);
        assert_eq!(lines, ["the quick brown", "fox jumps over", "the lazy dog"]);
    }

    #[test]
    fn chinese_wraps_by_columns_between_ideographs() {
        let text = "本文件以机器可读的形式整理了 Anthropic 使用政策自 2025 年 9 月 15 日起生效的版本，属于非官方整理，并非政策原文。";
        let lines = wrap(text, 20);
        for line in &lines {
            assert!(line.width() <= 20, "{line:?} is {} columns", line.width());
        }
        assert_eq!(
            lines.concat().replace(' ', ""),
            text.replace(' ', ""),
            "nothing is lost"
        );
        assert!(
            lines.iter().any(|l| l.contains("2025 年")),
            "`2025 年` stays whole: {lines:#?}"
        );
    }

    #[test]
    fn closing_punctuation_never_starts_a_line_and_opening_never_ends_one() {
        for width in 2..30 {
            for line in wrap("他说（这是一个测试）。然后，我们继续：好的！“引号”也一样。", width)
            {
                let first = line.chars().next().unwrap();
                let last = line.chars().last().unwrap();
                assert!(!CLOSING.contains(first), "width {width}: {line:?}");
                assert!(!OPENING.contains(last), "width {width}: {line:?}");
            }
        }
    }

    #[test]
    fn a_word_longer_than_the_width_overflows_alone() {
        assert_eq!(
            wrap("a https://example.com/very/long b", 10),
            ["a", "https://example.com/very/long", "b"]
        );
    }

    #[test]
    fn paragraphs_stay_apart() {
        assert_eq!(wrap("one\n\ntwo", 80), ["one", "", "two"]);
    }
}
