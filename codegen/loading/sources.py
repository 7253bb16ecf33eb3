"""The model's `sources` section: which products on which platforms ship
their own SDKs, and the model each of them is built from.

A source's model holds only the events that may be sent by one of its
products on one of its platforms (an event that lists no products or no
platforms is not restricted), the enums and objects those events and the
context use, and the source's own target settings. When a source has a
single product (platform) and the context has an enum property `product`
(`platform`) with that value, the property is fixed to it: apps no longer
pass it, and no other value can be sent.
"""

from __future__ import annotations

import re
from dataclasses import replace

from codegen.diagnostics import Collector, did_you_mean
from codegen.ir import Context, Kind, Model, Property, Source
from codegen.loading.reader import MapReader
from codegen.loading.target_settings import read_target_settings
from codegen.loading.yaml_nodes import LMap, LNode

SOURCE_NAME = re.compile(r"^[a-z][a-z0-9]*([-_][a-z0-9]+)*$")
SOURCE_KEYS = ("description", "products", "platforms", "targets")
# Context properties a source with one product or platform fixes.
FIXED = {"products": "product", "platforms": "platform"}


def read_sources(node: LNode | None, declared: dict[str, tuple[str, ...]], errors: Collector) -> tuple[Source, ...]:
    if node is None:
        return ()
    if not isinstance(node, LMap):
        MapReader(node, "the 'sources' section", errors, ())  # reports the wrong kind of value
        return ()
    sources = []
    for name, (key, value) in node.entries.items():
        what = f"source '{name}'"
        if not SOURCE_NAME.match(name):
            suggestion = "-".join(filter(None, re.split(r"[^a-z0-9]+", name.lower())))
            errors.error(key.loc, f"source name '{name}' is not lower-case words joined by '-' or '_'",
                         f"write it like 'news-web'" + (f", e.g. '{suggestion}'" if SOURCE_NAME.match(suggestion)
                                                         else ""))
        reader = MapReader(value, what, errors, SOURCE_KEYS, ("targets",), fallback=key.loc)
        subsets = {field: read_subset(reader, field, declared[field], errors) for field in FIXED}
        packages, locations = read_target_settings(reader.raw("targets"), f"'targets' of {what}", errors,
                                                   f" in {what}", allow_empty=True)
        listed = reader.raw("targets")
        if isinstance(listed, LMap) and not listed.entries:
            errors.error(reader.key_loc("targets"), f"{what} names no target",
                         "list the languages to build for it, e.g. 'targets: {javascript: {package: news-web}}'")
        sources.append(Source(name, reader.description(), subsets["products"], subsets["platforms"], packages,
                              key.loc, locations))
    return tuple(sorted(sources, key=lambda s: s.name))


def read_subset(reader: MapReader, field: str, declared: tuple[str, ...], errors: Collector) -> tuple[str, ...]:
    """A source's or an event's products or platforms: each must be declared in the model header."""
    found = set()
    for item in reader.text_list(field) or []:
        value = str(item.value)
        if value not in declared:
            hint = did_you_mean(value, declared) or (
                f"declare it in the model's '{field}' list" if not declared
                else f"use one of: {', '.join(declared)}, or declare it in the model's '{field}' list")
            errors.error(item.loc, f"{reader.what} names unknown {field[:-1]} '{value}'", hint)
        found.add(value)
    return tuple(sorted(found))


def includes(source: Source, products: tuple[str, ...], platforms: tuple[str, ...]) -> bool:
    """Whether an event that names these products and platforms belongs to the source."""
    return all(not wanted or not given or set(wanted) & set(given)
               for wanted, given in ((source.products, products), (source.platforms, platforms)))


def fixed_values(model: Model, source: Source) -> dict[str, str]:
    """Context property -> the enum value a source fixes it to."""
    fixed = {}
    for field, prop_name in FIXED.items():
        chosen = getattr(source, field)
        prop = next((p for p in model.context.properties if p.name == prop_name), None)
        if len(chosen) == 1 and prop is not None and prop.type.kind is Kind.ENUM and prop.is_parameter:
            fixed[prop_name] = chosen[0]
    return fixed


def check_sources(model: Model, errors: Collector) -> None:
    for source in model.sources:
        what = f"source '{source.name}'"
        if not any(includes(source, e.products, e.platforms) for e in model.events):
            errors.error(source.loc, f"{what} matches no event",
                         "an event belongs to a source when it names none or one of the source's products, "
                         "and none or one of its platforms")
        for prop_name, value in fixed_values(model, source).items():
            prop = next(p for p in model.context.properties if p.name == prop_name)
            enum = model.enum(str(prop.type.name))
            if value not in {v.name for v in enum.values}:
                errors.error(source.loc, f"{what} has the one {prop_name} '{value}', but enum '{enum.name}' of "
                                         f"context property '{prop_name}' has no such value",
                             f"add '{value}' to enum '{enum.name}', or name a value it has")


def source_model(model: Model, name: str) -> Model:
    """The model that source `name`'s SDKs are built from."""
    source = model.source(name)
    fixed = fixed_values(model, source)
    events = tuple(e for e in model.events if includes(source, e.products, e.platforms))
    context = Context(tuple(_fix(p, fixed.get(p.name)) for p in model.context.properties),
                      model.context.description, model.context.reserved, model.context.loc)
    used = _used_types(model, context.properties + tuple(p for e in events for p in e.properties))
    return replace(
        model, name=f"{model.name}_{re.sub('[^a-z0-9]+', '_', name)}", packages=source.packages,
        package_locations=source.package_locations, context=context, events=events,
        enums=tuple(e for e in model.enums if e.name in used),
        objects=tuple(o for o in model.objects if o.name in used), sources=(),
    )


def _fix(prop: Property, value: str | None) -> Property:
    return prop if value is None else replace(prop, const=value, required=True)


def _used_types(model: Model, properties: tuple[Property, ...]) -> set[str]:
    """Names of the enums and objects these properties use, directly or through objects."""
    used: set[str] = set()
    pending = list(properties)
    objects = {o.name: o for o in model.objects}
    while pending:
        leaf = pending.pop().type.leaf
        if leaf.kind in (Kind.ENUM, Kind.OBJECT) and leaf.name not in used:
            used.add(str(leaf.name))
            if leaf.kind is Kind.OBJECT:
                pending.extend(objects[str(leaf.name)].properties)
    return used
