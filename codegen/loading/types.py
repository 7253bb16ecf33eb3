"""Type expressions of the model language: a scalar name, the name of an enum
or object, `list<T>` or `map<string, T>`."""

from __future__ import annotations

import re

from codegen.ir import Kind, Scalar, TypeRef

SCALARS = {s.value: s for s in Scalar}
_GENERIC = re.compile(r"^(list|map)\s*<\s*(.*?)\s*>$")


class TypeError_(ValueError):
    """A type expression that cannot be read; args are (message, hint)."""


def parse_type(text: str, enums: set[str], objects: set[str]) -> TypeRef:
    text = text.strip()
    generic = _GENERIC.match(text)
    if generic:
        container, inner = generic.groups()
        if container == "map":
            key, _, value = inner.partition(",")
            if not value:
                raise TypeError_(f"'{text}' needs a key and a value type", "write map<string, VALUE>")
            if key.strip() != "string":
                raise TypeError_(f"map keys must be strings, not '{key.strip()}'",
                                 "write map<string, VALUE>")
            inner = value.strip()
        # Checked before recursing: a deeply nested text must not exhaust the stack.
        if _GENERIC.match(inner):
            raise TypeError_(
                f"'{text}' nests a list or map inside a {container}, which Protobuf cannot express",
                "wrap the inner collection in an object",
            )
        element = parse_type(inner, enums, objects)
        return TypeRef(Kind.LIST if container == "list" else Kind.MAP, element=element)
    if text in SCALARS:
        return TypeRef(Kind.SCALAR, scalar=SCALARS[text])
    if text in enums:
        return TypeRef(Kind.ENUM, name=text)
    if text in objects:
        return TypeRef(Kind.OBJECT, name=text)
    if "<" in text or ">" in text:
        raise TypeError_(f"'{text}' is not a valid type", "write list<TYPE> or map<string, TYPE>")
    raise TypeError_(f"unknown type '{text}'", "")
