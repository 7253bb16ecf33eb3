"""Checks across the whole model: names, numbers, references and cycles."""

from __future__ import annotations

import re
from typing import AbstractSet, Iterable

from codegen.diagnostics import Collector
from codegen.ir import NOWHERE, AutoValue, Kind, Location, Model, Property, Reserved
from codegen.loading.file_names import too_long
from codegen.loading.sources import check_sources
from codegen.naming import SNAKE_CASE, camel, enum_unspecified_name, enum_value_json_name, enum_value_token, pascal

# Types of the exported .proto that are not from the model (PascalCase).
RESERVED_TYPE_NAMES = {"Batch", "Context", "Envelope", "Timestamp"}
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def check_model(model: Model, errors: Collector, checked_events: AbstractSet[str] = frozenset()) -> None:
    """Every check of the model; `checked_events` already had `check_scope`
    (the model cache replays what it reported)."""
    _check_type_names(model, errors)
    for kind, name, properties, reserved in model.property_scopes:
        if kind != "event" or name not in checked_events:
            check_scope(kind, name, properties, reserved, errors)
    _check_events(model, errors)
    _check_enums(model, errors)
    _check_cycles(model, errors)
    _check_auto(model, errors)
    _check_purposes(model, errors)
    check_sources(model, errors)


def check_scope(kind: str, name: str, properties: tuple[Property, ...], reserved: Reserved,
                errors: Collector) -> None:
    """The checks of one message's properties, which depend on nothing else."""
    owner = f"{kind} '{name}'" if name else "the context"
    _check_properties(owner, properties, reserved, errors)
    _check_satisfiable_patterns(properties, errors)


def _snake(name: str, loc: Location, what: str, errors: Collector) -> None:
    if not SNAKE_CASE.match(name):
        split = _CAMEL_BOUNDARY.sub("_", name)  # pageView -> page_View
        kept = "".join(c if c.isascii() and c.isalnum() else "_" for c in split).lower()
        suggestion = "_".join(filter(None, kept.split("_")))
        hint = f"write it in snake_case, e.g. '{suggestion}'" if suggestion and suggestion[0].isalpha() else (
            "start with a letter and use only a-z, 0-9 and single underscores")
        errors.error(loc, f"{what} name '{name}' is not snake_case", hint)


def _check_type_names(model: Model, errors: Collector) -> None:
    seen: dict[str, tuple[str, str, Location]] = {}
    kinds = [("event", e.name, e.loc) for e in model.events]
    kinds += [("enum", e.name, e.loc) for e in model.enums] + [("object", o.name, o.loc) for o in model.objects]
    for kind, name, loc in sorted(kinds, key=lambda k: k[2]):
        _snake(name, loc, kind, errors)
        too_long(name, loc, f"{kind} name", errors)
        mine = pascal(name)
        if mine in RESERVED_TYPE_NAMES:
            errors.error(loc, f"{kind} name '{name}' is reserved for the envelope's own types "
                              f"('{mine}' in the .proto)",
                         f"rename it, e.g. '{name}_info'")
        key = mine.lower()
        if key in seen:
            other_kind, other_name, other_loc = seen[key]
            theirs = pascal(other_name)
            if mine == theirs:
                message = (f"{kind} '{name}' and {other_kind} '{other_name}' (at {other_loc}) both become "
                           f"the type '{mine}' in generated code")
            else:
                message = (f"{kind} '{name}' becomes the type '{mine}' and {other_kind} '{other_name}' "
                           f"(at {other_loc}) the type '{theirs}', the same name when case is ignored: Kotlin "
                           f"and Swift write each type to a file named after it, and case-insensitive file "
                           f"systems (macOS, Windows) cannot tell such files apart")
            errors.error(loc, message, "rename one of them")
        else:
            seen[key] = (kind, name, loc)


def _check_properties(owner: str, properties: Iterable[Property], reserved: Reserved, errors: Collector) -> None:
    numbers: dict[int, Property] = {}
    identifiers: dict[str, Property] = {}
    for prop in sorted(properties, key=lambda p: p.loc):
        _snake(prop.name, prop.loc, "property", errors)
        if prop.number in numbers:
            errors.error(prop.loc, f"property '{prop.name}' of {owner} reuses number {prop.number} "
                                   f"of '{numbers[prop.number].name}'", "give each property its own number")
        else:
            numbers[prop.number] = prop
        if reserved.has_number(prop.number):
            errors.error(prop.loc, f"property '{prop.name}' of {owner} uses reserved number {prop.number}",
                         "reserved numbers may never be reused: pick a new number")
        if prop.name in reserved.names:
            errors.error(prop.loc, f"property name '{prop.name}' of {owner} is reserved",
                         "reserved names may never be reused: pick a new name")
        ident = camel(prop.name)
        other = identifiers.get(ident)
        if other:
            # Fields are not files: here the comparison keeps case.
            errors.error(prop.loc, f"property '{prop.name}' of {owner} becomes the field '{ident}' in camelCase, "
                                   f"like property '{other.name}' (at {other.loc})", "rename one of them")
        identifiers.setdefault(ident, prop)


def _check_events(model: Model, errors: Collector) -> None:
    numbers: dict[int, str] = {}
    for event in sorted(model.events, key=lambda e: e.loc):
        if event.number in numbers:
            errors.error(event.loc, f"event '{event.name}' reuses number {event.number} of '{numbers[event.number]}'",
                         "give each event its own number")
        elif event.number:
            numbers[event.number] = event.name
        if model.reserved_events.has_number(event.number):
            errors.error(event.loc, f"event '{event.name}' uses reserved event number {event.number}",
                         "reserved numbers may never be reused: pick a new number")
        if event.name in model.reserved_events.names:
            errors.error(event.loc, f"event name '{event.name}' is reserved", "pick a new name")


def _check_enums(model: Model, errors: Collector) -> None:
    identifiers: dict[str, str] = {}
    for enum in model.enums:
        identifiers[enum_unspecified_name(enum.name)] = f"the implicit unspecified value of '{enum.name}'"
    for enum in model.enums:
        numbers: dict[int, str] = {}
        for value in sorted(enum.values, key=lambda v: v.loc):
            where = f"value '{value.name}' of enum '{enum.name}'"
            if not enum_value_token(value.name):
                errors.error(value.loc, f"{where} has no letter A-Z or digit 0-9 when upper-cased, "
                                        "so it has no name on the wire",
                             "wire names keep only ASCII letters and digits: add some (e.g. 'ja' for '日本')")
                continue
            if value.number in numbers:
                errors.error(value.loc, f"{where} reuses number {value.number} of '{numbers[value.number]}'",
                             "give each value its own number")
            numbers.setdefault(value.number, value.name)
            if enum.reserved.has_number(value.number):
                errors.error(value.loc, f"{where} uses reserved number {value.number}",
                             "reserved numbers may never be reused: pick a new number")
            if value.name in enum.reserved.names:
                errors.error(value.loc, f"{where} uses a reserved name",
                             "reserved names may never be reused: pick a new name")
            ident = enum_value_json_name(enum.name, value.name)
            if ident in identifiers:
                errors.error(value.loc, f"{where} becomes '{ident}' on the wire, like {identifiers[ident]}",
                             "rename one of them")
            else:
                identifiers[ident] = f"{where} (at {value.loc})"


def _check_cycles(model: Model, errors: Collector) -> None:
    """Report each cycle once. Iterative depth-first search: linear in the
    model's size, and no recursion limit on long chains of objects."""
    edges = {
        o.name: sorted({str(p.type.leaf.name) for p in o.properties if p.type.leaf.kind is Kind.OBJECT})
        for o in model.objects
    }
    locs = {o.name: o.loc for o in model.objects}
    done: set[str] = set()
    for root in sorted(edges):
        if root in done:
            continue
        path = [root]
        stack = [iter(edges[root])]
        while stack:
            target = next(stack[-1], None)
            if target is None:
                done.add(path.pop())
                stack.pop()
            elif target in path:
                cycle = path[path.index(target):] + [target]
                errors.error(locs[target], "objects refer to each other in a cycle: " + " -> ".join(cycle),
                             "break the cycle: an event value must be finite")
            elif target in edges and target not in done:
                path.append(target)
                stack.append(iter(edges[target]))


def _check_auto(model: Model, errors: Collector) -> None:
    seen: dict[str, str] = {}
    for prop in model.context.properties:
        if prop.auto is None:
            continue
        if prop.auto.value in seen:
            errors.error(prop.loc, f"context property '{prop.name}' has auto value '{prop.auto.value}', "
                                   f"which already fills '{seen[prop.auto.value]}'",
                         "fill each auto value into one property")
        else:
            seen[prop.auto.value] = prop.name
    if AutoValue.CONSENT.value not in seen and model.context.loc != NOWHERE:
        free = max((p.number for p in model.context.properties), default=0) + 1
        errors.error(model.context.loc, "the context has no property with 'auto: consent'",
                     f"add e.g. 'consent: {{number: {free}, type: list<string>, auto: consent, privacy: none}}': "
                     "every event carries the purposes granted when it was tracked")


def _check_purposes(model: Model, errors: Collector) -> None:
    identifiers: dict[str, str] = {}
    for purpose in model.purposes:
        _snake(purpose.name, purpose.loc, "purpose", errors)
        # Each SDK names a purpose in camelCase or UPPER_SNAKE case (an enum member).
        ident = camel(purpose.name)
        if ident in identifiers:
            errors.error(purpose.loc, f"purpose '{purpose.name}' becomes '{ident}' in camelCase, like purpose "
                                      f"'{identifiers[ident]}'", "rename one of them")
        identifiers.setdefault(ident, purpose.name)


def _check_satisfiable_patterns(properties: Iterable[Property], errors: Collector) -> None:
    """Every SDK's tests need a value that meets a string's pattern and
    lengths together; a pattern that no such value can match is a model error."""
    from codegen.loading.pattern_solver import matching

    for prop in properties:
        c = prop.constraints
        if c.pattern is None:
            continue
        if matching(c.pattern, c.min_length, c.max_length) is None or matching(
            c.pattern, c.min_length, c.max_length, longest=True
        ) is None:
            lengths = f"{c.min_length if c.min_length is not None else 0} to " + (
                f"{c.max_length}" if c.max_length is not None else "any number of")
            errors.error(prop.loc, f"no string of {lengths} characters that codegen can find matches the "
                                   f"pattern of property '{prop.name}'",
                         "make the pattern and min_length/max_length agree (e.g. [a-z]{10} needs max_length >= 10)")
