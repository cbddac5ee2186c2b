#!/usr/bin/env bash
# Helix: checks editors/helix without Helix, which no registry this project uses provides. Parses
# languages.toml (Python's tomllib) and asserts the `charter` language server, the two languages
# with their globs and `grammar = "yaml"`, that each glob picks the right example files the way
# Helix matches globs (against the whole path), and that the query files inherit YAML's.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
python3 - "$repo" <<'PY'
import fnmatch
import pathlib
import sys
import tomllib

repo = pathlib.Path(sys.argv[1])
helix = repo / "editors" / "helix"
failures = []


log = []


def say(line):
    log.append(line)
    print(line)


def check(ok, what):
    say(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        failures.append(what)


with open(helix / "languages.toml", "rb") as f:
    config = tomllib.load(f)
say("ok: languages.toml is valid TOML")

server = config.get("language-server", {}).get("charter", {})
check(server.get("command") == "charter", 'language-server.charter: command = "charter"')
check(server.get("args") == ["lsp"], 'language-server.charter: args = ["lsp"]')

languages = {entry.get("name"): entry for entry in config.get("language", [])}
expected = {
    "charter-policy": ["*.policy.yaml", "*.policy.yml"],
    "charter-usecases": ["*.usecases.yaml", "*.usecases.yml"],
}
check(set(languages) == set(expected), f"languages are {sorted(expected)} (got {sorted(languages)})")
known_keys = {
    "name", "scope", "file-types", "grammar", "roots", "comment-token", "comment-tokens",
    "indent", "language-servers", "language-id", "injection-regex", "auto-format",
}
for name, globs in expected.items():
    lang = languages.get(name, {})
    got = [ft.get("glob") if isinstance(ft, dict) else ft for ft in lang.get("file-types", [])]
    check(got == globs, f"{name}: file-types = {[{'glob': g} for g in globs]} (got {got})")
    check(lang.get("grammar") == "yaml", f'{name}: grammar = "yaml"')
    check(lang.get("language-servers") == ["charter"], f'{name}: language-servers = ["charter"]')
    check(lang.get("comment-token") == "#", f'{name}: comment-token = "#"')
    check(".git" in lang.get("roots", []), f'{name}: roots include ".git"')
    check(str(lang.get("scope", "")).startswith("source."), f"{name}: a source.* scope")
    check(set(lang) <= known_keys, f"{name}: only known keys (extra: {sorted(set(lang) - known_keys)})")
    # Helix reads a language's queries from runtime/queries/<name>/, not from its grammar's.
    for query in ("highlights", "injections", "indents", "textobjects"):
        path = helix / "runtime" / "queries" / name / f"{query}.scm"
        text = path.read_text() if path.exists() else ""
        check(text.startswith("; inherits: yaml"), f"{name}: {path.relative_to(repo)} inherits yaml")

# Helix matches a glob that starts with a wildcard against the file's absolute path; `*`
# crosses `/` (globset's default), as fnmatch's does.
examples = sorted((repo / "examples").glob("*.y*ml"))
for path in examples:
    absolute = str(path.resolve())
    hits = [n for n, globs in expected.items() for g in globs if fnmatch.fnmatchcase(absolute, g)]
    want = ["charter-policy"] if ".policy." in path.name else ["charter-usecases"]
    check(hits == want, f"{path.name} is {want[0]} (matched {hits})")
check(not any(fnmatch.fnmatchcase("/x/config.yaml", g) for gs in expected.values() for g in gs),
      "a plain .yaml file stays YAML")

passed = sum(1 for line in log if line.startswith("ok: "))
print(f"helix: {passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
PY

