"""The Swift harness: one SwiftPM package with every model's SDK module, one
module of cases per model (each case a function calling the generated
initializer with literals from the Swift target's own test-plan value
writer) and an executable, built by ONE `swift build` (scripts/swift.sh:
native, or in the cached Debian 13 root) and run once.

Swift cannot build some values at all; those cases print "skipped" with the
reason (see cannot_hold): a String never holds an unpaired UTF-16 surrogate,
and a [String: V] cannot hold two keys that Swift compares as equal
(canonically equivalent, e.g. "é" and "e\u0301").

Batch cases (one file per model, `Batches.swift`): the members are tracked
through the SDK's Tracker (fixed clock and event ids) into a FormatTransport
of each wire format, as HttpTransport receives them, and `Batch.encode`
makes the body (every purpose granted).

Consent cases (one file per model) track their member case through the
SDK's Tracker under the case's consent into an InMemoryTransport."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from caseio import Case
from codegen.targets.swift import lexical as names
from codegen.targets.swift.testvalues import ValueWriter
from codegen.targets.swift.views import derive_names
from consents import CLIENT_TIMESTAMP as CONSENT_CLOCK
from consents import EVENT_ID as CONSENT_EVENT_ID
from harness import (HEADER_TEXT, Result, Timer, Unit, chunks, parse_lines, render_sdk, run_program,
                     build_units, owning_units, run_step, write_if_changed)

TARGET = "swift"
ROOT = Path(__file__).resolve().parents[3]
SWIFT = ROOT / "scripts" / "swift.sh"
CHUNK = 60  # cases per file: small files keep the type checker fast
SURROGATES = "Swift's String cannot hold an unpaired UTF-16 surrogate"

CORE = f"""// {HEADER_TEXT}
/// A built event, seen through what every generated SDK's events offer.
public struct Built {{
    public let validate: () -> [Swift.String]
    public let toProtobuf: () -> [Swift.UInt8]
    public let toJson: () -> Swift.String
    /// The SDK's ValidationError of validate()'s issues: its type's name and message.
    public let error: () -> Swift.String
    public let warnings: () -> [Swift.String]

    public init(validate: @escaping () -> [Swift.String], toProtobuf: @escaping () -> [Swift.UInt8],
                toJson: @escaping () -> Swift.String, error: @escaping () -> Swift.String,
                warnings: @escaping () -> [Swift.String]) {{
        self.validate = validate
        self.toProtobuf = toProtobuf
        self.toJson = toJson
        self.error = error
        self.warnings = warnings
    }}
}}

public struct Case {{
    public let id: Swift.String
    public let build: (() -> Built)?
    public let skip: Swift.String

    public init(_ id: Swift.String, _ build: @escaping () -> Built) {{
        self.id = id
        self.build = build
        self.skip = ""
    }}

    public init(_ id: Swift.String, skip: Swift.String) {{
        self.id = id
        self.build = nil
        self.skip = skip
    }}
}}

public func hex(_ bytes: [Swift.UInt8]) -> Swift.String {{
    let digits = Array("0123456789abcdef")
    var out = ""
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {{
        out.append(digits[Swift.Int(b >> 4)])
        out.append(digits[Swift.Int(b & 15)])
    }}
    return out
}}

public func line(_ c: Case) -> Swift.String {{
    guard let build = c.build else {{
        return c.id + "\\tskipped\\t" + c.skip
    }}
    let event = build()
    let issues = event.validate()
    let warnings = event.warnings()
    let texts = warnings.isEmpty ? "" : "\\n" + ([c.id + "!warnings"] + warnings).joined(separator: "\\t")
    if !issues.isEmpty {{
        // Encoding cannot refuse what Swift cannot hold, so there is no refusal check.
        return ([c.id, "invalid", "-"] + issues).joined(separator: "\\t") + "\\n" + c.id + "!error\\t" + event.error()
            + texts
    }}
    return c.id + "\\t" + event.toJson() + "\\t" + hex(event.toProtobuf()) + texts
}}

public func printAll(_ cases: [Case]) {{
    var out = ""
    for c in cases {{
        out += line(c)
        out += "\\n"
    }}
    print(out, terminator: "")
}}

/// One line per batch case (already formatted).
public func printLines(_ lines: [Swift.String]) {{
    print(lines.map {{ $0 + "\\n" }}.joined(), terminator: "")
}}
"""


def cannot_hold(case: Case) -> str:
    """Why Swift cannot build this case's values ("" when it can)."""
    if case.surrogates:
        return SURROGATES
    return ""


def module_name(key: str) -> str:
    return "Cases" + "".join(part.title() for part in key.split("_"))


def chunk_file(unit: Unit, module: str, writer: ValueWriter, number: int, cases: list[Case], start: int) -> str:
    lines = [f"// {HEADER_TEXT}", f"import {module}", "import ConformanceHarness", "",
             f"private func wrap<E: {module}.TrackableEvent>(_ e: E) -> ConformanceHarness.Built {{",
             "    ConformanceHarness.Built(validate: { e.validate().map { $0.constraint + \"@\" + $0.path } },",
             "                             toProtobuf: { e.toProtobuf() }, toJson: { e.toJson() },",
             f"                             error: {{ {{ (error: {module}.ValidationError) in",
             "                                 String(describing: type(of: error)) + \": \" + error.message",
             "                             }(.init(eventName: E.eventName, issues: e.validate())) },",
             "                             warnings: { e.deprecationWarnings() })", "}", ""]
    table = []
    for offset, case in enumerate(cases):
        index = start + offset
        reason = cannot_hold(case)
        if reason:
            table.append(f"    ConformanceHarness.Case({names.string_literal(case.id)}, skip: "
                         f"{names.string_literal(reason)}),")
            continue
        expr = writer.event(case.event, case.values)
        lines += [f"private func case{index}() -> ConformanceHarness.Built {{", f"    wrap({expr})", "}", ""]
        table.append(f"    ConformanceHarness.Case({names.string_literal(case.id)}, case{index}),")
    lines += [f"public func chunk{number}() -> [ConformanceHarness.Case] {{", "    ["] + table + ["    ]", "}", ""]
    return "\n".join(lines)


def consents_file(unit: Unit, module: str, writer: ValueWriter, purpose: str) -> str:
    """`consents()`: the line of every consent case of the unit."""
    by_name = {case.name: case for case in unit.cases}
    clock = f"{module}.Timestamp(seconds: {CONSENT_CLOCK.seconds}, nanos: {CONSENT_CLOCK.nanos})"
    lines = [f"// {HEADER_TEXT}", f"import {module}", "import ConformanceHarness", "",
             "private final class Errors {", f"    var all: [any {module}.SdkError] = []", "}", "",
             f"private func trackOnce<E: {module}.TrackableEvent>(_ id: Swift.String, _ context: "
             f"{module}.TrackingContext, _ event: E, _ granted: Swift.Set<Swift.String>) -> Swift.String {{",
             f"    let transport = {module}.InMemoryTransport()",
             "    let errors = Errors()",
             f"    let tracker = {module}.Tracker(transport: transport, context: context, policy: .throw,",
             "                              onError: { errors.all.append($0) }, onWarning: { _ in },",
             f"                              clock: {{ {clock} }}, idGenerator: {{ {names.string_literal(CONSENT_EVENT_ID)} }})",
             f"    tracker.consent = Swift.Set({module}.{purpose}.allCases.filter {{ granted.contains($0.rawValue) }})",
             "    do {",
             "        if try !tracker.track(event) {",
             f"            guard errors.all.count == 1, let error = errors.all.first as? {module}.ConsentError,",
             "                  tracker.consentDropped == 1 else {",
             "                return id + \"\\texception\\tdropped with \\(errors.all), \\(tracker.consentDropped) counted\"",
             "            }",
             "            return id + \"\\tdropped\\t\" + error.message",
             "        }",
             "    } catch {",
             "        return id + \"\\texception\\t\\(error)\"",
             "    }",
             "    let sent = transport.events",
             "    guard sent.count == 1 else { return id + \"\\texception\\t\\(sent.count) events sent\" }",
             "    return id + \"\\t\" + sent[0].json + \"\\t\" + ConformanceHarness.hex(sent[0].protobuf) + \"\\t\"",
             "        + sent[0].purposes.joined(separator: \",\")",
             "}", ""]
    calls = []
    for index, consent in enumerate(unit.consents):
        member = by_name[consent.member]
        lines += [f"private func consent{index}() -> Swift.String {{",
                  f"    let context = {writer.context(consent.context)}",
                  f"    let event = {writer.event(member.event, member.values)}",
                  "    return trackOnce(" + names.string_literal(consent.id) + ", context, event, ["
                  + ", ".join(names.string_literal(p) for p in consent.granted) + "])", "}", ""]
        calls.append(f"        consent{index}(),")
    lines += ["public func consents() -> [Swift.String] {", "    ["] + calls + ["    ]", "}", ""]
    return "\n".join(lines)


def batch_file(unit: Unit, module: str, writer: ValueWriter) -> str:
    """`batches()`: one line per batch case of the model."""
    m = module
    tracker = f"{m}.Tracker<{m}.{writer.nm.context_type}>"
    lines = [f"// {HEADER_TEXT}", f"import {m}", "import ConformanceHarness", "",
             "/// Keeps the envelopes in one wire format, as HttpTransport receives them.",
             f"private final class Capture: {m}.FormatTransport {{",
             f"    let wireFormat: {m}.WireFormat",
             "    var bodies: [[Swift.UInt8]] = []", "",
             f"    init(_ wireFormat: {m}.WireFormat) {{", "        self.wireFormat = wireFormat", "    }", "",
             "    func enqueue(eventName: Swift.String, eventId: Swift.String, body: [Swift.UInt8],",
             "                 purposes: [Swift.String]) {",
             "        bodies.append(body)", "    }", "}", "",
             f"private typealias Member = (track: ({tracker}) throws -> Swift.Bool, eventId: Swift.String)", "",
             "private struct CannotHold: Swift.Error, Swift.CustomStringConvertible {",
             "    let description: Swift.String", "}", "",
             f"private func batchLine(_ id: Swift.String, _ context: () -> {m}.{writer.nm.context_type}, "
             f"_ members: [Member], _ stamp: {m}.Timestamp, _ sentAt: {m}.Timestamp) -> Swift.String {{",
             "    var bodies: [[Swift.UInt8]] = []",
             f"    for format in [{m}.WireFormat.json, {m}.WireFormat.protobuf] {{",
             "        let capture = Capture(format)",
             "        var ids = members.map { $0.eventId }",
             f"        let tracker = {m}.Tracker(transport: capture, context: context(), policy: .throw, "
             "clock: { stamp }, idGenerator: { ids.isEmpty ? \"\" : ids.removeFirst() })",
             f"        tracker.consent = Swift.Set({m}.{writer.nm.purpose_type}.allCases)  // every purpose granted",
             "        do {",
             "            for member in members {",
             "                if try !member.track(tracker) { return id + \"\\texception\\ttrack() returned false\" }",
             "            }",
             "        } catch {",
             "            return id + \"\\texception\\t\" + \"\\(error)\".split(whereSeparator: \\.isNewline).joined(separator: \" \")",
             "        }",
             f"        bodies.append({m}.Batch.encode(capture.bodies, sentAt: sentAt, format: format))",
             "    }",
             "    return id + \"\\t\" + Swift.String(decoding: bodies[0], as: Swift.UTF8.self) + \"\\t\" + hex(bodies[1])",
             "}", ""]
    by_name = {case.name: case for case in unit.cases}
    table = []
    for number, batch in enumerate(unit.batches):
        members = []
        for index, (name, event_id) in enumerate(batch.members):
            case = by_name[name]
            function = f"batch{number}Member{index}"
            if cannot_hold(case):  # never hidden: the case fails with the reason
                body = f"    throw CannotHold(description: {names.string_literal(cannot_hold(case))})"
            else:
                body = f"    try tracker.track({writer.event(case.event, case.values)})"
            lines += [f"private func {function}(_ tracker: {tracker}) throws -> Swift.Bool {{", body, "}", ""]
            members.append(f"({function}, {names.string_literal(event_id)})")
        lines += [f"private func batch{number}Context() -> {m}.{writer.nm.context_type} {{",
                  f"    {writer.context(batch.context)}", "}", ""]
        stamp, sent = batch.client_timestamp, batch.sent_at
        table.append(f"        batchLine({names.string_literal(batch.id)}, batch{number}Context, "
                     f"[{', '.join(members)}], {m}.Timestamp(seconds: {stamp.seconds}, nanos: {stamp.nanos}), "
                     f"{m}.Timestamp(seconds: {sent.seconds}, nanos: {sent.nanos})),")
    lines += ["public func batches() -> [Swift.String] {", "    ["] + table + ["    ]", "}", ""]
    return "\n".join(lines)


def package_swift(units: list[Unit], modules: dict[str, str]) -> str:
    targets = ['        .target(name: "ConformanceHarness", path: "cases/ConformanceHarness"),']
    mains = []
    for unit in units:
        sdk, cases = modules[unit.key], module_name(unit.key)
        targets.append(f'        .target(name: "{sdk}", path: "sdk/{unit.key}/Sources/{sdk}"),')
        targets.append(f'        .target(name: "{cases}", dependencies: ["{sdk}", "ConformanceHarness"], '
                       f'path: "cases/{unit.key}"),')
        mains.append(f'"{cases}"')
    targets.append('        .executableTarget(name: "ConformanceMain", dependencies: ["ConformanceHarness", '
                   + ", ".join(mains) + '], path: "cases/ConformanceMain"),')
    return "\n".join(["// swift-tools-version:5.9", f"// {HEADER_TEXT}", "import PackageDescription", "",
                      "let package = Package(", '    name: "ConformanceHarness",', "    targets: ["] + targets
                     + ["    ]", ")", ""])


def main_file(units: list[Unit], counts: dict[str, int]) -> str:
    imports = [f"import {module_name(u.key)}" for u in units]
    calls = [f"printAll({module_name(u.key)}.chunk{n}())" for u in units for n in range(counts[u.key])]
    calls += [f"printLines({module_name(u.key)}.batches())" for u in units]
    calls += [f'print({module_name(u.key)}.consents().map {{ $0 + "\\n" }}.joined(), terminator: "")' for u in units]
    return "\n".join([f"// {HEADER_TEXT}", "import ConformanceHarness", *imports, "", *calls, ""])


def failing_units(output: str, work: Path, units: list[Unit]) -> set[str]:
    """Models whose SDK or case files the Swift compiler rejected."""
    return owning_units(re.findall(r"^(/\S+?\.swift):\d+:\d+: error:", output, re.M), work, units)


def run(units: list[Unit], work: Path) -> Result:
    result = Result(lines={})
    timer = Timer(result.timings)
    work = work.resolve()
    with timer.step("setup"):
        run_step([ROOT / "scripts" / "setup-swift.sh"], ROOT, "setup-swift.sh", timeout=1200)

    def build(active: list[Unit]) -> None:
        with timer.step("render"):
            _render(active, work)
        with timer.step("swift build"):
            run_step([SWIFT, "build", "--product", "ConformanceMain"], work, "swift build", timeout=1200)

    active = build_units(units, result, build, lambda text, units_: failing_units(text, work, units_), "Swift")
    with timer.step("run"):
        stdout = run_program([SWIFT, "run", "--skip-build", "ConformanceMain"], work, "the Swift harness", result)
    result.lines = parse_lines(stdout)
    skipped = sorted({cannot_hold(c) for u in active for c in u.cases} - {""})
    result.notes += [f"cannot represent: {reason}" for reason in skipped]
    return result


def _render(active: list[Unit], work: Path) -> tuple[dict[str, str], dict[str, int]]:
    modules, counts = {}, {}
    for unit in active:
        nm = derive_names(unit.model)
        modules[unit.key] = nm.module
        render_sdk(unit.model, TARGET, work / "sdk" / unit.key)
        writer = ValueWriter(unit.model, nm)
        folder = work / "cases" / unit.key
        written = set()
        for number, cases in chunks(unit.cases, CHUNK):
            name = f"Chunk{number}.swift"
            write_if_changed(folder / name, chunk_file(unit, nm.module, writer, number, list(cases),
                                                       number * CHUNK))
            written.add(name)
        counts[unit.key] = len(written)
        write_if_changed(folder / "Batches.swift", batch_file(unit, nm.module, writer))
        written.add("Batches.swift")
        write_if_changed(folder / "Consents.swift", consents_file(unit, nm.module, writer, nm.purpose_type))
        written.add("Consents.swift")
        for path in folder.glob("*.swift"):
            if path.name not in written:
                path.unlink()
    keep = {u.key for u in active} | {"ConformanceHarness", "ConformanceMain"}
    if (work / "cases").is_dir():
        for gone in {p.name for p in (work / "cases").iterdir() if p.is_dir()} - keep:
            shutil.rmtree(work / "cases" / gone)
    write_if_changed(work / "cases" / "ConformanceHarness" / "Core.swift", CORE)
    write_if_changed(work / "cases" / "ConformanceMain" / "main.swift", main_file(active, counts))
    write_if_changed(work / "Package.swift", package_swift(active, modules))
    return modules, counts
