"""The Kotlin SDK, compiled and run in its real toolchain (JDK + Maven).

The SDKs of the bundled model and of a model built to break names and
escaping are built with the real CLI into a temporary folder and compiled
and tested by ONE Maven invocation (a two-module reactor): the Kotlin
compiler runs with -Werror (no warning passes), offline after
scripts/setup-kotlin.sh fetched everything, and JUnit 5 runs each
package's own tests: every test-plan sample (bytes and JSON equal the
reference's), every invalid case, the tracker against the reference
envelope and its policies, the runtime, and the shared vectors (JCS, 20,000
ES numbers). Surefire's reports must show every expected test class and no
skipped test. A missing java or mvn fails; nothing is skipped.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import MODEL_DIR, ROOT, SHARED_VECTORS, run_codegen
from targets.toolchain import plan_cases

HOSTILE_MODEL = r'''
model:
  name: hostile_model
  namespace: hostile.v1
  version: 0.1.0
  description: "Tricky */ text /* with \"\"\" ${x} $y #{z} \\u{41} \\ and 日本語\nsecond line"
targets:
  kotlin:
    package: com.example.in.object
purposes:
  necessary: {description: Running the app., lawful_basis: legitimate_interest, retention_days: 30}
context:
  description: "Context */ /* ${injected} \"\"\""
  properties:
    event_id: {number: 1, type: string, auto: event_id, privacy: none}
    consent: {number: 999, type: list<string>, auto: consent, privacy: none}
    client_timestamp: {number: 2, type: timestamp, auto: client_timestamp, privacy: none}
    sdk_name: {number: 5, type: string, auto: sdk_name, privacy: none, max_length: 200}
    class: {number: 3, type: string, required: true, privacy: none, pattern: '[a-z\-"$]+\t?\\?', description: "*/ fun x() {} /*"}
    it: {number: 4, type: tracker, privacy: none}
enums:
  tracker:
    description: "enum */ named like the runtime; \u2028 line separator"
    values:
      4k: {number: 1, description: "*/"}
      "Sci-Fi & Fantasy": {number: 2}
      companion: {number: 3}
      entries: {number: 4}
      name: {number: 5, deprecated: {reason: "gone */ \"quoted\" $x"}}
      "über": {number: 6}
objects:
  string:
    description: "object named String: \\u{41} #{x} ${y}"
    properties:
      in: {number: 1, type: list<bytes>, privacy: none}
      copy: {number: 2, type: 'map<string, timestamp>', privacy: none, max_items: 3}
      to_json: {number: 3, type: 'map<string, list>', privacy: none}
      regex: {number: 4, type: list<string>, privacy: none, pattern: '[^\\"]*', max_length: 4}
  list:
    description: Object named List.
    properties:
      v: {number: 1, type: float, privacy: none, min: -1.5, max: 1.0e+30}
      int: {number: 2, type: list<uint32>, privacy: none, max: 7}
  empty:
    description: An object without properties.
    properties: {}
events:
  class:
    number: 10
    description: "Event */ named class /* ${'$'}{x} \\ \"\"\""
    owner: "o */"

    purposes: [necessary]
    deprecated: {reason: "use object \"x\" */ ${y}", since: 0.1.0}
    properties:
      validate: {number: 1, type: string, required: true, privacy: none, min_length: 2, description: "ends with backslash \\"}
      equals: {number: 2, type: string, privacy: none}
      component1: {number: 3, type: list<tracker>, privacy: none, min_items: 1}
      hash_code: {number: 4, type: uint64, privacy: none, max: 18446744073709551615}
      w: {number: 5, type: int32, privacy: none, min: -2147483648}
      e: {number: 6, type: int64, privacy: none, min: -9223372036854775808, max: 9223372036854775807}
      auto: {number: 7, type: double, privacy: none, deprecated: {reason: "*/"}}
      kind: {number: 8, type: tracker, const: "name", privacy: none}
      found: {number: 9, type: 'map<string, empty>', privacy: none}
      other: {number: 11, type: 'map<string, bytes>', privacy: none}
      it: {number: 12, type: list<float>, privacy: none, max: 2}
      event_name: {number: 13, type: string, privacy: none}
      string: {number: 14, type: string, privacy: none}
      object: {number: 15, type: list, privacy: none}
  tracking_context:
    number: 11
    owner: "owner */ $x"

    purposes: [necessary]
    description: Event named like the runtime's TrackingContext.
    properties: {}
  bytes:
    number: 12
    owner: x

    purposes: [necessary]
    description: Event named like the runtime's Bytes.
    properties:
      fixed: {number: 1, type: string, const: "a \"$b\" */ ${c}", privacy: none}
      when: {number: 2, type: timestamp, required: true, privacy: none}
      is: {number: 3, type: bool, const: true, privacy: none}
'''

# Test classes every generated package has (PlanTest runs the test plan's vectors).
EXPECTED_CLASSES = {"PlanTest", "RuntimeTest", "JsonVectorsTest", "TrackerTest", "DeliveryTest", "JournalTest",
                    "DeliveryTrackerTest"}


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 600) -> str:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{output[-8000:]}"
    return output


@pytest.fixture(scope="session")
def maven() -> str:
    """Maven with everything the SDK needs fetched by the project's own set-up script."""
    for tool in ("java", "mvn"):
        if shutil.which(tool) is None:
            pytest.fail(f"'{tool}' is not on PATH: the Kotlin target needs JDK 17 and Maven "
                        "(scripts/setup-kotlin.sh installs them and fetches what Maven needs)")
    run(["bash", ROOT / "scripts" / "setup-kotlin.sh"], ROOT, timeout=900)
    return shutil.which("mvn") or "mvn"


def build_sdk(model_dir: Path, out: Path) -> Path:
    result = run_codegen("--model", str(model_dir), "build", "--target", "kotlin", "--out", str(out), "--force")
    assert result.returncode == 0, result.stdout + result.stderr
    return out / "kotlin"


def reactor(root: Path, modules: list[str]) -> None:
    """An aggregator pom, so one Maven invocation (one JVM start) builds every package."""
    listed = "".join(f"<module>{m}</module>" for m in modules)
    (root / "pom.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">'
        "<modelVersion>4.0.0</modelVersion><groupId>codegen.tests</groupId><artifactId>reactor</artifactId>"
        f"<version>0</version><packaging>pom</packaging><modules>{listed}</modules></project>\n",
        encoding="utf-8")


def surefire(package: Path) -> dict[str, dict[str, int]]:
    """Counts per test class from Surefire's XML reports."""
    suites = {}
    for report in sorted((package / "target" / "surefire-reports").glob("TEST-*.xml")):
        suite = ET.parse(report).getroot()
        name = suite.get("name", "").rsplit(".", 1)[-1]
        suites[name] = {key: int(suite.get(key, "0")) for key in ("tests", "failures", "errors", "skipped")}
    return suites


@pytest.fixture(scope="session")
def maven_run(maven: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Both SDKs built and tested by one `mvn -q -B test`."""
    if not (SHARED_VECTORS / "es-numbers" / "numbers.csv").is_file():
        pytest.fail(f"shared vectors not found at {SHARED_VECTORS}")
    root = tmp_path_factory.mktemp("kotlin")
    hostile = root / "hostile_model"
    hostile.mkdir()
    (hostile / "model.yaml").write_text(HOSTILE_MODEL, encoding="utf-8")
    packages = {"bundled": build_sdk(MODEL_DIR, root / "bundled"), "hostile": build_sdk(hostile, root / "hostile")}
    reactor(root, [p.relative_to(root).as_posix() for p in packages.values()])
    started, cpu = time.monotonic(), _children_cpu()
    # Offline (-o): after scripts/setup-kotlin.sh nothing is downloaded any more.
    output = run([maven, "-o", "-q", "-B", "-Dstyle.color=never", "test"], root, {"CODEGEN_VECTORS": str(SHARED_VECTORS)})
    return {"packages": packages, "models": {"bundled": MODEL_DIR, "hostile": hostile}, "output": output,
            "seconds": time.monotonic() - started, "cpu_seconds": _children_cpu() - cpu}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.mark.parametrize("which", ["bundled", "hostile"])
def test_generated_sdk_compiles_without_warnings_and_its_tests_pass(maven_run: dict, which: str) -> None:
    package: Path = maven_run["packages"][which]
    suites = surefire(package)
    missing = EXPECTED_CLASSES - set(suites)
    assert not missing, f"test classes that did not run: {sorted(missing)}"
    for name, counts in suites.items():
        assert counts["tests"] > 0, name
        assert counts["failures"] == counts["errors"] == counts["skipped"] == 0, (name, counts)
    assert (package / "target" / "classes").is_dir()
    # -Werror: a compiler warning fails the build; Maven itself must not warn either.
    output = maven_run["output"]
    assert "[WARNING]" not in output and not re.search(r"^w: ", output, re.M), output[-4000:]


def test_bundled_sdk_runs_every_case_of_the_test_plan(maven_run: dict, bundled_model) -> None:
    suites = surefire(maven_run["packages"]["bundled"])
    # One dynamic test per case, plus the check that every event has samples.
    assert suites["PlanTest"]["tests"] == plan_cases(bundled_model) + 1, suites["PlanTest"]
    assert suites["JsonVectorsTest"]["tests"] == 2 and suites["TrackerTest"]["tests"] >= 10


def test_one_maven_invocation_stays_fast(maven_run: dict) -> None:
    """CPU time, not wall time: other jobs on a shared machine stretch the latter."""
    cpu, wall = maven_run["cpu_seconds"], maven_run["seconds"]
    assert cpu < 150, f"mvn test used {cpu:.0f} s of CPU ({wall:.0f} s wall)"


def test_generated_tree_holds_no_build_output(maven_run: dict, tmp_path: Path) -> None:
    """The build goes to a copy: the generated tree is sources, build files, docs, the
    manifest of what codegen wrote and the .gitignore only."""
    fresh = build_sdk(MODEL_DIR, tmp_path)
    kinds = {p.suffix or p.name for p in fresh.rglob("*") if p.is_file()}
    assert kinds <= {".kt", ".kts", ".xml", ".md", ".gitignore", ".json"}, kinds
    assert sorted(p.name for p in fresh.rglob("*.json")) == [".codegen-manifest.json", "plan.json"]
    assert next(fresh.rglob("plan.json")).parent.is_relative_to(fresh / "src" / "test" / "resources")


def test_setup_script_is_idempotent(maven: str) -> None:
    """scripts/setup-kotlin.sh, run once by the fixture, returns at once (its stamp) and succeeds."""
    script = ROOT / "scripts" / "setup-kotlin.sh"
    started = time.monotonic()
    output = run(["bash", script], ROOT)
    assert time.monotonic() - started < 20 and "already fetched" in output, output
