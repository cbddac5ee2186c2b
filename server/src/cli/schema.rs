//! `charter schema`: a JSON Schema (draft-07) of a manifest under one policy, or of the policy
//! file format, for editors that validate YAML against a schema without running Charter.

use clap::{Args, ValueEnum};

use super::Common;
use super::load::load;
use super::policy::{known_policies, named_policy};
use crate::check::Context;
use crate::schema::{manifest_schema, policy_schema};

#[derive(Args, Debug)]
pub struct SchemaArgs {
    /// The policy whose categories, attributes and safeguards the manifest schema lists, as
    /// `id@version` or `id` (default: the bundled `anthropic-usage`, newest in effect).
    #[arg(long, value_name = "REF")]
    policy: Option<String>,
    /// Which file format to describe.
    #[arg(long, value_enum, default_value_t = Kind::Manifest)]
    kind: Kind,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Kind {
    /// A use-case manifest (*.usecases.yaml) under the policy.
    Manifest,
    /// A policy file (*.policy.yaml).
    Policy,
}

pub fn run(args: SchemaArgs) -> Result<u8, String> {
    let loaded = load(&[], &args.common.policy_paths);
    // A schema missing a policy the user pointed at would mislead the editor: refuse instead.
    if !loaded.errors.is_empty() {
        return Err(loaded.errors.join("\ncharter: "));
    }
    let cx = Context::new(loaded.ws, args.common.today());
    let schema = match args.kind {
        Kind::Manifest => manifest_schema(&cx.ws, named_policy(&cx, args.policy.as_deref())?),
        Kind::Policy if args.policy.is_some() => {
            return Err("`--policy` applies to `--kind manifest` only; leave it out for `--kind policy`".into());
        }
        Kind::Policy => policy_schema(&known_policies(&cx)),
    };
    let text = serde_json::to_string_pretty(&schema).expect("a JSON value serialises");
    println!("{text}");
    Ok(0)
}
