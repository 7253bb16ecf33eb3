"""The Kotlin harness: one Maven project compiling the main sources of every
model's SDK and the case files (each case a small function calling the
generated constructor with literals from the Kotlin target's own test-plan
value writer; many files of a few functions each, far from the JVM's 64 KB
method and constant-pool limits), by ONE offline `mvn compile`, then one
`java` run.

Batch cases (one file per model): the members are tracked through the SDK's
Tracker (fixed clock and event ids) into a transport of one wire format, as
HttpTransport receives them, and the envelopes become a body with
`BatchEncoder.encode`, in both formats (every purpose granted). Consent cases
(one file per model) track their member case through the SDK's Tracker under
the case's consent into an InMemoryTransport."""

from __future__ import annotations

import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from codegen.targets.kotlin import lexical as kn
from codegen.targets.kotlin import views as kv
from codegen.targets.kotlin.testvalues import ValueWriter
from consents import CLIENT_TIMESTAMP as CONSENT_CLOCK
from consents import EVENT_ID as CONSENT_EVENT_ID
from harness import (HEADER_TEXT, HarnessError, Result, Timer, Unit, chunks, parse_lines, render_sdk, run_program,
                     build_units, owning_units, run_step, write_if_changed)

TARGET = "kotlin"
ROOT = Path(__file__).resolve().parents[3]
CHUNK = 40  # cases per file (one JVM class each)
POM_NS = "{http://maven.apache.org/POM/4.0.0}"

COMMON = f"""// {HEADER_TEXT}
package conformance.harness

/** A built event, seen through what every generated SDK's events offer. */
public class Built(
    public val validate: () -> kotlin.collections.List<kotlin.String>,
    public val toProtobuf: () -> kotlin.ByteArray,
    public val toJson: () -> kotlin.String,
    /** The SDK's ValidationError of validate()'s issues: its class name and message. */
    public val error: () -> kotlin.String,
    public val warnings: () -> kotlin.collections.List<kotlin.String>,
)

public class Case(public val id: kotlin.String, public val checkRefusal: kotlin.Boolean, public val build: () -> Built)

public fun hex(bytes: kotlin.ByteArray): kotlin.String {{
    val digits = "0123456789abcdef"
    val out = StringBuilder(bytes.size * 2)
    for (b in bytes) {{
        val v = b.toInt() and 0xff
        out.append(digits[v shr 4]).append(digits[v and 15])
    }}
    return out.toString()
}}

private fun refused(call: () -> Any): kotlin.Boolean = try {{
    call()
    false
}} catch (e: Throwable) {{
    true
}}

public fun oneLine(e: Throwable): kotlin.String = (e.javaClass.simpleName + ": " + e.message).split(Regex("\\\\s+")).joinToString(" ")

public fun lines(case: Case): kotlin.collections.List<kotlin.String> = try {{
    val event = case.build()
    val issues = event.validate()
    val warnings = event.warnings()
    val texts = if (warnings.isEmpty()) emptyList() else listOf((listOf(case.id + "!warnings") + warnings).joinToString("\\t"))
    if (issues.isNotEmpty()) {{
        var refusal = "-"
        if (case.checkRefusal) {{
            val accepted = ArrayList<kotlin.String>()
            if (!refused(event.toProtobuf)) accepted.add("toProtobuf")
            if (!refused(event.toJson)) accepted.add("toJson")
            refusal = if (accepted.isEmpty()) "refused" else "accepted:" + accepted.joinToString("+")
        }}
        listOf((listOf(case.id, "invalid", refusal) + issues).joinToString("\\t"), case.id + "!error\\t" + event.error()) + texts
    }} else {{
        listOf(case.id + "\\t" + event.toJson() + "\\t" + hex(event.toProtobuf())) + texts
    }}
}} catch (e: Throwable) {{
    listOf(case.id + "\\texception\\t" + oneLine(e))
}}
"""


def chunk_file(unit: Unit, package: str, number: int, cases: list, start: int) -> str:  # type: ignore[type-arg]
    names = kv.Names(unit.model)
    writer = ValueWriter(unit.model, names)
    lines = [f"// {HEADER_TEXT}", f"@file:Suppress(\"DEPRECATION\", \"DEPRECATION_ERROR\")",
             f"package conformance.harness.{unit.key}", "",
             f"import {package}.*", "import conformance.harness.Built", "import conformance.harness.Case", "",
             f"private fun wrap(e: {package}.EventMessage): Built = Built(",
             "    { e.validate().map { it.constraint + \"@\" + it.path } }, { e.toProtobuf() }, { e.toJson() },",
             f"    {{ {package}.ValidationError(e.eventName, e.validate()).let {{ it.javaClass.simpleName + \": \" + it.message }} }},",
             "    { e.deprecationWarnings() })", ""]
    table = []
    for offset, case in enumerate(cases):
        index = start + offset
        expr = writer.event(case.event, case.values)
        lines += [f"private fun case{index}(): Built = wrap({expr})", ""]
        table.append(f"    Case({kn.string_literal(case.id)}, {'true' if case.refused else 'false'}, ::case{index}),")
    lines += [f"public fun chunk{number}(): kotlin.collections.List<Case> = listOf("] + table + [")", ""]
    return "\n".join(lines)


def consents_file(unit: Unit, package: str) -> str:
    """`consents()`: the line of every consent case of the unit."""
    names = kv.Names(unit.model)
    writer = ValueWriter(unit.model, names)
    by_name = {case.name: case for case in unit.cases}
    lines = [f"// {HEADER_TEXT}", '@file:Suppress("DEPRECATION", "DEPRECATION_ERROR")',
             f"package conformance.harness.{unit.key}", "", f"import {package}.*", ""]
    calls = []
    for index, consent in enumerate(unit.consents):
        member = by_name[consent.member]
        lines += [f"private fun consentContext{index}(): TrackingContext = {writer.context(consent.context)}", "",
                  f"private fun consentEvent{index}(): EventMessage = {writer.event(member.event, member.values)}", ""]
        granted = "setOf(" + ", ".join(kn.string_literal(p) for p in consent.granted) + ")"
        calls.append(f"    trackOnce({kn.string_literal(consent.id)}, ::consentContext{index}, ::consentEvent{index}, "
                     f"{granted}),")
    clock = f"Timestamp({kn.int_literal(CONSENT_CLOCK.seconds, 'int64')}, {CONSENT_CLOCK.nanos})"
    lines += [
        "private fun trackOnce(id: kotlin.String, context: () -> TrackingContext, build: () -> EventMessage,",
        "                      granted: kotlin.collections.Set<kotlin.String>): kotlin.String = try {",
        "    val transport = InMemoryTransport()",
        "    val errors = ArrayList<SdkError>()",
        f"    val tracker = Tracker(transport, context(), Policy.THROW, {{ errors.add(it) }}, {{}}, {{ {clock} }}, "
        f"{{ {kn.string_literal(CONSENT_EVENT_ID)} }})",
        f"    tracker.consent = {names.purpose}.entries.filter {{ it.wireName in granted }}.toSet()",
        "    if (!tracker.track(build())) {",
        "        val error = errors.singleOrNull() as? ConsentError",
        "        check(error != null && tracker.consentDropped == 1) { \"dropped with $errors, ${tracker.consentDropped} counted\" }",
        "        id + \"\\tdropped\\t\" + error.message",
        "    } else {",
        "        val sent = transport.events.single()",
        "        val hex = sent.protobuf.joinToString(\"\") { \"%02x\".format(it.toInt() and 0xff) }",
        "        id + \"\\t\" + sent.json + \"\\t\" + hex + \"\\t\" + sent.purposes.joinToString(\",\")",
        "    }",
        "} catch (e: Throwable) {",
        "    id + \"\\texception\\t\" + (e.javaClass.simpleName + \": \" + e.message).split(Regex(\"\\\\s+\")).joinToString(\" \")",
        "}",
        "",
        "public fun consents(): kotlin.collections.List<kotlin.String> = listOf(",
        *calls,
        ")",
        "",
    ]
    return "\n".join(lines)


BATCH_HEAD = """
private class Capture(override val wireFormat: WireFormat) : FormatTransport {
    val bodies = java.util.ArrayList<kotlin.ByteArray>()

    override fun enqueue(eventName: kotlin.String, eventId: kotlin.String, body: kotlin.ByteArray,
                         purposes: kotlin.collections.List<kotlin.String>) {
        bodies.add(body)
    }
}

private fun batchLine(
    id: kotlin.String,
    context: () -> TrackingContext,
    members: kotlin.collections.List<() -> EventMessage>,
    ids: kotlin.collections.List<kotlin.String>,
    stamp: Timestamp,
    sentAt: Timestamp,
): kotlin.String = try {
    val bodies = java.util.HashMap<WireFormat, kotlin.ByteArray>()
    for (format in WireFormat.entries) {
        val capture = Capture(format)
        val next = ids.iterator()
        val errors = java.util.ArrayList<SdkError>()
        val tracker = Tracker(capture, context(), Policy.THROW, { errors.add(it) }, {}, { stamp }, { next.next() })
        tracker.consent = PURPOSE_CLASS.entries.toSet() // batch cases are tracked with every purpose granted
        for (member in members) if (!tracker.track(member())) throw kotlin.IllegalStateException("track() returned false: " + errors)
        bodies[format] = BatchEncoder.encode(capture.bodies, sentAt, format)
    }
    id + "\\t" + bodies.getValue(WireFormat.JSON).toString(kotlin.text.Charsets.UTF_8) + "\\t" + hex(bodies.getValue(WireFormat.PROTOBUF))
} catch (e: kotlin.Throwable) {
    id + "\\texception\\t" + oneLine(e)
}
"""


def batch_file(unit: Unit, package: str) -> str:
    """The model's batch cases: each tracks its members in both formats and prints one line."""
    names = kv.Names(unit.model)
    writer = ValueWriter(unit.model, names)
    by_name = {case.name: case for case in unit.cases}
    lines = [f"// {HEADER_TEXT}", '@file:Suppress("DEPRECATION", "DEPRECATION_ERROR")',
             f"package conformance.harness.{unit.key}", "", f"import {package}.*",
             "import conformance.harness.hex", "import conformance.harness.oneLine",
             BATCH_HEAD.replace("PURPOSE_CLASS", names.purpose)]
    calls = []
    for number, batch in enumerate(unit.batches):
        members = []
        for index, (name, _) in enumerate(batch.members):
            case = by_name[name]
            lines += [f"private fun batch{number}Event{index}(): EventMessage = {writer.event(case.event, case.values)}", ""]
            members.append(f"::batch{number}Event{index}")
        lines += [f"private fun batch{number}Context(): TrackingContext = {writer.context(batch.context)}", ""]
        ids = ", ".join(kn.string_literal(event_id) for _, event_id in batch.members)
        calls.append(f"    batchLine({kn.string_literal(batch.id)}, ::batch{number}Context, listOf({', '.join(members)}), "
                     f"listOf<kotlin.String>({ids}), {_timestamp(batch.client_timestamp)}, {_timestamp(batch.sent_at)}),")
    lines += ["public fun batchLines(): kotlin.collections.List<kotlin.String> = listOf("] + calls + [")", ""]
    return "\n".join(lines)


def _timestamp(value: Any) -> str:
    return f"Timestamp({kn.int_literal(value.seconds, 'int64')}, {value.nanos})"


def main_file(entries: list[str], batch_entries: list[str]) -> str:
    calls = "\n".join(f"    print(out, {entry}())" for entry in entries)
    calls += "".join(f"\n    for (line in {entry}()) out.print(line + \"\\n\")" for entry in batch_entries)
    return f"""// {HEADER_TEXT}
package conformance.harness

private fun print(out: java.io.PrintStream, cases: kotlin.collections.List<Case>) {{
    for (case in cases) for (line in lines(case)) out.print(line + "\\n")
}}

public fun main() {{
    val out = java.io.PrintStream(java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8")
{calls}
    out.flush()
}}
"""


def pom(sdk_pom: Path, source_dirs: list[str]) -> tuple[str, str]:
    """A project that compiles `source_dirs` with the plugins (and versions)
    the generated SDK pins, so the offline repository has all of them."""
    root = ET.parse(sdk_pom).getroot()
    props = {child.tag.removeprefix(POM_NS): child.text or "" for child in root.find(f"{POM_NS}properties") or []}
    kotlin_version = props.get("kotlin.version")
    plugins = []
    for plugin in root.iter(f"{POM_NS}plugin"):
        group = plugin.findtext(f"{POM_NS}groupId") or "org.apache.maven.plugins"
        artifact = plugin.findtext(f"{POM_NS}artifactId") or ""
        version = (plugin.findtext(f"{POM_NS}version") or "").replace("${kotlin.version}", kotlin_version or "")
        if artifact == "kotlin-maven-plugin":
            continue
        plugins.append(f"<plugin><groupId>{group}</groupId><artifactId>{artifact}</artifactId>"
                       f"<version>{version}</version></plugin>")
    dirs = "".join(f"<sourceDir>{xml_escape(d)}</sourceDir>" for d in source_dirs)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- {HEADER_TEXT} -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>codegen.conformance</groupId>
  <artifactId>kotlin-harness</artifactId>
  <version>0</version>
  <properties><project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>
  <dependencies>
    <dependency><groupId>org.jetbrains.kotlin</groupId><artifactId>kotlin-stdlib</artifactId><version>{kotlin_version}</version></dependency>
  </dependencies>
  <build>
    <plugins>
      {''.join(plugins)}
      <plugin>
        <groupId>org.jetbrains.kotlin</groupId><artifactId>kotlin-maven-plugin</artifactId><version>{kotlin_version}</version>
        <configuration><jvmTarget>1.8</jvmTarget><sourceDirs>{dirs}</sourceDirs></configuration>
        <executions><execution><id>compile</id><goals><goal>compile</goal></goals></execution></executions>
      </plugin>
    </plugins>
  </build>
</project>
""", kotlin_version or ""


def stdlib_jar(version: str) -> Path:
    repo = Path(os.environ.get("MAVEN_LOCAL_REPOSITORY") or Path.home() / ".m2" / "repository")
    jar = repo / "org" / "jetbrains" / "kotlin" / "kotlin-stdlib" / version / f"kotlin-stdlib-{version}.jar"
    if not jar.is_file():
        raise HarnessError(f"{jar} is missing (scripts/setup-kotlin.sh fetches it)")
    return jar


def failing_units(output: str, work: Path, units: list[Unit]) -> set[str]:
    """Models whose SDK or case files the Kotlin compiler rejected."""
    return owning_units(re.findall(r"^e: (?:file://)?(\S+?\.kt)", output, re.M), work, units)


def run(units: list[Unit], work: Path) -> Result:
    result = Result(lines={})
    timer = Timer(result.timings)
    for tool in ("java", "mvn"):
        if shutil.which(tool) is None:
            raise HarnessError(f"'{tool}' is not on PATH: the Kotlin target needs JDK 17 and Maven")
    with timer.step("setup"):
        run_step(["bash", ROOT / "scripts" / "setup-kotlin.sh"], ROOT, "setup-kotlin.sh", timeout=900)
    kotlin_version = ""

    def build(active: list[Unit]) -> None:
        nonlocal kotlin_version
        with timer.step("render"):
            kotlin_version = _render(active, work)
        with timer.step("mvn compile"):
            run_step(["mvn", "-o", "-q", "-B", "-Dstyle.color=never", "compile"], work, "mvn compile", timeout=900)

    build_units(units, result, build, lambda text, active: failing_units(text, work, active), "Kotlin")
    with timer.step("java"):
        classpath = os.pathsep.join([str(work / "target" / "classes"), str(stdlib_jar(kotlin_version))])
        stdout = run_program(["java", "-Xss16m", "-cp", classpath, "conformance.harness.MainKt"], work,
                             "the Kotlin harness (java)", result)
    result.lines = parse_lines(stdout)
    return result


def _render(active: list[Unit], work: Path) -> str:
    """Sources and pom of the units to build; the Kotlin version the SDKs pin."""
    entries, sources, line_entries = [], [], []
    for unit in active:
        render_sdk(unit.model, TARGET, work / "sdk" / unit.key)
        package = kv.settings(unit.model)["package"]
        sources.append(f"sdk/{unit.key}/src/main/kotlin")
        for number, cases in chunks(unit.cases, CHUNK):
            write_if_changed(work / "cases" / unit.key / f"Chunk{number}.kt",
                             chunk_file(unit, package, number, list(cases), number * CHUNK))
            entries.append(f"conformance.harness.{unit.key}.chunk{number}")
        _remove_stale(work / "cases" / unit.key, len(unit.cases))
        write_if_changed(work / "cases" / unit.key / "Batches.kt", batch_file(unit, package))
        write_if_changed(work / "cases" / unit.key / "Consents.kt", consents_file(unit, package))
        line_entries += [f"conformance.harness.{unit.key}.batchLines", f"conformance.harness.{unit.key}.consents"]
    for gone in {p.name for p in (work / "cases").iterdir() if p.is_dir()} - {u.key for u in active}:
        shutil.rmtree(work / "cases" / gone)
    write_if_changed(work / "cases" / "Common.kt", COMMON)
    write_if_changed(work / "cases" / "Main.kt", main_file(entries, line_entries))
    text, kotlin_version = pom(work / "sdk" / active[0].key / "pom.xml", sources + ["cases"])
    write_if_changed(work / "pom.xml", text)
    return kotlin_version


def _remove_stale(folder: Path, count: int) -> None:
    keep = {f"Chunk{n}.kt" for n in range((count + CHUNK - 1) // CHUNK)}
    for path in folder.glob("Chunk*.kt"):
        if path.name not in keep:
            path.unlink()
