use tower_lsp_server::ls_types::{DocumentLink, DocumentLinkParams, Uri};

use crate::ide::LinkTarget;
use crate::lsp::snapshot::Snapshot;

/// A link whose target has no URI (a bundled policy when the cache folder could not be written,
/// a URL the client could not parse) is left out.
pub fn run(snap: &Snapshot, params: DocumentLinkParams) -> Option<Vec<DocumentLink>> {
    let file = snap.file(&params.text_document.uri)?;
    let links = crate::ide::document_links(&snap.cx, file)
        .into_iter()
        .filter_map(|link| {
            let target = match &link.target {
                LinkTarget::Url(url) => url.parse::<Uri>().ok()?,
                LinkTarget::File(target) => snap.uri(*target)?.clone(),
            };
            Some(DocumentLink {
                range: snap.range(file, link.range),
                target: Some(target),
                tooltip: Some(link.tooltip),
                data: None,
            })
        })
        .collect();
    Some(links)
}
