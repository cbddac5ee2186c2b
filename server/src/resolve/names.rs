//! Everything a chain of policies declares, by name, with where each name is declared.

use std::collections::HashMap;

use crate::analysis::Attribute;
use crate::compact::CompactStr;
use crate::diagnostic::{Code, Diagnostic, Edit, FileId, suggest};
use crate::model::{PolicyDoc, Spanned};
use crate::text::TextRange;
use crate::workspace::Workspace;

/// Where a name is declared: the file, its layer in the chain, the range of the declaring key
/// and its index in the document's list of such declarations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decl {
    pub file: FileId,
    pub layer: u32,
    pub range: TextRange,
    pub index: u32,
}

#[derive(Debug, Clone)]
pub struct AttributeScope {
    pub name: String,
    pub decl: Decl,
    pub values: Vec<String>,
    pub default: u32,
}

/// The names of one kind, in declaration order, first declaration winning.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub order: Vec<String>,
    pub decls: HashMap<String, Decl>,
}

impl Names {
    fn declare(&mut self, name: &str, decl: Decl) -> Option<Decl> {
        use std::collections::hash_map::Entry;
        // One hash per name: a big policy declares thousands on every keystroke.
        match self.decls.entry(name.to_owned()) {
            Entry::Occupied(first) => Some(*first.get()),
            Entry::Vacant(slot) => {
                slot.insert(decl);
                self.order.push(name.to_owned());
                None
            }
        }
    }

    /// The declaration of `name`, if visible from `layer`.
    pub fn get(&self, name: &str, layer: u32) -> Option<Decl> {
        self.decls.get(name).copied().filter(|d| d.layer <= layer)
    }

    /// Names visible from `layer`, for suggestions.
    pub fn visible(&self, layer: u32) -> impl Iterator<Item = &str> {
        self.order
            .iter()
            .map(String::as_str)
            .filter(move |n| self.decls[*n].layer <= layer)
    }

    pub fn index_of(&self, name: &str) -> Option<u32> {
        self.order.iter().position(|n| n == name).map(|i| i as u32)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub categories: Names,
    pub attributes: Vec<AttributeScope>,
    pub attribute_names: Names,
    pub safeguards: Names,
    pub sections: Names,
    pub rules: Names,
    /// For each layer, its file.
    pub files: Vec<FileId>,
}

impl Scope {
    /// Declares every name of the chain. Reports, for the top file only, names it redeclares
    /// from a base, categories whose parent is not declared, and unknown section references.
    pub fn build(ws: &Workspace, chain: &[FileId], diagnostics: &mut Vec<Diagnostic>) -> Scope {
        let mut scope = Scope {
            files: chain.to_vec(),
            ..Scope::default()
        };
        let top = chain.len() as u32 - 1;
        for (layer, &file) in chain.iter().enumerate() {
            let layer = layer as u32;
            let doc = ws.file(file).policy().expect("a chain holds policies");
            let mut redeclared = Vec::new();
            scope.declare_all(doc, file, layer, &mut redeclared);
            if layer == top {
                for (what, name, second, first) in redeclared {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::DuplicateId,
                            second,
                            format!("{what} `{name}` is already declared by base `{}`; rename it or remove this declaration", super::policy_name(ws, first.file)),
                        )
                        .with_related(first.file, first.range, format!("`{name}` is declared here")),
                    );
                }
                scope.check_parents(ws, doc, file, layer, diagnostics);
                scope.check_sections(doc, layer, diagnostics);
            }
        }
        scope
    }

    fn declare_all(
        &mut self,
        doc: &PolicyDoc,
        file: FileId,
        layer: u32,
        redeclared: &mut Vec<(&'static str, String, TextRange, Decl)>,
    ) {
        let decl = |range, index: usize| Decl {
            file,
            layer,
            range,
            index: index as u32,
        };
        for (i, c) in doc.categories.iter().enumerate() {
            if let Some(first) = self.categories.declare(&c.id.value, decl(c.id.range, i)) {
                redeclared.push(("category", c.id.value.to_string(), c.id.range, first));
            }
        }
        for (i, a) in doc.attributes.iter().enumerate() {
            if a.values.is_empty() {
                continue;
            }
            if let Some(first) = self.attribute_names.declare(&a.id.value, decl(a.id.range, i)) {
                redeclared.push(("attribute", a.id.value.to_string(), a.id.range, first));
                continue;
            }
            let values: Vec<String> = a.values.iter().map(|v| v.value.to_string()).collect();
            let default = a
                .default
                .as_ref()
                .and_then(|d| values.iter().position(|v| *v == d.value))
                .unwrap_or(0) as u32;
            self.attributes.push(AttributeScope {
                name: a.id.value.to_string(),
                decl: decl(a.id.range, i),
                values,
                default,
            });
        }
        for (i, s) in doc.safeguards.iter().enumerate() {
            if let Some(first) = self.safeguards.declare(&s.id.value, decl(s.id.range, i)) {
                redeclared.push(("safeguard", s.id.value.to_string(), s.id.range, first));
            }
        }
        for (i, s) in doc.sections.iter().enumerate() {
            if let Some(first) = self.sections.declare(&s.id.value, decl(s.id.range, i)) {
                redeclared.push(("section", s.id.value.to_string(), s.id.range, first));
            }
        }
        for (i, r) in doc.rules.iter().enumerate() {
            if let Some(first) = self.rules.declare(&r.id.value, decl(r.id.range, i))
                && first.layer != layer
            {
                redeclared.push(("rule", r.id.value.to_string(), r.id.range, first));
            }
        }
    }

    fn check_parents(
        &self,
        ws: &Workspace,
        doc: &PolicyDoc,
        file: FileId,
        layer: u32,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let text = &ws.file(file).text;
        for c in &doc.categories {
            let Some((parent, _)) = c.id.value.rsplit_once('.') else {
                continue;
            };
            if self.categories.get(parent, layer).is_some() {
                continue;
            }
            let line_start = text[..c.id.range.start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            let indent = &text[line_start..c.id.range.start];
            let indent = if indent.trim().is_empty() { indent } else { "" };
            let insertion = format!("{indent}{parent}:\n{indent}  summary: TODO describe `{parent}`\n");
            diagnostics.push(
                Diagnostic::new(
                    Code::UndeclaredParent,
                    c.id.range,
                    format!(
                        "category `{}` needs its parent `{parent}` declared; add `{parent}` under `categories`",
                        c.id.value
                    ),
                )
                .with_fix(
                    format!("Declare category `{parent}`"),
                    vec![Edit {
                        range: TextRange::empty(line_start),
                        new_text: insertion,
                    }],
                ),
            );
        }
    }

    fn check_sections(&self, doc: &PolicyDoc, layer: u32, diagnostics: &mut Vec<Diagnostic>) {
        let refs = doc
            .attributes
            .iter()
            .filter_map(|a| a.section.as_ref().map(|s| ("attribute", &a.id.value, s)))
            .chain(
                doc.safeguards
                    .iter()
                    .filter_map(|x| x.section.as_ref().map(|s| ("safeguard", &x.id.value, s))),
            )
            .chain(
                doc.categories
                    .iter()
                    .filter_map(|c| c.section.as_ref().map(|s| ("category", &c.id.value, s))),
            )
            .chain(
                doc.rules
                    .iter()
                    .filter_map(|r| r.section.as_ref().map(|s| ("rule", &r.id.value, s))),
            );
        for (what, owner, section) in refs {
            if self.sections.get(&section.value, layer).is_none() {
                let context = format!("{what} `{owner}`");
                diagnostics.push(unknown_reference(
                    Code::UnknownSection,
                    "section",
                    section,
                    &context,
                    self.sections.visible(layer),
                ));
            }
        }
    }

    pub fn category_names(&self) -> impl Iterator<Item = &str> {
        self.categories.order.iter().map(String::as_str)
    }

    pub fn model_attributes(&self) -> Vec<Attribute> {
        self.attributes
            .iter()
            .map(|a| Attribute {
                name: a.name.clone(),
                values: a.values.clone(),
                default: a.default,
            })
            .collect()
    }

    pub fn safeguard_names(&self) -> Vec<String> {
        self.safeguards.order.clone()
    }

    /// The attribute `name`, if visible from `layer`, with its index.
    pub fn attribute(&self, name: &str, layer: u32) -> Option<(u32, &AttributeScope)> {
        self.attributes
            .iter()
            .enumerate()
            .find(|(_, a)| a.name == name && a.decl.layer <= layer)
            .map(|(i, a)| (i as u32, a))
    }
}

/// `unknown-*` for a reference, with the nearest visible name as suggestion and quick fix.
pub fn unknown_reference<'a>(
    code: Code,
    what: &str,
    reference: &Spanned<CompactStr>,
    context: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Diagnostic {
    let near = suggest(&reference.value, candidates);
    let hint = match near {
        Some(n) => format!("; did you mean `{}`?", n.name),
        None => format!("; declare it or use a declared {what}"),
    };
    let d = Diagnostic::new(
        code,
        reference.range,
        format!("unknown {what} `{}` in {context}{hint}", reference.value),
    );
    match near {
        Some(n) => d.with_correction(reference.range, n),
        None => d,
    }
}

/// `unknown-value`: a value outside an attribute's declared values.
pub fn unknown_value(attribute: &str, values: &[String], value: &Spanned<CompactStr>, context: &str) -> Diagnostic {
    let near = suggest(&value.value, values.iter().map(String::as_str));
    let hint = match near {
        Some(n) => format!("did you mean `{}`?", n.name),
        None => format!("use one of: {}", values.join(", ")),
    };
    let d = Diagnostic::new(
        Code::UnknownValue,
        value.range,
        format!(
            "`{}` is not a value of attribute `{attribute}` in {context}; {hint}",
            value.value
        ),
    );
    match near {
        Some(n) => d.with_correction(value.range, n),
        None => d,
    }
}
