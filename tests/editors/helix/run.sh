#!/usr/bin/env bash
# Helix: checks editors/helix without Helix, which no registry this project uses provides. Parses
# languages.toml (Python's tomllib) and asserts the `charter` language server, the two languages
# with their globs and `grammar = "yaml"`, that each glob picks the right example files the way
# Helix matches globs (against the whole path), and that the query files inherit YAML's. Then
# it starts the server as languages.toml says (`charter lsp`, target/debug brought up to date)
# and plays Helix's part for two of its commands on examples/: `alt-o` (expand selection:
# textDocument/selectionRange) and `space S` (workspace symbol picker: workspace/symbol).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
(cd "$repo" && cargo build --quiet --bin charter)
export PATH="${CARGO_TARGET_DIR:-$repo/target}/debug:$PATH"
python3 - "$repo" <<'PY'
import fnmatch
import pathlib
import sys
import time
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



# --- the server, as Helix drives it ------------------------------------------------------------
import json
import shutil
import subprocess
import tempfile


class Client:
    """A minimal LSP client over the server's stdio, as Helix speaks it (UTF-8 positions)."""

    def __init__(self, command, root):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, cwd=root)
        self.next_id = 0

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def receive(self):
        length = 0
        while (line := self.proc.stdout.readline().strip()):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.proc.stdout.read(length))

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                return message.get("result")
            if "method" in message and "id" in message:  # a request of the server's: accept it
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})


with tempfile.TemporaryDirectory() as scratch:
    ws = pathlib.Path(scratch) / "ws"
    shutil.copytree(repo / "examples", ws)
    client = Client([server["command"], *server["args"]], ws)
    root = ws.resolve().as_uri()
    client.request("initialize", {
        "processId": None, "rootUri": root,
        "workspaceFolders": [{"uri": root, "name": "ws"}],
        "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-32", "utf-16"]},
                         "workspace": {"symbol": {"dynamicRegistration": False}}},
    })
    client.notify("initialized", {})
    manifest = ws / "support-bot.usecases.yaml"
    text = manifest.read_text()
    lines = text.split("\n")
    uri = manifest.resolve().as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "charter-usecases", "version": 0, "text": text}})

    def cut(r):
        start = sum(len(l) + 1 for l in lines[:r["start"]["line"]]) + r["start"]["character"]
        end = sum(len(l) + 1 for l in lines[:r["end"]["line"]]) + r["end"]["character"]
        return text.encode()[start:end].decode()

    # `alt-o` with the cursor in `support.refunds`: the id, the list, the entry, the use case.
    n = next(i for i, l in enumerate(lines) if "categories: [support.refunds]" in l)
    answer = client.request("textDocument/selectionRange", {
        "textDocument": {"uri": uri},
        "positions": [{"line": n, "character": lines[n].index("support.refunds") + 3}]})
    chain, link = [], (answer or [None])[0]
    while link:
        chain.append(cut(link["range"]))
        link = link.get("parent")
    want = ["support.refunds", "[support.refunds]", "categories: [support.refunds]"]
    check(chain[:3] == want, f"alt-o expands {' -> '.join(want)} (got {chain[:3]})")
    check(chain[3].startswith("id: refund-triage") and chain[-1] == text,
          f"then the use case, ..., the whole file ({len(chain)} steps)")

    # `space S` and typing `refunds`: the category, in acme.policy.yaml, under its policy; the
    # picker reads `containerName`. (The server may still be indexing: Helix asks again.)
    found = []
    for _ in range(50):
        found = client.request("workspace/symbol", {"query": "refunds"}) or []
        if found:
            break
        time.sleep(0.1)
    hit = found[0] if found else {}
    check(hit.get("name") == "support.refunds" and hit["location"]["uri"].endswith("/acme.policy.yaml")
          and hit["containerName"] == "acme-assistant@2025-11-01",
          f"space S `refunds` lists support.refunds of acme.policy.yaml first (got {found[:2]})")
    client.request("shutdown", None)
    client.notify("exit", None)
    client.proc.wait(timeout=10)

passed = sum(1 for line in log if line.startswith("ok: "))
print(f"helix: {passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
PY

