#!/usr/bin/env python3
"""Charter against yaml-language-server on the same manifests: a reproducible benchmark.

Generates seeded workloads into a temporary folder, drives `charter lsp` and
yaml-language-server 2.x over stdio exactly as an editor does, times `charter check` over a
workspace of 1,000 manifests, and prints a Markdown table (JSON results go to --out).

yaml-language-server validates against the JSON Schema that `charter schema` prints, so it
sees what a schema can say (keys, ids, enums of categories, attribute values, safeguards) and
Charter sees that plus verdicts. The two do different amounts of work; the table shows what an
editor user waits for with each.

How yaml-language-server publishes (read from its source, out/src/languageserver/handlers/
validationHandlers.js and out/src/yamlSettings.js of 2.0.0):
  - every didOpen/didChange goes through `documents.onDidChangeContent` → `validate()`, which
    clears the pending timer for that document and sets a new `setTimeout(...,
    validationDelayMs)`; `validationDelayMs` is a constant 200 ms, not a setting. So a change
    is never published sooner than 200 ms after it arrives, and a burst costs one validation.
  - before validating, `resolveValidationState` asks the client `workspace/configuration` for
    the `[yaml]` section (a round trip per validation; this harness answers at once).
  - the publish carries no document version. An edit is matched to the first publish after
    it whose diagnostics count is the one its text produces (learned from two unmeasured
    warm-up edits), so a late publish for an older text is never taken for the new one.
  - settings are pulled (`workspace/configuration` for `yaml`, `http`, `[yaml]`, `editor`) on
    `initialized` and on every `workspace/didChangeConfiguration`; the notification's own
    payload is ignored. A configuration change revalidates every open document.
  - with `yaml.schemaStore.enable` left at its default (true) it would download the
    schemastore.org catalogue; this harness turns it (and the Kubernetes CRD store) off, so
    nothing leaves the machine.
Charter publishes with the document's version and waits for no timer, so its edits are
matched by version (and the same count check).

Peak memory is VmHWM from /proc/<pid>/status, summed over the server's process tree, read
after the scenario's requests. Figures come from one machine in one run: compare them side by
side, not across machines.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

TODAY = "2026-01-01"
BUNDLED = "anthropic-usage@2025-09-15"
YAML_LS_CACHE = Path(os.environ.get("CHARTER_CI_CACHE", Path.home() / ".cache" / "charter-ci")) / "yaml-ls"
YAML_LS_SPEC = "yaml-language-server@2"
TIMEOUT = 300.0  # seconds for any single wait; a 100,000-line file can take a while cold

# ---------------------------------------------------------------------------------------------
# Workloads
# ---------------------------------------------------------------------------------------------

# Leaves of the bundled policy that every attribute value allows.
ALLOWED = [
    "cyber.defense",
    "politics.research",
    "politics.civic-education",
    "politics.writing",
    "law-enforcement.back-office",
    "law-enforcement.analytics",
]
HIGH_RISK = ["high-risk.legal", "high-risk.financial", "high-risk.employment"]
BOTH_SAFEGUARDS = "[human-in-the-loop, ai-disclosure]"


@dataclass
class Spot:
    """Where the editor acts: the line edited back and forth, and where it hovers and completes."""

    line: int  # 0-based line of the value that is toggled
    column: int  # its first character
    values: tuple[str, str]  # the clean value and the same-length mistaken one
    hover: tuple[int, int]
    completion: tuple[int, int]


@dataclass
class Workload:
    name: str
    folder: Path  # the workspace folder both servers are given
    document: Path  # the file opened and edited
    schema: Path  # the schema yaml-language-server validates it against
    glob: str
    spot: Spot
    lines: int = 0


def use_case_lines(i: int, category: str, attribute: str, extra: str, safeguards: str | None) -> list[str]:
    """Six lines per use case, so that sizes in lines are exact."""
    return [
        f"  - id: use-case-{i}",
        f"    summary: Generated use case number {i}, for the benchmark.",
        f"    categories: [{category}]",
        f"    {attribute}",
        f"    {extra}",
        f"    safeguards: {safeguards}" if safeguards else "    # no safeguards owed",
    ]


def clean_bundled_use_case(rng: random.Random, i: int) -> list[str]:
    roll = rng.random()
    agentic = f"agentic: {rng.choice(['true', 'false'])}"
    if roll < 0.5:
        return use_case_lines(i, rng.choice(ALLOWED), f"audience: {rng.choice(['consumer', 'business'])}", agentic, None)
    if roll < 0.85:
        return use_case_lines(i, rng.choice(HIGH_RISK), "audience: consumer", agentic, BOTH_SAFEGUARDS)
    if roll < 0.95:
        return use_case_lines(i, rng.choice(HIGH_RISK), "audience: business", agentic, "[human-in-the-loop]")
    return use_case_lines(i, "cyber.vulnerability-discovery", "audience: business", "consent: system-owner", None)


# The handful of mistakes: the first three a schema can see, the last two only Charter.
BUNDLED_MISTAKES = [
    lambda i: use_case_lines(i, "high-risk.finacial", "audience: business", "agentic: false", None),
    lambda i: use_case_lines(i, "cyber.defense", "audience: consumers", "agentic: false", None),
    lambda i: use_case_lines(i, "politics.research", "audiance: business", "agentic: false", None),
    lambda i: use_case_lines(i, "cyber.malware", "audience: business", "agentic: true", None),
    lambda i: use_case_lines(i, "high-risk.legal", "audience: consumer", "agentic: false", "[human-in-the-loop]"),
]


def manifest_text(
    rng: random.Random,
    lines: int,
    policy: str,
    clean,
    mistakes,
    spot_use_case,
) -> tuple[str, Spot]:
    """A manifest of about `lines` lines: clean use cases, a handful of mistakes spread through
    it (one per 200 use cases, at least five), and in the middle a clean use case whose
    attribute line is the one the editor toggles."""
    header = ["manifest: bench", f"policy: {policy}", "owner: bench@example.com", "use-cases:"]
    count = max(1, (lines - len(header)) // 6)
    middle = count // 2
    mistake_count = max(5, count // 200)
    spaced = set()
    for k in range(mistake_count):
        at = round((k + 0.5) * count / mistake_count)
        spaced.add(at + 2 if at in (middle, middle + 1) else at)
    order = {at: n for n, at in enumerate(sorted(spaced))}
    body: list[str] = []
    spot = None
    for i in range(count):
        if i in (middle, middle + 1):
            start = len(header) + len(body)
            uc, value_line, hover_text = spot_use_case(i)
            body += uc
            if i == middle:
                line = start + value_line
                text = uc[value_line]
                value = text.strip().split(": ")[1]
                column = text.index(value)
                wrong = value[:-1] + ("x" if value[-1] != "x" else "y")
                spot = Spot(line, column, (value, wrong), (0, 0), (0, 0))
            else:
                spot.hover = (start + 2, uc[2].index(hover_text) + 2)
                spot.completion = (start + value_line, uc[value_line].index(": ") + 2)
        elif i in spaced:
            body += mistakes[order[i] % len(mistakes)](i)
        else:
            body += clean(rng, i)
    return "\n".join(header + body) + "\n", spot


def bundled_spot_use_case(i: int) -> tuple[list[str], int, str]:
    return use_case_lines(i, "cyber.defense", "audience: business", "agentic: false", None), 3, "cyber.defense"


# The 10,000-rule policy: 5,000 categories in a tree of fan-out 8, four attributes.
BIG_ATTRIBUTES = [
    ("audience", ["consumer", "business"]),
    ("region", ["eu", "us", "apac"]),
    ("agentic", ["true", "false"]),
    ("tier", ["free", "pro", "enterprise"]),
]


def big_categories(n: int = 5000) -> list[str]:
    names: list[str] = []
    for i in range(n):
        names.append(f"g{i}" if i < 8 else f"{names[(i - 8) // 8]}.c{i}")
    return names


def big_policy_text(rng: random.Random, names: list[str]) -> tuple[str, list[str], list[str], Spot]:
    """10,000 rules, clean but for one conflict and one duplicate. Groups g0-g3 are prohibited
    and their leaves allowed for business; leaves of g4-g7 are prohibited on the free tier; every
    leaf requires `review` in the EU, and the first ones `disclosure` when agentic."""
    parents = {n.rsplit(".", 1)[0] for n in names if "." in n}
    leaves = [n for n in names if n not in parents]
    prohibited = {f"g{i}" for i in range(4)}
    out = ["policy: bench-big", "version: 2025-01-01", "title: Generated policy of 10,000 rules", "default: allow"]
    out.append("attributes:")
    for name, values in BIG_ATTRIBUTES:
        out += [f"  {name}:", f"    summary: Attribute {name}.", f"    values: [{', '.join(values)}]", f"    default: {values[0]}"]
    out.append("safeguards:")
    for s in ["review", "disclosure", "logging"]:
        out += [f"  {s}:", f"    summary: Safeguard {s}."]
    out.append("categories:")
    for n in names:
        out += [f"  {n}:", f"    summary: Category {n}."]
    out.append("rules:")
    rules: list[list[str]] = []
    for g in sorted(prohibited):
        rules.append([f"  - id: no-{g}", "    effect: prohibit", f"    categories: [{g}]"])
    for leaf in leaves:
        slug = leaf.replace(".", "-")
        if leaf.split(".")[0] in prohibited:
            rules.append([f"  - id: allow-{slug}", "    effect: allow", f"    categories: [{leaf}]", "    when: { audience: business }"])
        else:
            rules.append([f"  - id: free-{slug}", "    effect: prohibit", f"    categories: [{leaf}]", "    when: { tier: free }"])
        rules.append([f"  - id: eu-{slug}", "    effect: require", f"    categories: [{leaf}]", "    safeguards: [review]", "    when: { region: eu }"])
    extra = 10_000 - len(rules) - 2
    for leaf in leaves[:extra]:
        slug = leaf.replace(".", "-")
        rules.append([f"  - id: agent-{slug}", "    effect: require", f"    categories: [{leaf}]", "    safeguards: [disclosure]", "    when: { agentic: true }"])
    free_leaf = next(l for l in leaves if l.split(".")[0] not in prohibited)
    rules.append([f"  - id: us-conflict", "    effect: allow", f"    categories: [{free_leaf}]", "    when: { region: us }"])
    rules.append(list(rules[5]))
    rules[-1][0] = "  - id: duplicate-rule"
    assert len(rules) == 10_000, len(rules)
    # The editor toggles the effect of a rule in the middle and hovers/completes on the next one.
    middle = len(rules) // 2
    while "prohibit" not in rules[middle][1]:
        middle += 1
    start = len(out) + sum(len(r) for r in rules[:middle])
    column = rules[middle][1].index("prohibit")
    nxt = start + len(rules[middle])
    spot = Spot(start + 1, column, ("prohibit", "prohibix"), (nxt + 2, rules[middle + 1][2].index("[") + 3), (nxt + 1, column))
    for r in rules:
        out += r
    return "\n".join(out) + "\n", leaves, sorted(prohibited), spot


def big_manifest_text(rng: random.Random, leaves: list[str], prohibited: list[str], lines: int) -> tuple[str, Spot]:
    open_leaves = [l for l in leaves if l.split(".")[0] in prohibited]

    def clean(rng, i):
        return use_case_lines(i, rng.choice(leaves), "audience: business", f"tier: {rng.choice(['pro', 'enterprise'])}", "[review, disclosure]")

    mistakes = [
        lambda i: use_case_lines(i, leaves[7] + "x", "audience: business", "tier: pro", "[review, disclosure]"),
        lambda i: use_case_lines(i, leaves[9], "audience: business", "tier: platinum", "[review, disclosure]"),
        lambda i: use_case_lines(i, open_leaves[3], "audience: consumer", "tier: pro", "[review, disclosure]"),
        lambda i: use_case_lines(i, open_leaves[5], "audience: business", "region: eu", "[disclosure]"),
        lambda i: use_case_lines(i, leaves[11], "audience: business", "tier: pro", "[review, audit]"),
    ]

    def spot_use_case(i):
        leaf = open_leaves[1]
        return use_case_lines(i, leaf, "audience: business", "tier: pro", "[review, disclosure]"), 3, leaf

    return manifest_text(rng, lines, "bench-big@2025-01-01", clean, mistakes, spot_use_case)


def generate(root: Path, charter: str, seed: int) -> tuple[list[Workload], Path]:
    rng = random.Random(seed)
    schemas = root / "schemas"
    schemas.mkdir(parents=True)
    bundled_schema = schemas / "bundled.schema.json"
    run_schema(charter, ["--policy", BUNDLED], bundled_schema)
    workloads = []
    for name, lines in [("manifest-1k", 1_000), ("manifest-100k", 100_000)]:
        folder = root / name
        folder.mkdir()
        text, spot = manifest_text(rng, lines, BUNDLED, clean_bundled_use_case, BUNDLED_MISTAKES, bundled_spot_use_case)
        doc = folder / "bench.usecases.yaml"
        doc.write_text(text)
        workloads.append(Workload(name, folder, doc, bundled_schema, "*.usecases.yaml", spot))

    folder = root / "policy-10k"
    folder.mkdir()
    policy, leaves, prohibited, policy_spot = big_policy_text(rng, big_categories())
    (folder / "bench-big.policy.yaml").write_text(policy)
    text, manifest_spot = big_manifest_text(rng, leaves, prohibited, 1_000)
    (folder / "big.usecases.yaml").write_text(text)
    policy_schema = schemas / "policy.schema.json"
    run_schema(charter, ["--kind", "policy"], policy_schema)
    big_schema = schemas / "big.schema.json"
    run_schema(charter, ["--policy", "bench-big@2025-01-01", "--policy-path", str(folder)], big_schema)
    workloads.append(Workload("policy-10k-rules", folder, folder / "bench-big.policy.yaml", policy_schema, "*.policy.yaml", policy_spot))
    workloads.append(Workload("manifest-under-10k-rules", folder, folder / "big.usecases.yaml", big_schema, "*.usecases.yaml", manifest_spot))

    folder = root / "workspace-1000"
    folder.mkdir()
    opened = None
    for m in range(1_000):
        text, spot = small_manifest(rng, m)
        path = folder / f"team-{m:04}" / f"service-{m:04}.usecases.yaml"
        path.parent.mkdir()
        path.write_text(text)
        if m == 500:
            opened = Workload("workspace-1000-manifests", folder, path, bundled_schema, "*.usecases.yaml", spot)
    workloads.append(opened)
    for w in workloads:
        w.lines = w.document.read_text().count("\n")
    return workloads, root / "workspace-1000"


# The workspace of the edit-during-index scenario: eight of the 100,000-line manifests (26 MB
# of YAML) that the server indexes while the editor works in a small manifest beside them.
BIG_WORKSPACE = "workspace-8x100k"


def generate_big_workspace(root: Path, seed: int, schema: Path) -> Workload:
    """Its own random stream, so that the other workloads are the same with or without it."""
    rng = random.Random(seed + 8)
    folder = root / BIG_WORKSPACE
    folder.mkdir()
    for k in range(8):
        text, _ = manifest_text(rng, 100_000, BUNDLED, clean_bundled_use_case, BUNDLED_MISTAKES, bundled_spot_use_case)
        (folder / f"big-{k}.usecases.yaml").write_text(text)
    text, spot = small_manifest(rng, 7)
    document = folder / "small.usecases.yaml"
    document.write_text(text)
    return Workload(BIG_WORKSPACE, folder, document, schema, "*.usecases.yaml", spot, text.count("\n"))


@contextlib.contextmanager
def scratch(prefix: str, keep: bool):
    """A temporary folder for generated workloads: removed afterwards, or with --keep left and
    printed, so that what was measured can be opened again."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield root
    finally:
        if keep:
            print(f"\nworkloads kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def yaml_bytes(folder: Path) -> int:
    """The YAML a workspace folder holds: what a server's memory is compared with."""
    return sum(p.stat().st_size for p in folder.rglob("*.y*ml"))


def small_manifest(rng: random.Random, m: int) -> tuple[str, Spot]:
    """One of the 1,000 workspace manifests: five use cases; one manifest in 20 has a mistake."""
    header = [f"manifest: service-{m:04}", f"policy: {BUNDLED}", "use-cases:"]
    body: list[str] = []
    spot = None
    for i in range(5):
        if i == 2:
            start = len(header) + len(body)
            uc, value_line, hover_text = bundled_spot_use_case(i)
            spot = Spot(start + value_line, uc[value_line].index("business"), ("business", "businesx"), (start + 2, uc[2].index(hover_text) + 2), (start + value_line, uc[value_line].index(": ") + 2))
            body += uc
        elif i == 4 and m % 20 == 0:
            body += BUNDLED_MISTAKES[(m // 20) % len(BUNDLED_MISTAKES)](i)
        else:
            body += clean_bundled_use_case(rng, i)
    return "\n".join(header + body) + "\n", spot


def run_schema(charter: str, args: list[str], out: Path) -> None:
    result = subprocess.run([charter, "schema", "--today", TODAY, *args], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"harness: `charter schema {' '.join(args)}` failed:\n{result.stderr}")
    out.write_text(result.stdout)


# ---------------------------------------------------------------------------------------------
# An LSP client over stdio
# ---------------------------------------------------------------------------------------------


class Client:
    """Spawns a server and talks JSON-RPC to it with Content-Length framing. One reader thread
    timestamps every message as it arrives and answers the server's own requests at once."""

    def __init__(self, argv: list[str], settings: dict, cwd: Path):
        self.spawned = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
        self.settings = settings
        self.write_lock = threading.Lock()
        self.next_id = 0
        self.responses: dict[int, tuple[float, dict]] = {}
        self.publishes: list[tuple[float, dict]] = []
        self.cond = threading.Condition()
        self.config_requests = 0
        # `$/progress` notifications (time, value): when the workspace index began and ended.
        self.progress: list[tuple[float, dict]] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self.proc.stderr.read(), daemon=True).start()

    # -- wire --

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        with self.write_lock:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    with self.cond:
                        self.cond.notify_all()
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            message = json.loads(out.read(length))
            at = time.perf_counter()
            if "method" in message and "id" in message:
                self._answer(message)
            elif "id" in message:
                with self.cond:
                    self.responses[message["id"]] = (at, message)
                    self.cond.notify_all()
            elif message.get("method") == "textDocument/publishDiagnostics":
                with self.cond:
                    self.publishes.append((at, message["params"]))
                    self.cond.notify_all()
            elif message.get("method") == "$/progress":
                with self.cond:
                    self.progress.append((at, message["params"].get("value", {})))
                    self.cond.notify_all()

    def _answer(self, request: dict) -> None:
        result = None
        if request["method"] == "workspace/configuration":
            self.config_requests += 1
            result = [self.settings.get(item.get("section"), {}) for item in request["params"]["items"]]
        self._send({"jsonrpc": "2.0", "id": request["id"], "result": result})

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: dict) -> tuple[float, dict]:
        """Sends a request and waits for its response: (seconds taken, response)."""
        self.next_id += 1
        rid = self.next_id
        sent = time.perf_counter()
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        with self.cond:
            if not self.cond.wait_for(lambda: rid in self.responses or self.proc.poll() is not None, TIMEOUT):
                raise TimeoutError(f"no response to {method}")
            if rid not in self.responses:
                raise RuntimeError(f"the server exited during {method}")
            at, response = self.responses.pop(rid)
        if "error" in response:
            raise RuntimeError(f"{method} failed: {response['error']}")
        return at - sent, response

    def wait_publish(self, uri: str, after: float, accept) -> tuple[float, dict]:
        """The first publishDiagnostics for `uri` received after `after` that `accept` takes."""
        seen = 0
        deadline = time.perf_counter() + TIMEOUT
        with self.cond:
            while True:
                for at, params in self.publishes[seen:]:
                    if at >= after and params["uri"] == uri and accept(params):
                        return at, params
                seen = len(self.publishes)
                left = deadline - time.perf_counter()
                if left <= 0 or self.proc.poll() is not None:
                    raise TimeoutError(f"no fitting publishDiagnostics for {uri}")
                self.cond.wait(left)

    def progress_end(self, wait: float) -> float | None:
        """When a `$/progress` ended (the workspace index), waiting up to `wait` seconds."""
        with self.cond:
            self.cond.wait_for(lambda: any(v.get("kind") == "end" for _, v in self.progress), wait)
            return next((at for at, v in self.progress if v.get("kind") == "end"), None)

    def quiet(self, uri: str, for_seconds: float) -> dict:
        """Waits until no publish for `uri` has come for `for_seconds`; returns the last one."""
        deadline = time.perf_counter() + TIMEOUT
        while time.perf_counter() < deadline:
            with self.cond:
                mine = [(at, p) for at, p in self.publishes if p["uri"] == uri]
            if mine and time.perf_counter() - mine[-1][0] >= for_seconds:
                return mine[-1][1]
            time.sleep(0.05)
        raise TimeoutError(f"publishDiagnostics for {uri} never settled")

    # -- process --

    def peak_rss_kib(self) -> int:
        """VmHWM summed over the server's process tree."""
        total = 0
        for pid in process_tree(self.proc.pid):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:
            pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def process_tree(pid: int) -> list[int]:
    pids, stack = [], [pid]
    while stack:
        p = stack.pop()
        pids.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                stack += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return pids


# ---------------------------------------------------------------------------------------------
# The two servers
# ---------------------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    argv: list[str]
    versioned: bool  # whether its publishes carry the document version

    def settings(self, w: Workload) -> dict:
        raise NotImplementedError

    def initialization_options(self) -> dict | None:
        return None


class Charter(Server):
    def __init__(self, binary: str):
        super().__init__("charter", [binary, "lsp"], True)

    def settings(self, w: Workload) -> dict:
        return {"charter": {"today": TODAY}}

    def initialization_options(self) -> dict | None:
        return {"today": TODAY}


class YamlLs(Server):
    def __init__(self, entry: Path):
        super().__init__("yaml-language-server", ["node", str(entry), "--stdio"], False)

    def settings(self, w: Workload) -> dict:
        yaml = {
            "validate": True,
            "hover": True,
            "completion": True,
            "schemas": {w.schema.as_uri(): w.glob},
            # Both stores download catalogues from the internet; nothing here may.
            "schemaStore": {"enable": False, "url": ""},
            "kubernetesCRDStore": {"enable": False},
        }
        return {"yaml": yaml, "http": {}, "[yaml]": {}, "editor": {}}


def install_yaml_ls() -> tuple[Path, str]:
    """yaml-language-server from npm into the cache folder (once); its entry point and version."""
    package = YAML_LS_CACHE / "node_modules" / "yaml-language-server"
    if not (package / "package.json").exists():
        YAML_LS_CACHE.mkdir(parents=True, exist_ok=True)
        if not (YAML_LS_CACHE / "package.json").exists():
            (YAML_LS_CACHE / "package.json").write_text('{"private": true}\n')
        print(f"harness: installing {YAML_LS_SPEC} into {YAML_LS_CACHE}", file=sys.stderr)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", YAML_LS_SPEC], cwd=YAML_LS_CACHE, check=True)
    version = json.loads((package / "package.json").read_text())["version"]
    return package / "bin" / "yaml-language-server", version


# ---------------------------------------------------------------------------------------------
# A session: what an editor does
# ---------------------------------------------------------------------------------------------


def initialize(server: Server, w: Workload, progress: bool = False) -> tuple[Client, str]:
    """Spawns the server and does what an editor does up to opening the document; `progress`:
    the client shows work-done progress (Charter then reports its workspace index)."""
    client = Client(server.argv, server.settings(w), w.folder)
    root = w.folder.as_uri()
    client.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": root,
            "workspaceFolders": [{"uri": root, "name": w.name}],
            "initializationOptions": server.initialization_options(),
            "capabilities": {
                **({"window": {"workDoneProgress": True}} if progress else {}),
                "general": {"positionEncodings": ["utf-16"]},
                "workspace": {
                    "configuration": True,
                    "workspaceFolders": True,
                    "didChangeConfiguration": {"dynamicRegistration": False},
                    "didChangeWatchedFiles": {"dynamicRegistration": True},
                },
                "textDocument": {
                    "synchronization": {"didSave": True, "dynamicRegistration": False},
                    "publishDiagnostics": {"relatedInformation": True, "versionSupport": True},
                    "hover": {"contentFormat": ["markdown", "plaintext"]},
                    "completion": {"completionItem": {"documentationFormat": ["markdown", "plaintext"]}},
                },
            },
        },
    )
    client.notify("initialized", {})
    client.notify("workspace/didChangeConfiguration", {"settings": server.settings(w)})
    uri = w.document.as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": w.document.read_text()}})
    return client, uri


def count(params: dict) -> int:
    return len(params["diagnostics"])


def cold_start(server: Server, w: Workload, ready: int | None) -> tuple[float, float, Client, str, dict]:
    """Spawn → the first publishDiagnostics for the opened document, and spawn → the first one
    with its final diagnostics (`ready` of them). Charter publishes a first answer before it has
    read the workspace folder (a manifest whose policy is a workspace file then shows
    `unknown-policy`), and the final one when it has: the cold start is the second."""
    client, uri = initialize(server, w)
    at, first = client.wait_publish(uri, 0, lambda p: True)
    done = at
    if ready is not None:
        done, first = client.wait_publish(uri, 0, lambda p: count(p) == ready)
    return at - client.spawned, done - client.spawned, client, uri, first


def expected_count(charter: str, w: Workload) -> int:
    """The diagnostics `charter check` reports for the document, in its workspace folder: the
    language server reports the same (SPEC §5)."""
    result = subprocess.run([charter, "check", "--today", TODAY, "--format", "json", str(w.folder)], capture_output=True, text=True)
    return sum(1 for d in json.loads(result.stdout) if Path(d["path"]) == w.document)


def edit(client: Client, uri: str, spot: Spot, version: int, value: str, old: str) -> float:
    """Sends one incremental change; returns when it was sent."""
    sent = time.perf_counter()
    client.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [
                {
                    "range": {"start": {"line": spot.line, "character": spot.column}, "end": {"line": spot.line, "character": spot.column + len(old)}},
                    "text": value,
                }
            ],
        },
    )
    return sent


def session(server: Server, w: Workload, edits: int, requests: int, cold_runs: int, ready: int | None) -> dict:
    firsts, colds = [], []
    for run in range(cold_runs):
        first_s, ready_s, client, uri, first = cold_start(server, w, ready)
        firsts.append(first_s)
        colds.append(ready_s)
        if run < cold_runs - 1:
            client.close()
    try:
        settle = 0.6 if not server.versioned else 0.3
        settled = client.quiet(uri, settle)
        spot = w.spot
        # Two unmeasured edits learn the count each text gives (mistaken, then clean again).
        version = 1
        expected = []
        for k in range(2):
            version += 1
            value, old = (spot.values[1], spot.values[0]) if k == 0 else spot.values
            sent = edit(client, uri, spot, version, value, old)
            client.wait_publish(uri, sent, lambda p, v=version: not server.versioned or p.get("version") == v)
            expected.append(count(client.quiet(uri, settle)))
        if expected[0] == expected[1]:
            print(f"harness: warning: {server.name} on {w.name}: the edit does not change the diagnostics count", file=sys.stderr)
        latencies = []
        for k in range(edits):
            version += 1
            mistaken = k % 2 == 0
            value, old = (spot.values[1], spot.values[0]) if mistaken else spot.values
            want = expected[0] if mistaken else expected[1]
            sent = edit(client, uri, spot, version, value, old)

            def fits(p, v=version, want=want):
                return count(p) == want and (not server.versioned or p.get("version") == v)

            at, _ = client.wait_publish(uri, sent, fits)
            latencies.append(at - sent)
        if edits % 2:
            version += 1
            sent = edit(client, uri, spot, version, spot.values[0], spot.values[1])
            client.wait_publish(uri, sent, lambda p: count(p) == expected[1])
        hovers, completions, sizes = [], [], {"hover": None, "completion": None}
        for _ in range(requests):
            line, character = spot.hover
            seconds, response = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
            hovers.append(seconds)
            sizes["hover"] = len(json.dumps(response.get("result") or ""))
            line, character = spot.completion
            seconds, response = client.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
            completions.append(seconds)
            result = response.get("result") or []
            sizes["completion"] = len(result["items"] if isinstance(result, dict) else result)
        rss = client.peak_rss_kib()
    finally:
        client.close()
    return {
        "cold_start_s": colds,
        "first_publish_s": firsts,
        "diagnostics_at_cold_start": count(first),
        "diagnostics_settled": count(settled),
        "diagnostics_by_text": {"mistaken": expected[0], "clean": expected[1]},
        "edit_to_diagnostics_s": latencies,
        "hover_s": hovers,
        "completion_s": completions,
        "hover_chars": sizes["hover"],
        "completion_items": sizes["completion"],
        "peak_rss_kib": rss,
        "configuration_requests": client.config_requests,
    }


def index_session(server: Server, w: Workload, edits: int = 30, interval: float = 0.05) -> dict:
    """Edits while the workspace is being indexed: the document is opened at once, and from
    that moment `edits` changes are sent, one every `interval` seconds (or when the previous
    one is published, if that takes longer: a change made before the last one is shown may
    never be published by itself). After each publish, a hover and a completion are timed.
    Then the index is waited for, and the peak RSS read."""
    client, uri = initialize(server, w, progress=True)
    try:
        spot = w.spot
        if not server.versioned:
            # Matched by count: the clean text's (from the publish of the open), and one more
            # for the misspelt value, an enum a schema rejects.
            _, first = client.wait_publish(uri, 0, lambda p: True)
            clean = count(first)
        start = time.perf_counter()
        latencies, hovers, completions, sent_at = [], [], [], []
        version = 1
        for k in range(edits):
            time.sleep(max(0.0, start + k * interval - time.perf_counter()))
            version += 1
            value, old = (spot.values[1], spot.values[0]) if k % 2 == 0 else spot.values

            def fits(p, v=version, mistaken=k % 2 == 0):
                return p.get("version") == v if server.versioned else count(p) == clean + mistaken

            sent = edit(client, uri, spot, version, value, old)
            at, _ = client.wait_publish(uri, sent, fits)
            latencies.append(at - sent)
            sent_at.append(sent)
            line, character = spot.hover
            hovers.append(client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})[0])
            line, character = spot.completion
            completions.append(client.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})[0])
        # yaml-language-server reads no workspace and reports no progress: nothing to wait for.
        ended = client.progress_end(TIMEOUT if server.versioned else 0)
        rss = client.peak_rss_kib()
    finally:
        client.close()
    text = yaml_bytes(w.folder)
    return {
        "kind": "index",
        "edit_to_diagnostics_s": latencies,
        "hover_s": hovers,
        "completion_s": completions,
        # How many edits were sent before the index ended (`None`: there was no index).
        "edits_during_index": None if ended is None else sum(1 for t in sent_at if t < ended),
        "index_s": None if ended is None else ended - client.spawned,
        "peak_rss_kib": rss,
        "workspace_yaml_bytes": text,
        "peak_rss_per_text_byte": rss * 1024 / text,
    }


def time_check(charter: str, folder: Path, runs: int) -> dict:
    times, code = [], None
    for _ in range(runs):
        start = time.perf_counter()
        code = subprocess.run([charter, "check", "--today", TODAY, str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        times.append(time.perf_counter() - start)
    result = subprocess.run([charter, "check", "--today", TODAY, "--format", "json", str(folder)], capture_output=True, text=True)
    return {"seconds": times, "exit_status": code, "diagnostics": len(json.loads(result.stdout))}


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def median(xs):
    return statistics.median(xs) if xs else None


def p99(xs):
    if not xs:
        return None
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(0.99 * len(s) + 0.5) - 1))]


def ms(x):
    return "—" if x is None else (f"{x * 1000:.1f} ms" if x < 10 else f"{x:.1f} s")


def mib(kib):
    return "—" if kib is None else f"{kib / 1024:.0f} MiB"


def ratio(a, b):
    return "—" if a is None or b in (None, 0) else f"{a / b:.1f}×"


def slowest(xs):
    return max(xs) if xs else None


def table(results: dict) -> str:
    rows = ["| measure | charter | yaml-language-server | ratio (yaml-ls ÷ charter) |", "| --- | --- | --- | --- |"]

    def row(label, c, y, fmt):
        rows.append(f"| {label} | {fmt(c)} | {fmt(y)} | {ratio(y, c)} |")

    def rss(text_bytes):
        """Peak RSS, and how many times the workspace's YAML it is."""
        return lambda kib: "—" if kib is None else f"{mib(kib)} ({kib * 1024 / text_bytes:.1f}× the YAML)"

    for name, per in results["scenarios"].items():
        c, y = per.get("charter"), per.get("yaml-language-server")
        lines = per["lines"]
        get = lambda r, key, f: f(r[key]) if r else None
        if per.get("kind") == "index":
            text = per["yaml_bytes"]
            label = f"{name} ({text / 2**20:.1f} MiB of YAML; edits in a {lines}-line manifest)"
            for key, what in [("edit_to_diagnostics_s", "edit → diagnostics"), ("hover_s", "hover"), ("completion_s", "completion")]:
                row(f"{label}: {what} during the index, median", get(c, key, median), get(y, key, median), ms)
                label = name
                row(f"{name}: {what} during the index, slowest", get(c, key, slowest), get(y, key, slowest), ms)
            done = lambda r: "—" if not r or r["edits_during_index"] is None else f"{r['edits_during_index']} of {len(r['edit_to_diagnostics_s'])}"
            rows.append(f"| {name}: edits sent before the index ended | {done(c)} | {done(y)} | — |")
            row(f"{name}: index, spawn → end of its progress", get(c, "index_s", lambda x: x), get(y, "index_s", lambda x: x), ms)
            row(f"{name}: peak RSS", get(c, "peak_rss_kib", int), get(y, "peak_rss_kib", int), rss(text))
            continue
        row(f"{name} ({lines:,} lines): cold start, to the final diagnostics", get(c, "cold_start_s", median), get(y, "cold_start_s", median), ms)
        row(f"{name}: cold start, to the first publish", get(c, "first_publish_s", median), get(y, "first_publish_s", median), ms)
        for key, label in [("edit_to_diagnostics_s", "edit → diagnostics"), ("hover_s", "hover"), ("completion_s", "completion")]:
            row(f"{name}: {label}, median", get(c, key, median), get(y, key, median), ms)
            row(f"{name}: {label}, p99", get(c, key, p99), get(y, key, p99), ms)
        row(f"{name}: peak RSS", get(c, "peak_rss_kib", int), get(y, "peak_rss_kib", int), rss(per["yaml_bytes"]))
    check = results["check"]
    rows.append(f"| `charter check`, 1,000 manifests, whole process, median of {len(check['seconds'])} | {ms(median(check['seconds']))} | — | — |")
    return "\n".join(rows)


def notes(results: dict) -> str:
    """What the table cannot say: yaml-language-server's fixed delay, and what each server found."""
    out = []
    if results["yaml_language_server"]:
        out.append(
            "yaml-language-server waits a fixed 200 ms (`validationDelayMs`) after every change before it"
            " validates; its edit → diagnostics medians less that delay:"
        )
        for name, per in results["scenarios"].items():
            out.append(f"  {name}: {ms(median(per['yaml-language-server']['edit_to_diagnostics_s']) - 0.2)}")
        if BIG_WORKSPACE in results["scenarios"]:
            out.append(f"  ({BIG_WORKSPACE}: yaml-language-server reads no workspace, so it indexes nothing; its figures are the small manifest's alone)")
    out.append("Diagnostics on the opened file (charter / yaml-language-server; a schema cannot see verdicts):")
    for name, per in results["scenarios"].items():
        c, y = per.get("charter"), per.get("yaml-language-server")
        if per.get("kind") != "index":
            out.append(f"  {name}: {c['diagnostics_settled'] if c else '—'} / {y['diagnostics_settled'] if y else '—'}")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--charter", default="target/release/charter", help="the charter binary (default: target/release/charter)")
    parser.add_argument("--out", type=Path, default=Path("bench-results.json"), help="where to write the JSON results")
    parser.add_argument("--quick", action="store_true", help="few iterations: a smoke run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", action="append", help="run only these scenarios (repeatable)")
    parser.add_argument("--no-yaml-ls", action="store_true", help="measure charter alone")
    parser.add_argument("--keep", action="store_true", help="keep the generated workloads and print their folder")
    parser.add_argument("--edits", type=int, help="edit → diagnostics samples per scenario, whatever its size (default: 40, 10 over 50,000 lines)")
    args = parser.parse_args()

    charter = str(Path(args.charter).resolve())
    if not Path(charter).exists():
        sys.exit(f"harness: no charter binary at {charter}; build it with `cargo build --release` or pass --charter")
    edits, requests, cold_runs, check_runs = (6, 5, 1, 2) if args.quick else (40, 40, 3, 5)

    servers: list[Server] = [Charter(charter)]
    yaml_ls_version = None
    if not args.no_yaml_ls:
        entry, yaml_ls_version = install_yaml_ls()
        servers.append(YamlLs(entry))

    with scratch("charter-bench-", args.keep) as root:
        workloads, workspace = generate(root, charter, args.seed)
        if not args.only or BIG_WORKSPACE in args.only:
            workloads.append(generate_big_workspace(root, args.seed, root / "schemas" / "bundled.schema.json"))
        results = {
            "seed": args.seed,
            "quick": args.quick,
            "charter": subprocess.run([charter, "--version"], capture_output=True, text=True).stdout.strip(),
            "yaml_language_server": yaml_ls_version,
            "node": subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip() if yaml_ls_version else None,
            "cpus": os.cpu_count(),
            # The machine may be shared: the load around the run says how much to trust it.
            "load_average_before": os.getloadavg(),
            "scenarios": {},
        }
        for w in workloads:
            if args.only and w.name not in args.only:
                continue
            # The 100,000-line manifest takes seconds per edit in one of the servers: fewer rounds.
            n_edits = args.edits or (max(4, edits // 4) if w.lines > 50_000 else edits)
            n_requests = max(4, requests // 4) if w.lines > 50_000 else requests
            per = {"lines": w.lines, "edits": n_edits, "requests": n_requests, "yaml_bytes": yaml_bytes(w.folder)}
            if w.name == BIG_WORKSPACE:
                per["kind"] = "index"
            for server in servers:
                print(f"harness: {w.name} with {server.name}…", file=sys.stderr, flush=True)
                if w.name == BIG_WORKSPACE:
                    per[server.name] = index_session(server, w)
                    continue
                # yaml-language-server reads no workspace: its first publish is its answer.
                ready = expected_count(charter, w) if isinstance(server, Charter) else None
                per[server.name] = session(server, w, n_edits, n_requests, cold_runs, ready)
            results["scenarios"][w.name] = per
        print("harness: charter check over 1,000 manifests…", file=sys.stderr, flush=True)
        results["check"] = time_check(charter, workspace, check_runs)
        results["load_average_after"] = os.getloadavg()
        args.out.write_text(json.dumps(results, indent=2) + "\n")
        load = " → ".join(f"{a[0]:.1f}" for a in (results["load_average_before"], results["load_average_after"]))
        print(f"charter: {results['charter']}; yaml-language-server {yaml_ls_version} on node {results['node']}; {os.cpu_count()} cores; 1-minute load average {load}")
        print()
        print(table(results))
        print()
        print(notes(results))


if __name__ == "__main__":
    main()
