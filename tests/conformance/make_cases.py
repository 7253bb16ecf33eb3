#!/usr/bin/env python3
"""Write tests/conformance/cases/<model>.json: the conformance cases of the
bundled model (drawn by hypothesis, fixed seed), the kitchen-sink model and
the hostile model (drawn plus the explicit pitfalls of pitfalls.py), and
batches of them (batches.py), with expectations from Google's protobuf
package (protoref.py) and the texts (validation error, deprecation
warnings) from codegen.reference.

Deterministic: test_conformance_cases.py regenerates and compares, so the
committed files cannot drift from the models or this script.

    .venv/bin/python tests/conformance/make_cases.py            # write the files
    .venv/bin/python tests/conformance/make_cases.py --check    # exit 1 when they differ
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import protoref  # noqa: E402  (first: it selects protobuf's pure-Python backend)

import argparse  # noqa: E402
import math  # noqa: E402
import tempfile  # noqa: E402
from typing import Any, Mapping  # noqa: E402

import bounds  # noqa: E402
import batches  # noqa: E402
import consents  # noqa: E402
import draw  # noqa: E402
import pitfalls  # noqa: E402
from caseio import CASES_DIR, MODEL_DIRS, Case, MapValue, dump_cases  # noqa: E402
from codegen.ir import Kind, Model, Property, Scalar, TypeRef  # noqa: E402
from codegen.loader import load_model  # noqa: E402
from codegen.reference import ReferenceEncoder  # noqa: E402
from codegen.reference.samples import FULL, Sampler  # noqa: E402
from rules import Rules  # noqa: E402

MIN_BUNDLED_CASES = 1000
PER_EVENT = {"kitchen_sink": 15, "hostile": 6}
EXPLICIT = {"kitchen_sink": pitfalls.KITCHEN_SINK, "hostile": pitfalls.HOSTILE}


class CaseError(Exception):
    pass


def normalize(model: Model, properties: tuple[Property, ...], values: Mapping[str, Any]) -> dict[str, Any]:
    """Values in the one shape every harness reads: lists as tuples, maps as
    MapValue, floats as float; unknown names are an error."""
    by_name = {p.name: p for p in properties if p.is_parameter}
    out = {}
    for name, value in values.items():
        if name not in by_name:
            raise CaseError(f"'{name}' is not a parameter")
        out[name] = _normalize_property(model, by_name[name].type, value)
    return out


def _normalize_property(model: Model, t: TypeRef, value: Any) -> Any:
    if t.kind is Kind.LIST:
        assert t.element is not None
        return tuple(_normalize_value(model, t.element, v) for v in value)
    if t.kind is Kind.MAP:
        assert t.element is not None
        return MapValue((k, _normalize_value(model, t.element, v)) for k, v in value.items())
    return _normalize_value(model, t, value)


def _normalize_value(model: Model, t: TypeRef, value: Any) -> Any:
    if t.kind is Kind.OBJECT:
        return normalize(model, model.object(t.name or "").properties, value)
    if t.kind is Kind.ENUM:
        if value not in {v.name for v in model.enum(t.name or "").values}:
            raise CaseError(f"{value!r} is not a value of {t.name}")
        return value
    if t.scalar in (Scalar.FLOAT, Scalar.DOUBLE):
        # Hypothesis draws NaNs with payloads and signs; no literal carries
        # those (nor does the case file), and the official library would write
        # the payload as it is: every NaN of a case is the canonical one.
        return math.nan if math.isnan(value) else float(value)
    return value


def model_cases(key: str, model: Model, ref: protoref.ProtoReference) -> list[Case]:
    rules = Rules(model)
    texts = ReferenceEncoder(model)
    events = {e.name: e for e in model.events}
    cases: list[Case] = []
    names: set[str] = set()

    def add(name: str, event: str, values: Mapping[str, Any], source: str, note: str = "",
            error: tuple[str, ...] | None = (), refused: bool = False) -> None:
        """`error=None`: the case expects whatever the model's rules say."""
        where = f"{key}/{name}"
        if name in names:
            raise CaseError(f"{where}: duplicate case name")
        names.add(name)
        try:
            values = normalize(model, events[event].properties, values)
        except CaseError as exc:
            raise CaseError(f"{where}: {exc}") from None
        issues = tuple(rules.event_issues(event, values))
        if error is None:
            error = issues
        if issues != error:
            raise CaseError(f"{where}: the model's rules give {list(issues)}, the case expects {list(error)}")
        found = tuple(sorted(f"{i.constraint}@{i.path}" for i in texts.validate_event(event, values)))
        if found != error:
            raise CaseError(f"{where}: the reference reports {list(found)}, the model's rules {list(error)}")
        message = f"ValidationError: {texts.validation_error(event, values)}" if error else ""
        warnings = tuple(texts.deprecation_warnings(event, values))
        try:
            json_text, proto_hex, remark = ref.encode(event, values)
        except protoref.Rejected as exc:
            if not refused:
                raise CaseError(f"{where}: the official library refuses it: {exc}") from None
            cases.append(Case(key, name, event, values, error=error, refused=True, message=message,
                              warnings=warnings, source=source, note=note))
            return
        if refused:
            raise CaseError(f"{where}: expected the official library to refuse it, but it encodes")
        if remark:
            note = f"{note} ({remark})" if note else remark
        if error:
            cases.append(Case(key, name, event, values, error=error, message=message, warnings=warnings,
                              source=source, note=note))
        else:
            cases.append(Case(key, name, event, values, json=json_text, proto=proto_hex, warnings=warnings,
                              source=source, note=note))

    for explicit in EXPLICIT.get(key, []):
        add(explicit.name, explicit.event, explicit.values, "explicit", explicit.note, explicit.error,
            explicit.refused)
    sampler = Sampler(model)
    for event in model.events:  # every value set: what the consent cases track
        add(f"{event.name}_sample_full", event.name, sampler.message(event.properties, FULL), "sample")
    per_event = PER_EVENT.get(key) or math.ceil(MIN_BUNDLED_CASES / max(1, len(model.events))) + 2
    counters: dict[str, int] = {}
    for event, values in draw.draw_events(model, per_event):
        counters[event.name] = counters.get(event.name, 0) + 1
        add(f"{event.name}_h{counters[event.name]:03d}", event.name, values, "hypothesis")
    for event_name, suffix, values, note in bounds.BoundCases(model).cases():
        add(f"{event_name}_{suffix}", event_name, values, "bounds", note, error=None)
    return cases


def _batch_encoder(model: Model, ref: protoref.ProtoReference, cases: list[Case]) -> Any:
    by_name = {c.name: c for c in cases}

    def encode(batch: batches.BatchCase, target: str) -> tuple[str, str]:
        envelopes = [ref.envelope_message(by_name[name].event, by_name[name].values, batch.context,
                                          batch.auto(model, target, event_id))
                     for name, event_id in batch.members]
        return ref.encode_batch(envelopes, batch.sent_at)

    return encode


def _consent_cases(key: str, model: Model, ref: protoref.ProtoReference, cases: list[Case]
                   ) -> list[consents.ConsentCase]:
    """The consent cases, and codegen.reference held to the same decisions and bytes."""
    def envelope(event: str, values: Any, context: Any, auto: Any) -> tuple[str, str]:
        return ref.encode_envelope(ref.envelope_message(event, values, context, auto))

    built = consents.build(key, model, cases, envelope, batches.SDK_NAMES[key])
    reference = ReferenceEncoder(model)
    by_name = {c.name: c for c in cases}
    for case in built:
        member = by_name[case.member]
        auto = {"event_id": consents.EVENT_ID, "client_timestamp": consents.CLIENT_TIMESTAMP,
                "model_version": model.version, "sdk_name": batches.SDK_NAMES[key]["python"],
                "sdk_version": model.version}
        tracked = reference.consented_envelope(member.event, member.values, case.context, auto,
                                               frozenset(case.granted))
        if tracked.encoded is None:
            got = f"{consents.DROPPED}\tno consent for event {member.event}: {', '.join(tracked.missing)}"
        else:
            got = f"{tracked.encoded.json}\t{tracked.encoded.proto_hex}\t{','.join(tracked.purposes)}"
        if got != case.expected["python"]:
            raise CaseError(f"{case.id}: codegen.reference gives {got!r}, the rules and protobuf "
                            f"{case.expected['python']!r}")
    return built


def generate() -> dict[str, str]:
    """File name -> content, for every model."""
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="conformance-proto-") as tmp:
        for key, model_dir in MODEL_DIRS.items():
            model = load_model(model_dir)
            ref = protoref.ProtoReference(key, model, Path(tmp) / key)
            cases = model_cases(key, model, ref)
            if key == "bundled" and len(cases) < MIN_BUNDLED_CASES:
                raise CaseError(f"only {len(cases)} cases of the bundled model; want {MIN_BUNDLED_CASES}")
            batch_cases = batches.build(key, model, cases, _batch_encoder(model, ref, cases))
            consent_cases = _consent_cases(key, model, ref, cases)
            out[f"{key}.json"] = dump_cases(key, cases, [batches.batch_to_json(b) for b in batch_cases],
                                            [consents.consent_to_json(c) for c in consent_cases])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    args = parser.parse_args(argv)
    try:
        files = generate()
    except CaseError as exc:
        print(f"make_cases: {exc}", file=sys.stderr)
        return 2
    stale = []
    for name, content in files.items():
        path = CASES_DIR / name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == content:
            continue
        stale.append(name)
        if not args.check:
            CASES_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    extra = sorted(p.name for p in CASES_DIR.glob("*.json") if p.name not in files)
    if args.check:
        if stale or extra:
            print("make_cases: stale case files: " + ", ".join(stale + extra)
                  + " (run .venv/bin/python tests/conformance/make_cases.py)", file=sys.stderr)
            return 1
        print(f"make_cases: {len(files)} case files are current")
        return 0
    for name in extra:
        print(f"make_cases: warning: {name} is not produced by this script", file=sys.stderr)
    print(f"make_cases: wrote {', '.join(stale) or 'nothing (all current)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
