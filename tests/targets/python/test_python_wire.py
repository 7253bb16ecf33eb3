"""Wire proof of the generated Python SDK: for values hypothesis draws for
every event of the bundled model (and of the kitchen-sink model, which has
every type, consts and nested containers), within the model's constraints,
the SDK's `to_protobuf()` equals the official protobuf package's
`SerializeToString(deterministic=True)` for the exported .proto,
`json_format.Parse` of its `to_json()` is an equal message, and its JSON is
the JCS of `MessageToDict(preserving_proto_field_name=True,
always_print_fields_with_no_presence=True)`; the tracker's envelope too.

Both backends where they agree: upb (maps left empty: upb orders map
entries its own way) and the pure-Python backend (maps included). Each run
is a fresh interpreter (hypothesis's pytest plugin slows nested @given runs
down threefold); all four start at once. See targets/python/wire_proof.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from targets.python.support import ROOT, TESTS

EXAMPLES = 60
RUNS = [(model, backend) for model in ("bundled", "kitchen_sink") for backend in ("upb", "python")]


@pytest.fixture(scope="module")
def proofs() -> Iterator[dict[tuple[str, str], subprocess.Popen[str]]]:
    started = {}
    for model, backend in RUNS:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(ROOT)]),
               "PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION": backend}
        maps = ["--maps"] if backend == "python" else []
        started[(model, backend)] = subprocess.Popen(
            [sys.executable, "-m", "targets.python.wire_proof", model, *maps, "--examples", str(EXAMPLES)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    yield started
    for process in started.values():
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize(("model", "backend"), RUNS)
def test_wire_proof(proofs: dict[tuple[str, str], subprocess.Popen[str]], model: str, backend: str) -> None:
    process = proofs[(model, backend)]
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output[-8000:]
    assert f"backend={backend} model={model} maps={backend == 'python'}" in output
    assert output.rstrip().endswith("equal")
