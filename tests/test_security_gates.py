"""The security gates pass (issue #7): ruff's flake8-bandit rules, bandit at medium severity and up, and
the project's semgrep rules in .semgrep/, whose own tests pass too. Each tool runs offline, as a
developer would run it by hand; `pip install -e ".[security]"` installs them."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / ".semgrep"
APP_CODE = [name for name in ("storefront", "wsgi.py", "gunicorn.conf.py") if (ROOT / name).exists()]
# No usage metrics and no version check: semgrep sends nothing anywhere.
SEMGREP_ENV = {**os.environ, "SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0"}


def tool(name: str) -> str:
    """The tool installed beside this interpreter (the project's venv), else on PATH.

    Missing, it fails the test in CI (which installs it) and skips it, saying so, elsewhere."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        message = f'{name} is not installed: pip install -e ".[security]" (pinned in pyproject.toml)'
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def run(*command: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)  # noqa: S603 - the gate's own fixed commands


def report(result: subprocess.CompletedProcess) -> str:
    return f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"


def test_ruff_finds_no_security_issue():
    result = run(tool("ruff"), "check", "--no-cache")
    assert result.returncode == 0, report(result)


def test_bandit_finds_no_medium_or_high_severity_issue():
    result = run(tool("bandit"), "-c", "pyproject.toml", "-ll", "-q", "-r", *APP_CODE)
    assert result.returncode == 0, report(result)


def test_the_semgrep_rules_find_nothing_in_the_app():
    result = run(tool("semgrep"), "scan", "--metrics=off", "--disable-version-check", "--no-git-ignore", "--error",
                 "--json", "--config", ".semgrep/", *APP_CODE, env=SEMGREP_ENV)
    assert result.returncode == 0, report(result)
    output = json.loads(result.stdout)
    assert output["results"] == [] and output["errors"] == []
    # The scan really looked at the app (files not yet tracked by git included).
    assert "storefront/admin/catalogue.py" in output["paths"]["scanned"]
    assert "storefront/requests.py" in output["paths"]["scanned"]


def test_every_semgrep_rule_has_a_test_with_bad_and_good_code():
    rules = sorted(RULES.glob("*.yml"))
    assert len(rules) >= 5
    for rule in rules:
        example = rule.with_suffix(".py").read_text(encoding="utf-8")
        assert f"# ruleid: {rule.stem}" in example and f"# ok: {rule.stem}" in example, rule.name


def test_the_semgrep_rules_pass_their_tests():
    # `semgrep scan --test` skips a hidden folder such as .semgrep/; `semgrep test` does not.
    result = run(tool("semgrep"), "test", ".semgrep/", env=SEMGREP_ENV)
    assert result.returncode == 0, report(result)
    assert "All tests passed" in result.stdout + result.stderr, report(result)
