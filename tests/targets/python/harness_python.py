"""The Python harness: one module of cases per model, each case a function
that calls the generated constructors with literal values (written by the
Python target's own test-plan value writer), run once in one interpreter.

Batch cases: the member cases are tracked through the SDK's Tracker (fixed
clock and event ids, every purpose granted) into a transport that takes one
wire format, as HttpTransport does, and the envelopes become a body with
`encode_batch`. Consent cases: the member case is tracked under the case's
consent into an InMemoryTransport; the line holds the envelope and the
purposes it needs, or the ConsentError's text."""

from __future__ import annotations

import sys
from pathlib import Path

from codegen.targets.python import Options
from codegen.targets.python import lexical as names
from codegen.targets.python.testvalues import Values, lines
from codegen.targets.python.views import ViewBuilder
from consents import CLIENT_TIMESTAMP as CONSENT_CLOCK
from consents import EVENT_ID as CONSENT_EVENT_ID
from harness import HEADER_TEXT, Result, Timer, Unit, parse_lines, render_sdk, run_program, write_if_changed

TARGET = "python"

RUNNER = f'''# {HEADER_TEXT}
"""Print one line per conformance case (see tests/conformance/harness/__init__.py)."""

import importlib
import sys


def _h_refused(call):
    try:
        call()
    except Exception:
        return True
    return False


def _h_lines(case_id, build, check_refusal, validation_error):
    try:
        event = build()
        issues = event.validate()
        warnings = event.deprecation_warnings()
        texts = ["\\t".join([case_id + "!warnings", *warnings])] if warnings else []
        if issues:
            refusal = "-"
            if check_refusal:
                accepted = [name for name, call in (("toProtobuf", event.to_protobuf), ("toJson", event.to_json))
                            if not _h_refused(call)]
                refusal = "accepted:" + "+".join(accepted) if accepted else "refused"
            found = [f"{{issue.constraint}}@{{issue.path}}" for issue in issues]
            error = validation_error(event.EVENT_NAME, issues)
            texts.append(f"{{case_id}}!error\\t{{type(error).__name__}}: {{error}}")
            return ["\\t".join([case_id, "invalid", refusal, *found]), *texts]
        return [f"{{case_id}}\\t{{event.to_json()}}\\t{{event.to_protobuf().hex()}}", *texts]
    except Exception as exc:  # reported, never fatal: the next case still runs
        message = " ".join(f"{{type(exc).__name__}}: {{exc}}".split())
        return [f"{{case_id}}\\texception\\t{{message}}"]


class _HCapture:
    """A transport that keeps the envelopes in one wire format."""

    def __init__(self, wire_format):
        self.wire_format = wire_format
        self.bodies = []

    def enqueue(self, event_name, event_id, body, purposes=()):
        self.bodies.append(body)


def _h_batch_line(module, batch_id, context, members, stamp, sent_at):
    try:
        bodies = {{}}
        for wire_format in ("json", "protobuf"):
            transport = _HCapture(wire_format)
            ids = iter([event_id for _, event_id in members])
            tracker = module.Tracker(transport, context(), module.Policy.THROW,
                                     clock=lambda: module.Timestamp(*stamp), id_generator=lambda: next(ids))
            tracker.consent = module.ALL_PURPOSES
            for build, _ in members:
                if not tracker.track(build()):
                    raise RuntimeError("track() returned False")
            bodies[wire_format] = module.encode_batch(transport.bodies, module.Timestamp(*sent_at), wire_format)
        return f"{{batch_id}}\t{{bodies['json'].decode('utf-8')}}\t{{bodies['protobuf'].hex()}}"
    except Exception as exc:  # reported, never fatal
        message = " ".join(f"{{type(exc).__name__}}: {{exc}}".split())
        return f"{{batch_id}}\texception\t{{message}}"


def _h_consent_line(module, consent_id, context, build, granted, event_id, stamp):
    try:
        transport = module.InMemoryTransport()
        errors = []
        tracker = module.Tracker(transport, context(), module.Policy.THROW, errors.append,
                                 clock=lambda: module.Timestamp(*stamp), id_generator=lambda: event_id)
        tracker.consent = {{p for p in module.ALL_PURPOSES if p.value in granted}}
        if not tracker.track(build()):
            if len(errors) != 1 or not isinstance(errors[0], module.ConsentError) or tracker.consent_dropped != 1:
                raise RuntimeError(f"dropped with {{errors!r}}, {{tracker.consent_dropped}} counted")
            return f"{{consent_id}}\tdropped\t{{errors[0]}}"
        [sent] = transport.events
        return f"{{consent_id}}\t{{sent.json}}\t{{sent.protobuf.hex()}}\t{{','.join(sent.purposes)}}"
    except Exception as exc:  # reported, never fatal
        message = " ".join(f"{{type(exc).__name__}}: {{exc}}".split())
        return f"{{consent_id}}\texception\t{{message}}"


def main():
    import warnings

    warnings.simplefilter("ignore", DeprecationWarning)
    out = sys.stdout.buffer
    for module_name in sys.argv[1:]:
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:  # this model's SDK is broken; the others still run
            message = " ".join(f"{{type(exc).__name__}}: {{exc}}".split())
            out.write(f"!unit\\t{{module_name}}\\t{{message}}\\n".encode("utf-8", "backslashreplace"))
            continue
        for case_id, build, check_refusal in module.CASES:
            for line in _h_lines(case_id, build, check_refusal, module.ValidationError):
                out.write(line.encode("utf-8", "backslashreplace") + b"\\n")
        for batch in module.BATCHES:
            line = _h_batch_line(module, *batch)
            out.write(line.encode("utf-8", "backslashreplace") + b"\\n")
        for consent in module.CONSENTS:
            line = _h_consent_line(module, *consent)
            out.write(line.encode("utf-8", "backslashreplace") + b"\\n")
    out.flush()


main()
'''


def cases_module(unit: Unit) -> str:
    views = ViewBuilder(unit.model, Options.of(unit.model, "python"))
    values = Values(views)
    package = views.names.package
    body: list[str] = []
    table: list[str] = []
    for index, case in enumerate(unit.cases):
        function = f"_h_case_{index}"
        body += ["", "", f"def {function}():"]
        body += lines(values.event(case.event, case.values), "    ", "return ")
        table.append(f"    ({names.py_str(case.id)}, {function}, {case.refused!r}),")
    functions = {case.name: f"_h_case_{index}" for index, case in enumerate(unit.cases)}
    batches: list[str] = []
    for index, batch in enumerate(unit.batches):
        function = f"_h_context_{index}"
        body += ["", "", f"def {function}():"]
        body += lines(values.context(batch.context), "    ", "return ")
        members = ", ".join(f"({functions[name]}, {names.py_str(event_id)})" for name, event_id in batch.members)
        stamp = (batch.client_timestamp.seconds, batch.client_timestamp.nanos)
        sent_at = (batch.sent_at.seconds, batch.sent_at.nanos)
        batches.append(f"    ({names.py_str(batch.id)}, {function}, [{members}], {stamp!r}, {sent_at!r}),")
    consents: list[str] = []
    for index, consent in enumerate(unit.consents):
        function = f"_h_consent_context_{index}"
        body += ["", "", f"def {function}():"]
        body += lines(values.context(consent.context), "    ", "return ")
        stamp = (CONSENT_CLOCK.seconds, CONSENT_CLOCK.nanos)
        granted = "{" + ", ".join(names.py_str(p) for p in consent.granted) + "}" if consent.granted else "set()"
        consents.append(f"    ({names.py_str(consent.id)}, {function}, {functions[consent.member]}, {granted}, "
                        f"{names.py_str(CONSENT_EVENT_ID)}, {stamp!r}),")
    imported = sorted(values.used | {"ValidationError"})
    head = [f"# {HEADER_TEXT}", f'"""Conformance cases of the model {unit.key}."""', "",
            f"from {package} import ALL_PURPOSES, ConsentError, InMemoryTransport, Policy, Timestamp, Tracker",
            f"from {package} import encode_batch"]
    head += [f"from {package} import ("] + [f"    {name}," for name in imported] + [")"]
    return "\n".join(head + body + ["", "", "CASES = ["] + table + ["]", "", "BATCHES = ["] + batches + ["]", "",
                                     "CONSENTS = ["] + consents + ["]", ""])


def run(units: list[Unit], work: Path) -> Result:
    result = Result(lines={})
    timer = Timer(result.timings)
    sdk_root = work / "sdk"
    modules = []
    with timer.step("render"):
        for unit in units:
            render_sdk(unit.model, TARGET, sdk_root / unit.key)
            module = f"conformance_cases_{unit.key}"
            write_if_changed(work / "cases" / f"{module}.py", cases_module(unit))
            modules.append(module)
        write_if_changed(work / "cases" / "conformance_main.py", RUNNER)
    path = [str(work / "cases")] + [str(sdk_root / unit.key) for unit in units]
    with timer.step("run"):
        stdout = run_program([sys.executable, "-X", "utf8", work / "cases" / "conformance_main.py", *modules],
                             work, "the Python harness", result, env={"PYTHONPATH": ":".join(path)})
    result.lines = parse_lines(stdout)
    for line in result.lines.values():
        if line.startswith("!unit\t"):
            _, module, message = line.split("\t", 2)
            result.unit_errors[module.removeprefix("conformance_cases_")] = message
    return result
