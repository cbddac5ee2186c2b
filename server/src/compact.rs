//! [`CompactStr`]: the text of a YAML scalar and of an id, key or value in a document.
//!
//! A 100,000-line manifest has about 200,000 scalars and 170,000 such strings in its document,
//! nearly all of them short (`use-case-123`, `audience`, `high-risk.legal`). As `String`s each
//! was a heap block of its own, and the allocator's header and rounding on a dozen small
//! blocks per use case cost as much as their text; freed with a tree, they left holes among the
//! document's blocks. Stored inline, a short one costs nothing beyond its 24 bytes.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// The longest text stored inline: what fits beside a length in the 24 bytes of a `String`.
const INLINE: usize = 22;

/// An immutable string stored inline up to 22 bytes, on the heap (exactly sized) beyond.
/// It reads as a `str` (it derefs to one), and compares and hashes as one.
#[derive(Clone)]
pub struct CompactStr(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

// As small as the `String` it replaces, also inside an `Option`.
const _: () = assert!(std::mem::size_of::<CompactStr>() == 24);
const _: () = assert!(std::mem::size_of::<Option<CompactStr>>() == 24);

impl CompactStr {
    pub fn new(text: &str) -> Self {
        if text.len() > INLINE {
            return CompactStr(Repr::Heap(text.into()));
        }
        let mut bytes = [0; INLINE];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        CompactStr(Repr::Inline {
            len: text.len() as u8,
            bytes,
        })
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Checking again costs a few nanoseconds on at most 22 bytes, and keeps this
            // module free of `unsafe`: the bytes were copied whole from a `str`.
            Repr::Inline { len, bytes } => std::str::from_utf8(&bytes[..*len as usize]).expect("copied from a str"),
            Repr::Heap(text) => text,
        }
    }
}

impl Default for CompactStr {
    fn default() -> Self {
        CompactStr::new("")
    }
}

impl Deref for CompactStr {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for CompactStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for CompactStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for CompactStr {
    fn from(text: &str) -> Self {
        CompactStr::new(text)
    }
}

impl From<String> for CompactStr {
    /// Long text keeps its buffer, without spare capacity.
    fn from(text: String) -> Self {
        if text.len() > INLINE {
            CompactStr(Repr::Heap(text.into_boxed_str()))
        } else {
            CompactStr::new(&text)
        }
    }
}

impl From<CompactStr> for String {
    fn from(text: CompactStr) -> Self {
        match text.0 {
            Repr::Heap(text) => text.into(),
            Repr::Inline { .. } => text.as_str().to_owned(),
        }
    }
}

impl fmt::Display for CompactStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for CompactStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for CompactStr {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for CompactStr {}

impl PartialOrd for CompactStr {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CompactStr {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for CompactStr {
    /// As the `str` hashes, so that maps keyed by it can be searched with a `&str`.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

macro_rules! eq_with {
    ($($other:ty),*) => {$(
        impl PartialEq<$other> for CompactStr {
            fn eq(&self, other: &$other) -> bool {
                self.as_str() == AsRef::<str>::as_ref(other)
            }
        }

        impl PartialEq<CompactStr> for $other {
            fn eq(&self, other: &CompactStr) -> bool {
                AsRef::<str>::as_ref(self) == other.as_str()
            }
        }
    )*};
}

eq_with!(str, &str, String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_reads_back_as_written_inline_and_on_the_heap() {
        for text in [
            "",
            "a",
            "use-case-12345",
            "exactly-twenty-two-byt",
            "twenty-three-bytes-long",
            "中文的类别名称",
            "é".repeat(40).as_str(),
        ] {
            let compact = CompactStr::from(text);
            assert_eq!(compact, text);
            assert_eq!(CompactStr::from(text.to_owned()), compact);
            assert_eq!(String::from(compact.clone()), text);
            assert_eq!(format!("{compact}|{compact:?}"), format!("{text}|{text:?}"));
        }
    }

    #[test]
    fn maps_keyed_by_it_are_searched_with_a_str() {
        let map: std::collections::HashMap<CompactStr, u8> = [(CompactStr::from("audience"), 1)].into();
        assert_eq!(map.get("audience"), Some(&1));
        let mut sorted = vec![CompactStr::from("b"), CompactStr::from("a")];
        sorted.sort();
        assert_eq!(sorted, ["a", "b"]);
    }
}
