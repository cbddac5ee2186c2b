//! Focused cases of the layout; `tests/format.rs` checks its promises over the whole corpus.

use super::*;

fn policy(text: &str) -> String {
    match format(text, FileKind::Policy) {
        Ok(out) => out,
        Err(r) => panic!("refused: {}\n{text}", r.reason()),
    }
}

fn manifest(text: &str) -> String {
    match format(text, FileKind::Manifest) {
        Ok(out) => out,
        Err(r) => panic!("refused: {}\n{text}", r.reason()),
    }
}

#[test]
fn keys_follow_the_reference_and_unknown_ones_keep_their_order_after() {
    let text = "rules:\n  - summary: S.\n    categories: [a]\n    effect: prohibit\n    id: r\nversion: 2025-11-01\npolicy: p\n";
    assert_eq!(
        policy(text),
        "policy: p\nversion: 2025-11-01\n\nrules:\n  - id: r\n    effect: prohibit\n    categories: [a]\n    summary: S.\n"
    );
    let text = "manifest: m\nuse-cases:\n  - region: eu\n    categories: [a]\n    agentic: true\n    id: u\n";
    assert_eq!(
        manifest(text),
        "manifest: m\n\nuse-cases:\n  - id: u\n    categories: [a]\n    region: eu\n    agentic: true\n"
    );
    // Maps keyed by ids keep the author's order.
    let text = "policy: p\ncategories:\n  z: { summary: Z. }\n  a: { summary: A. }\n";
    assert_eq!(
        policy(text),
        "policy: p\n\ncategories:\n  z: { summary: Z. }\n  a: { summary: A. }\n"
    );
}

#[test]
fn scalar_lists_are_flow_when_they_fit_and_block_otherwise() {
    let text = "policy: p\nrules:\n  - id: r\n    categories:\n      - a\n      - b\n";
    assert!(policy(text).contains("    categories: [a, b]\n"));
    let long: Vec<String> = (0..12).map(|i| format!("category-number-{i}")).collect();
    let text = format!("policy: p\nrules:\n  - id: r\n    categories: [{}]\n", long.join(", "));
    let out = policy(&text);
    assert!(
        out.contains("    categories:\n      - category-number-0\n      - category-number-1\n"),
        "{out}"
    );
    assert!(out.lines().all(|l| l.chars().count() <= WIDTH));
    // Lists of maps stay in block style.
    let text = "manifest: m\nuse-cases: [{id: u, categories: [a]}]\n";
    assert_eq!(
        manifest(text),
        "manifest: m\n\nuse-cases:\n  - { id: u, categories: [a] }\n"
    );
}

#[test]
fn quotes_go_only_where_every_reader_reads_the_same_string() {
    let text = "policy: p\nattributes:\n  a:\n    values: [\"eu\", 'us', \"yes\", \"on\", \"true\", \"2025-11-01\", \"1\", \"a: b\", \"x, y\", \"\", \"null\"]\n";
    let out = policy(text);
    assert!(
        out.contains(r#"values: [eu, us, "yes", "on", "true", "2025-11-01", "1", "a: b", "x, y", "", "null"]"#),
        "{out}"
    );
    // A comma is fine in a plain value in block style, not in a flow list.
    assert_eq!(policy("policy: p\ntitle: \"A, B\"\n"), "policy: p\ntitle: A, B\n");
}

#[test]
fn comments_travel_with_their_key_or_item() {
    let text = "\
# header

# about version
version: 2025-11-01  # the day
policy: p
rules:
  # the first rule
  - id: r  # its id
    categories: [a]  # the list

  # the second rule
  - id: s
    categories:
      - a  # an item
      - b
# the end
";
    let out = policy(text);
    assert_eq!(
        out,
        "\
# header

policy: p
# about version
version: 2025-11-01  # the day

rules:
  # the first rule
  - id: r            # its id
    categories: [a]  # the list

  # the second rule
  - id: s
    categories:
      - a  # an item
      - b
# the end
"
    );
}

#[test]
fn trailing_comments_of_consecutive_lines_share_a_column() {
    let text = "\
manifest: m # the id
policy: anthropic-usage@2025-09-15    # the policy
owner: 法务部 # who answers

use-cases:
  - id: u # alone
    categories: [general.translation] # one
    summary: x
    audience: consumer # two
";
    let out = manifest(text);
    assert_eq!(
        out,
        "\
manifest: m                         # the id
policy: anthropic-usage@2025-09-15  # the policy
owner: 法务部                       # who answers

use-cases:
  - id: u  # alone
    summary: x
    categories: [general.translation]  # one
    audience: consumer                 # two
"
    );
    assert_eq!(manifest(&out), out, "aligning is idempotent");
}

#[test]
fn block_text_keeps_its_lines_and_moves_with_its_key() {
    let text = "policy: p\nsections:\n  s:\n      text: |\n          line one\n            indented\n\n          after a blank\n      title: T\n";
    assert_eq!(
        policy(text),
        "policy: p\n\nsections:\n  s:\n    title: T\n    text: |\n      line one\n        indented\n\n      after a blank\n"
    );
}

#[test]
fn blank_lines_inside_blocks_are_kept_once_and_the_file_ends_with_one_newline() {
    let text = "manifest: m\nuse-cases:\n\n  - id: a\n    categories: [x]\n\n\n\n  - id: b\n    categories: [x]\n\n\n";
    assert_eq!(
        manifest(text),
        "manifest: m\n\nuse-cases:\n  - id: a\n    categories: [x]\n\n  - id: b\n    categories: [x]\n"
    );
    assert_eq!(policy("policy: p"), "policy: p\n");
    assert_eq!(policy(""), "");
}

#[test]
fn crlf_line_endings_and_a_byte_order_mark_are_kept() {
    let out = policy("\u{feff}version: 2025-11-01\r\npolicy: p\r\n");
    assert_eq!(out, "\u{feff}policy: p\r\nversion: 2025-11-01\r\n");
}

#[test]
fn syntax_errors_and_yaml_the_layout_cannot_reproduce_are_refused() {
    assert!(matches!(
        format("policy: [p\n", FileKind::Policy),
        Err(Refusal::Syntax(_))
    ));
    for (text, why) in [
        ("policy: &a p\ntitle: *a\n", "anchor"),
        ("policy: !!str p\n", "tag"),
        ("---\npolicy: p\n", "document marker"),
        (
            "policy: p\nsections:\n  s:\n    text: |+\n      kept\n\n",
            "keep chomping",
        ),
        ("policy:\n  # why\n  p\n", "between a key and its value"),
        ("policy: p\rtitle: t\n", "carriage return"),
        (
            "policy: p\ntitle:  # who\n  T  # team\n",
            "line 3 has a comment after a value whose key has one too",
        ),
    ] {
        match format(text, FileKind::Policy) {
            Err(Refusal::Unsupported(message)) => assert!(message.contains(why), "{text:?}: {message}"),
            other => panic!("{text:?}: {other:?}"),
        }
    }
}

#[test]
fn a_suppression_comment_stays_on_the_line_of_its_key() {
    let text = "policy: p\nrules:\n  - categories: [apps.web]\n    id: no-web-apps  # charter-ignore: redundant-rule\n    effect: prohibit\n";
    assert!(policy(text).contains("  - id: no-web-apps  # charter-ignore: redundant-rule\n"));
}

/// `check` silences a hint on the line of the comment, or on the line below one alone on its
/// line: which key is on that line must not change, whatever the order of the reference says.
#[test]
fn a_suppression_comment_above_an_item_covers_the_same_key_after_formatting() {
    let text = "policy: p\nrules:\n  # charter-ignore: redundant-rule\n  - effect: prohibit\n    categories: [apps.web]\n    id: no-web-apps\n";
    assert_eq!(
        policy(text),
        "policy: p\n\nrules:\n  # charter-ignore: redundant-rule\n  - effect: prohibit\n    id: no-web-apps\n    categories: [apps.web]\n"
    );
    // Above a key of the root map, too; the rest still follows the reference.
    let text = "# charter-ignore: superseded-policy\npolicy: anthropic-usage@2024-06-06\nuse-cases: []\nmanifest: m\n";
    assert_eq!(
        manifest(text),
        "# charter-ignore: superseded-policy\npolicy: anthropic-usage@2024-06-06\nmanifest: m\nuse-cases: []\n"
    );
    // A block list is not joined into a flow one when its last item carries a suppression.
    let text =
        "policy: p\nrules:\n  - id: r\n    categories:\n      - a\n      - b  # charter-ignore: redundant-rule\n";
    assert_eq!(policy(text), text.replace("rules:", "\nrules:"));
}

#[test]
fn a_file_whose_suppression_would_cover_other_keys_is_refused_with_the_comment_named() {
    // Too long for one line, the list goes to block style: the comment would then cover `z`
    // alone, not `categories` and every item.
    let long: Vec<String> = (0..12).map(|i| format!("category-number-{i}")).collect();
    let text = format!(
        "policy: p\nrules:\n  - id: r\n    categories: [{}]  # charter-ignore: redundant-rule\n",
        long.join(", ")
    );
    match format(&text, FileKind::Policy) {
        Err(Refusal::Unsupported(why)) => {
            assert!(why.contains("line 4 has `# charter-ignore: redundant-rule`"), "{why}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_refusal_names_the_line_of_the_anchor_or_tag_not_of_an_ampersand_in_text() {
    for (text, line) in [
        ("policy: p\ntitle: R&D policy\nx: &a 1\n", 3),
        ("# Q&A below\npolicy: p\nsummary: \"a & b\"\nx: &a\n  k: v\n", 4),
        ("policy: p\ntitle: Hello!\n# yes!\nx: !!str 1\n", 4),
    ] {
        match format(text, FileKind::Policy) {
            Err(Refusal::Unsupported(why)) => assert!(why.starts_with(&format!("line {line} ")), "{text:?}: {why}"),
            other => panic!("{text:?}: {other:?}"),
        }
    }
}
