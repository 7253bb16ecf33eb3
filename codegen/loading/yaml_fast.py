"""The fast path for well-formed model files.

Composing PyYAML nodes, resolving and constructing every scalar in Python
costs several seconds on a 2,000-event model. Most model files use plain
YAML only, so we build located values straight from libyaml's event stream
and resolve each distinct plain scalar once. Anything unusual (aliases,
anchors, tags, merge keys, duplicate or non-text keys, several documents,
a syntax error) returns None, and the careful path in `yaml_nodes` reports
it precisely.
"""

from __future__ import annotations

from functools import lru_cache

import yaml

from codegen.ir import Location
from codegen.loading.yaml_nodes import MAX_DEPTH, LMap, LNode, LScalar, LSeq, scalar_at

_LOADER = getattr(yaml, "CSafeLoader", None)
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.SafeLoader("")


class Unusual(Exception):
    """The file needs the careful path."""


@lru_cache(maxsize=65536)
def plain_value(text: str) -> object:
    """The value of a plain (unquoted) scalar, as PyYAML's SafeLoader reads it."""
    if " " in text and not text[0].isdigit():
        return text  # of YAML 1.1's implicit types only timestamps hold a space, and they start with a digit
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    if tag == _STR_TAG:
        return text
    try:
        value = _RESOLVER.construct_object(yaml.ScalarNode(tag, text), deep=True)
    except Exception as exc:  # noqa: BLE001 - e.g. an impossible date: let the careful path judge
        raise Unusual from exc
    if not isinstance(value, (str, int, float, bool, type(None))):
        raise Unusual
    return value


def fast_load(text: str, file: str) -> LNode | None:
    if _LOADER is None:
        return None
    try:
        events = yaml.parse(text, Loader=_LOADER)
        root: list[LNode] = []
        stack: list[list[object]] = []  # [container, pending key] frames
        documents = 0
        for event in events:
            kind = type(event)
            if kind is yaml.ScalarEvent:
                if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                    raise Unusual
                mark = event.start_mark
                value = plain_value(event.value) if event.implicit[0] and not event.style else event.value
                _add(stack, root, scalar_at(value, file, mark.line + 1, mark.column + 1), event.value)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                    raise Unusual
                mark = event.start_mark
                loc = Location(file, mark.line + 1, mark.column + 1)
                node: LNode = LMap(loc=loc) if kind is yaml.MappingStartEvent else LSeq([], loc)
                _add(stack, root, node, None)
                stack.append([node, None])
                if len(stack) > MAX_DEPTH:
                    raise Unusual
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                if frame[1] is not None:
                    raise Unusual
            elif kind is yaml.AliasEvent:
                raise Unusual
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise Unusual
    except (yaml.YAMLError, RecursionError, ValueError, Unusual):
        return None
    return root[0] if len(root) == 1 else None


def _add(stack: list[list[object]], root: list[LNode], node: LNode, key_text: str | None) -> None:
    if not stack:
        root.append(node)
        return
    frame = stack[-1]
    container = frame[0]
    if isinstance(container, LSeq):
        container.items.append(node)
        return
    assert isinstance(container, LMap)
    pending = frame[1]
    if pending is None:
        # A key: keys are names and keep their text as written.
        if not isinstance(node, LScalar) or key_text is None or not key_text.strip() or key_text == "<<":
            raise Unusual
        if key_text in container.entries:
            raise Unusual
        frame[1] = scalar_at(key_text, node[1], node[2], node[3])
        return
    assert isinstance(pending, LScalar)
    container.entries[str(pending.value)] = (pending, node)
    frame[1] = None
