"""Property test of the whole command line: random models, valid or broken,
with hostile names and text, through `validate` and `build` of every
registered target, in the CLI's own entry point. Whatever the model, the
exit code is 0 or 1, never 3 (an internal error), and nothing prints a
traceback or an unescaped control character. Bounded: 30 models.
"""

from __future__ import annotations

import contextlib
import io
import keyword
import os
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.cli import main
from codegen.terminal import UNSAFE

FEW = settings(max_examples=30, deadline=None, derandomize=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Words that are keywords, builtins or standard type names somewhere.
TRICKY = sorted(set(keyword.kwlist) | {
    "object", "string", "type", "fun", "val", "var", "when", "is", "in", "self", "super", "init", "deinit",
    "protocol", "struct", "extension", "let", "func", "import", "package", "internal", "interface", "enum",
    "list", "map", "set", "int", "str", "bytes", "float", "bool", "dict", "any", "unit", "nothing", "result",
    "error", "data", "codable", "hashable", "equatable", "sendable", "date", "url", "uuid", "json", "promise",
    "constructor", "prototype", "proto", "to_string", "hash_code", "equals", "copy", "validate", "encode",
})
snake = st.one_of(
    st.from_regex(r"[a-z][a-z0-9]{0,8}(_[a-z0-9]{1,4}){0,2}", fullmatch=True),
    st.sampled_from([w for w in TRICKY if w.islower()]),
    st.sampled_from(TRICKY).map(str.lower),
    st.integers(124, 129).map(lambda n: "n" * n),  # at the file-name limit, and one over it
)
free_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
value_name = st.one_of(snake, free_text.map(lambda t: t + "v"), free_text)
SCALARS = ["string", "bool", "int32", "int64", "uint32", "uint64", "float", "double", "timestamp", "bytes"]


@st.composite
def models(draw: st.DrawFn) -> dict[str, str]:
    enum_names = draw(st.lists(snake, min_size=1, max_size=2, unique=True))
    enums = []
    for enum in enum_names:
        values = draw(st.lists(value_name, min_size=1, max_size=3, unique=True))
        body = ", ".join(f"{_quote(v)}: {i}" for i, v in enumerate(values, start=1))
        enums.append(f"  {enum}: {{description: {_quote(draw(free_text))}, values: {{{body}}}}}")
    events = []
    for number, event in enumerate(draw(st.lists(snake, min_size=1, max_size=3, unique=True)), start=10):
        lines = [f"  {event}:", f"    number: {number}", f"    description: {_quote(draw(free_text))}",
                 "    owner: team@example.com", "    purposes: [necessary]", "    properties:"]
        for field, prop in enumerate(draw(st.lists(snake, min_size=1, max_size=4, unique=True)), start=1):
            kind = draw(st.sampled_from(SCALARS + enum_names))
            kind = draw(st.sampled_from([kind, f"list<{kind}>", f"map<string, {kind}>"]))
            lines.append(f"      {prop}: {{number: {field}, type: '{kind}', privacy: none, "
                         f"required: {draw(st.booleans()).__str__().lower()}, description: {_quote(draw(free_text))}}}")
        events += lines
    package = draw(snake)
    return {
        "model.yaml": f"model: {{name: {_quote(draw(free_text) or 'm')}, namespace: shop.v1, version: 1.0.0}}\n"
                      f"targets:\n  python: {{package: {package}}}\n  swift: {{module: {package.title()}}}\n"
                      "purposes:\n  necessary: {description: Running the shop., lawful_basis: legitimate_interest, "
                      "retention_days: 30}\n"
                      "context:\n  properties:\n    event_id: {number: 1, type: string, auto: event_id, privacy: none}\n"
                      "    consent: {number: 2, type: list<string>, auto: consent, privacy: none}\n",
        "enums.yaml": "enums:\n" + "\n".join(enums) + "\n",
        "events.yaml": "events:\n" + "\n".join(events) + "\n",
    }


def _quote(text: str) -> str:
    """A YAML double-quoted scalar that reads back as `text`."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable() and char not in "\x85\u2028\u2029":
            out.append(char)
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def _exit_code(root: Path, *args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["codegen", "--model", str(root / "m"), *args]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as exc:
                return int(exc.code or 0), out.getvalue() + err.getvalue()
    finally:
        sys.argv = argv
    return 0, out.getvalue() + err.getvalue()


@FEW
@given(files=models())
def test_any_model_exits_0_or_1(files: dict[str, str]) -> None:
    os.environ.pop("CODEGEN_DEBUG", None)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "m").mkdir()
        for name, text in files.items():
            (root / "m" / name).write_text(text, encoding="utf-8")
        for args in (("validate",), ("build", "--out", str(root / "out"))):
            code, output = _exit_code(root, *args)
            assert code in (0, 1), (args, output)
            assert "Traceback" not in output and "internal error" not in output, output
            assert not UNSAFE.search(output), output
