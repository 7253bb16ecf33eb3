"""The Kotlin SDK's delivery program (programs/kotlin_sdk/Main.kt), built
against the committed generated SDK (generated/kotlin) by one offline
`mvn compile` (the artifacts scripts/setup-kotlin.sh fetched, as the Kotlin
SDK tests use them), run with `java`.

The workload's events (workload.py: valid conformance case `i mod N`) are
written as Kotlin by the Kotlin target's own test-plan value writer, a few
dozen functions a file. The build folder is kept (`DELIVERY_WORK`, default
tests/delivery/.work/) and the compile is skipped when no source changed."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from codegen.sdk.contract import GENERATED_MARKER
from codegen.targets.kotlin import lexical as kn
from codegen.targets.kotlin import views as kv
from codegen.targets.kotlin.testvalues import ValueWriter
from codegen.testplan import plan

from . import workload

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SDK = ROOT / "generated" / "kotlin"
MAIN = HERE / "programs" / "kotlin_sdk" / "Main.kt"
CHUNK = 40  # events per file (one JVM class each)
HEADER = f"// {GENERATED_MARKER} (delivery test workload, tests/delivery/kotlin_program.py)"


class BuildError(Exception):
    pass


def work_dir() -> Path:
    return Path(os.environ.get("DELIVERY_WORK") or HERE / ".work") / "kotlin"


def workload_sources() -> dict[str, str]:
    """File name -> Kotlin source of the workload: the context, every case, the invalid event."""
    model = workload.model()
    writer = ValueWriter(model, kv.Names(model))
    package = kv.settings(model)["package"]
    head = [HEADER, '@file:Suppress("DEPRECATION", "DEPRECATION_ERROR")', "package delivery.program", "",
            f"import {package}.*", ""]
    files, chunks = {}, []
    cases = workload.cases()
    for number, start in enumerate(range(0, len(cases), CHUNK)):
        lines = list(head)
        refs = []
        for index in range(start, min(start + CHUNK, len(cases))):
            case = cases[index]
            lines += [f"private fun event{index}(): EventMessage = {writer.event(case.event, case.values)}", ""]
            refs.append(f"::event{index}")
        lines += [f"internal val CHUNK{number}: Array<() -> EventMessage> = arrayOf<() -> EventMessage>({', '.join(refs)})", ""]
        files[f"Workload{number}.kt"] = "\n".join(lines)
        chunks.append(f"*CHUNK{number}")
    invalid = plan(model).invalid[0]  # breaks one constraint; sent anyway (Policy.SEND)
    stamp = workload.CLIENT_TIMESTAMP
    files["Workload.kt"] = "\n".join(head + [
        f"internal const val CLIENT_SECONDS: Long = {kn.int_literal(stamp.seconds, 'int64')}",
        f"internal const val CLIENT_NANOS: Int = {stamp.nanos}", "",
        f"internal fun workloadContext(): TrackingContext = {writer.context(workload.context())}", "",
        f"internal fun invalidEvent(): EventMessage = {writer.event(invalid.event, invalid.values)}", "",
        f"internal val WORKLOAD: List<() -> EventMessage> = listOf({', '.join(chunks)})", ""])
    return files


def build() -> list[str]:
    """The command that starts the delivery program (built first when a source changed)."""
    sources = {**workload_sources(), "Main.kt": MAIN.read_text(encoding="utf-8")}
    return ["java", "-cp", compile_program("program", sources), "delivery.program.MainKt"]


def compile_program(name: str, sources: dict[str, str]) -> str:
    """Compiles `sources` (file name -> Kotlin) with the generated SDK's main
    sources into work_dir()/<name>, unless nothing changed; the class path."""
    from targets.kotlin.harness_kotlin import pom, stdlib_jar

    for tool in ("java", "mvn"):
        if shutil.which(tool) is None:
            raise BuildError(f"'{tool}' is not on PATH: the Kotlin SDK needs JDK 17 and Maven")
    _run(["bash", str(ROOT / "scripts" / "setup-kotlin.sh")], ROOT, 900)
    work = work_dir() / name
    folder = work / "src"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in set(p.name for p in folder.glob("*.kt")) - set(sources):
        (folder / stale).unlink()
    for file_name, text in sources.items():
        _write_if_changed(folder / file_name, text)
    text, kotlin_version = pom(SDK / "pom.xml", [str(SDK / "src" / "main" / "kotlin"), "src"])
    _write_if_changed(work / "pom.xml", text)
    digest = hashlib.sha256(text.encode())
    for path in sorted((SDK / "src" / "main" / "kotlin").rglob("*.kt")) + sorted(folder.glob("*.kt")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    stamp = work / "target" / "built.sha256"
    if not (stamp.is_file() and stamp.read_text() == digest.hexdigest()):
        shutil.rmtree(work / "target", ignore_errors=True)  # no stale classes (the clean plugin is not fetched)
        _run(["mvn", "-o", "-q", "-B", "-Dstyle.color=never", "compile"], work, 900)
        stamp.write_text(digest.hexdigest())
    return os.pathsep.join([str(work / "target" / "classes"), str(stdlib_jar(kotlin_version))])


def _write_if_changed(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    if not (path.is_file() and path.read_bytes() == data):
        path.write_bytes(data)


def _run(args: list[str], cwd: Path, timeout: float) -> None:
    try:
        proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise BuildError(f"{' '.join(args)} timed out after {timeout:.0f} s") from exc
    if proc.returncode != 0:
        raise BuildError(f"{' '.join(args)} failed ({proc.returncode}):\n{(proc.stdout + proc.stderr)[-6000:]}")
