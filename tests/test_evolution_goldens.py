"""Golden tests of `codegen diff`, `version-check` and `changelog` over the
model series tests/evolution/models/v1, v2, ... (each compared with the one
before, every earlier one counting as a release).

Regenerate with CODEGEN_UPDATE_GOLDENS=1, then review the diff by hand.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from codegen.cli import cli
from codegen.evolution.commands import register
from codegen.evolution.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
MODELS = Path("tests/evolution/models")
EXPECTED = ROOT / "tests/evolution/expected"
VERSIONS = sorted((p.name for p in (ROOT / MODELS).iterdir() if p.is_dir()), key=lambda n: int(n[1:]))
STEPS = list(zip(VERSIONS, VERSIONS[1:]))
UPDATE = bool(os.environ.get("CODEGEN_UPDATE_GOLDENS"))
SUFFIX = {"json": "json", "text": "txt", "github": "github", "junit": "junit.xml"}  # json first: others read it

register(cli)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def step_args(old: str, new: str) -> list[str]:
    releases = [arg for v in VERSIONS[: VERSIONS.index(new)] for arg in ("--release", str(MODELS / v))]
    return ["--against", str(MODELS / old), *releases]


def check_golden(path: Path, actual: str) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"missing golden {path}; run with CODEGEN_UPDATE_GOLDENS=1"
    assert actual == path.read_text(encoding="utf-8"), f"{path} differs"


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # locations are relative to the working directory


def test_series_exists() -> None:
    assert len(STEPS) >= 3


@pytest.mark.parametrize("fmt", list(SUFFIX))
@pytest.mark.parametrize("old,new", STEPS)
def test_diff_golden(old: str, new: str, fmt: str) -> None:
    code, out, err = run("--model", str(MODELS / new), "diff", "--format", fmt, *step_args(old, new))
    check_golden(EXPECTED / new / f"diff.{SUFFIX[fmt]}", out)
    if fmt == "text":
        check_golden(EXPECTED / new / "summary.txt", err)
    document = json.loads((EXPECTED / new / "diff.json").read_text(encoding="utf-8"))
    assert code == (100 if document["breaking"] else 0)


@pytest.mark.parametrize("old,new", STEPS)
def test_version_check_golden(old: str, new: str) -> None:
    code, out, err = run("--model", str(MODELS / new), "version-check", *step_args(old, new))
    check_golden(EXPECTED / new / "version-check.txt", f"exit {code}\n{out}{err}")
    assert code in (0, 1)


@pytest.mark.parametrize("old,new", STEPS)
def test_changelog_golden(old: str, new: str) -> None:
    code, out, _ = run("--model", str(MODELS / new), "changelog", *step_args(old, new))
    assert code == 0
    check_golden(EXPECTED / new / "changelog.md", out)


def test_every_rule_is_exercised() -> None:
    seen = set()
    for _, new in STEPS:
        document = json.loads((EXPECTED / new / "diff.json").read_text(encoding="utf-8"))
        seen |= {change["rule"] for change in document["changes"]}
    assert sorted(set(RULES) - seen) == []


@pytest.mark.parametrize("old,new", STEPS)
def test_formats_agree(old: str, new: str) -> None:
    """Every format lists the same changes, and each parses as its format."""
    document = json.loads((EXPECTED / new / "diff.json").read_text(encoding="utf-8"))
    expected = [(c["rule"], c["file"], c["line"], c["column"], c["severity"]) for c in document["changes"]]
    for c in document["changes"]:  # deletions point into the old model, everything else into the new
        assert c["file"].startswith(f"{MODELS / (old if c['model'] == 'old' else new)}/"), c
    text = (EXPECTED / new / "diff.txt").read_text(encoding="utf-8").splitlines()
    parsed = [re.match(r"^(.+?):(\d+):(\d+): ([A-Z_]+) (error|warning|notice): .+$", line) for line in text]
    assert all(parsed), text
    assert [(m[4], m[1], int(m[2]), int(m[3]), m[5]) for m in parsed] == expected  # type: ignore[index]
    github = (EXPECTED / new / "diff.github").read_text(encoding="utf-8").splitlines()
    gh = [re.match(r"^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),title=([A-Z_]+)::.+$", line)
          for line in github]
    assert all(gh), github
    assert [(m[5], m[2], int(m[3]), int(m[4]), m[1]) for m in gh] == expected  # type: ignore[index]
    root = ET.fromstring((EXPECTED / new / "diff.junit.xml").read_bytes())
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(expected) or (not expected and len(cases) == 1)
    assert int(root.get("failures", "-1")) == sum(1 for e in expected if e[4] == "error")
    assert len(root.findall("./testsuite/testcase/failure")) == int(root.get("failures", "-1"))
