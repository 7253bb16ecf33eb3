"""Property tests: whatever the input, the loader returns a Model or raises
ModelErrors whose every diagnostic is located (file, line >= 1, column >= 1;
line and column 0 only for a problem of the whole model directory).

Two generators: YAML-ish random text, and random mutations of the bundled
model's files (delete, duplicate or swap lines, change values and types,
re-indent, insert garbage, truncate). Kept well under 30 s.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.diagnostics import ModelErrors
from codegen.ir import Model
from codegen.loader import load_model

MODEL_DIR = Path(__file__).resolve().parents[1] / "event_model"
MODEL_FILES = {p.relative_to(MODEL_DIR).as_posix(): p.read_text(encoding="utf-8")
               for p in sorted(MODEL_DIR.rglob("*.yaml"))}
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what YAML counts as a line break
FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)

# Pieces of the model language and of YAML syntax, so that random text often
# reaches past the parser into the model checks.
WORDS = [
    "model", "context", "events", "enums", "objects", "targets", "properties", "values", "reserved",
    "numbers", "names", "number", "type", "privacy", "required", "description", "owner", "const",
    "auto", "deprecated", "reason", "since", "removal", "min", "max", "min_length", "max_length",
    "pattern", "min_items", "max_items", "examples", "products", "platforms", "name", "namespace",
    "version", "string", "int32", "uint64", "double", "bool", "timestamp", "bytes", "list<string>",
    "map<string, int32>", "list<list<x>>", "none", "personal", "event_id", "page_view", "1.0.0", "10",
    "0", "-1", "19000", "1e400", ".nan", "true", "null", "~", "yes", "2027-13-45", "'[a-z]+'", "'\\d'",
]
SYNTAX = [":", ": ", "\n", "\n  ", "\n    ", "- ", "[", "]", "{", "}", ", ", "#", "&a ", "*a", "!!int ",
          "<<: ", "---\n", "'", '"', "|\n  ", "\t", "\x00", "\ufeff", "é", "?", "%"]
yamlish = st.lists(st.sampled_from(WORDS + SYNTAX) | st.text(max_size=4), max_size=60).map("".join)


def _load(files: dict[str, str | bytes]) -> tuple[Path, Model | ModelErrors]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", newline="")
        try:
            return root, load_model(root)
        except ModelErrors as exc:
            return root, exc


def _check_located(root: Path, files: dict[str, str | bytes], result: Model | ModelErrors) -> None:
    if isinstance(result, Model):
        return
    assert result.diagnostics, "ModelErrors without diagnostics"
    lines = {name: len(LINE_BREAK.findall(c.decode("utf-8", "replace") if isinstance(c, bytes) else c)) + 1
             for name, c in files.items()}
    for diag in result.diagnostics:
        loc = diag.loc
        assert diag.message and diag.hint, diag
        assert "Traceback" not in diag.format()
        if loc.line == 0:
            assert loc.column == 0 and Path(loc.file) == root, diag
            continue
        assert loc.line >= 1 and loc.column >= 1, diag
        name = Path(loc.file).relative_to(root).as_posix() if Path(loc.file).is_absolute() else loc.file
        assert name in files, diag
        assert loc.line <= lines[name], diag
    result.format()


@settings(FAST, max_examples=250)
@given(text=yamlish)
def test_random_yamlish_text(text: str) -> None:
    files: dict[str, str | bytes] = {"a.yaml": text}
    root, result = _load(files)
    _check_located(root, files, result)


@settings(FAST, max_examples=60)
@given(text=yamlish, extra=yamlish)
def test_random_text_beside_the_bundled_model(text: str, extra: str) -> None:
    files: dict[str, str | bytes] = dict(MODEL_FILES)
    files["zz_extra.yaml"] = text
    files["events/aa_extra.yaml"] = "events:\n  " + extra
    root, result = _load(files)
    _check_located(root, files, result)


def _mutate(text: str, data: st.DataObject) -> str | bytes:
    lines = text.split("\n")
    index = data.draw(st.integers(0, len(lines) - 1), label="line")
    kind = data.draw(st.sampled_from(
        ["delete", "duplicate", "swap", "value", "indent", "garbage", "truncate", "key", "bytes"]), label="kind")
    line = lines[index]
    if kind == "delete":
        del lines[index]
    elif kind == "duplicate":
        lines.insert(index, line)
    elif kind == "swap":
        other = data.draw(st.integers(0, len(lines) - 1), label="other")
        lines[index], lines[other] = lines[other], line
    elif kind == "value" and ":" in line:
        key, _, _ = line.partition(":")
        value = data.draw(st.sampled_from(WORDS) | st.integers().map(str) | st.text(max_size=8), label="value")
        lines[index] = f"{key}: {value}"
    elif kind == "key" and ":" in line:
        _, _, rest = line.partition(":")
        indent = len(line) - len(line.lstrip(" "))
        lines[index] = " " * indent + data.draw(st.sampled_from(WORDS), label="key") + ":" + rest
    elif kind == "indent":
        lines[index] = " " * data.draw(st.integers(0, 9), label="spaces") + line.lstrip(" ")
    elif kind == "garbage":
        column = data.draw(st.integers(0, len(line)), label="column")
        lines[index] = line[:column] + data.draw(st.sampled_from(SYNTAX) | st.text(max_size=5)) + line[column:]
    elif kind == "truncate":
        lines = lines[:index]
    elif kind == "bytes":
        encoded = "\n".join(lines).encode("utf-8")
        at = data.draw(st.integers(0, len(encoded)), label="at")
        return encoded[:at] + data.draw(st.binary(min_size=1, max_size=3), label="bytes") + encoded[at:]
    return "\n".join(lines)


@settings(FAST, max_examples=200)
@given(data=st.data())
def test_mutated_bundled_model(data: st.DataObject) -> None:
    files: dict[str, str | bytes] = dict(MODEL_FILES)
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        name = data.draw(st.sampled_from(sorted(MODEL_FILES)), label="file")
        current = files[name]
        if isinstance(current, bytes):
            continue
        files[name] = _mutate(current, data)
    root, result = _load(files)
    _check_located(root, files, result)


def test_bundled_model_loads() -> None:
    root, result = _load(dict(MODEL_FILES))
    assert isinstance(result, Model), result


# Inputs that once exhausted the stack or memory: each must become one clear diagnostic.
HOSTILE = {
    "recursive alias": "a: &a [*a]\n",
    "recursive mapping alias": "a: &a\n  b: *a\n",
    "alias bomb": "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)),
    "deep flow nesting": "[" * 5000,
    "deep block nesting": "- " * 3000 + "a\n",
    "deep type": "events:\n  e:\n    number: 10\n    description: d\n    owner: o\n    properties:\n"
                 "      p: {number: 1, privacy: none, type: '" + "list<" * 5000 + "string" + ">" * 5000 + "'}\n",
    "huge repetition": "events:\n  e:\n    number: 10\n    description: d\n    owner: o\n    properties:\n"
                       "      p: {number: 1, privacy: none, type: string, pattern: 'a{99999999999}'}\n",
    "huge integer": "events:\n  e: {number: " + "9" * 5000 + ", description: d, owner: o}\n",
    "bad tags": "a: !!int x\nb: !!float y\nc: !!bool z\nd: !!timestamp w\ne: !!binary '*'\n"
                "f: !!python/name:os.system\n",
}


def test_hostile_inputs_become_diagnostics() -> None:
    for label, text in HOSTILE.items():
        files: dict[str, str | bytes] = {"a.yaml": text}
        root, result = _load(files)
        assert isinstance(result, ModelErrors), label
        _check_located(root, files, result)


def test_long_object_chains_and_many_paths() -> None:
    """Cycle detection is linear: a chain of 1,500 objects, each referring to
    the next two (exponentially many paths), closed into a cycle at the end."""
    count = 1500
    lines = ["objects:"]
    for i in range(count):
        lines += [f"  o{i}:", "    description: d", "    properties:"]
        for n, j in enumerate((i + 1, i + 2), start=1):
            lines.append(f"      p{n}: {{number: {n}, type: o{j % count}, privacy: none}}")
    files: dict[str, str | bytes] = {"a.yaml": "\n".join(lines) + "\n"}
    root, result = _load(files)
    assert isinstance(result, ModelErrors)
    messages = [d.message for d in result.diagnostics]
    assert messages and all("cycle" in m or "no 'model' section" in m or "no 'context'" in m
                            or "no events" in m or "no purposes" in m for m in messages)
    _check_located(root, files, result)
