use charter::check::Context;
use charter::text::{Encoding, LineIndex};
use charter::workspace::{FileKind, Workspace};
use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    for _ in 0..3 {
        let mut ws = Workspace::with_bundled();
        let t = Instant::now();
        let p = charter::syntax::parse(&text, &charter::syntax::Limits::default());
        let parse = t.elapsed();
        drop(p);
        let t = Instant::now();
        let id = ws.add(path.clone(), text.clone(), FileKind::Manifest, false);
        let add = t.elapsed();
        let t = Instant::now();
        let cx = Context::new(ws, charter::model::Date::new(2026, 1, 1).unwrap());
        let ctx = t.elapsed();
        let t = Instant::now();
        let d = cx.check_file(id);
        let check = t.elapsed();
        let t = Instant::now();
        let li = LineIndex::new(&text);
        let mut s = 0u64;
        for x in &d {
            let (l, c) = li.position(&text, x.range.start, Encoding::Utf16);
            s += (l + c) as u64;
            let (l, c) = li.position(&text, x.range.end, Encoding::Utf16);
            s += (l + c) as u64;
        }
        let conv = t.elapsed();
        let t = Instant::now();
        let st = text.clone();
        let copy = t.elapsed();
        println!(
            "parse {:?} parse+lower {:?} context {:?} check {:?} ({} diags) lineindex+conv {:?} copy {:?} {}",
            parse,
            add,
            ctx,
            check,
            d.len(),
            conv,
            copy,
            s + st.len() as u64
        );
    }
}
