"""Helpers of the Python SDK and reference tests: the official protobuf
package compiled from the model's exported `.proto`, messages built from
test-plan values, the generated SDK built and imported, and the checks that
compare them. Runs in the test process (upb backend) and in subprocesses
started with PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python."""

from __future__ import annotations

import importlib
import importlib.util
import math
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Mapping

import grpc_tools
from grpc_tools import protoc

from codegen.exports.proto import render_proto
from codegen.ir import Kind, Model, TypeRef
from codegen.naming import enum_value_json_name, pascal
from codegen.testplan import TimestampValue

TESTS = Path(__file__).resolve().parents[2]
ROOT = TESTS.parent
MODELS = {
    "bundled": ROOT / "event_model",
    "kitchen_sink": TESTS / "conformance" / "models" / "kitchen_sink",
    "hostile": TESTS / "conformance" / "models" / "hostile",
}
PROTO_INCLUDE = Path(grpc_tools.__file__).parent / "_proto"


def backend() -> str:
    from google.protobuf.internal import api_implementation

    return str(api_implementation.Type())


def compile_proto(model: Model, work: Path) -> ModuleType:
    """The `<model>_pb2` module protoc generates for the exported .proto."""
    stem = f"{model.name}_{model.namespace.replace('.', '_')}"
    proto = work / f"{stem}.proto"
    proto.write_text(render_proto(model), encoding="utf-8")
    status = protoc.main(["protoc", f"-I{work}", f"-I{PROTO_INCLUDE}", f"--python_out={work}", proto.name])
    assert status == 0, f"protoc rejected the exported .proto of {model.name}"
    name = f"{stem}_pb2"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, work / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class Official:
    """Builds official messages from test-plan values (consts included)."""

    def __init__(self, model: Model, pb2: ModuleType) -> None:
        self.model = model
        self.pb2 = pb2
        self.enums = {pascal(e.name): e for e in model.enums}
        self.props = {pascal(o.name): o.properties for o in model.objects}
        self.props.update({pascal(e.name): e.properties for e in model.events})
        self.props["Context"] = model.context.properties

    def event(self, name: str, values: Mapping[str, Any]) -> Any:
        return self.message(pascal(name), values)

    def message(self, type_name: str, values: Mapping[str, Any], auto: Mapping[str, Any] | None = None) -> Any:
        msg = getattr(self.pb2, type_name)()
        self.fill(msg, values, auto)
        return msg

    def envelope(self, event: str, values: Mapping[str, Any], context: Mapping[str, Any],
                 auto: Mapping[str, Any]) -> Any:
        env = self.pb2.Envelope()
        self.fill(env.context, context, auto)
        getattr(env, event).SetInParent()
        self.fill(getattr(env, event), values)
        return env

    def batch(self, envelopes: list[Any], sent_at: TimestampValue) -> Any:
        message = self.pb2.Batch()
        for envelope in envelopes:
            message.events.add().CopyFrom(envelope)
        message.sent_at.seconds, message.sent_at.nanos = sent_at.seconds, sent_at.nanos
        return message

    def fill(self, msg: Any, values: Mapping[str, Any], auto: Mapping[str, Any] | None = None) -> None:
        values = dict(values)
        for prop in self.props.get(msg.DESCRIPTOR.name, ()):
            if prop.const is not None:
                values[prop.name] = prop.const
            if prop.auto is not None and auto is not None:
                values[prop.name] = auto[prop.auto.value]
        for name, value in values.items():
            field = msg.DESCRIPTOR.fields_by_name[name]
            target = getattr(msg, name)
            if field.message_type is not None and field.message_type.GetOptions().map_entry:
                value_field = field.message_type.fields_by_name["value"]
                for key, item in value.items():
                    if value_field.message_type is not None:
                        self.fill_sub(target[key], item)
                    else:
                        target[key] = self.scalar(value_field, item)
            elif field.is_repeated:
                if field.message_type is not None:
                    for item in value:
                        self.fill_sub(target.add(), item)
                else:
                    target.extend(self.scalar(field, item) for item in value)
            elif field.message_type is not None:
                target.SetInParent()
                self.fill_sub(target, value)
            else:
                setattr(msg, name, self.scalar(field, value))

    def fill_sub(self, sub: Any, value: Any) -> None:
        if isinstance(value, TimestampValue):
            sub.seconds, sub.nanos = value.seconds, value.nanos
        else:
            self.fill(sub, value)

    def scalar(self, field: Any, value: Any) -> Any:
        if field.enum_type is not None:
            enum = self.enums[field.enum_type.name]
            return field.enum_type.values_by_name[enum_value_json_name(enum.name, value)].number
        return value


def proto_json(message: Any) -> Any:
    """The JSON value the wire contract canonicalizes."""
    from google.protobuf import json_format

    return json_format.MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )


def check_encoding(message: Any, protobuf: bytes, json_text: str) -> list[str]:
    """Problems of (protobuf, json_text) as the encoding of official `message`:
    bytes equal SerializeToString(deterministic=True); json_format.Parse of
    the JSON gives an equal message (compared as MessageToDict with every
    field printed, where -0.0 equals 0.0, as the contract writes -0 as 0,
    and NaN equals NaN); the
    JSON is the JCS of MessageToDict (JCS written independently of the SDK)."""
    from google.protobuf import json_format

    from conformance.jcs_ref import canonical

    problems = []
    expected = message.SerializeToString(deterministic=True)
    if protobuf != expected:
        problems.append(f"protobuf {protobuf.hex()} != official {expected.hex()}")
    try:
        parsed = json_format.Parse(json_text, type(message)())
    except json_format.ParseError as exc:
        problems.append(f"json_format.Parse({json_text}) failed: {exc}")
    else:
        if proto_json(parsed) != proto_json(message):
            problems.append(f"json_format.Parse({json_text}) differs from the message")
    official_json = canonical(proto_json(message))
    if json_text != official_json:
        problems.append(f"json {json_text} != official {official_json}")
    return problems


def has_map_entries(model: Model, event: str, values: Mapping[str, Any]) -> bool:
    """Whether the values hold a non-empty map anywhere (upb orders map
    entries differently from the pure-Python backend, the contract's)."""
    objects = {o.name: o for o in model.objects}
    events = {e.name: e for e in model.events}

    def walk(ref: TypeRef, value: Any) -> bool:
        if ref.kind is Kind.MAP:
            return bool(value)
        if ref.kind is Kind.LIST:
            assert ref.element is not None
            return any(walk(ref.element, v) for v in value)
        if ref.kind is Kind.OBJECT:
            props = {p.name: p for p in objects[ref.name or ""].properties}
            return any(walk(props[k].type, v) for k, v in value.items())
        return False

    props = {p.name: p for p in events[event].properties}
    return any(walk(props[k].type, v) for k, v in values.items())


# --- the generated SDK ------------------------------------------------------


def build_sdk(model: Model, out: Path) -> Path:
    """Render the Python target for `model` into `out` (the package root)."""
    from codegen.build import render
    from codegen.output import write_tree
    from codegen.targets.python import TARGET

    write_tree(out, render(model, TARGET, ()))
    return out


def import_sdk(root: Path, package: str) -> ModuleType:
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    return importlib.import_module(package)


class SdkValues:
    """Typed SDK objects from test-plan values, through the public API."""

    def __init__(self, model: Model, sdk: ModuleType) -> None:
        from codegen.targets.python import Options
        from codegen.targets.python.views import derive_names

        self.model = model
        self.sdk = sdk
        self.names = derive_names(model, Options.of(model, "python"))
        self.objects = {o.name: o for o in model.objects}
        self.events = {e.name: e for e in model.events}

    def event(self, name: str, values: Mapping[str, Any]) -> Any:
        cls = getattr(self.sdk, self.names.types[("event", name)])
        return self.message(cls, ("event", name), self.events[name].properties, values)

    def context(self, values: Mapping[str, Any]) -> Any:
        return self.message(self.sdk.TrackingContext, ("context", ""), self.model.context.properties, values)

    def message(self, cls: Any, scope: tuple[str, str], properties: Any, values: Mapping[str, Any]) -> Any:
        attrs = self.names.attrs[scope]
        types = {p.name: p.type for p in properties}
        return cls(**{attrs[k]: self.value(types[k], v) for k, v in values.items()})

    def value(self, ref: TypeRef, value: Any) -> Any:
        if ref.kind is Kind.LIST:
            return [self.value(ref.element, v) for v in value]  # type: ignore[arg-type]
        if ref.kind is Kind.MAP:
            return {k: self.value(ref.element, v) for k, v in value.items()}  # type: ignore[arg-type]
        if ref.kind is Kind.ENUM:
            enum_cls = getattr(self.sdk, self.names.types[("enum", ref.name or "")])
            return getattr(enum_cls, self.names.members[ref.name or ""][value])
        if ref.kind is Kind.OBJECT:
            obj = self.objects[ref.name or ""]
            cls = getattr(self.sdk, self.names.types[("object", obj.name)])
            return self.message(cls, ("object", obj.name), obj.properties, value)
        if isinstance(value, TimestampValue):
            return self.sdk.Timestamp(value.seconds, value.nanos)
        return value


def canonical_nan(value: float) -> float:
    """Hypothesis draws NaNs with any sign and payload; the official
    library writes their bits as they are, the SDKs write the canonical NaN."""
    return math.nan if math.isnan(value) else value


def run_module(*args: str, backend: str = "python", timeout: int = 240) -> subprocess.CompletedProcess[str]:
    """`python -m <args>` (a module of this folder) with the given protobuf
    backend ("python" or "upb")."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(ROOT)])}
    env["PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION"] = backend
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)
