"""The Kotlin target's implementation: everything but its registration
(`__init__.py` names it lazily, so that listing targets and checking a
model's options import none of this)."""

from __future__ import annotations

from functools import partial
from typing import Any

from codegen.ir import Event, Model
from codegen.naming import pascal
from codegen.sdk.contract import GENERATED_MARKER, OutputFile
from codegen.sdk.runtime_files import copy_runtime, generated_header
from codegen.sdk.templates import TemplateSet
from codegen.targets.kotlin import lexical as kn
from codegen.targets.kotlin import sdktests as kotlin_tests
from codegen.targets.kotlin import views as kv
from codegen.sdk.vectors import plan_vectors
from codegen.sdk.walkers import minimal_events
from codegen.targets.kotlin import JVM_TARGET, VERSIONS
from codegen.targets.kotlin.options import Options
from codegen.targets.kotlin.packaging import OUTPUT_TIMESTAMP, PACKAGING, pom_metadata
from codegen.targets.kotlin.testvalues import ValueWriter

RUNTIME_PACKAGE_LINE = "package codegen.runtime"
RUNTIME_HEADER = generated_header("//", "Hand-written runtime of the Kotlin SDK, copied verbatim.") + "\n"


class KotlinTarget:
    """What the Kotlin target does; codegen.targets.kotlin.TARGET builds it on
    first use."""

    lexicon = kn.LEXICON
    packaging = PACKAGING

    def __init__(self, target: Any) -> None:
        self.target = target  # its name, options and template folder

    def identifiers(self, model: Model) -> dict[str, dict[str, str]]:
        names = kv.Names(model)
        scopes = {"package": dict(names.types) | {"": kn.CONTEXT_CLASS, "purposes:": names.purpose}}
        for kind, owner, properties, _ in model.property_scopes:
            scopes[f"{kind} {owner}"] = kv.member_names(properties)
        scopes.update({f"enum {e.name}": kv.enum_entry_names(e) for e in model.enums})
        return scopes

    def typed_calls(self, model: Model) -> dict[str, str]:
        writer = ValueWriter(model, kv.Names(model))
        return {name: f"tracker.track({writer.event(name, sample)})" for name, sample in minimal_events(model)}

    def render(self, model: Model, templates: TemplateSet) -> list[OutputFile]:
        conf = kv.settings(model)
        package = conf["package"]
        main = "src/main/kotlin/" + package.replace(".", "/") + "/"
        test = "src/test/kotlin/" + package.replace(".", "/") + "/"
        names = kv.Names(model)
        common = {"header": GENERATED_MARKER, "package": package}
        files: list[OutputFile] = []

        def add(path: str, template: str, **context: object) -> None:
            files.append(OutputFile(path, templates.render(template, **common, **context)))

        for enum in model.enums:
            add(f"{main}{names.of(enum.name)}.kt", "enum.kt.j2", view=kv.enum_view(enum, names))
        for obj in model.objects:
            add(f"{main}{names.of(obj.name)}.kt", "object.kt.j2", view=kv.object_view(obj.name, names, model))

        def event_file(event: Event) -> list[OutputFile]:
            view = kv.event_view(event, names, model)
            return [OutputFile(f"{main}{view.class_name}.kt", templates.render("event.kt.j2", **common, view=view))]

        for event in model.events:
            files += templates.memo.event_files(event, (names.of(event.name),), partial(event_file, event))
        add(f"{main}TrackingContext.kt", "context.kt.j2", view=kv.context_view(names, model))
        add(f"{main}SdkInfo.kt", "sdk_info.kt.j2", name=kn.string_literal(package),
            version=kn.string_literal(model.version))
        add(f"{main}{names.purpose}.kt", "purpose.kt.j2", view=kv.purpose_view(model, names))
        files += _runtime(templates, "runtime", main, package)
        files += _runtime(templates, "runtime_test", test, package)
        for path, template, context in kotlin_tests.test_files(model, names, templates.memo):
            add(test + path, template, **context)
        resources = "src/test/resources/" + package.replace(".", "/") + "/"
        files.append(OutputFile(resources + "plan.json", plan_vectors(model)))
        build = {
            "group_id": kn.xml_text(conf["group_id"]), "artifact_id": kn.xml_text(conf["artifact_id"]),
            "version": kn.xml_text(model.version), "name": kn.xml_text(model.name),
            "description": kn.xml_text(" ".join(model.description.split())),
            "versions": VERSIONS, "jvm_target": JVM_TARGET, "metadata": pom_metadata(model),
            "output_timestamp": OUTPUT_TIMESTAMP,
        }
        add("pom.xml", "pom.xml.j2", **build)
        add(".gitignore", "gitignore.j2")
        add("build.gradle.kts", "build.gradle.kts.j2", versions=VERSIONS,
            group=kn.string_literal(conf["group_id"]), version=kn.string_literal(model.version))
        add("settings.gradle.kts", "settings.gradle.kts.j2", project=kn.string_literal(conf["artifact_id"]))
        add("README.md", "README.md.j2", title=" ".join(pascal(model.name).split()), model=model.name,
            version=model.version, group_id=conf["group_id"], artifact_id=conf["artifact_id"],
            example=kotlin_tests.readme_example(model, names))
        return sorted(files, key=lambda f: f.path)


def _runtime(templates: TemplateSet, folder: str, prefix: str, package: str) -> list[OutputFile]:
    """Hand-written files, copied with the header and the model's package line."""

    def repackage(rel: str, text: str) -> str:
        if RUNTIME_PACKAGE_LINE not in text:
            raise ValueError(f"kotlin runtime file {rel} lacks '{RUNTIME_PACKAGE_LINE}'")
        return text.replace(RUNTIME_PACKAGE_LINE, f"package {package}", 1)

    return copy_runtime(templates, folder, prefix, RUNTIME_HEADER, (".kt",), repackage)
