"""`reserved:` blocks: numbers (single or 'low-high' ranges) and names that
may never be reused."""

from __future__ import annotations

import re

from codegen.diagnostics import Collector
from codegen.ir import Reserved
from codegen.loading.reader import MapReader, describe
from codegen.loading.yaml_nodes import LNode, LScalar, LSeq

_RANGE = re.compile(r"^\s*([0-9]+)\s*-\s*([0-9]+)\s*$")


def read_reserved(node: LNode | None, owner: str, errors: Collector) -> Reserved:
    if node is None:
        return Reserved()
    reader = MapReader(node, f"'reserved' of {owner}", errors, ("numbers", "names"))
    ranges: list[tuple[int, int]] = []
    numbers = reader.raw("numbers")
    items = numbers.items if isinstance(numbers, LSeq) else ([numbers] if numbers else [])
    for item in items:
        if isinstance(item, LScalar) and item.invalid:
            continue
        value = item.value if isinstance(item, LScalar) else None
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            ranges.append((value, value))
            continue
        match = _RANGE.match(value) if isinstance(value, str) else None
        if match and int(match.group(1)) <= int(match.group(2)):
            ranges.append((int(match.group(1)), int(match.group(2))))
            continue
        if match:
            errors.error(item.loc, f"the reserved range '{value}' runs backwards",
                         f"write the lower number first: '{match.group(2)}-{match.group(1)}'")
            continue
        errors.error(item.loc, f"reserved numbers must be numbers or ranges like '5-9', got {describe(item)}",
                     "write numbers: [3, '5-9']")
    names = [n.value for n in reader.text_list("names") or [] if isinstance(n.value, str)]
    return Reserved(numbers=tuple(sorted(set(ranges))), names=tuple(sorted(set(names))))
