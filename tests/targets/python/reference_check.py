"""The reference encoder against the official protobuf package, for every
sample of the test plan and the envelope case of a model.

Used in the test process (upb backend: samples without map entries) and as
`python -m targets.python.reference_check MODEL...` under the pure-Python backend
(every sample), printing one line per problem and exiting non-zero if any.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from codegen.loader import load_model
from codegen.ir import Model
from codegen.reference import reference_for
from codegen.testplan import FIXED_AUTO, TimestampValue, all_purposes, context_sample, envelope_case, plan
from targets.python.support import MODELS, Official, backend, check_encoding, compile_proto, has_map_entries


def check_model(model: Model, work: Path, with_maps: bool) -> tuple[int, list[str]]:
    """(number of cases checked, problems)."""
    official = Official(model, compile_proto(model, work))
    ref = reference_for(model)
    problems: list[str] = []
    checked = 0
    for sample in plan(model).samples:
        if not with_maps and has_map_entries(model, sample.event, sample.values):
            continue
        checked += 1
        encoded = ref.event(sample.event, sample.values)
        if (encoded.proto_hex, encoded.json) != (sample.proto_hex, sample.json):
            problems.append(f"{sample.name}: the plan's goldens differ from a fresh encoding")
        message = official.event(sample.event, sample.values)
        problems += [f"{sample.name}: {p}" for p in check_encoding(message, encoded.protobuf, encoded.json)]
    case = envelope_case(model, sdk_name="reference")
    if with_maps or not has_map_entries(model, case.event, case.values):
        checked += 1
        message = official.envelope(case.event, case.values, case.context, case.auto)
        problems += [f"envelope: {p}" for p in check_encoding(message, bytes.fromhex(case.proto_hex), case.json)]
    checked += 1
    problems += [f"batch: {p}" for p in check_batch(model, official, with_maps)]
    return checked, problems


def check_batch(model: Model, official: Official, with_maps: bool) -> list[str]:
    """A batch of envelopes of several samples (sent_at with nanos) and the
    empty batch (sent_at at the epoch: an empty Timestamp, still written)."""
    ref = reference_for(model)
    context = context_sample(model)
    samples = [s for s in plan(model).samples if with_maps or not has_map_entries(model, s.event, s.values)][:7]
    envelopes, messages = [], []
    for i, sample in enumerate(samples):
        auto = {**FIXED_AUTO, "consent": all_purposes(model), "event_id": f"batch-{i}", "model_version": model.version, "sdk_name": "reference",
                "sdk_version": model.version}
        envelopes.append(ref.envelope(sample.event, sample.values, context, auto))
        messages.append(official.envelope(sample.event, sample.values, context, auto))
    problems = []
    for sent_at, count in ((TimestampValue(1_764_582_915, 701_000_123), len(envelopes)), (TimestampValue(0, 0), 0)):
        encoded = ref.batch(envelopes[:count], sent_at)
        message = official.batch(messages[:count], sent_at)
        problems += check_encoding(message, encoded.protobuf, encoded.json)
    return problems


def main() -> None:
    failed = False
    for name in sys.argv[1:]:
        model = load_model(MODELS[name])
        with tempfile.TemporaryDirectory() as work:
            checked, problems = check_model(model, Path(work), with_maps=True)
        print(f"backend={backend()} model={name} checked={checked} problems={len(problems)}")
        for problem in problems:
            print(problem)
        failed = failed or bool(problems)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
