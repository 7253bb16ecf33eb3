"""Events, diagnostics and located YAML as plain JSON values, and back, for
the model cache (`model_cache.py`): what is decoded equals what was encoded,
locations included (tests/test_model_cache.py compares whole models).

Every location of a file's entry is in that file, so it is written as
[line, column] (with the file only when it is another). Types and
constraints repeat across a model's properties: each entry holds a table
of them and properties name a row.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from codegen.diagnostics import Diagnostic
from codegen.ir import AutoValue, Constraints, Deprecation, Event, Kind, Location, Privacy, Property, Reserved, Scalar, TypeRef
from codegen.loading.yaml_nodes import LMap, LNode, LScalar, LSeq

_PRIVACY = {p.value: p for p in Privacy}
_AUTO = {a.value: a for a in AutoValue}
_KIND = {k.value: k for k in Kind}
_SCALAR = {s.value: s for s in Scalar}
_PLAIN = (str, int, float, bool, type(None))
NO_RESERVED = Reserved()
NO_CONSTRAINTS = Constraints()


_new = object.__new__
_new_tuple = tuple.__new__
# Property's slots in the order of its fields (and of its __init__'s arguments).
_PROPERTY_FIELDS = tuple(getattr(Property, f.name).__set__ for f in fields(Property))


class Uncacheable(Exception):
    """A value the codec does not write (the file is then read every time)."""


def _loc(loc: Location, file: str) -> list[Any]:
    return [loc[1], loc[2]] if loc[0] == file else [loc[0], loc[1], loc[2]]


def _unloc(data: list[Any], file: str) -> Location:
    if len(data) == 2:
        return tuple.__new__(Location, (file, data[0], data[1]))
    return tuple.__new__(Location, (data[0], data[1], data[2]))


def _plain(value: object) -> object:
    if type(value) not in _PLAIN:
        raise Uncacheable(type(value).__name__)
    return value


class EventWriter:
    """Encodes the events of one file, with the tables they share."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.types: dict[TypeRef, int] = {}
        self.constraints: dict[tuple[Any, ...], int] = {}
        self.constraint_rows: list[tuple[Any, ...]] = []

    def tables(self) -> dict[str, list[Any]]:
        return {"types": [_type(t) for t in self.types], "constraints": [list(c) for c in self.constraint_rows]}

    def event(self, event: Event) -> list[Any]:
        return [event.name, event.number, [self._property(p) for p in event.properties], event.description,
                event.owner, list(event.products), list(event.platforms), _reserved(event.reserved),
                _deprecation(event.deprecation), _loc(event.loc, self.file), list(event.purposes)]

    def _property(self, prop: Property) -> list[Any]:
        type_row = self.types.setdefault(prop.type, len(self.types))
        c = prop.constraints
        # Kept as written: min 1 is not min 1.0 (a float is written with its point).
        values = tuple(_plain(v) for v in (c.minimum, c.maximum, c.min_length, c.max_length, c.pattern,
                                           c.min_items, c.max_items))
        shape = tuple((type(v).__name__, repr(v)) for v in values)  # 1, 1.0 and True apart
        row = self.constraints.get(shape)
        if row is None:
            row = self.constraints[shape] = len(self.constraint_rows)
            self.constraint_rows.append(values)
        return [prop.name, prop.number, type_row, prop.required, prop.privacy.value, prop.description, row,
                _plain(prop.const), prop.auto.value if prop.auto is not None else None,
                _deprecation(prop.deprecation), [_plain(e) for e in prop.examples], _loc(prop.loc, self.file),
                list(prop.purposes)]


def _type(t: TypeRef) -> list[Any]:
    return [t.kind.value, t.scalar.value if t.scalar is not None else None, t.name,
            _type(t.element) if t.element is not None else None]


def _untype(data: list[Any]) -> TypeRef:
    kind, scalar, name, element = data
    return TypeRef(_KIND[kind], _SCALAR[scalar] if scalar is not None else None, name,
                   _untype(element) if element is not None else None)


def _reserved(reserved: Reserved) -> list[Any] | None:
    if reserved == NO_RESERVED:
        return None
    return [[list(r) for r in reserved.numbers], list(reserved.names)]


def _unreserved(data: list[Any] | None) -> Reserved:
    if data is None:
        return NO_RESERVED
    return Reserved(tuple((low, high) for low, high in data[0]), tuple(data[1]))


def _deprecation(deprecation: Deprecation | None) -> list[Any] | None:
    return None if deprecation is None else [deprecation.reason, deprecation.since, deprecation.removal]


def _undeprecation(data: list[Any] | None) -> Deprecation | None:
    return None if data is None else Deprecation(data[0], data[1], data[2])


class EventReader:
    """Decodes the events of one file's entry."""

    def __init__(self, file: str, tables: dict[str, list[Any]]) -> None:
        self.file = file
        self.types = [_untype(t) for t in tables["types"]]
        self.constraints = [NO_CONSTRAINTS if not any(v is not None for v in row) else Constraints(*row)
                            for row in tables["constraints"]]

    def event(self, data: list[Any]) -> Event:
        name, number, props, description, owner, products, platforms, reserved, deprecation, loc, purposes = data
        return Event(name, number, tuple([self._property(p) for p in props]), description, owner, tuple(products),
                     tuple(platforms), _unreserved(reserved), _undeprecation(deprecation), _unloc(loc, self.file),
                     tuple(purposes))

    def _property(self, data: list[Any]) -> Property:
        # The hot path of a cached load (a property at a time): fields set as
        # Property's __init__ sets them, with less overhead.
        name, number, type_row, required, privacy, description, row, const, auto, deprecation, examples, loc, \
            purposes = data
        prop = _new(Property)
        for setter, value in zip(_PROPERTY_FIELDS, (
                name, number, self.types[type_row], required, _PRIVACY[privacy], description, self.constraints[row],
                const, None if auto is None else _AUTO[auto], None if deprecation is None else _undeprecation(deprecation),
                tuple(examples) if examples else (),
                _new_tuple(Location, (self.file, loc[0], loc[1])) if len(loc) == 2 else _unloc(loc, self.file),
                tuple(purposes) if purposes else ())):
            setter(prop, value)
        return prop


def diagnostics(found: list[Diagnostic], file: str) -> list[Any]:
    return [[*_loc(d.loc, file), d.message, d.hint] for d in found]


def undiagnostics(data: list[Any], file: str) -> list[Diagnostic]:
    return [Diagnostic(_unloc(d[:-2], file), d[-2], d[-1]) for d in data]


# Located YAML: [0, value, line, column] a scalar (1 when it is invalid),
# [2, line, column, items...] a list, [3, line, column, key, key scalar, value, ...]
# a mapping, [4] an event left out (the events of a file are cached as IR).
class Placeholder:
    """An event of a cached file, in place of its located YAML."""

    __slots__ = ("file", "name")

    def __init__(self, file: str, name: str) -> None:
        self.file = file
        self.name = name


def tree(node: LNode, file: str, events: bool = False) -> list[Any]:
    """The located YAML of a file; `events`: the top level, whose events
    section's values are left out."""
    if type(node) is LScalar:
        if node[1] != file:
            raise Uncacheable("a value located in another file")
        return [1 if node[4] else 0, _plain(node[0]), node[2], node[3]]
    if node.loc[0] != file:
        raise Uncacheable("a value located in another file")
    if type(node) is LSeq:
        return [2, node.loc[1], node.loc[2], *(tree(item, file) for item in node.items)]
    out: list[Any] = [3, node.loc[1], node.loc[2]]
    for key, (key_node, value) in node.entries.items():
        if events and key == "events" and type(value) is LMap:
            out += [key, tree(key_node, file), _events_tree(value, file)]
        else:
            out += [key, tree(key_node, file), tree(value, file)]
    return out


def _events_tree(node: LMap, file: str) -> list[Any]:
    out: list[Any] = [3, node.loc[1], node.loc[2]]
    for key, (key_node, _value) in node.entries.items():
        out += [key, tree(key_node, file), [4]]
    return out


def untree(data: list[Any], file: str) -> Any:
    """The located YAML `tree` wrote; ValueError for anything it cannot have written."""
    tag = data[0]
    if type(tag) is not int or type(data[-2 if tag < 2 else 1]) is not int:
        raise ValueError("a node without its tag or line")
    if tag < 2:
        if len(data) != 4 or type(data[3]) is not int or type(data[1]) not in _PLAIN:
            raise ValueError("a broken scalar")
        return tuple.__new__(LScalar, (data[1], file, data[2], data[3], tag == 1))
    if type(data[2]) is not int:
        raise ValueError("a collection without its column")
    loc = tuple.__new__(Location, (file, data[1], data[2]))
    if tag == 2:
        return LSeq([untree(item, file) for item in data[3:]], loc)
    if tag != 3 or len(data) % 3:
        raise ValueError(f"a broken node (tag {tag!r})")
    entries = {}
    for i in range(3, len(data), 3):
        key, key_node, value = data[i], untree(data[i + 1], file), data[i + 2]
        if type(key) is not str or type(key_node) is not LScalar:
            raise ValueError("a broken key")
        entries[key] = (key_node, Placeholder(file, key) if value == [4] else untree(value, file))
    return LMap(entries, loc)
