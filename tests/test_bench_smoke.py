"""A smoke run of the benchmark harness (bench/run.py): 1 s per scenario, 4 clients, 100 generated products.

It proves the harness still drives every scenario against the shop and its baseline without a single
failed request; the figures themselves are not checked (a benchmark is not a timed test).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = (
    "home", "list page 1 (no consent)", "list page 50", "category", "product", "search zh (镜头)",
    "search en (lens)", "add to cart + cart", "list page 1, consent", "shop's least work (/healthz)",
    "baseline read-only", "baseline + upsert",
    "guest checkout (per checkout)",
)


@pytest.fixture(scope="module")
def wrk():
    found = shutil.which("wrk")
    if found is None:
        message = "wrk not found: the benchmark smoke run is SKIPPED (install it with: sudo apt-get install -y wrk)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return found


def test_the_harness_runs_every_scenario_without_errors(wrk, tmp_path):
    report = tmp_path / "bench.json"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("STOREFRONT_")}
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--duration", "1", "--warmup", "0", "--runs", "1", "--concurrency", "4",
         "--no-demo", "--products", "100", "--json", str(report)],
        cwd=ROOT, env={**environment, "BENCH_CACHE": str(tmp_path / "cache")}, capture_output=True, text=True,
        timeout=150,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    table = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    for scenario in SCENARIOS:
        assert any(f" {scenario}" in line for line in table), f"{scenario!r} missing from:\n{done.stdout}"
    results = json.loads(report.read_text())["results"]
    assert {result["scenario"].split(" (n/a")[0] for result in results} == set(SCENARIOS)
    for result in results:
        assert result["errors"] == 0, result
        assert result["rps"] > 0, result
    assert all(kb > 0 for peaks in json.loads(report.read_text())["rss_kb"].values() for kb in peaks.values())
    assert "vs baseline" in table[0] and any("× rps" in line for line in table)
