"""Case conversion shared by the validator, the exports and the targets.

Model names are snake_case; each target derives its identifiers from the
words here and then escapes them against its own keywords.
"""

from __future__ import annotations

import re
from functools import lru_cache

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")


def words(name: str) -> list[str]:
    return [w for w in name.split("_") if w]


@lru_cache(maxsize=65536)  # a large model asks for the same names again and again
def pascal(name: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in words(name))


@lru_cache(maxsize=65536)
def camel(name: str) -> str:
    result = pascal(name)
    return result[:1].lower() + result[1:]


@lru_cache(maxsize=65536)
def upper_snake(name: str) -> str:
    return "_".join(w.upper() for w in words(name))


def enum_value_token(value_name: str) -> str:
    """The model value name upper-cased (Unicode rules: 'straße' -> 'STRASSE'),
    every run of characters other than A-Z and 0-9 made one '_': Protobuf
    names are ASCII. May be '' (a name with no such letter) or start with a digit."""
    return _NOT_ALNUM.sub("_", value_name.upper()).strip("_")


def enum_value_json_name(enum_name: str, value_name: str) -> str:
    """The Protobuf identifier of an enum value, which is also its JSON name."""
    return f"{upper_snake(enum_name)}_{enum_value_token(value_name)}"


def enum_unspecified_name(enum_name: str) -> str:
    return f"{upper_snake(enum_name)}_UNSPECIFIED"
