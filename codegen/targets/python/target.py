"""The Python target's implementation: everything but its registration
(`__init__.py` names it lazily, so that listing targets and checking a
model's options import none of this)."""

from __future__ import annotations

from functools import partial
from typing import Any

from codegen.ir import Event, Model
from codegen.sdk.contract import GENERATED_MARKER, OutputFile
from codegen.sdk.runtime_files import copy_runtime, generated_header
from codegen.sdk.templates import TemplateSet
from codegen.targets.python import lexical, sdktests
from codegen.sdk.vectors import plan_vectors
from codegen.sdk.walkers import minimal_events
from codegen.targets.python.options import Options
from codegen.targets.python.packaging import PACKAGING, project_metadata
from codegen.targets.python.testvalues import Values, lines
from codegen.targets.python.views import (
    ViewBuilder,
    derive_names,
    distribution_name,
    package_init,
    pep440,
    purposes_module,
    toml_str,
)

RUNTIME_HEADER = generated_header("#")


class PythonTarget:
    """What the Python target does; codegen.targets.python.TARGET builds it on
    first use."""

    lexicon = lexical.LEXICON
    packaging = PACKAGING

    def __init__(self, target: Any) -> None:
        self.target = target  # its name, options and template folder

    def identifiers(self, model: Model) -> dict[str, dict[str, str]]:
        nm = derive_names(model, Options.of(model, self.target.name))
        scopes: dict[str, dict[str, str]] = {"package": {f"{k}:{n}": i for (k, n), i in nm.types.items()}}
        scopes["package"]["context"] = lexical.CONTEXT_CLASS
        scopes.update({f"{kind} {owner}": attrs for (kind, owner), attrs in nm.attrs.items()})
        scopes.update({f"enum {enum}": members for enum, members in nm.members.items()})
        scopes["event modules"] = nm.modules
        return scopes

    def typed_calls(self, model: Model) -> dict[str, str]:
        values = Values(ViewBuilder(model, Options.of(model, self.target.name)))
        return {name: "\n".join(lines(values.event(name, sample), "", "tracker.track(", ")"))
                for name, sample in minimal_events(model)}

    def render(self, model: Model, templates: TemplateSet) -> list[OutputFile]:
        views = ViewBuilder(model, Options.of(model, self.target.name), templates.memo)
        out = self.render_package(model, templates, views)
        for path, template, context in sdktests.test_files(views, templates.memo):
            out.append(OutputFile(path, templates.render(template, marker=GENERATED_MARKER, model=model,
                                                         **context)))
        out.append(OutputFile("tests/plan.json", plan_vectors(model)))
        return out

    def render_package(self, model: Model, templates: TemplateSet,
                       views: ViewBuilder | None = None) -> list[OutputFile]:
        """Everything but the tests (which need the test plan)."""
        templates.add_filters({"docstring": lexical.docstring, "fit": lexical.fit})
        views = views or ViewBuilder(model, Options.of(model, self.target.name), templates.memo)
        pkg = views.names.package
        common = {"marker": GENERATED_MARKER, "model": model}
        out: list[OutputFile] = []

        def emit(path: str, template: str, **context: Any) -> None:
            out.append(OutputFile(path, templates.render(template, **common, **context)))

        distribution = distribution_name(model, views.options)
        emit("pyproject.toml", "pyproject.toml.j2", package=pkg,
             distribution=toml_str(distribution),
             version=toml_str(pep440(model.version)),
             description=toml_str(" ".join(model.description.split())[:200]), **project_metadata(model))
        emit("README.md", "README.md.j2", package=pkg, distribution=distribution,
             example=sdktests.readme_example(views))
        emit(".gitignore", "gitignore.j2")
        emit(f"{pkg}/py.typed", "py.typed.j2")
        emit(f"{pkg}/enums.py", "enums.py.j2", enums=views.enum_views())
        emit(f"{pkg}/objects.py", "module.py.j2", module=views.objects_module())
        emit(f"{pkg}/context.py", "module.py.j2", module=views.context_module())
        emit(f"{pkg}/tracker.py", "tracker.py.j2", package=lexical.py_str(pkg),
             version=lexical.py_str(model.version), purpose_type=views.names.purpose_type)
        emit(f"{pkg}/purposes.py", "purposes.py.j2", purposes=purposes_module(views))
        emit(f"{pkg}/events/__init__.py", "events_init.py.j2")
        built = views

        def event_module(path: str, event: Event) -> list[OutputFile]:
            return [OutputFile(path, templates.render("module.py.j2", **common, module=built.event_module(event)))]

        for event in model.events:
            module = views.names.modules[event.name]
            extra = (module, views.names.types[("event", event.name)])
            out += templates.memo.event_files(event, extra, partial(event_module, f"{pkg}/events/{module}.py", event))
        emit(f"{pkg}/__init__.py", "package_init.py.j2", **package_init(views))
        out += copy_runtime(templates, "runtime", f"{pkg}/_runtime/", RUNTIME_HEADER)
        return out
