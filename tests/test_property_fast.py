"""The fast path for properties (`codegen.loading.property_fast`) against
`read_property`: on every property of every YAML file in the repository and
on random property mappings, it either declines (None) or returns exactly
what `read_property` returns, and `read_property` then reports nothing."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.diagnostics import Collector
from codegen.ir import Location
from codegen.loading.properties import TypeNames, read_property
from codegen.loading.property_fast import fast_property
from codegen.loading.yaml_lines import lines_load
from codegen.loading.yaml_nodes import LMap, LNode, LScalar, load_yaml

ROOT = Path(__file__).resolve().parents[1]
HERE = Location("f.yaml", 3, 7)
NAMES = TypeNames(enums={"color", "kind"}, objects={"point"}, enum_values={"color": {"red"}, "kind": {"a"}})


def _agree(node: LNode, names: TypeNames = NAMES) -> bool:
    fast = fast_property("p", HERE, node, names)
    if fast is None:
        return False
    errors = Collector()
    general = read_property("p", HERE, node, "event 'e'", names, errors)
    assert errors.diagnostics == [], (node, errors.diagnostics)
    assert repr(fast) == repr(general), (fast, general)  # repr: 1 and 1.0 differ, locations count
    return True


def _property_nodes(node: LNode) -> list[LNode]:
    """Every value under a 'properties' key."""
    found: list[LNode] = []
    if isinstance(node, LMap):
        for key, (_, value) in node.entries.items():
            if key == "properties" and isinstance(value, LMap):
                found += [v for _, v in value.entries.values()]
            found += _property_nodes(value)
    return found


def test_every_property_in_the_repository() -> None:
    taken = 0
    for path in sorted(ROOT.glob("**/*.y*ml")):
        if ".venv" in path.parts or "node_modules" in path.parts or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        tree = lines_load(text, "f.yaml") or load_yaml(text, "f.yaml", Collector())
        for node in _property_nodes(tree) if tree is not None else ():
            taken += _agree(node)
    assert taken >= 100, taken


def _scalar(value: object, column: int) -> LScalar:
    return LScalar(value, Location("f.yaml", 3, column))


VALUES = st.one_of(
    st.sampled_from([0, 1, 2, 5, 10, 19000, 19999, 20000, 2**29 - 1, 2**29, -1, -2**31, 2**31 - 1, 2**31, 2**63,
                     -2**63, 2**64, True, False, None, 0.0, -0.0, 1.5, 1e300, float("inf"), float("nan"), 3.0]),
    st.sampled_from(["string", "int32", "uint32", "int64", "double", "float", "bool", "bytes", "timestamp",
                     "color", "point", "list<string>", "map<string, int32>", "list<int32>", "list<list<x>>",
                     "strng", "none", "personal", "sensitive", "pseudonymous", "x", " The id. ", "a\nb",
                     "[a-z]+", "^a$", "\\d", "(", ""]),
)
TYPES = ["string", "int32", "uint64", "double", "float", "color", "point", "list<string>", "list<int32>",
         "map<string, double>", "bool"]
GOOD = {"required": [True, False], "description": ["The id.", " Padded. "], "min": [0, 1, -5, 0.5, -0.0],
        "max": [10, 100, 2.5, 2**32], "min_length": [0, 1], "max_length": [5, 64], "min_items": [0, 1],
        "max_items": [3, 10], "pattern": ["[a-z]+", "[0-9]{2}", "^x"]}
KEYS = ["number", "type", "privacy", "required", "description", "min", "max", "min_length", "max_length",
        "pattern", "min_items", "max_items", "const", "examples", "deprecated", "auto", "unknown"]


@st.composite
def property_nodes(draw: st.DrawFn) -> LMap:
    entries: dict[str, tuple[LScalar, LNode]] = {
        "number": (_scalar("number", 8), _scalar(draw(st.sampled_from([1, 2, 7]) | st.sampled_from([1, 19000, 0, "1", True])), 16)),
        "type": (_scalar("type", 19), _scalar(draw(st.sampled_from(TYPES) | st.sampled_from(TYPES) | VALUES), 25)),
        "privacy": (_scalar("privacy", 33), _scalar(draw(st.sampled_from(["none", "personal"]) | st.sampled_from(["none", "x", 1])), 42)),
    }
    extra = st.sampled_from(KEYS[3:12]) | st.sampled_from(KEYS)
    for index, key in enumerate(draw(st.lists(extra, max_size=4, unique=True))):
        good = st.sampled_from(GOOD.get(key, [None]))
        value = draw(good | good | VALUES)
        entries[key] = (_scalar(key, 50 + 20 * index), _scalar(value, 60 + 20 * index))
    return LMap(entries, Location("f.yaml", 3, 7))


@settings(max_examples=1500, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(node=property_nodes())
def test_random_properties(node: LMap) -> None:
    _agree(node)
