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
from codegen.testplan import envelope_case, plan
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
    return checked, problems


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
