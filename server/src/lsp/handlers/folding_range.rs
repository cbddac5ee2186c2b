use tower_lsp_server::ls_types::{FoldingRange, FoldingRangeKind, FoldingRangeParams};

use crate::ide::FoldKind;
use crate::lsp::snapshot::Snapshot;

/// `line_folding_only`: the client folds whole lines and ignores characters, so none are sent.
pub fn run(snap: &Snapshot, (params, line_folding_only): (FoldingRangeParams, bool)) -> Option<Vec<FoldingRange>> {
    let file = snap.file(&params.text_document.uri)?;
    let mut out: Vec<FoldingRange> = Vec::new();
    for fold in crate::ide::folding_ranges(&snap.cx, file) {
        let range = snap.range(file, fold.range);
        // A region on one line has nothing to fold. Several may start on one line (`- rules:`
        // opens an item and a list); clients keep one fold per line: the first, outermost.
        let same_line = out.last().is_some_and(|f| f.start_line == range.start.line);
        if range.end.line == range.start.line || same_line {
            continue;
        }
        out.push(FoldingRange {
            start_line: range.start.line,
            start_character: None, // the default, the end of the line, keeps the key in view
            end_line: range.end.line,
            end_character: (!line_folding_only).then_some(range.end.character),
            // `region` is for `#region` markers; a YAML block is a plain fold.
            kind: (fold.kind == FoldKind::Comment).then_some(FoldingRangeKind::Comment),
            collapsed_text: None,
        });
    }
    Some(out)
}
