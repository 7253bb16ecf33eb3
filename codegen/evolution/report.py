"""`codegen diff` output: text, JSON, GitHub annotations and JUnit XML.

Every format lists the same changes in the same order (by location); all
output is deterministic and ends with a newline.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from codegen.evolution.rules import Bump, Change, Kind, Severity, required_bump
from codegen.evolution.semver import Version, effective_level
from codegen.evolution.snapshot import Snapshot
from codegen.terminal import json_safe, printable

FORMATS = ("text", "json", "github", "junit")


@dataclass(frozen=True)
class Report:
    old: Snapshot
    new: Snapshot
    changes: list[Change]

    @property
    def needed(self) -> Bump:
        return required_bump(self.changes)

    @property
    def needed_level(self) -> Bump:
        """The bump on the version's own scale (one level lower below 1.0.0)."""
        old = Version.parse(self.old.version)
        return effective_level(old, self.needed) if old else self.needed

    def count(self, severity: Severity) -> int:
        return sum(1 for c in self.changes if c.spec.severity is severity)

    def fails(self, fail_on: Severity = Severity.ERROR) -> bool:
        failing = {Severity.ERROR} | ({Severity.WARNING} if fail_on is Severity.WARNING else set())
        return any(c.spec.severity in failing for c in self.changes)


def render(report: Report, fmt: str) -> str:
    return {"text": text, "json": as_json, "github": github, "junit": junit}[fmt](report)


def summary(report: Report) -> str:
    """One line for standard error: what changed, whether it breaks, the bump."""
    counts = Counter(c.spec.severity for c in report.changes)
    parts = [f"{counts[s]} {s.value}{'s' if counts[s] != 1 else ''}" for s in Severity if counts[s]]
    head = (f"{len(report.changes)} change{'s' if len(report.changes) != 1 else ''} "
            f"({', '.join(parts)})" if report.changes else "no changes")
    return f"{head} from {report.old.describe()} to {report.new.describe()}: {verdict(report)}"


def verdict(report: Report) -> str:
    """Compatibility and the bump, worded so that they never contradict each other."""
    bump = report.needed_level
    need = f"needs a {bump.label} version bump" if bump is not Bump.NONE else "needs no version bump"
    if report.fails():
        return f"breaking, {need}"
    deciding = {c.spec.kind for c in report.changes if c.spec.bump == report.needed}
    if report.needed is Bump.MAJOR and Kind.REMOVAL in deciding:
        return f"removes deprecated items, {need}"
    return f"compatible, {need}" if report.changes else need


def text(report: Report) -> str:
    return "".join(f"{c.loc}: {c.rule} {c.spec.severity.value}: {c.message()}\n" for c in report.changes)


def as_json(report: Report) -> str:
    old_version = Version.parse(report.old.version)
    document = {
        "old": {"label": report.old.label, "version": report.old.version},
        "new": {"label": report.new.label, "version": report.new.version},
        "required_bump": report.needed_level.label,
        "minimum_version": str(old_version.bumped(report.needed)) if old_version else None,
        "breaking": report.fails(),
        "changes": [
            {
                "rule": c.rule, "severity": c.spec.severity.value, "kind": c.spec.kind.value,
                "bump": c.spec.bump.label, "file": c.loc.file, "line": c.loc.line, "column": c.loc.column,
                "model": c.side,
                "message": c.message(),
            }
            for c in report.changes
        ],
    }
    return json_safe(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)) + "\n"


def _gh_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(value: str) -> str:
    return _gh_data(value).replace(":", "%3A").replace(",", "%2C")


def github(report: Report) -> str:
    """GitHub Actions workflow commands; severities map onto error/warning/notice."""
    lines = []
    for c in report.changes:
        props = f"file={_gh_property(c.loc.file)},line={c.loc.line},col={c.loc.column},title={c.rule}"
        lines.append(f"::{c.spec.severity.value} {props}::{_gh_data(c.message())}\n")
    return "".join(lines)


_XML_INVALID = re.compile("[\ufffe\uffff]")  # besides the controls, which `printable` spells out


def _xml(value: str) -> str:
    return escape(_XML_INVALID.sub("\ufffd", printable(value)))


def _attr(value: str) -> str:
    return quoteattr(_XML_INVALID.sub("\ufffd", printable(value)))


def junit(report: Report) -> str:
    """One test suite per model file, one test case per change; errors are failures."""
    by_file: dict[str, list[Change]] = {}
    for c in report.changes:
        by_file.setdefault(c.loc.file, []).append(c)
    failures = report.count(Severity.ERROR)
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
           f'<testsuites name="codegen diff" tests="{max(len(report.changes), 1)}" failures="{failures}">\n']
    if not report.changes:
        out.append('  <testsuite name="codegen diff" tests="1" failures="0">\n'
                   '    <testcase classname="codegen diff" name="no changes"/>\n  </testsuite>\n')
    for file, changes in by_file.items():
        fails = sum(1 for c in changes if c.spec.severity is Severity.ERROR)
        out.append(f'  <testsuite name={_attr(file)} tests="{len(changes)}" failures="{fails}">\n')
        for c in changes:
            name = _attr(f"{c.rule} {c.loc.line}:{c.loc.column}")
            out.append(f"    <testcase classname={_attr(file)} name={name}>\n")
            body = _xml(f"{c.loc}: {c.message()}")
            if c.spec.severity is Severity.ERROR:
                out.append(f"      <failure message={_attr(c.message())} type={_attr(c.rule)}>{body}</failure>\n")
            else:
                out.append(f"      <system-out>{_xml(c.spec.severity.value)}: {body}</system-out>\n")
            out.append("    </testcase>\n")
        out.append("  </testsuite>\n")
    out.append("</testsuites>\n")
    return "".join(out)
