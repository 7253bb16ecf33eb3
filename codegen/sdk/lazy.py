"""A target whose implementation is imported on first use.

Listing targets, completing `--target` and checking a model's `targets:`
settings (`codegen validate`) need only a target's name, description,
options and template folder; its views, test writers and the reference they
pull in are imported when it first renders or spells a name. Built-in
targets register a `LazyTarget`; a plugin may too.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from codegen.sdk.contract import Lexicon, OutputFile, TargetOptions

if TYPE_CHECKING:
    from codegen.ir import Model
    from codegen.sdk.templates import TemplateSet


class LazyTarget:
    """The contract's attributes, with the methods delegated to the class named
    `implementation` ("package.module:Class"), built once with this object."""

    def __init__(self, name: str, description: str, options: type[TargetOptions], template_dir: Path,
                 implementation: str) -> None:
        self.name = name
        self.description = description
        self.options = options
        self.template_dir = template_dir
        self._implementation = implementation
        self._impl: Any = None

    @property
    def impl(self) -> Any:
        if self._impl is None:
            module, _, cls = self._implementation.partition(":")
            self._impl = getattr(import_module(module), cls)(self)
        return self._impl

    @property
    def lexicon(self) -> Lexicon:
        return self.impl.lexicon  # type: ignore[no-any-return]

    def identifiers(self, model: Model) -> Mapping[str, Mapping[str, str]]:
        return self.impl.identifiers(model)  # type: ignore[no-any-return]

    def typed_calls(self, model: Model) -> Mapping[str, str]:
        return self.impl.typed_calls(model)  # type: ignore[no-any-return]

    def render(self, model: Model, templates: TemplateSet) -> list[OutputFile]:
        return self.impl.render(model, templates)  # type: ignore[no-any-return]

    def __getattr__(self, attribute: str) -> Any:
        # A target's own extras (e.g. the Python target's render_package).
        if attribute.startswith("_"):
            raise AttributeError(attribute)
        return getattr(self.impl, attribute)
