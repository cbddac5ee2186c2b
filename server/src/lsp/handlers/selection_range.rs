use tower_lsp_server::ls_types::{SelectionRange, SelectionRangeParams};

use crate::lsp::snapshot::Snapshot;

/// One chain per position, in the order asked (LSP requires as many answers as positions).
pub fn run(snap: &Snapshot, params: SelectionRangeParams) -> Option<Vec<SelectionRange>> {
    let file = snap.file(&params.text_document.uri)?;
    let chains = params
        .positions
        .into_iter()
        .map(|position| {
            let offset = snap.offset(file, position);
            let chain = crate::ide::selection_ranges(&snap.cx, file, offset);
            // Built from the outside in: each range's parent is the next one out.
            let mut outer: Option<SelectionRange> = None;
            for range in chain.into_iter().rev() {
                outer = Some(SelectionRange {
                    range: snap.range(file, range),
                    parent: outer.map(Box::new),
                });
            }
            outer.expect("a chain holds at least the document")
        })
        .collect();
    Some(chains)
}
