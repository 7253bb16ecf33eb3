"""The JavaScript target's implementation: everything but its registration
(`__init__.py` names it lazily, so that listing targets and checking a
model's options import none of this)."""

from __future__ import annotations

from typing import Any

from codegen.ir import Model
from codegen.sdk.contract import OutputFile
from codegen.sdk.templates import TemplateSet
from codegen.targets.javascript import lexical, sdktests
from codegen.sdk.walkers import minimal_events
from codegen.targets.javascript.options import Options
from codegen.targets.javascript.packaging import PACKAGING
from codegen.targets.javascript.testvalues import Values
from codegen.targets.javascript.views import HEADER, TYPESCRIPT_VERSION, Names, Renderer


class JavaScriptTarget:
    """What the JavaScript target does; codegen.targets.javascript.TARGET builds it on
    first use."""

    lexicon = lexical.LEXICON
    packaging = PACKAGING

    def __init__(self, target: Any) -> None:
        self.target = target  # its name, options and template folder

    def identifiers(self, model: Model) -> dict[str, dict[str, str]]:
        names = Names.of(model)
        scopes = {"exports": {f"{k}:{n}": i for (k, n), i in names.types.items()}, "codecs": names.codecs}
        scopes.update({f"{kind} {owner}": members for (kind, owner), members in names.members.items()})
        return scopes

    def typed_calls(self, model: Model) -> dict[str, str]:
        values = Values(Renderer(model, TemplateSet.of(self.target), Options.of(model, self.target.name)))
        return {name: f"tracker.track({values.event(name, sample)});" for name, sample in minimal_events(model)}

    def render(self, model: Model, templates: TemplateSet) -> list[OutputFile]:
        renderer = Renderer(model, templates, Options.of(model, self.target.name))
        files = renderer.render_sources() + sdktests.test_files(renderer, HEADER)
        return sorted(files, key=lambda f: f.path)
