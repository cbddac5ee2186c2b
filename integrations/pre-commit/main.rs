//! `charter-pre-commit`: the charter command line, under the name that pre-commit's
//! `language: rust` installs from the repository root (`.pre-commit-hooks.yaml`; the root
//! `Cargo.toml` says why the root is a package). The same program as `server/src/main.rs`.

fn main() -> std::process::ExitCode {
    charter::cli::main()
}

#[cfg(test)]
mod tests {
    use charter::workspace::FileKind;

    const HOOKS: &str = include_str!("../../.pre-commit-hooks.yaml");

    /// The hook runs this binary's `check`.
    #[test]
    fn the_hook_runs_this_binary() {
        let entry = format!("\n  entry: {} check\n", env!("CARGO_BIN_NAME"));
        assert!(
            HOOKS.contains(&entry),
            "no `{}` in .pre-commit-hooks.yaml",
            entry.trim()
        );
    }

    /// The hook's `files` pattern, `\.(policy|usecases)\.ya?ml$`, fires for exactly the files
    /// Charter reads as policies and manifests.
    #[test]
    fn the_hook_fires_for_the_files_charter_reads() {
        assert!(HOOKS.contains("\n  files: \\.(policy|usecases)\\.ya?ml$\n"), "{HOOKS}");
        let pattern = |name: &str| {
            [".policy.yaml", ".policy.yml", ".usecases.yaml", ".usecases.yml"]
                .iter()
                .any(|suffix| name.ends_with(suffix))
        };
        for name in [
            "acme.policy.yaml",
            "policies/acme.policy.yml",
            "apps/bot.usecases.yaml",
            "bot.usecases.yml",
            "acme.policy.yaml.bak",
            "acme.yaml",
            "acme.policy.json",
            "acme-policy.yaml",
            "usecases.yaml",
            "bot.USECASES.yaml",
        ] {
            assert_eq!(pattern(name), FileKind::of_path(name).is_some(), "{name}");
        }
    }
}
