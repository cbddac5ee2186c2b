//! JSON Schemas of the two file formats, for editors that validate YAML against a schema
//! (yaml-language-server, and through it VS Code, Neovim, Helix and others) without running
//! Charter.
//!
//! A schema can say which keys a map allows, which of them are required, the syntax of ids and
//! which ids and values a reference may take; it cannot judge a use case (verdicts, owed
//! safeguards) or analyse a policy's rules. The manifest schema is built for one resolved
//! policy, whose categories, attributes and safeguards become enums; the policy schema is the
//! file format alone. Both are pure functions of the engine's model.

mod manifest;
mod parts;
mod policy;
mod scalar;

pub use manifest::manifest_schema;
pub use policy::policy_schema;

/// JSON Schema draft-07: the newest draft yaml-language-server 1.x and 2.x implement fully.
pub const DRAFT: &str = "http://json-schema.org/draft-07/schema#";
