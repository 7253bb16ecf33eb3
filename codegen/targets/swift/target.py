"""The Swift target's implementation: everything but its registration
(`__init__.py` names it lazily, so that listing targets and checking a
model's options import none of this)."""

from __future__ import annotations

from functools import partial
from typing import Any

from codegen.ir import Event, Model
from codegen.sdk.contract import GENERATED_MARKER, OutputFile
from codegen.sdk.runtime_files import copy_runtime, generated_header
from codegen.sdk.templates import TemplateSet
from codegen.targets.swift import lexical as names
from codegen.targets.swift import sdktests
from codegen.sdk.walkers import minimal_events
from codegen.targets.swift.options import Options
from codegen.targets.swift.packaging import PACKAGING
from codegen.targets.swift.testvalues import ValueWriter
from codegen.targets.swift.views import (
    context_view,
    derive_names,
    enum_view,
    event_view,
    kept_names,
    object_view,
    purpose_view,
)

RUNTIME_HEADER = generated_header("//")


class SwiftTarget:
    """What the Swift target does; codegen.targets.swift.TARGET builds it on
    first use."""

    lexicon = names.LEXICON
    packaging = PACKAGING

    def __init__(self, target: Any) -> None:
        self.target = target  # its name, options and template folder

    def identifiers(self, model: Model) -> dict[str, dict[str, str]]:
        nm = derive_names(model)
        scopes = {"module": {f"{k}:{n}": i for (k, n), i in nm.types.items()} | {"": nm.module,
                                                                                   "purposes:": nm.purpose_type}}
        scopes["purposes"] = nm.purposes
        scopes.update({f"{kind} {owner}": members for (kind, owner), members in nm.members.items()})
        scopes.update({f"enum {enum}": cases for enum, cases in nm.cases.items()})
        return scopes

    def typed_calls(self, model: Model) -> dict[str, str]:
        writer = ValueWriter(model, derive_names(model))
        return {name: f"try tracker.track({writer.event(name, sample)})" for name, sample in minimal_events(model)}

    def render(self, model: Model, templates: TemplateSet) -> list[OutputFile]:
        nm = kept_names(model, templates.memo)
        src = f"Sources/{nm.module}"
        common = {"marker": GENERATED_MARKER, "module": nm.module}
        files = [OutputFile("Package.swift", templates.render(
            "package.swift.j2", **common, package=names.string_literal(nm.module),
            module_literal=names.string_literal(nm.module),
            tests_literal=names.string_literal(nm.module + "Tests")))]
        files.append(OutputFile(".gitignore", templates.render("gitignore.j2", **common)))
        files += copy_runtime(templates, "runtime", f"{src}/Runtime/", RUNTIME_HEADER)
        files.append(OutputFile(f"{src}/SdkInfo.swift", templates.render(
            "sdkinfo.swift.j2", **common, name=names.string_literal(nm.module),
            version=names.string_literal(model.version))))
        for enum in model.enums:
            view = enum_view(nm, enum)
            files.append(OutputFile(f"{src}/Enums/{view['name']}.swift",
                                    templates.render("enum.swift.j2", **common, enum=view)))
        for obj in model.objects:
            sv = object_view(nm, obj, model)
            files.append(OutputFile(f"{src}/Objects/{sv.name}.swift",
                                    templates.render("object.swift.j2", **common, s=sv)))

        def event_file(event: Event) -> list[OutputFile]:
            sv = event_view(nm, model, event)
            return [OutputFile(f"{src}/Events/{sv.name}.swift", templates.render("event.swift.j2", **common, s=sv))]

        for event in model.events:
            files += templates.memo.event_files(event, (nm.types[("event", event.name)],), partial(event_file, event))
        files.append(OutputFile(f"{src}/{nm.context_type}.swift",
                                templates.render("context.swift.j2", **common, s=context_view(nm, model))))
        files.append(OutputFile(f"{src}/{nm.purpose_type}.swift",
                                templates.render("purpose.swift.j2", **common, p=purpose_view(nm, model))))
        files += sdktests.render_tests(model, nm, templates, common)
        files.append(OutputFile("README.md", templates.render(
            "readme.md.j2", **common, model_name=model.name, version=model.version,
            events=[{"type": nm.types[("event", e.name)], "wire": e.name, "number": e.number} for e in model.events],
            **sdktests.readme_example(model, nm))))
        return sorted(files, key=lambda f: f.path)
