#!/usr/bin/env python3
"""`charter report` at scale: 10,000 use cases judged by the 10,000-rule benchmark policy.

Writes the workload with `harness.py`'s generators (the policy of `policy-10k-rules`, and a
manifest of 10,000 use cases under it made the way `manifest-under-10k-rules` makes its 1,000
lines' worth, mistakes included), then times the whole `charter report` process for the HTML
page and for Markdown, and prints the median of the runs and the sizes.

    cargo build --release
    python3 bench/report.py                  # 5 runs each; --runs N, --keep, --charter PATH

The page it writes is left in the folder printed with --keep, for opening in a browser
(tests/report/ measures how Chromium loads and scrolls it).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402  (the generators of the benchmark's workloads)

USE_CASES = 10_000
TODAY = harness.TODAY


def generate(folder: Path, seed: int) -> None:
    """The 10,000-rule policy and a manifest of USE_CASES use cases under it."""
    rng = random.Random(seed)
    policy, leaves, prohibited, _ = harness.big_policy_text(rng, harness.big_categories())
    (folder / "bench-big.policy.yaml").write_text(policy)
    # manifest_text makes (lines - 4) // 6 use cases of six lines each after a 4-line header.
    text, _ = harness.big_manifest_text(rng, leaves, prohibited, 4 + 6 * USE_CASES)
    (folder / "big.usecases.yaml").write_text(text)


def timed(argv: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--charter", default="target/release/charter")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the generated folder and print it")
    args = parser.parse_args()
    charter = str(Path(args.charter).resolve())
    with harness.scratch("charter-report-bench-", args.keep) as root:
        generate(root, args.seed)
        yaml = harness.yaml_bytes(root)
        page = root / "charter-report.html"
        html = [charter, "report", "--today", TODAY, "--out", str(page), "."]
        markdown = [charter, "report", "--today", TODAY, "--format", "markdown", "--out", str(root / "report.md"), "."]
        rows = []
        for name, argv in [("html", html), ("markdown", markdown)]:
            times = [timed(argv, root) for _ in range(args.runs)]
            rows.append((name, statistics.median(times), min(times), max(times)))
        print(f"{USE_CASES} use cases, 10,000-rule policy, {yaml / 2**20:.1f} MiB of YAML; {args.runs} runs each")
        for name, median, low, high in rows:
            print(f"  charter report --format {name}: median {median * 1000:.0f} ms (min {low * 1000:.0f}, max {high * 1000:.0f})")
        print(f"  page: {page.stat().st_size / 2**20:.1f} MiB; Markdown: {(root / 'report.md').stat().st_size / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
