"""The command line: help, version, exit codes, init, validate, exports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import grpc_tools
import pytest

from conftest import MODEL_DIR, run_codegen

COMMANDS = ["validate", "build", "check", "targets", "export", "init"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = run_codegen(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout


def test_version() -> None:
    result = run_codegen("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("codegen, version ")


def test_usage_errors_exit_2() -> None:
    assert run_codegen("no-such-command").returncode == 2
    assert run_codegen("build", "--target", "cobol").returncode == 2
    assert run_codegen("export", "yaml").returncode == 2


def test_validate_bundled_model() -> None:
    result = run_codegen("validate")
    assert result.returncode == 0, result.stderr
    assert "is valid" in result.stdout


def test_validate_missing_model_dir(tmp_path: Path) -> None:
    result = run_codegen("--model", str(tmp_path / "nowhere"), "validate")
    assert result.returncode == 1
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_targets_lists_the_registry() -> None:
    from codegen.targets import registered_targets

    result = run_codegen("targets")
    assert result.returncode == 0, result.stderr
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == sorted(registered_targets())


def test_init_scaffolds_a_valid_model_and_never_overwrites(tmp_path: Path) -> None:
    first = run_codegen("init", str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert run_codegen("--model", str(tmp_path / "event_model"), "validate").returncode == 0
    second = run_codegen("init", str(tmp_path))
    assert second.returncode == 1
    assert "never overwrites" in second.stderr


def test_exported_proto_is_accepted_by_protoc(tmp_path: Path) -> None:
    proto = tmp_path / "model.proto"
    assert run_codegen("export", "proto", "--out", str(proto)).returncode == 0
    include = Path(grpc_tools.__file__).parent / "_proto"
    compiled = subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", f"-I{tmp_path}", f"-I{include}",
         f"--python_out={tmp_path}", f"--descriptor_set_out={tmp_path / 'model.pb'}", str(proto)],
        capture_output=True, text=True,
    )
    assert compiled.returncode == 0, compiled.stderr
    text = proto.read_text()
    assert "reserved 6;" in text and 'reserved "scroll_percent";' in text
    assert "message Envelope" in text and "oneof event" in text


def test_export_proto_is_deterministic() -> None:
    assert run_codegen("export", "proto").stdout == run_codegen("export", "proto").stdout


def test_exported_json_schemas_are_valid_schemas(tmp_path: Path) -> None:
    from jsonschema import Draft202012Validator

    assert run_codegen("export", "jsonschema", "--out", str(tmp_path)).returncode == 0
    schemas = sorted(tmp_path.rglob("*.schema.json"))
    names = {p.relative_to(tmp_path).as_posix() for p in schemas}
    assert {"context.schema.json", "envelope.schema.json", "batch.schema.json"} <= names
    assert len(list((tmp_path / "events").glob("*.schema.json"))) >= 12
    for path in schemas:
        Draft202012Validator.check_schema(json.loads(path.read_text()))


def test_model_errors_exit_1_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "model.yaml").write_text("model: [unclosed\n")
    result = run_codegen("--model", str(tmp_path), "build", "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "model.yaml:" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
