"""Model files (located YAML) to the IR, sorted once.

Each section is read independently so that one broken event does not hide
the problems of another; cross-cutting checks live in `checks.py`.
"""

from __future__ import annotations

import re
from typing import Iterable

from codegen.diagnostics import Collector
from codegen.ir import NOWHERE, Context, EnumType, EnumValue, Event, Location, Model, ObjectType, Property, Purpose
from codegen.loading.export_settings import read_exports
from codegen.loading.purpose_section import read_client_ip, read_purposes
from codegen.loading.file_names import too_long
from codegen.loading.model_cache import ModelCache
from codegen.loading.packages import check_setting
from codegen.loading.property_fast import fast_property
from codegen.loading.package_metadata import read_package_metadata
from codegen.loading.properties import (
    SEMVER,
    TypeNames,
    check_number,
    read_deprecation,
    read_property,
    read_purpose_list,
)
from codegen.loading.reader import MapReader, describe
from codegen.loading.reserved import read_reserved
from codegen.loading.sources import read_sources, read_subset
from codegen.loading.target_settings import read_target_settings
from codegen.loading.yaml_nodes import LMap, LNode, LScalar

SECTIONS = ("model", "targets", "exports", "sources", "purposes", "collector", "context", "events", "enums",
            "objects")
SINGLE_SECTIONS = ("model", "targets", "exports", "sources", "purposes", "collector", "context")
NAMESPACE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
MIN_EVENT_NUMBER = 10
MAX_VERSION = 64  # it is part of package file names (wheels, jars, tarballs)


class Sections:
    """The top-level sections of every file, merged, with duplicates reported."""

    def __init__(self, documents: Iterable[tuple[str, LNode]], errors: Collector) -> None:
        self.single: dict[str, LNode] = {}
        self.single_locs: dict[str, Location] = {}
        self.named: dict[str, dict[str, tuple[Location, LNode]]] = {"events": {}, "enums": {}, "objects": {}}
        self.files = 0
        self.first_file = "<model>"
        for file, node in documents:
            self.files += 1
            if self.files == 1:
                self.first_file = file
            if not isinstance(node, LMap):
                errors.failed_files.add(file)
                errors.error(node.loc, f"a model file must be a mapping of sections, got {describe(node)}",
                             "start the file with a section: " + ", ".join(f"'{s}:'" for s in SECTIONS))
                continue
            reader = MapReader(node, f"the file {file}", errors, SECTIONS)
            for section in SECTIONS:
                value = reader.raw(section)
                if value is None:
                    continue
                if section in SINGLE_SECTIONS:
                    if section in self.single:
                        errors.error(reader.key_loc(section),
                                     f"'{section}' is defined twice (also at {self.single_locs[section]})",
                                     f"keep one '{section}' section in the whole model")
                    else:
                        self.single[section] = value
                        self.single_locs[section] = reader.key_loc(section)
                    continue
                self._merge(section, reader.mapping(section), errors)

    def _merge(self, section: str, node: LMap | None, errors: Collector) -> None:
        if node is None:
            return
        for name, (key, value) in node.entries.items():
            seen = self.named[section].get(name)
            if seen:
                errors.error(key.loc, f"{section[:-1]} '{name}' is defined twice (also at {seen[0]})",
                             "rename or remove one of them")
                continue
            self.named[section][name] = (key.loc, value)


def build_model(documents: Iterable[tuple[str, LNode]], errors: Collector, cache: ModelCache | None = None,
                ) -> Model | None:
    """The IR of the documents. They may come one at a time (a generator), and
    each event's values are dropped once it is read: the IR never sits beside
    the whole located tree of a large model. With a `cache`, an event may be
    a placeholder of the cache, which gives its IR."""
    sections = Sections(documents, errors)
    if not sections.files:
        return None  # every file is empty or unreadable, and each says so
    start = Location(sections.first_file, 1, 1)
    # A section may be in a file that could not be read: do not guess it missing.
    complete = not errors.failed_files
    model_node = sections.single.get("model")
    if model_node is None and complete:
        errors.error(start, "the model has no 'model' section",
                     "add 'model:' with name, namespace and version to one file")
    header = MapReader(
        model_node or LMap(loc=start), "the 'model' section", errors,
        ("name", "namespace", "version", "description", "products", "platforms", "reserved", "license", "authors",
         "urls"),
        ("name", "namespace", "version") if model_node is not None else (), fallback=sections.single_locs.get("model"),
    )
    name = header.text("name", "broadcaster") or ""
    too_long(name, header.value_loc("name"), "the model name", errors, becomes="package and file names")
    namespace = header.text("namespace", "broadcaster.analytics.v1") or ""
    if namespace and not NAMESPACE.match(namespace):
        errors.error(header.value_loc("namespace"), f"namespace '{namespace}' is not a dotted lower-case name",
                     "write it like broadcaster.analytics.v1")
    for segment in namespace.split("."):
        if too_long(segment, header.value_loc("namespace"), "namespace part", errors,
                    becomes="a folder name (the default Kotlin package)"):
            break
    version = header.text("version", "1.0.0") or ""
    if version and not SEMVER.match(version):
        errors.error(header.value_loc("version"), f"version '{version}' is not a semantic version",
                     "write it like 1.4.0 (quote it if YAML reads it as a number)")
    elif len(version) > MAX_VERSION:
        errors.error(header.value_loc("version"), f"version '{version[:40]}...' is {len(version)} characters "
                                                  f"long, more than {MAX_VERSION}",
                     "shorten the pre-release or build part: the version is part of the packages' file names")
    license_, authors, urls = read_package_metadata(header, errors)
    products = tuple(sorted({str(p.value) for p in header.text_list("products") or []}))
    platforms = tuple(sorted({str(p.value) for p in header.text_list("platforms") or []}))

    purposes = read_purposes(sections.single.get("purposes"), sections.single_locs.get("model", start)
                             if complete else None, errors)
    enum_nodes = sections.named["enums"]
    enums = [e for e in (_read_enum(n, loc, node, errors) for n, (loc, node) in enum_nodes.items()) if e]
    names = TypeNames(
        enums=set(enum_nodes), objects=set(sections.named["objects"]),
        enum_values={e.name: {v.name for v in e.values} for e in enums},
        purposes=_purpose_names(sections.single.get("purposes"), purposes),
    )
    objects = [
        ObjectType(name=n, description=_description(r), reserved=read_reserved(r.raw("reserved"), f"object '{n}'", errors),
                   properties=_read_properties(r, f"object '{n}'", names, errors), loc=loc)
        for n, (loc, node) in sections.named["objects"].items()
        for r in [MapReader(node, f"object '{n}'", errors, ("description", "properties", "reserved"),
                            ("description", "properties"), fallback=loc)]
    ]
    # A missing context is reported where the model section is, if there is one.
    context_loc = sections.single_locs.get("model", start)
    context = _read_context(sections.single.get("context"), context_loc if complete else None, names, errors,
                            sections.single_locs.get("context"))
    declared = {"products": products, "platforms": platforms}
    event_nodes = sections.named["events"]
    if not event_nodes and complete:
        errors.error(context_loc, "the model defines no events",
                     "add an 'events:' section with at least one event (any file of the model may hold it)")
    events = []
    if cache is not None:
        cache.begin_events(names, declared)
    for event_name in list(event_nodes):
        loc, node = event_nodes.pop(event_name)
        if cache is None:
            events.append(_read_event(event_name, loc, node, names, declared, errors))
        else:
            events.append(cache.read_event(
                event_name, loc, node, lambda yaml: _read_event(event_name, loc, yaml, names, declared, errors)))
    packages, package_locations = read_target_settings(sections.single.get("targets"), "the 'targets' section",
                                                       errors)
    exports = read_exports(sections.single.get("exports"), errors)
    client_ip_purposes = read_client_ip(sections.single.get("collector"), names, errors)
    sources = read_sources(sections.single.get("sources"), declared, errors)
    return Model(
        name=name, namespace=namespace, version=version, description=header.description(),
        packages=packages, package_locations=package_locations, products=products, platforms=platforms,
        context=context,
        events=tuple(sorted(events, key=lambda e: e.name)),
        enums=tuple(sorted(enums, key=lambda e: e.name)),
        objects=tuple(sorted(objects, key=lambda o: o.name)),
        reserved_events=read_reserved(header.raw("reserved"), "the model's events", errors),
        exports=exports, sources=sources, license=license_, authors=authors, urls=urls,
        purposes=purposes, client_ip_purposes=client_ip_purposes,
    )


def _purpose_names(node: LNode | None, purposes: tuple[Purpose, ...]) -> dict[str, bool] | None:
    """Every name the 'purposes' section declares (a broken purpose still
    counts, so that its uses are not reported too) and whether each allows
    sensitive values (a broken one is given the benefit of the doubt)."""
    if node is None:
        return None
    names = dict.fromkeys(node.entries if isinstance(node, LMap) else (), True)
    names.update({p.name: p.sensitive for p in purposes})
    return names


def _description(reader: MapReader) -> str:
    return reader.description()


def _read_properties(
    reader: MapReader, owner: str, names: TypeNames, errors: Collector, allow_auto: bool = False,
) -> tuple[Property, ...]:
    node = reader.mapping("properties")
    if node is None:
        return ()
    found = [
        fast_property(name, key.loc, value, names) or read_property(name, key.loc, value, owner, names, errors,
                                                                    allow_auto)
        for name, (key, value) in node.entries.items()
    ]
    return tuple(sorted((p for p in found if p), key=lambda p: (p.number, p.name)))


def _read_enum(name: str, loc: Location, node: LNode, errors: Collector) -> EnumType | None:
    what = f"enum '{name}'"
    reader = MapReader(node, what, errors, ("description", "values", "reserved"), ("description", "values"),
                       fallback=loc)
    values_node = reader.mapping("values")
    values = []
    number: int | None
    for value_name, (key, value_node) in (values_node.entries.items() if values_node else ()):
        if isinstance(value_node, LScalar) and isinstance(value_node.value, int) and not isinstance(value_node.value, bool):
            number, description, deprecation = value_node.value, "", None
            check_number(number, value_node.loc, f"value '{value_name}' of {what}", errors)
        elif not isinstance(value_node, LMap):
            if not (isinstance(value_node, LScalar) and value_node.invalid):
                errors.error(value_node.loc, f"value '{value_name}' of {what} must have a whole number, "
                                             f"got {describe(value_node)}",
                             f"write '{value_name}: 1' or '{value_name}: {{number: 1, description: ...}}'")
            continue
        else:
            vr = MapReader(value_node, f"value '{value_name}' of {what}", errors,
                           ("number", "description", "deprecated"), ("number",), fallback=key.loc)
            number = vr.integer("number")
            check_number(number, lambda: vr.value_loc("number"), f"value '{value_name}' of {what}", errors)
            description, deprecation = _description(vr), read_deprecation(vr, errors)
        if number is not None:
            values.append(EnumValue(value_name, number, description, deprecation, key.loc))
    if values_node is not None and not values_node.entries:
        errors.error(values_node.loc, f"{what} has no values", "list at least one value")
    return EnumType(
        name=name, description=_description(reader), loc=loc,
        values=tuple(sorted(values, key=lambda v: (v.number, v.name))),
        reserved=read_reserved(reader.raw("reserved"), what, errors),
    )


def _read_context(
    node: LNode | None, start: Location | None, names: TypeNames, errors: Collector, key_loc: Location | None,
) -> Context:
    if node is None:
        if start is not None:
            errors.error(start, "the model has no 'context' section",
                         "add 'context:' with the properties every event carries")
        return Context(properties=())
    reader = MapReader(node, "the context", errors, ("description", "properties", "reserved"), ("properties",),
                       fallback=key_loc)
    return Context(
        properties=_read_properties(reader, "the context", names, errors, allow_auto=True),
        description=_description(reader), reserved=read_reserved(reader.raw("reserved"), "the context", errors),
        # NOWHERE when it is not a mapping (reported): the checks of its contents then stay silent.
        loc=reader.loc if isinstance(node, LMap) else NOWHERE,
    )


def _read_event(
    name: str, loc: Location, node: LNode, names: TypeNames, declared: dict[str, tuple[str, ...]], errors: Collector,
) -> Event:
    what = f"event '{name}'"
    reader = MapReader(
        node, what, errors,
        ("number", "description", "owner", "purposes", "products", "platforms", "properties", "reserved",
         "deprecated"),
        ("number", "description", "owner"), fallback=loc,
    )
    number = reader.integer("number", "10")
    check_number(number, lambda: reader.value_loc("number"), what, errors, low=MIN_EVENT_NUMBER)
    subsets = {field: read_subset(reader, field, declared[field], errors) for field in declared}
    purposes = read_purpose_list(reader, names, errors)
    if purposes is None and isinstance(node, LMap) and not reader.has("purposes"):
        declared_purposes = ", ".join(sorted(names.purposes or ())) or "declared in the 'purposes' section"
        errors.error(loc, f"{what} names no purposes",
                     f"add 'purposes: [...]' with the purposes it serves ({declared_purposes}): an SDK sends "
                     f"it only when they are granted")
    return Event(
        purposes=purposes or (),
        name=name, number=number or 0, description=_description(reader), owner=reader.text("owner") or "",
        products=subsets["products"], platforms=subsets["platforms"],
        properties=_read_properties(reader, what, names, errors) if reader.has("properties") else (),
        reserved=read_reserved(reader.raw("reserved"), what, errors),
        deprecation=read_deprecation(reader, errors), loc=loc,
    )
