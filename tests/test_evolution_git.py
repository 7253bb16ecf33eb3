"""End to end: a git repository with tagged releases of the model, and the
real `codegen` entry point (codegen.cli:main) run as a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "tests/evolution/models"
EXPECTED = ROOT / "tests/evolution/expected/git"
CODEGEN = ROOT / ".venv/bin/codegen"
MODEL = "analytics/model"  # the model lives below the repository root
UPDATE = bool(os.environ.get("CODEGEN_UPDATE_GOLDENS"))
GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "Release Bot", "GIT_AUTHOR_EMAIL": "bot@example.com",
    "GIT_COMMITTER_NAME": "Release Bot", "GIT_COMMITTER_EMAIL": "bot@example.com",
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env=GIT_ENV, check=True, capture_output=True)


def put_model(repo: Path, version: str) -> None:
    target = repo / MODEL
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(MODELS / version, target)


def commit(repo: Path, message: str, *tags: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    for tag in tags:
        git(repo, "tag", tag)


def codegen(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CODEGEN.is_file(), f"{CODEGEN} is missing: install the project into .venv"
    done = subprocess.run([str(CODEGEN), "--model", MODEL, *args], cwd=repo, capture_output=True, text=True,
                          env={**GIT_ENV, "CODEGEN_DEBUG": ""}, timeout=60)
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Releases model-v1.0.0 (and v1.0.0), model-v2.0.0, v2.1.0; v4 uncommitted."""
    repo = tmp_path / "shop"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("shop analytics\n")
    put_model(repo, "v1")
    commit(repo, "1.0.0", "model-v1.0.0", "v1.0.0")
    put_model(repo, "v2")
    commit(repo, "2.0.0", "model-v2.0.0")
    put_model(repo, "v3")
    commit(repo, "2.1.0", "v2.1.0")
    put_model(repo, "v4")
    return repo


def golden(name: str, actual: str) -> None:
    path = EXPECTED / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{path} differs"


def test_diff_against_latest_release_checks_every_release(repo: Path) -> None:
    done = codegen(repo, "diff")
    assert done.returncode == 100, done.stderr
    golden("diff-latest.txt", done.stdout)
    golden("diff-latest.stderr.txt", done.stderr)
    # paths as they are in the repository, for the working tree and the tag alike
    assert all(line.startswith(f"{MODEL}/") for line in done.stdout.splitlines())
    assert "release 1.0.0 (model-v1.0.0)" in done.stdout  # v1 tag deduplicated, model-v preferred
    assert "v1.0.0)" not in done.stdout.replace("model-v1.0.0)", "")


def test_history_is_what_finds_the_reuse(repo: Path) -> None:
    done = codegen(repo, "diff", "--against", "v2.1.0", "--no-history")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "NO_REUSE" not in done.stdout
    assert "EVENT_REMOVED" in done.stdout


@pytest.mark.parametrize("fmt", ["json", "github", "junit"])
def test_formats_against_a_tag(repo: Path, fmt: str) -> None:
    done = codegen(repo, "diff", "--against", "model-v1.0.0", "--format", fmt)
    assert done.returncode == 100
    golden(f"diff-v1.{fmt}", done.stdout)


def test_version_check(repo: Path) -> None:
    done = codegen(repo, "version-check")
    assert done.returncode == 1
    assert "set 'version: 3.0.0'" in done.stderr
    model = repo / MODEL / "model.yaml"
    model.write_text(model.read_text().replace("version: 2.2.0", "version: 3.0.0"))
    done = codegen(repo, "version-check")
    assert done.returncode == 0, done.stderr
    assert "version 3.0.0 against 2.1.0 (v2.1.0): ok for the major bump that the changes need" in done.stdout


def test_version_check_before_the_first_release(tmp_path: Path) -> None:
    repo = tmp_path / "new"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    put_model(repo, "v1")
    done = codegen(repo, "version-check")
    assert done.returncode == 0, done.stderr
    assert "first release" in done.stdout
    assert codegen(repo, "diff").returncode == 1  # nothing to compare with


def test_changelog_prepends_and_replaces(repo: Path) -> None:
    changelog = repo / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## 2.1.0\n\nHand-written notes.\n")
    for _ in range(2):  # a second run replaces the section instead of adding one
        done = codegen(repo, "changelog", "--out", "CHANGELOG.md")
        assert done.returncode == 0, done.stderr
    text = changelog.read_text()
    assert text.count("## 2.2.0") == 1
    assert text.index("## 2.2.0") < text.index("## 2.1.0")
    assert text.endswith("## 2.1.0\n\nHand-written notes.\n")
    golden("CHANGELOG.md", text)


def test_errors_exit_1(repo: Path) -> None:
    done = codegen(repo, "diff", "--against", "no-such-ref")
    assert done.returncode == 1
    assert "'no-such-ref' is neither a model folder nor a git ref" in done.stderr
    done = codegen(repo, "diff", "--against", "--upload-pack=x")
    assert done.returncode in (1, 2)  # never handed to git as an option
    (repo / MODEL / "events.yaml").write_text("events: [oops\n")
    done = codegen(repo, "diff", "--against", "v2.1.0")
    assert done.returncode == 1
    assert f"{MODEL}/events.yaml:" in done.stderr


def test_a_broken_release_is_an_error_when_compared_and_skipped_as_history(repo: Path) -> None:
    (repo / MODEL / "model.yaml").write_text("model: {name: x}\n")
    commit(repo, "broken", "model-v9.9.9")
    put_model(repo, "v4")
    done = codegen(repo, "diff", "--against", "model-v9.9.9")
    assert done.returncode == 1
    assert "the model at model-v9.9.9 does not load" in done.stderr
    assert f"{MODEL}/model.yaml:1:" in done.stderr  # located in the repository, not in a temp dir
    done = codegen(repo, "diff", "--against", "v2.1.0")
    assert done.returncode == 100
    assert "warning: skipping release model-v9.9.9" in done.stderr


def test_deprecation_must_be_released(repo: Path) -> None:
    """Deprecated on a branch but never in a release: removal is still an error."""
    put_model(repo, "v3")
    events = repo / MODEL / "events.yaml"
    text = events.read_text()
    events.write_text(text.replace("    owner: cart-team@example.com\n",
                                   "    owner: cart-team@example.com\n    deprecated: Going away.\n"))
    commit(repo, "deprecate cart_changed")
    git(repo, "branch", "wip")
    model = repo / MODEL / "model.yaml"
    text = model.read_text().replace("numbers: [13, 98, 99]", "numbers: [11, 13, 98, 99]")
    text = text.replace("names: [legacy_event, wishlist_added]", "names: [cart_changed, legacy_event, wishlist_added]")
    model.write_text(text.replace("version: 2.1.0", "version: 3.0.0"))
    before, rest = events.read_text().split("  cart_changed:")
    events.write_text(before + "  checkout_started:" + rest.split("  checkout_started:")[1])
    done = codegen(repo, "diff", "--against", "wip")
    assert done.returncode == 100, done.stdout
    assert ("EVENT_DELETE_REQUIRES_DEPRECATION error: event 'cart_changed' was deleted but no released version "
            "marks it deprecated (checked: 1.0.0, 2.0.0, 2.1.0)") in done.stdout
    assert "NO_DELETE_UNLESS_RESERVED" not in done.stdout
