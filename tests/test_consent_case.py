"""`testplan.consent_case` skips the events that can lose no value
(`PurposeRules.may_withhold`) instead of sampling every event of the model:
on every model at hand it finds what the definition finds (the first full
sample of the whole plan that loses a value), and `may_withhold` is never
False where a full sample loses a value."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest

from codegen import testplan
from codegen.ir import Model
from codegen.loader import load_model
from codegen.purposes import purpose_rules
from codegen.reference import reference_for
from codegen.templates.python.runtime.consent import withheld

ROOT = Path(__file__).resolve().parents[1]
MODELS = [ROOT / "event_model", ROOT / "tests/conformance/models/kitchen_sink",
          ROOT / "tests/conformance/models/hostile", ROOT / "tests/evolution/models/v4"]

# Only the last event can lose a value: `note` needs a purpose it does not need itself.
LATE = """\
model: {name: late, namespace: late.v1, version: 1.0.0}
purposes:
  service: {description: Running it., lawful_basis: contract, retention_days: 30}
  stats: {description: Counting., lawful_basis: consent, retention_days: 365}
context:
  properties:
    event_id: {number: 1, type: string, auto: event_id, privacy: none}
    consent: {number: 2, type: list<string>, auto: consent, privacy: none}
objects:
  spot:
    description: Where.
    properties:
      city: {number: 1, type: string, privacy: personal, purposes: [stats]}
events:
  a_first:
    {number: 10, description: A., owner: o@example.com, purposes: [service, stats],
     properties: {note: {number: 1, type: string, privacy: personal, purposes: [stats]}}}
  b_plain:
    {number: 11, description: B., owner: o@example.com, purposes: [service],
     properties: {n: {number: 1, type: int32, privacy: none}}}
  c_nested:
    {number: 12, description: C., owner: o@example.com, purposes: [service],
     properties: {where: {number: 1, type: list<spot>, privacy: none}}}
"""


def _by_definition(model: Model) -> tuple[str, object] | None:
    """The first full sample of `plan` that loses a value (what consent_case did before)."""
    rules, ref = purpose_rules(model), reference_for(model)
    context = ref.context_message(testplan.context_sample(model))
    events = {e.name: e for e in model.events}
    for sample in testplan.plan(model).samples:
        if sample.name != f"{sample.event}_full":
            continue
        granted = rules.event_needs(events[sample.event]) | rules.context_needs()
        if withheld(ref.event_message(sample.event, sample.values), granted) + withheld(context, granted):
            return sample.event, sample.values
    return None


def _models(tmp_path_factory: pytest.TempPathFactory) -> list[Model]:
    folder = tmp_path_factory.mktemp("late")
    (folder / "model.yaml").write_text(LATE, encoding="utf-8")
    return [load_model(path) for path in MODELS] + [load_model(folder)]


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> list[Model]:
    return _models(tmp_path_factory)


def test_consent_case_finds_what_the_definition_finds(models: list[Model]) -> None:
    found = []
    for model in models:
        case = testplan.consent_case(model, "sdk")
        got = None if case is None else (case.event, case.values)
        assert got == _by_definition(model), model.name
        found.append(got and got[0])
    assert found[-1] == "c_nested"  # past two events that lose nothing


def test_may_withhold_is_false_only_where_nothing_is_removed(models: list[Model]) -> None:
    checked = 0
    for model in models:
        rules, ref = purpose_rules(model), reference_for(model)
        names = [p.name for p in model.purposes]
        grants = [frozenset(c) for n in range(len(names) + 1) for c in combinations(names, n)][:64]
        cases = testplan.EventCases(model)
        messages = [(e.properties, ref.event_message(e.name, s.values))
                    for e in model.events for s in cases.samples(e) if s.name.endswith(("_full", "_edge"))]
        messages.append((model.context.properties, ref.context_message(testplan.context_sample(model))))
        for properties, message in messages:
            for granted in grants:
                if withheld(message, granted):
                    checked += 1
                    assert rules.may_withhold(properties, granted), (model.name, granted)
    assert checked > 20
