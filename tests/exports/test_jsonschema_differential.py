"""The exported JSON Schemas against the SDKs' validation, document by document.

Every conformance case (valid, rejected, and the cases at and just past
every bound, whose verdicts all four SDKs are proven to give by the
conformance suite) becomes an event document, an envelope around it and a
batch; documents the SDKs' types cannot even hold (64-bit integers outside
their type, timestamps outside 0001-9999, non-canonical spellings) come on
top, with the Python SDK's verdict. Python `jsonschema` and `ajv` in strict
mode (draft 2020-12, from tools/javascript) must each give the SDK verdict
for every document, and ajv must compile every schema in strict mode.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest
from jsonschema import Draft202012Validator

from schema_documents import Documents, rfc3339  # first: puts tests/conformance on sys.path

import caseio  # noqa: E402
from bounds import BoundCases  # noqa: E402
from codegen.exports.jsonschema import render_jsonschemas  # noqa: E402
from codegen.ir import INTEGER_RANGES, Kind, Model, Property, Scalar  # noqa: E402
from codegen.loader import load_model  # noqa: E402
from codegen.reference import reference_for  # noqa: E402
from codegen.testplan import TimestampValue  # noqa: E402
from rules import Rules  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tools" / "javascript"
BATCH_SIZE = 8


class Check:
    def __init__(self, schema: str, document: Any, valid: bool, what: str) -> None:
        self.schema, self.document, self.valid, self.what = schema, document, valid, what


def _auto(model: Model, index: int) -> dict[str, Any]:
    return {"event_id": str(uuid.UUID(int=index * 7919 + 1, version=4)),
            "client_timestamp": TimestampValue(1_700_000_000 + index, 1000 * index),
            "model_version": model.version, "sdk_name": "conformance", "sdk_version": model.version,
            "consent": tuple(p.name for p in model.purposes)}


def context_documents(model: Model, docs: Documents) -> list[tuple[dict[str, Any], bool, str]]:
    """Valid contexts (drawn) and contexts at and past each bound of the context."""
    rules = Rules(model)
    properties = model.context.properties
    finder = BoundCases(model)
    base = finder.sampler.message(properties, "full")
    out = [(docs.message(properties, base, _auto(model, 0)), True, "context: full sample")]
    for index, (path, note, values) in enumerate(finder.message(properties, [base], ())):
        valid = not rules.message(properties, values, "")
        out.append((docs.message(properties, values, _auto(model, index + 1)), valid, f"context: {note} at {path}"))
    return out


def case_checks(model: Model, cases: list[caseio.Case]) -> Iterator[Check]:
    docs = Documents(model)
    contexts = context_documents(model, docs)
    good_context = contexts[0][0]
    batch: list[tuple[dict[str, Any], bool]] = []
    for case in cases:
        document = docs.event(case.event, case.values)
        valid = not case.rejected or _only_given_empty(model, case)
        if not case.rejected:
            # parse_int: the SDK writes a double like 6.446726707306027e16 as 64467267073060270
            assert document == json.loads(case.json or "", parse_int=float), f"{case.id}: the document differs"
        yield Check(f"events/{case.event}.schema.json", document, valid, case.id)
        envelope = {"context": good_context, case.event: document}
        yield Check("envelope.schema.json", envelope, valid, f"{case.id} in an envelope")
        batch.append((envelope, valid))
        if len(batch) == BATCH_SIZE:
            yield _batch(batch, f"batch ending with {case.id}")
            batch = []
    if batch:
        yield _batch(batch, "last batch")
    first = cases[0]
    for context, valid, what in contexts:
        yield Check("context.schema.json", context, valid, what)
        envelope = {"context": context, first.event: docs.event(first.event, first.values)}
        yield Check("envelope.schema.json", envelope, valid and not first.rejected, f"{what}, in an envelope")
    yield Check("envelope.schema.json", {"context": good_context}, False, "an envelope without an event")
    yield Check("envelope.schema.json", {first.event: {}}, False, "an envelope without a context")
    two = {"context": good_context, **{e.name: {} for e in model.events[:2]}}
    yield Check("envelope.schema.json", two, False, "an envelope with two events")
    yield Check("batch.schema.json", {"events": []}, False, "a batch without sent_at")


def _only_given_empty(model: Model, case: caseio.Case) -> bool:
    """Whether every issue is min_items of an optional collection given
    empty: written exactly like one not given, which is valid (a documented gap)."""
    for issue in case.error:
        kind, path = issue.split("@", 1)
        prop, value = _at(model, case.event, case.values, path)
        if kind != "min_items" or prop.required or value not in ((), {}):
            return False
    return True


def _at(model: Model, event: str, values: Any, path: str) -> tuple[Property, Any]:
    """The property at a path like `a.b`, `a[2].b` or `a["k"].b`, and its value."""
    properties = next(e for e in model.events if e.name == event).properties
    prop: Property | None = None
    for token in re.findall(r'[^.\[\]]+|\[[^\]]*\]', path):
        if token.startswith("["):
            inner = token[1:-1]
            values = values[int(inner)] if inner.isdigit() else values[json.loads(inner)]
            continue
        if prop is not None:
            properties = model.object(prop.type.leaf.name or "").properties
        prop = next(p for p in properties if p.name == token)
        values = values[token]
    assert prop is not None
    return prop, values


def _batch(envelopes: list[tuple[dict[str, Any], bool]], what: str) -> Check:
    document = {"events": [e for e, _ in envelopes], "sent_at": "2024-05-01T12:00:00.250Z"}
    return Check("batch.schema.json", document, all(v for _, v in envelopes), what)


def out_of_type_checks(model: Model) -> Iterator[Check]:
    """Values outside what the SDKs' types hold, and spellings they never
    write: the Python SDK rejects the values, the schemas the documents."""
    reference = reference_for(model)
    docs = Documents(model)
    sampler = BoundCases(model).sampler
    for event in model.events:
        base = sampler.message(event.properties, "minimal")
        for prop in event.properties:
            if not prop.is_parameter or prop.type.kind is not Kind.SCALAR:
                continue
            scalar = prop.type.scalar
            assert scalar is not None
            bad: list[Any] = []
            if scalar.is_integer:
                low, high = INTEGER_RANGES[scalar]
                bad = [low - 1, high + 1, 10**20, -(10**20)]
            elif scalar is Scalar.TIMESTAMP:
                bad = [TimestampValue(-62135596801, 999999999), TimestampValue(253402300800, 0)]
            for value in bad:
                issues = reference.validate_event(event.name, {**base, prop.name: value})
                assert issues, f"the Python SDK accepts {value!r} for {event.name}.{prop.name}"
                document = {**docs.event(event.name, base), prop.name: _spelled(scalar, value)}
                yield Check(f"events/{event.name}.schema.json", document, False,
                            f"{event.name}.{prop.name} = {value!r}")
            if scalar in (Scalar.INT64, Scalar.UINT64):
                for spelling in ("+1", "01", "-0", "1.0", " 1", "1 ", "", "1e3", "0x1", "1\n"):
                    document = {**docs.event(event.name, base), prop.name: spelling}
                    yield Check(f"events/{event.name}.schema.json", document, False,
                                f"{event.name}.{prop.name} spelled {spelling!r}")


def _spelled(scalar: Scalar, value: Any) -> Any:
    if isinstance(value, TimestampValue):
        year = "0000-12-31T23:59:59.999999999Z" if value.seconds < 0 else "10000-01-01T00:00:00Z"
        return year
    return str(value) if scalar in (Scalar.INT64, Scalar.UINT64) else value


@pytest.fixture(scope="module")
def models() -> dict[str, Model]:
    return {key: load_model(path) for key, path in caseio.MODEL_DIRS.items()}


@pytest.fixture(scope="module")
def schemas(models: dict[str, Model]) -> dict[str, dict[str, Any]]:
    return {key: {f.path: json.loads(f.content) for f in render_jsonschemas(model)} for key, model in models.items()}


@pytest.fixture(scope="module")
def checks(models: dict[str, Model]) -> dict[str, list[Check]]:
    out = {}
    for key, model in models.items():
        out[key] = [*case_checks(model, caseio.load_cases(key)), *out_of_type_checks(model)]
    return out


def _mismatches(checks: list[Check], verdicts: list[bool], validator: str) -> list[str]:
    return [f"{validator}: {c.what} ({c.schema}): SDK says {'valid' if c.valid else 'invalid'}"
            for c, v in zip(checks, verdicts) if v != c.valid]


def test_every_schema_is_a_valid_2020_12_schema(schemas: dict[str, dict[str, Any]]) -> None:
    for files in schemas.values():
        for schema in files.values():
            Draft202012Validator.check_schema(schema)


def test_python_jsonschema_agrees_with_the_sdks(schemas: dict[str, dict[str, Any]],
                                                checks: dict[str, list[Check]]) -> None:
    problems, total = [], 0
    for key, model_checks in checks.items():
        validators = {path: Draft202012Validator(schema) for path, schema in schemas[key].items()}
        verdicts = [validators[c.schema].is_valid(c.document) for c in model_checks]
        problems += _mismatches(model_checks, verdicts, f"jsonschema/{key}")
        total += len(model_checks)
    assert not problems, f"{len(problems)} of {total} verdicts differ:\n" + "\n".join(problems[:40])
    assert total > 3500  # every case twice (event, envelope), batches, contexts, out-of-type documents


def test_ajv_strict_mode_agrees_with_the_sdks(schemas: dict[str, dict[str, Any]], checks: dict[str, list[Check]],
                                              tmp_path: Path) -> None:
    node = shutil.which("node")
    assert node, "node is not on PATH (install Node.js 18 or newer)"
    assert (TOOLS / "node_modules" / "ajv").is_dir(), "ajv is not installed: run scripts/setup-javascript.sh"
    problems, total = [], 0
    for key, model_checks in checks.items():
        request = {"schemas": schemas[key], "checks": [[c.schema, c.document] for c in model_checks]}
        source, result = tmp_path / f"{key}.json", tmp_path / f"{key}.out.json"
        # ensure_ascii: an unpaired surrogate travels as a \ud800 escape, as it would on the wire.
        source.write_text(json.dumps(request, ensure_ascii=True), encoding="ascii")
        run = subprocess.run([node, str(Path(__file__).parent / "ajv_validate.mjs"), str(source), str(result)],
                             capture_output=True, text=True, timeout=300,
                             env={**os.environ, "AJV_FROM": str(TOOLS / "package.json")})
        assert run.returncode == 0, run.stderr
        verdicts = json.loads(result.read_text())["verdicts"]
        problems += _mismatches(model_checks, verdicts, f"ajv/{key}")
        total += len(model_checks)
    assert not problems, f"{len(problems)} of {total} verdicts differ:\n" + "\n".join(problems[:40])


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
