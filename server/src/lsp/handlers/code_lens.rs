use tower_lsp_server::ls_types::{self as lsp, CodeLensParams, Command};

use crate::lsp::snapshot::Snapshot;

/// Lenses only inform: their command does nothing (an empty command name).
pub fn run(snap: &Snapshot, params: CodeLensParams) -> Option<Vec<lsp::CodeLens>> {
    let file = snap.file(&params.text_document.uri)?;
    let lenses = crate::ide::code_lenses(&snap.cx, file)
        .into_iter()
        .map(|lens| lsp::CodeLens {
            range: snap.range(file, lens.range),
            command: Some(Command {
                title: lens.title,
                command: String::new(),
                arguments: None,
            }),
            data: None,
        })
        .collect();
    Some(lenses)
}
