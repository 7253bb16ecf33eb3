"""Names at the loader's length limit give file names that every registered
target can write, with room left for the toolchains' own suffixes; one byte
more is a located model error (the corpus case `names_too_long` shows it),
never an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen.build import build
from codegen.diagnostics import ModelErrors
from codegen.loader import load_model
from codegen.loading.file_names import NAME_LIMIT
from codegen.output import TEMP_PREFIX
from codegen.targets import registered_targets
from codegen.sdk.contract import OutputFile

# What the toolchains append to a file name the target derived, at most
# (`~partial.swiftmodule` after `<Type>EventTests`, `$WhenMappings.class`).
TOOLCHAIN_SUFFIX = 40
TEMP_NAME = len(TEMP_PREFIX) + 8 + len(".tmp")  # mkstemp: 8 random characters


def _name(letter: str) -> str:
    """A name of exactly NAME_LIMIT bytes without underscores: its PascalCase is as long."""
    return letter * NAME_LIMIT


def _write(folder: Path, extra: int = 0) -> Path:
    event, enum, obj = _name("e"), _name("n"), _name("o")
    event += "y" * extra
    folder.mkdir(parents=True)
    (folder / "model.yaml").write_text(f"""\
model: {{name: {"m" * NAME_LIMIT}, namespace: {"s" * NAME_LIMIT}.v1, version: 1.0.0}}
targets:
  python: {{package: {"p" * NAME_LIMIT}}}
  kotlin: {{package: {"k" * NAME_LIMIT}.analytics}}
  swift: {{module: {"S" * NAME_LIMIT}}}
purposes:
  {"u" * NAME_LIMIT}: {{description: A purpose., lawful_basis: consent, retention_days: 1}}
context:
  properties:
    event_id: {{number: 1, type: string, auto: event_id, privacy: none}}
    consent: {{number: 2, type: list<string>, auto: consent, privacy: none}}
enums:
  {enum}: {{description: An enum., values: {{a: 1}}}}
objects:
  {obj}:
    description: An object.
    properties:
      v: {{number: 1, type: {enum}, privacy: none}}
events:
  {event}:
    number: 10
    description: An event.
    owner: o@example.com
    purposes: [{"u" * NAME_LIMIT}]
    properties:
      o: {{number: 1, type: {obj}, privacy: none}}
""", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def longest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("names") / "model")


@pytest.mark.parametrize("target", sorted(registered_targets()))
def test_names_at_the_limit_fit_every_target(longest: Path, target: str, tmp_path: Path) -> None:
    from codegen.sdk.templates import TemplateSet

    files: list[OutputFile] = registered_targets()[target].render(load_model(longest), TemplateSet.of(registered_targets()[target]))
    for item in files:
        for part in item.path.split("/"):
            size = len(part.encode("utf-8"))
            assert size + TOOLCHAIN_SUFFIX <= 255 and TEMP_NAME <= 255, (target, item.path, size)
    results = build(longest, tmp_path / "out", (target,))  # and the file system agrees
    assert results[0].files == len(files) + 1  # and the manifest


def test_one_byte_more_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(ModelErrors) as info:
        load_model(_write(tmp_path / "model", extra=1))
    [problem] = info.value.diagnostics
    assert problem.loc.line == 20 and f"is {NAME_LIMIT + 1} bytes long" in problem.message
