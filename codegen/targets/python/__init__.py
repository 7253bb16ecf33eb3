"""The Python target: an installable, typed package (3.11+, standard library
only) rendered into `generated/python/`.

Layout: `pyproject.toml`, `README.md`, `<package>/` with `__init__.py`
(exports everything), `py.typed`, `enums.py`, `objects.py`, `context.py`,
`tracker.py`, `events/<event>.py` (one module per event), `_runtime/` (the
hand-written runtime from `templates/python/runtime/`), and `tests/`
rendered from the test plan. Messages are frozen keyword-only dataclasses
whose behaviour comes from the runtime, driven by their `_SPECS` (FieldSpecs
built by `codegen.reference.specs`, the same ones the reference encoder uses).

The output is black-stable as emitted (black is never run at build time):
exploded calls with magic trailing commas, black's docstring and string
quote layout, and `# fmt: skip` on the rare one-line statement that a very
long model name pushes past 88 columns.

Modules: `target` (the implementation, imported on first use), `lexical` (keywords, literals, docstrings, layout widths), `views`
(names and the data the templates print), `testvalues` (test-plan values as
typed constructor calls), `sdktests` (the package's own tests).
"""

from __future__ import annotations

from codegen.sdk.lazy import LazyTarget
from codegen.sdk.templates import builtin_templates
from codegen.targets.python.options import Options

TARGET = LazyTarget(
    "python", "Typed Python package (3.11+, standard library only)",
    Options, builtin_templates("python"), "codegen.targets.python.target:PythonTarget",
)

__all__ = ["TARGET", "Options"]
