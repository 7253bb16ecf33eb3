"""The line reader (`codegen.loading.yaml_lines`) against libyaml: on every
YAML file of the repository and on random documents of the plain style (and
random damage to them), it either declines (None) or gives exactly the
values and locations that libyaml's event stream gives, and that the careful
PyYAML path gives."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.diagnostics import Collector
from codegen.loading.yaml_fast import fast_load
from codegen.loading.yaml_lines import lines_load
from codegen.loading.yaml_nodes import LMap, LNode, LScalar, LSeq, load_yaml

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(p for p in ROOT.glob("**/*.y*ml") if ".venv" not in p.parts and "node_modules" not in p.parts
               and p.is_file())
MANY = settings(max_examples=400, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _reference(text: str) -> LNode | None:
    """What the other two paths make of the text (they must agree with each other)."""
    careful = load_yaml(text, "f.yaml", Collector())
    fast = fast_load(text, "f.yaml")
    if fast is not None:
        assert _same(fast, careful), "libyaml and PyYAML disagree"
    return careful


def _same(a: LNode | None, b: LNode | None) -> bool:
    """Equal values and locations, and equal types (1 and True are not the same value)."""
    if isinstance(a, LScalar) and isinstance(b, LScalar):
        return a == b and type(a.value) is type(b.value)
    if isinstance(a, LSeq) and isinstance(b, LSeq):
        return a.loc == b.loc and len(a.items) == len(b.items) and all(map(_same, a.items, b.items))
    if isinstance(a, LMap) and isinstance(b, LMap):
        return a.loc == b.loc and list(a.entries) == list(b.entries) and all(
            _same(a.entries[k][0], b.entries[k][0]) and _same(a.entries[k][1], b.entries[k][1]) for k in a.entries)
    return a is None and b is None


def _check(text: str) -> bool:
    """True when the line reader took the text (and was right)."""
    mine = lines_load(text, "f.yaml")
    if mine is None:
        return False
    assert _same(mine, _reference(text)), text
    return True


def test_every_yaml_file_in_the_repository() -> None:
    taken = 0
    for path in FILES:
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        taken += _check(text)
    assert taken >= 100, taken  # the bundled model, test models, corpus cases


# Random documents in (and near) the plain style.
SAFE = ["a", "b", "page_view", "number", "type", "HD ready", "4k", "1.5", "yes", "no", "on", "null", "~",
        "true", "False", "0x1f", "0o17", "017", "1_000", "-1", "+1", ".5", "1e6", "1.0e+6", ".inf", "-.inf",
        ".nan", "2027-06-30", "2001-12-14t21:59:43.10-05:00", "http://x.example/a?b=c", "it's", 'say "hi"',
        "é", "日本", "--", "a.b", "x-y", "The page was shown."]
ODD = ["2027-13-45", "a#b", "a: b", "a:b", "x, y", "[x]", "{x}", "- x", "#", "", " ", "a  b", "-", "---", "...",
       "?", "? x", "!x", "&x", "*x", "|", ">", "%x", "@x", "`x", "a #b", "<<", "a:", "'", '"']
words = st.one_of(st.sampled_from(SAFE), st.sampled_from(SAFE), st.sampled_from(SAFE), st.sampled_from(ODD))
KEYS = ["a", "b", "page_view", "number", "type", "HD ready", "4k", "1.5", "yes", "null", "x-y", "a.b", "0x1f"]
keys = st.one_of(st.sampled_from(KEYS), st.sampled_from(KEYS), st.sampled_from(KEYS), words)


def _scalar(draw: st.DrawFn) -> str:
    word = draw(words)
    style = draw(st.sampled_from(["plain", "plain", "single", "double"]))
    if style == "single":
        return "'" + word.replace("'", "''") + "'"
    if style == "double":
        return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return word


@st.composite
def flow(draw: st.DrawFn, depth: int = 0) -> str:
    if draw(st.booleans()):
        items = [_scalar(draw) if depth > 1 or draw(st.booleans()) else draw(flow(depth + 1))
                 for _ in range(draw(st.integers(0, 4)))]
        return "[" + draw(st.sampled_from([", ", ",", " , "])).join(items) + "]"
    entries = [f"{draw(keys)}{i}: {_scalar(draw) if depth > 1 or draw(st.booleans()) else draw(flow(depth + 1))}"
               for i in range(draw(st.integers(0, 4)))]
    return "{" + ", ".join(entries) + "}"


@st.composite
def block(draw: st.DrawFn, indent: int = 0, depth: int = 0) -> list[str]:
    lines: list[str] = []
    pad = " " * indent
    for index in range(draw(st.integers(1, 4))):
        key = draw(keys) + (str(index) if index else "")
        kind = draw(st.sampled_from(["scalar", "scalar", "flow", "nested", "list", "literal", "empty", "comment"]))
        comment = draw(st.sampled_from(["", "", "  # note", " #x"]))
        if kind == "nested" and depth < 3:
            lines.append(f"{pad}{key}:{comment}")
            lines += draw(block(indent + draw(st.sampled_from([2, 4])), depth + 1))
        elif kind == "list":
            lines.append(f"{pad}{key}:")
            item_pad = pad + draw(st.sampled_from(["", "  "]))
            lines += [f"{item_pad}- {_scalar(draw) if draw(st.booleans()) else draw(flow())}"
                      for _ in range(draw(st.integers(1, 3)))]
        elif kind == "literal":
            header = draw(st.sampled_from(["|", "|", "|-", "|+", "|2", ">"]))
            lines.append(f"{pad}{key}: {header}{comment}")
            body_pad = pad + "  "
            lines += [body_pad + draw(words) if draw(st.integers(0, 4)) else "" for _ in range(draw(st.integers(0, 3)))]
        elif kind == "empty":
            lines.append(f"{pad}{key}:{comment}")
        elif kind == "comment":
            lines.append(f"{pad}# {draw(words)}")
            lines.append(f"{pad}{key}: {_scalar(draw)}")
        else:
            value = draw(flow()) if kind == "flow" else _scalar(draw)
            lines.append(f"{pad}{key}: {value}{comment}")
        if draw(st.integers(0, 5)) == 0:
            lines.append("")
    return lines


@MANY
@given(lines=block(), ending=st.sampled_from(["\n", "", "\n\n"]))
def test_random_plain_style_documents(lines: list[str], ending: str) -> None:
    _check("\n".join(lines) + ending)


@MANY
@given(lines=block(), data=st.data())
def test_random_damage(lines: list[str], data: st.DataObject) -> None:
    text = "\n".join(lines) + "\n"
    at = data.draw(st.integers(0, len(text)))
    junk = data.draw(st.sampled_from([" ", "  ", "\n", "\n  ", ":", ": ", "- ", "#", "'", '"', "{", "}", "[",
                                      "]", ",", "\t", "\r", "\ufeff", "\x85", "|", "&a ", "*a", "!t ", "\\"]))
    _check(text[:at] + junk + text[at:])
