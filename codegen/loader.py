"""Load an event model directory into the IR, or raise ModelErrors with
every problem found, each located by file, line and column."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Iterator

from codegen.diagnostics import Collector, ModelErrors
from codegen.ir import Location, Model
from codegen.loading.builder import build_model
from codegen.loading.checks import check_model
from codegen.loading.lifetime import frozen_after_loading
from codegen.loading.model_cache import ModelCache, Stale
from codegen.loading.yaml_fast import fast_load
from codegen.loading.yaml_lines import lines_load
from codegen.loading.yaml_nodes import LNode, load_yaml, read_text
from codegen.model_files import model_files, scan_model

def display_path(path: Path) -> str:
    """The path relative to the current directory; a link keeps its own name."""
    try:
        shown = path.parent.resolve() / path.name if path.name else path.resolve()
        return shown.relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def load_model(model_dir: Path, cache: ModelCache | None = None) -> Model:
    """The model's IR (or ModelErrors). With a `cache`, files unchanged since
    it was written are not parsed again, nor their events built (the result
    is the same; see codegen.loading.model_cache); the caller saves it."""
    # Loading builds a tree of small objects without reference cycles: the
    # cyclic garbage collector would only scan it again and again (it took
    # more than half of the time on large models).
    collecting = gc.isenabled()
    gc.disable()
    try:
        try:
            return _load(model_dir, cache)
        except Stale:
            assert cache is not None
            cache.again()
            return _load(model_dir, cache)
    finally:
        if frozen_after_loading():
            gc.freeze()
        if collecting:
            gc.enable()


def _load(model_dir: Path, cache: ModelCache | None) -> Model:
    errors = Collector()
    if not model_dir.is_dir():
        problem = "is a file, not a folder" if model_dir.exists() else "does not exist"
        errors.error(Location(display_path(model_dir), 0, 0), f"the model directory {problem}",
                     "pass the folder that holds the model's YAML files (run 'codegen init' to start one)")
        errors.raise_if_any()
    scan = scan_model(model_dir)
    for problem in scan.problems:
        errors.error(Location(display_path(problem.path), 0, 0), problem.message, problem.hint)
        errors.failed_files.add(display_path(problem.path))  # what it would have added is unknown
    files = scan.files
    if not files and not scan.problems:
        errors.error(Location(display_path(model_dir), 0, 0), "the model directory has no .yaml files",
                     "run 'codegen init' to scaffold a model")
    model = build_model(_documents(files, errors, cache), errors, cache)
    if model is not None:
        check_model(model, errors, cache.checked if cache is not None else frozenset())
    errors.raise_if_any()
    assert model is not None
    return model


def _documents(files: list[Path], errors: Collector, cache: ModelCache | None) -> Iterator[tuple[str, LNode]]:
    """Each file's located values, read when the builder asks for them."""
    for path in files:
        name = display_path(path)
        if cache is not None:
            node = cache.document(path, name, errors, parse_text)
        else:
            text = read_text(path, name, errors)
            node = None if text is None else parse_text(text, name, errors)
        if node is not None:
            yield name, node


def parse_text(text: str, name: str, errors: Collector) -> LNode | None:
    # Files in the plain style are read line by line; other well-formed files
    # take libyaml's event stream; the careful path reports the rest.
    return lines_load(text, name) or fast_load(text, name) or load_yaml(text, name, errors)


__all__ = ["load_model", "model_files", "ModelErrors"]
