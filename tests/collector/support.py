"""A real `codegen collect` in a subprocess on a free loopback port, an HTTP
client for it, and the rows a stored event must have, derived from the
reference's canonical JSON of the envelope (not from the collector's code),
pseudonymous values hashed with the standard library's HMAC-SHA256 under the
test key (TEST_KEY, which the collector gets through its environment)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import math
import os
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from codegen.exports.sql import event_columns
from codegen.ir import Kind, Model, Privacy, Scalar, TypeRef
from codegen.naming import enum_value_json_name

ROOT = Path(__file__).resolve().parents[2]
PROTOBUF = "application/x-protobuf"
JSON = "application/json"
# The key of RFC 4231's test cases 6 and 7 (131 bytes of 0xaa), so that the
# tests can also hold the collector to the RFC's own HMAC-SHA256 vectors.
TEST_KEY = bytes([0xAA]) * 131
KEY_ENV = {"CODEGEN_PSEUDONYM_KEY": TEST_KEY.hex()}


def hashed(value: Any, scalar: Scalar | None) -> Any:
    """A pseudonymous value as the collector stores it (an empty one stays empty)."""
    if not value:
        return value
    if scalar is Scalar.BYTES:
        return hmac.new(TEST_KEY, value, hashlib.sha256).digest()
    return hmac.new(TEST_KEY, value.encode("utf-8"), hashlib.sha256).hexdigest()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


class Collector:
    def __init__(self, process: subprocess.Popen[str], port: int, log: Path) -> None:
        self.process = process
        self.port = port
        self.log = log
        self.url = f"http://127.0.0.1:{port}"

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                timeout: float = 30) -> Answer:
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return Answer(resp.status, json.loads(resp.read()), dict(resp.headers))
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, json.loads(exc.read()), dict(exc.headers))

    def post(self, body: bytes, content_type: str = PROTOBUF, encoding: str | None = None,
             timeout: float = 30) -> Answer:
        headers = {"Content-Type": content_type}
        if encoding:
            headers["Content-Encoding"] = encoding
        return self.request("POST", "/v1/batch", body, headers, timeout)

    def get(self, path: str) -> Answer:
        return self.request("GET", path)


@contextlib.contextmanager
def running_collector(work: Path, *args: str, model: Path = ROOT / "event_model",
                      startup: float = 60, env: dict[str, str] | None = None) -> Iterator[Collector]:
    """`codegen collect ARGS` until the block ends (then SIGTERM, which lets
    it finish its writes and release the DuckDB file); its environment holds
    the test key unless `env` says otherwise."""
    port = free_port()
    log = work / f"collector-{port}.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "codegen", "--model", str(model), "collect", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning", *args],
            cwd=work, stdout=out, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(KEY_ENV if env is None else env)})
    collector = Collector(process, port, log)
    try:
        deadline = time.monotonic() + startup
        while True:
            if process.poll() is not None:
                raise AssertionError(f"the collector exited with {process.returncode}:\n{log.read_text()}")
            try:
                if collector.get("/health").status == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"the collector did not start within {startup} s:\n{log.read_text()}")
            time.sleep(0.1)
        yield collector
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    text = log.read_text()
    assert "Traceback" not in text, text
    assert process.returncode == 0, f"the collector exited with {process.returncode} on SIGTERM:\n{text}"


# --- expected rows ------------------------------------------------------------

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def rfc3339_micros(text: str) -> int:
    """Microseconds since the epoch (DuckDB's TIMESTAMPTZ keeps microseconds)."""
    date, _, rest = text.rstrip("Z").partition("T")
    clock, _, fraction = rest.partition(".")
    year, month, day = (int(x) for x in date.split("-"))
    hour, minute, second = (int(x) for x in clock.split(":"))
    moment = datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    delta = moment - EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000
    return micros + int((fraction + "000000")[:6] or 0)


def float32(value: float) -> float:
    return float(struct.unpack("<f", struct.pack("<f", value))[0])


class Expected:
    """Values of a stored row, from canonical JSON, typed as DuckDB returns
    them when timestamps are read as epoch microseconds."""

    def __init__(self, model: Model, pseudonymised: bool = True) -> None:
        self.model = model
        self.pseudonymised = pseudonymised  # the collector's rows (True) or the checker's (False)
        self.enums = {e.name: {enum_value_json_name(e.name, v.name): v.name for v in e.values} for e in model.enums}

    def value(self, type_ref: TypeRef, value: Any, pseudonymous: bool = False) -> Any:
        if value is None:
            return None
        if type_ref.kind is Kind.LIST:
            assert type_ref.element is not None
            return [self.value(type_ref.element, v, pseudonymous) for v in value]
        if type_ref.kind is Kind.MAP:
            assert type_ref.element is not None
            return {k: self.value(type_ref.element, v, pseudonymous) for k, v in value.items()}
        if type_ref.kind is Kind.ENUM:
            return self.enums[type_ref.name or ""][value]
        if type_ref.kind is Kind.OBJECT:
            obj = self.model.object(type_ref.name or "")
            return {p.name: self.value(p.type, value.get(p.name, _zero(p)), p.privacy is Privacy.PSEUDONYMOUS)
                    if p.required or p.type.is_repeated
                    else self.value(p.type, value.get(p.name), p.privacy is Privacy.PSEUDONYMOUS)
                    for p in obj.properties}
        if pseudonymous and self.pseudonymised:
            raw = base64.b64decode(value) if type_ref.scalar is Scalar.BYTES else value
            return hashed(raw, type_ref.scalar)
        scalar = type_ref.scalar
        if scalar is Scalar.TIMESTAMP:
            return rfc3339_micros(value)
        if scalar in (Scalar.INT64, Scalar.UINT64):
            return int(value)
        if scalar is Scalar.BYTES:
            return base64.b64decode(value)
        if scalar in (Scalar.FLOAT, Scalar.DOUBLE):
            number = float(value) if not isinstance(value, str) else float(value.replace("Infinity", "inf"))
            return float32(number) if scalar is Scalar.FLOAT else number
        return value

    def row(self, envelope_json: str, event: str) -> dict[str, Any]:
        document = json.loads(envelope_json)
        context, payload = document["context"], document[event]
        out = {}
        for column in event_columns(self.model, next(e for e in self.model.events if e.name == event)):
            if column.prop is None:
                continue
            source = context if column.scope == "context" else payload
            prop = column.prop
            raw = source.get(prop.name)
            if raw is None and (prop.required or prop.type.is_repeated) and not prop.has_presence:
                raw = _zero(prop)
            out[column.name] = self.value(prop.type, raw, prop.privacy is Privacy.PSEUDONYMOUS)
        return out


def _zero(prop: Any) -> Any:
    t = prop.type
    if t.kind is Kind.LIST:
        return []
    if t.kind is Kind.MAP:
        return {}
    if t.kind is not Kind.SCALAR:
        return None
    return {Scalar.STRING: "", Scalar.BOOL: False, Scalar.BYTES: "", Scalar.TIMESTAMP: None}.get(t.scalar, 0)


def same(actual: Any, expected: Any) -> bool:
    """Equality with NaN equal to NaN (canonical JSON writes -0 as 0, so
    -0.0 equals 0.0 here)."""
    if isinstance(expected, float) and isinstance(actual, float):
        if math.isnan(expected):
            return math.isnan(actual)
        return actual == expected
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(same(actual[k], expected[k]) for k in expected)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(same(a, e) for a, e in zip(actual, expected))
    if isinstance(actual, datetime) and isinstance(expected, int):
        delta = actual - EPOCH
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds == expected
    return bool(actual == expected)

