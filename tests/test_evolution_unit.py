"""Unit tests of the evolution pieces: versions, quoting, output formats,
reserved ranges, the changelog merge, and docs/evolution.md in step with
the rule catalog."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from codegen.cli import cli
from codegen.evolution.changelog import merge
from codegen.evolution.commands import register
from codegen.evolution.compare import diff
from codegen.evolution.members import compare_reserved
from codegen.evolution.report import Report, render, summary
from codegen.evolution.rules import RULES, Bump, Kind, Severity, change, quote
from codegen.evolution.semver import Version, check_bump, satisfies, version_of_tag
from codegen.evolution.snapshot import load_snapshot
from codegen.ir import Location, Reserved

ROOT = Path(__file__).resolve().parent.parent
V3 = ROOT / "tests/evolution/models/v3"
HERE = Location("m/e.yaml", 3, 5)

register(cli)


# versions


@pytest.mark.parametrize("old,new,needed,ok", [
    ("1.2.3", "2.0.0", Bump.MAJOR, True),
    ("1.2.3", "1.3.0", Bump.MAJOR, False),
    ("1.2.3", "1.3.0", Bump.MINOR, True),
    ("1.2.3", "1.2.4", Bump.MINOR, False),
    ("1.2.3", "1.2.4", Bump.PATCH, True),
    ("1.2.3", "1.2.3", Bump.PATCH, False),
    ("1.2.3", "1.2.3", Bump.NONE, True),
    ("1.2.3", "1.2.2", Bump.NONE, False),  # never go back
    ("1.2.3", "3.0.0", Bump.PATCH, True),  # more than needed is fine
    # 0.x: breaking needs a minor bump, everything else a patch bump
    ("0.3.1", "0.4.0", Bump.MAJOR, True),
    ("0.3.1", "0.3.2", Bump.MAJOR, False),
    ("0.3.1", "1.0.0", Bump.MAJOR, True),
    ("0.3.1", "0.3.2", Bump.MINOR, True),
    ("0.3.1", "0.3.2", Bump.PATCH, True),
    ("0.3.1", "0.3.1", Bump.PATCH, False),
    # pre-releases: 2.0.0-rc.1 < 2.0.0, and any step up from a pre-release will do
    ("1.4.0", "2.0.0-rc.1", Bump.MAJOR, True),
    ("2.0.0-rc.1", "2.0.0", Bump.MAJOR, True),
    ("2.0.0-rc.1", "2.0.0-rc.2", Bump.MAJOR, True),
    ("2.0.0", "2.0.0-rc.1", Bump.NONE, False),
])
def test_check_bump(old: str, new: str, needed: Bump, ok: bool) -> None:
    verdict = check_bump(old, new, needed)
    assert verdict.ok is ok, verdict.message
    if not ok and Version.parse(new) >= Version.parse(old):  # type: ignore[operator]
        assert f"set 'version: {verdict.minimum}'" in verdict.message


def test_minimum_versions() -> None:
    assert str(check_bump("1.2.3", "1.2.3", Bump.MAJOR).minimum) == "2.0.0"
    assert str(check_bump("1.2.3", "1.2.3", Bump.MINOR).minimum) == "1.3.0"
    assert str(check_bump("0.3.1", "0.3.1", Bump.MAJOR).minimum) == "0.4.0"
    assert str(check_bump("0.3.1", "0.3.1", Bump.MINOR).minimum) == "0.3.2"


def test_precedence_and_tags() -> None:
    order = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
             "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.10.0", "2.0.0"]
    parsed = [Version.parse(v) for v in order]
    assert sorted(parsed) == parsed  # type: ignore[type-var]
    assert version_of_tag("model-v1.2.3") == Version(1, 2, 3)
    assert version_of_tag("v1.2.3") == Version(1, 2, 3)
    assert version_of_tag("release-1.2.3") is None
    assert version_of_tag("v1.2") is None


versions = st.builds(Version, st.integers(0, 5), st.integers(0, 5), st.integers(0, 5))


@given(versions, st.sampled_from(list(Bump)))
def test_bumped_is_the_smallest_enough(version: Version, bump: Bump) -> None:
    target = version.bumped(bump)
    assert satisfies(version, target, bump)
    if bump is not Bump.NONE:
        assert not satisfies(version, version, bump)
        for lower in (Version(target.major, target.minor, target.patch - 1),) if target.patch else ():
            if lower > version:
                assert not satisfies(version, lower, bump)


# quoting and formats


@pytest.mark.parametrize("name", ["plain", "it's", "a\nb", "back\\slash", "`tick`", "``", "{x}", "%0A"])
def test_quote_keeps_one_line_and_closes(name: str) -> None:
    text, md = quote(name, "text"), quote(name, "markdown")
    assert "\n" not in text and "\n" not in md
    assert text.startswith("'") and text.endswith("'")
    fence = re.match(r"^`+", md).group(0)  # type: ignore[union-attr]
    assert md.endswith(fence) and fence not in md[len(fence):-len(fence)]


def test_names_never_act_as_templates() -> None:
    c = change("ENUM_VALUE_ADDED", HERE, "value {value} of enum {enum} was added", value="{enum}{0}", enum="e")
    assert c.message() == "value '{enum}{0}' of enum 'e' was added"


def _report(*changes) -> Report:  # type: ignore[no-untyped-def]
    snapshot = load_snapshot(V3, "v3")
    return Report(snapshot, snapshot, list(changes))


def test_hostile_names_in_every_format() -> None:
    weird = 'a%b\n::error::x,y <z> & "q" \x01'
    report = _report(
        change("ENUM_VALUE_SAME_NAME", Location("d/a,b:c.yaml", 1, 2), "value {value} was renamed", value=weird),
        change("FIELD_ADDED", HERE, "property {prop} was added", prop="ok"),
    )
    github = render(report, "github").splitlines()
    assert len(github) == 2
    assert github[0].startswith("::error file=d/a%2Cb%3Ac.yaml,line=1,col=2,title=ENUM_VALUE_SAME_NAME::")
    assert "%25" in github[0] and "\n" not in github[0]
    text = render(report, "text").splitlines()
    assert len(text) == 2
    root = ET.fromstring(render(report, "junit").encode())
    assert root.get("failures") == "1" and len(root.findall(".//testcase")) == 2
    document = json.loads(render(report, "json"))
    assert document["changes"][1]["message"] == "property 'ok' was added"


def test_no_changes() -> None:
    snapshot = load_snapshot(V3, "v3")
    report = Report(snapshot, snapshot, diff(snapshot, snapshot, [snapshot]))
    assert report.changes == [] and not report.fails()
    assert render(report, "text") == "" and render(report, "github") == ""
    root = ET.fromstring(render(report, "junit").encode())
    assert [c.get("name") for c in root.iter("testcase")] == ["no changes"]
    assert json.loads(render(report, "json"))["required_bump"] == "none"


def test_warnings_fail_only_when_asked() -> None:
    report = _report(change("FIELD_PRIVACY_CHANGED", HERE, "reclassified"))
    assert not report.fails() and report.fails(Severity.WARNING)


def test_breaking_kind_is_exactly_the_errors() -> None:
    """A change that breaks consumers fails `codegen diff`; nothing else does by default."""
    for rule in RULES.values():
        assert (rule.kind is Kind.BREAKING) == (rule.severity is Severity.ERROR), rule.id
        if rule.severity is Severity.ERROR:
            assert rule.bump is Bump.MAJOR, rule.id


@pytest.mark.parametrize("old_extra,new_extra,rule", [
    ("max_length: 10", "max_length: 5", "FIELD_CONSTRAINT_TIGHTENED"),
    ("min_length: 1", "min_length: 2", "FIELD_CONSTRAINT_TIGHTENED"),
    ("max_length: 10", "max_length: 11", "FIELD_CONSTRAINT_LOOSENED"),
    ("max_length: 10", "examples: [abc]", "FIELD_CONSTRAINT_LOOSENED"),
    ("pattern: '[a-z]*'", "pattern: '[a-z0-9]*'", "FIELD_CONSTRAINT_TIGHTENED"),
    ("pattern: '[a-z]*'", "examples: [abc]", "FIELD_CONSTRAINT_LOOSENED"),
])
def test_tightening_breaks_and_loosening_does_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   old_extra: str, new_extra: str, rule: str) -> None:
    monkeypatch.chdir(tmp_path)
    old, new = _two_models(tmp_path, old_extra, new_extra)
    result = CliRunner().invoke(cli, ["--model", new, "diff", "--against", old, "--no-history"])
    assert f" {rule} " in result.stdout, result.stdout
    if rule == "FIELD_CONSTRAINT_TIGHTENED":
        assert result.exit_code == 100 and "breaking, needs a major version bump" in result.stderr
    else:
        assert result.exit_code == 0 and "compatible, needs a minor version bump" in result.stderr
    assert "; " not in result.stderr  # one verdict, never "needs a major bump; compatible"


def test_removals_alone_are_not_called_compatible() -> None:
    report = _report(change("EVENT_REMOVED", HERE, "event {event} was removed", event="e"))
    assert not report.fails()
    assert summary(report).endswith(": removes deprecated items, needs a major version bump")


def test_cli_identical_models_exit_0(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["--model", "tests/evolution/models/v3", "diff", "--against",
                                      "tests/evolution/models/v3", "--no-history"])
    assert result.exit_code == 0 and result.stdout == ""
    assert "no changes" in result.stderr


def test_cli_fail_on_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    old, new = _two_models(tmp_path, "max_length: 10", "max_length: 10")
    model = Path(new) / "model.yaml"
    model.write_text(model.read_text().replace("session_id: {number: 5, type: string, privacy: pseudonymous",
                                               "session_id: {number: 5, type: string, privacy: personal, purposes: [analytics]"))
    args = ["--model", new, "diff", "--against", old, "--no-history"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert CliRunner().invoke(cli, args + ["--fail-on", "warning"]).exit_code == 100


def _two_models(tmp_path: Path, old_extra: str, new_extra: str) -> tuple[str, str]:
    source = ROOT / "tests/evolution/models/v1"
    template = (source / "model.yaml").read_text()
    for name, extra in (("old", old_extra), ("new", new_extra)):
        folder = tmp_path / name
        shutil.copytree(source, folder)  # every file: the events live beside model.yaml
        (folder / "model.yaml").write_text(template.replace(
            "description: The session.}", f"description: The session., {extra}}}"))
    return "old", "new"


# reserved ranges and the changelog


def test_reserved_ranges() -> None:
    old = Reserved(numbers=((5, 9),), names=("a",))
    new = Reserved(numbers=((5, 6), (8, 12)), names=("b",))
    changes = compare_reserved(old, new, "enum {owner}", {"owner": "e"}, HERE, HERE)
    messages = [c.message() for c in changes]
    assert messages == [
        "enum 'e': reserved number 7 is no longer reserved: reserve it again: old data may still carry it",
        "enum 'e': reserved name 'a' is no longer reserved: reserve it again: old data and old code may still use it",
        "enum 'e': numbers 10-12 are now reserved",
        "enum 'e': name 'b' is now reserved",
    ]


def test_changelog_merge() -> None:
    section = "## 2.0.0\n\nNew.\n"
    assert merge("", section, "2.0.0") == "# Changelog\n\n## 2.0.0\n\nNew.\n"
    existing = "# Changelog\n\nIntro.\n\n## 1.0.0\n\nOld.\n"
    merged = merge(existing, section, "2.0.0")
    assert merged == "# Changelog\n\nIntro.\n\n## 2.0.0\n\nNew.\n\n## 1.0.0\n\nOld.\n"
    assert merge(merged, "## 2.0.0\n\nNewer.\n", "2.0.0") == merged.replace("New.", "Newer.")
    assert merge("# Notes", section, "2.0.0") == "# Notes\n\n## 2.0.0\n\nNew.\n"


def test_snapshot_relocates_and_locates(tmp_path: Path) -> None:
    from codegen.loader import display_path

    copy = tmp_path / "copy"
    copy.mkdir()
    for path in V3.iterdir():
        (copy / path.name).write_text(path.read_text())
    names = {display_path(copy / p.name): f"repo/model/{p.name}" for p in V3.iterdir()}
    snapshot = load_snapshot(copy, "ref", True, names)
    assert snapshot.model.events[0].loc.file.startswith("repo/model/")
    assert snapshot.model.events[0].properties[0].loc.file.startswith("repo/model/")
    version = snapshot.at(("model", "version"), HERE)
    assert (version.file, version.line) == ("repo/model/model.yaml", 5)
    assert snapshot.at(("events", "nope", "number"), HERE) == HERE


# docs/evolution.md lists every rule with its severity, kind and bump


def test_docs_list_every_rule() -> None:
    text = (ROOT / "docs/evolution.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([A-Z_]+)` \| (\w+) \| (\w+) \| (\w+) \| (.+?) \|$", text, re.M)
    documented = {rule: (severity, kind, bump) for rule, severity, kind, bump, _ in rows}
    expected = {r.id: (r.severity.value, r.kind.value, r.bump.label) for r in RULES.values()}
    assert documented == expected
