"""No model text reaches a terminal unescaped: control characters in names,
values and descriptions are printed as escapes (`\\x1b`), through a pipe and
on a real terminal (a pseudo-terminal), by every command that prints them."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.terminal import json_safe, printable

ROOT = Path(__file__).resolve().parents[1]
# YAML double-quoted escapes: ESC with an OSC "set title" and a CSI "clear
# screen", a C1 CSI, a carriage return, a bell and a bidi override.
HOSTILE = r"\e]0;owned\a\e[2J\x9b31m\r\u202e"
RAW = ("\x1b", "\x9b", "\x07", "\r", "\u202e")
HEADER = """\
model: {name: shop, namespace: shop.analytics.v1, version: VERSION, description: "Shop HOSTILE"}
purposes:
  necessary: {description: "Running the shop. HOSTILE", lawful_basis: legitimate_interest, retention_days: 30}
context:
  properties:
    event_id: {number: 1, type: string, auto: event_id, privacy: none}
    consent: {number: 2, type: list<string>, auto: consent, privacy: none}
enums:
  color:
    description: "Colours HOSTILE"
    values:
      red: 1
      "blue HOSTILE": 2
events:
  page_view:
    number: 10
    description: "A page was shown. HOSTILE"
    owner: web@example.com
    purposes: [necessary]
    properties:
      color: {number: 1, type: color, privacy: none, description: "The colour HOSTILE"}
      url: {number: 2, type: string, privacy: none, max_length: MAX, pattern: "[a-z]*"}
"""


def _model(folder: Path, version: str = "1.0.0", max_length: int = 100, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = HEADER.replace("HOSTILE", HOSTILE).replace("VERSION", version).replace("MAX", str(max_length))
    (folder / "model.yaml").write_text(text + extra, encoding="utf-8")
    return folder


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CODEGEN_DEBUG"}
    return subprocess.run([sys.executable, "-m", "codegen", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def _assert_escaped(output: str) -> None:
    for char in RAW:
        assert char not in output, (char, output)
    assert "\\x1b]0;owned\\x07\\x1b[2J\\x9b31m" in output and "\\u202e" in output, output


def test_printable_escapes_controls_and_keeps_layout() -> None:
    assert printable("a\x1b[31mb\tc\nd\x7f\x85\u2028") == "a\\x1b[31mb\tc\nd\\x7f\\x85\\u2028"
    assert printable("日本 é ✓") == "日本 é ✓"
    document = json.dumps({"k": "\x1b\x9b\u202e"}, ensure_ascii=False)
    assert json.loads(json_safe(document)) == {"k": "\x1b\x9b\u202e"}
    assert printable(json_safe(document)) == json_safe(document)


def test_validate_errors_in_a_pipe(tmp_path: Path) -> None:
    _model(tmp_path / "m", extra=f'    "owner{HOSTILE}": x\n')
    result = _run("--model", "m", "validate", cwd=tmp_path)
    assert result.returncode == 1
    assert "unknown key 'owner" in result.stderr
    _assert_escaped(result.stderr)


def test_validate_output_in_a_pipe(tmp_path: Path) -> None:
    model = tmp_path / "m"
    _model(model)
    (model / "model.yaml").write_text((model / "model.yaml").read_text().replace(
        "name: shop,", f'name: "shop{HOSTILE}",'), encoding="utf-8")
    result = _run("--model", "m", "validate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    _assert_escaped(result.stdout)


@pytest.mark.parametrize("fmt", ["text", "json", "github", "junit"])
def test_diff_in_every_format(tmp_path: Path, fmt: str) -> None:
    _model(tmp_path / "old")
    _model(tmp_path / "new", version="2.0.0", max_length=50)
    text = (tmp_path / "new" / "model.yaml").read_text()
    text = text.replace("[a-z]*", "[a-z0-9]*").replace(f'"blue {HOSTILE}": 2', '"navy": 2')
    (tmp_path / "new" / "model.yaml").write_text(text, encoding="utf-8")
    result = _run("--model", "new", "diff", "--against", "old", "--no-history", "--format", fmt, cwd=tmp_path)
    assert result.returncode == 100, result.stderr
    for char in RAW:
        assert char not in result.stdout + result.stderr, (char, result.stdout)
    if fmt != "json":
        _assert_escaped(result.stdout)
    else:
        messages = [c["message"] for c in json.loads(result.stdout)["changes"]]
        assert any("\x1b]0;owned" in m for m in messages)  # the JSON itself keeps the text exactly


def test_changelog_printed_and_written(tmp_path: Path) -> None:
    _model(tmp_path / "old")
    _model(tmp_path / "new", version="1.1.0", extra="      added: {number: 3, type: string, privacy: none}\n")
    text = (tmp_path / "new" / "model.yaml").read_text()
    (tmp_path / "new" / "model.yaml").write_text(
        text.replace('"blue', '"green": 3\n      "blue'), encoding="utf-8")
    (tmp_path / "old" / "model.yaml").write_text(
        (tmp_path / "old" / "model.yaml").read_text().replace('"blue', f'"green{HOSTILE}": 3\n      "blue'),
        encoding="utf-8")
    result = _run("--model", "new", "changelog", "--against", "old", "--no-history", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    _assert_escaped(result.stdout + result.stderr)
    written = _run("--model", "new", "changelog", "--against", "old", "--no-history", "--out", "CHANGES.md",
                   cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    _assert_escaped((tmp_path / "CHANGES.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", ["proto", "jsonschema"])
def test_exports_on_standard_output(tmp_path: Path, kind: str) -> None:
    _model(tmp_path / "m")
    result = _run("--model", "m", "export", kind, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for char in RAW:
        assert char not in result.stdout
    if kind == "jsonschema":  # the schemas, one after another
        decoder, text, documents = json.JSONDecoder(), result.stdout, []
        index = 0
        while index < len(text.rstrip()):
            document, index = decoder.raw_decode(text, index)
            documents.append(document)
            while index < len(text) and text[index].isspace():
                index += 1
        # exact in the JSON, escaped on the wire
        assert any("\x1b]0;owned" in d.get("description", "") for d in documents)
    else:
        assert "\\x1b]0;owned" in result.stdout


def test_on_a_terminal(tmp_path: Path) -> None:
    """The same escapes when standard output and error are a terminal."""
    _model(tmp_path / "m", extra=f'    "owner{HOSTILE}": x\n')
    main, child = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CODEGEN_DEBUG"}
    process = subprocess.Popen([sys.executable, "-m", "codegen", "--model", "m", "validate"], cwd=tmp_path,
                               env=env, stdin=child, stdout=child, stderr=child)
    os.close(child)
    chunks = []
    while True:
        ready, _, _ = select.select([main], [], [], 60)
        if not ready:
            process.kill()
            pytest.fail("no output from the CLI on the terminal within 60 s")
        try:
            data = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    assert process.wait(timeout=60) == 1
    output = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")  # the terminal's own line endings
    assert "unknown key 'owner" in output
    _assert_escaped(output)
