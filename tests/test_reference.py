"""The reference encoder and the test plan, which the goldens of every SDK
come from.

- Every sample of the plan (and the envelope case, and batches of
  envelopes) encodes to exactly what
  Google's protobuf package gives for the exported .proto: bytes of
  SerializeToString(deterministic=True), JSON whose json_format.Parse is an
  equal message and which equals the JCS of MessageToDict. With the upb
  backend in this process (samples without map entries) and the pure-Python
  backend in a subprocess (every sample).
- The plan: samples are valid, each invalid case breaks its constraint at its
  path, every constraint of the model has a case, names are unique, and the
  plan is the same on every run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen.ir import Kind, Model
from codegen.loader import load_model
from codegen.reference import reference_for
from codegen.testplan import envelope_case, plan
from targets.python.reference_check import check_model
from targets.python.support import MODELS, backend, run_module


@pytest.fixture(scope="module", params=sorted(MODELS))
def model_key(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def model(model_key: str) -> Model:
    return load_model(MODELS[model_key])


def test_reference_equals_official_upb(model: Model, tmp_path: Path) -> None:
    assert backend() == "upb"
    checked, problems = check_model(model, tmp_path, with_maps=False)
    assert problems == []
    assert checked >= len(model.events)


def test_reference_equals_official_pure_python() -> None:
    result = run_module("targets.python.reference_check", *sorted(MODELS))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-8000:]
    assert output.count("backend=python") == len(MODELS), output
    assert "problems=0" in output


def test_samples_are_valid(model: Model) -> None:
    ref = reference_for(model)
    for sample in plan(model).samples:
        assert ref.validate_event(sample.event, sample.values) == [], sample.name


def test_invalid_cases_break_their_constraint(model: Model) -> None:
    ref = reference_for(model)
    for case in plan(model).invalid:
        found = [(i.path, i.constraint) for i in ref.validate_event(case.event, case.values)]
        assert (case.path, case.constraint) in found, case.name
        # Nothing else breaks (a value may break two rules at once, e.g. ""
        # is below min_length and does not match a pattern that needs a character).
        assert {path for path, _ in found} == {case.path}, f"{case.name}: {found}"


def test_every_constraint_has_an_invalid_case(model: Model) -> None:
    cases = plan(model).invalid
    breakable = {"min_length", "max_length", "pattern", "min_items", "max_items", "minimum", "maximum"}
    owners = [(f"event {e.name}", e.properties, [c for c in cases if c.event == e.name]) for e in model.events]
    reached = {p.type.leaf.name for e in model.events for p in e.properties if p.type.leaf.kind is Kind.OBJECT}
    for obj in model.objects:
        if obj.name in reached:
            owners.append((f"object {obj.name}", obj.properties, list(cases)))
    for owner, properties, owner_cases in owners:
        for prop in properties:
            if not prop.is_parameter:
                continue
            c = prop.constraints
            for kind in breakable:
                bound = getattr(c, kind)
                if bound is None or (kind in ("min_length", "min_items") and bound == 0):
                    continue
                if kind == "minimum" and prop.type.leaf.scalar is not None and prop.type.leaf.scalar.is_integer:
                    if prop.type.leaf.scalar.value.startswith("uint") and bound <= 0:
                        continue
                hits = [x for x in owner_cases if x.constraint == kind and _names(x.path, prop.name, owner)]
                assert hits, f"no invalid case for {kind} of {owner}.{prop.name}"


def _names(path: str, prop: str, owner: str) -> bool:
    steps = [s.split("[")[0] for s in path.split(".")]
    return steps[0] == prop if owner.startswith("event") else prop in steps[1:]


def test_plan_names_are_unique_and_cover_every_event(model: Model) -> None:
    test_plan = plan(model)
    names = [s.name for s in test_plan.samples] + [c.name for c in test_plan.invalid]
    assert len(names) == len(set(names))
    for event in model.events:
        kinds = {s.name.rsplit("_", 1)[1] for s in test_plan.samples if s.event == event.name}
        assert "minimal" in kinds, event.name
        full = [s for s in test_plan.samples if s.event == event.name and s.name.endswith(("_full", "_minimal"))]
        params = {p.name for p in event.properties if p.is_parameter}
        assert set().union(*(s.values for s in full)) == params, f"{event.name}: a full sample sets everything"


def test_plan_is_deterministic(model: Model, model_key: str) -> None:
    first = plan(model)
    again = plan(load_model(MODELS[model_key]))
    assert first is not again
    shape = lambda p: [(s.name, s.proto_hex, s.json) for s in p.samples] + [  # noqa: E731
        (c.name, c.path, c.constraint, repr(c.values)) for c in p.invalid]
    assert shape(first) == shape(again)


def test_envelope_case_names_the_sdk(model: Model) -> None:
    case = envelope_case(model, sdk_name="some_sdk")
    assert case.auto["sdk_name"] == "some_sdk" and case.auto["model_version"] == model.version
    assert '"context":{' in case.json
