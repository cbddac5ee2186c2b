use super::*;

fn fmt(text: &str) -> String {
    match format(text, FileKind::Policy) {
        Ok(out) => out,
        Err(r) => panic!("refused: {}\n{text}", r.reason()),
    }
}

#[test]
fn debug_examples() {
    for path in ["../examples/acme.policy.yaml", "../examples/support-bot.usecases.yaml", "../policies/anthropic-usage/2025-09-15.policy.yaml"] {
        let text = std::fs::read_to_string(path).unwrap();
        let kind = FileKind::of_path(path).unwrap();
        match format(&text, kind) {
            Ok(out) => {
                std::fs::write(format!("/tmp/fmt-{}", path.rsplit('/').next().unwrap()), &out).unwrap();
            }
            Err(r) => panic!("{path}: {}", r.reason()),
        }
    }
}

#[test]
fn debug_one() {
    let Ok(path) = std::env::var("FMT_DEBUG") else { return };
    let bytes = std::fs::read(&path).unwrap();
    let part = bytes.split(|&b| b == 0).nth(std::env::var("FMT_PART").map_or(0, |p| p.parse().unwrap())).unwrap();
    let text = crate::text::decode(part).0.into_owned();
    let tree = parse(&text, &Limits::default()).tree;
    let comments = Comments::scan(&text, &tree).unwrap();
    let out = print::print(&text, &tree, &comments, FileKind::Policy);
    eprintln!("=====IN=====\n{text}\n=====OUT=====\n{out}\n=====");
    eprintln!("{:?}", format(&text, FileKind::Policy).err());
}
