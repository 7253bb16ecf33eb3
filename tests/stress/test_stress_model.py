"""The stress model (tests/stress/stress_model.py: names drawn from every
avoided name and every language's implicit scope) builds in every
registered target, and each SDK compiles with warnings as errors and passes
its own tests in its real toolchain."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen.build import build
from codegen.loader import load_model
from codegen.targets import registered_targets
from stress_model import generate, pools
from targets.toolchain import toolchain_for


@pytest.fixture(scope="module")
def stress(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("stress")
    model_dir = generate(work / "model")
    build(model_dir, work / "out", force=True)
    return model_dir, work / "out"


def test_the_model_draws_on_every_kind_of_avoided_name(stress: tuple[Path, Path]) -> None:
    model = load_model(stress[0])
    pool = pools()
    used = {e.name for e in model.events} | {o.name for o in model.objects} | {e.name for e in model.enums}
    assert len(used) > 0.9 * len(pool.types), "most type names survive the loader"
    for expected in ("int", "string", "event_message", "tracking_context", "timestamp", "expressible_by_string_literal",
                     "array_buffer", "object"):
        assert expected in used or expected not in pool.types, expected


@pytest.mark.parametrize("target", sorted(registered_targets()))
def test_every_sdk_compiles_and_passes(target: str, stress: tuple[Path, Path]) -> None:
    toolchain_for(target).compile_and_test(stress[1] / target)
