"""Expected bytes and JSON from Google's `protobuf` package (pure-Python
backend) and the `.proto` that `codegen export proto` writes, as
docs/wire-contract.md defines the reference. Nothing here uses an SDK of
ours or the project's own reference encoder.

Import this module before anything imports `google.protobuf`: the backend is
chosen once per process.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import Any, Mapping

os.environ["PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION"] = "python"

import grpc_tools  # noqa: E402
from google.protobuf import json_format, message_factory  # noqa: E402
from google.protobuf.internal import api_implementation  # noqa: E402
from grpc_tools import protoc  # noqa: E402

import jcs_ref  # noqa: E402
from codegen.exports.proto import render_proto  # noqa: E402
from codegen.ir import Kind, Model, Property, Scalar, TypeRef  # noqa: E402
from codegen.naming import pascal  # noqa: E402
from codegen.testplan import TimestampValue  # noqa: E402

if api_implementation.Type() != "python":
    raise RuntimeError("protobuf was imported before protoref chose the pure-Python backend "
                       f"(backend: {api_implementation.Type()}); import protoref first")


class Rejected(Exception):
    """The official library refuses the value (e.g. an unpaired surrogate)."""


class ProtoReference:
    """The compiled `.proto` of one model and an encoder of test-plan values."""

    def __init__(self, key: str, model: Model, workdir: Path) -> None:
        self.model = model
        self.events = {e.name: e for e in model.events}
        self.objects = {o.name: o for o in model.objects}
        self.enums = {e.name: {v.name: v.number for v in e.values} for e in model.enums}
        workdir.mkdir(parents=True, exist_ok=True)
        proto_file = workdir / f"conformance_{key}.proto"
        proto_file.write_text(render_proto(model), encoding="utf-8")
        include = Path(grpc_tools.__file__).parent / "_proto"
        status = protoc.main(["protoc", f"-I{workdir}", f"-I{include}", f"--python_out={workdir}", proto_file.name])
        if status != 0:
            raise RuntimeError(f"protoc rejected the .proto of model '{key}' ({proto_file})")
        module_name = f"conformance_{key}_pb2"
        spec = importlib.util.spec_from_file_location(module_name, workdir / f"{module_name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        self.descriptor = module.DESCRIPTOR

    def _class(self, name: str) -> Any:
        return message_factory.GetMessageClass(self.descriptor.message_types_by_name[pascal(name)])

    # --- filling messages ------------------------------------------------------

    def _fill(self, msg: Any, properties: tuple[Property, ...], values: Mapping[str, Any]) -> None:
        known = {p.name for p in properties if p.is_parameter}
        unknown = set(values) - known
        if unknown:
            raise KeyError(f"not parameters of this message: {sorted(unknown)}")
        for prop in properties:
            if prop.const is not None:
                value = prop.const
            elif prop.name in values:
                value = values[prop.name]
            else:
                continue
            self._set(msg, prop.name, prop.type, value)

    def _set(self, msg: Any, name: str, t: TypeRef, value: Any) -> None:
        try:
            if t.kind is Kind.LIST:
                assert t.element is not None
                container = getattr(msg, name)
                for item in value:
                    if _is_message(t.element):
                        self._fill_message(container.add(), t.element, item)
                    else:
                        container.append(self._scalar(t.element, item))
            elif t.kind is Kind.MAP:
                assert t.element is not None
                container = getattr(msg, name)
                for key, item in value.items():
                    if _is_message(t.element):
                        self._fill_message(container[key], t.element, item)
                    else:
                        container[key] = self._scalar(t.element, item)
            elif _is_message(t):
                sub = getattr(msg, name)
                sub.SetInParent()
                self._fill_message(sub, t, value)
            else:
                setattr(msg, name, self._scalar(t, value))
        except (ValueError, TypeError, UnicodeError) as exc:
            raise Rejected(f"{name}: {exc}") from exc

    def _fill_message(self, msg: Any, t: TypeRef, value: Any) -> None:
        if t.kind is Kind.SCALAR:  # timestamp
            assert isinstance(value, TimestampValue)
            msg.seconds, msg.nanos = value.seconds, value.nanos
        else:
            self._fill(msg, self.objects[t.name or ""].properties, value)

    def _scalar(self, t: TypeRef, value: Any) -> Any:
        if t.kind is Kind.ENUM:
            return self.enums[t.name or ""][value]
        if t.scalar in (Scalar.FLOAT, Scalar.DOUBLE):
            return float(value)
        return value

    # --- encoding ---------------------------------------------------------------

    def event_message(self, event: str, values: Mapping[str, Any]) -> Any:
        msg = self._class(event)()
        self._fill(msg, self.events[event].properties, values)
        return msg

    def encode(self, event: str, values: Mapping[str, Any]) -> tuple[str, str, str]:
        """(canonical JSON, Protobuf hex, remark) of the event message;
        Rejected when the library refuses a value. The remark is set when the
        library cannot parse its own JSON back (it rejects a float JSON of
        +-3.4028235e+38, its own shortest form of FLT_MAX)."""
        msg = self.event_message(event, values)
        try:
            data = msg.SerializeToString(deterministic=True)
        except (ValueError, UnicodeError) as exc:
            raise Rejected(str(exc)) from exc
        as_dict = json_format.MessageToDict(msg, preserving_proto_field_name=True,
                                            always_print_fields_with_no_presence=True)
        # The library's own check: every document parses back to the same message.
        again = self._class(event)()
        remark = ""
        try:
            json_format.ParseDict(as_dict, again)
        except json_format.ParseError as exc:
            if "Float value too large" not in str(exc):
                raise
            remark = f"json_format.ParseDict rejects this JSON of the library's own: {exc}"
        else:
            if again.SerializeToString(deterministic=True) != data:
                raise AssertionError(f"{event}: JSON does not parse back to the same message: {as_dict!r}")
        return jcs_ref.canonical(as_dict), data.hex(), remark


    # --- envelopes and batches ----------------------------------------------------

    def envelope_message(self, event: str, values: Mapping[str, Any], context: Mapping[str, Any],
                         auto: Mapping[str, Any]) -> Any:
        """The Envelope as a tracker sends it: `auto` holds the automatic
        context values by AutoValue name."""
        envelope = self._class("envelope")()
        self._fill(envelope.context, self.model.context.properties, context)
        for prop in self.model.context.properties:
            if prop.auto is not None:
                self._set(envelope.context, prop.name, prop.type, auto[prop.auto.value])
        getattr(envelope, event).SetInParent()
        self._fill(getattr(envelope, event), self.events[event].properties, values)
        return envelope

    def encode_envelope(self, envelope: Any) -> tuple[str, str]:
        """(canonical JSON, Protobuf hex) of one Envelope; the JSON must parse
        back to the same message."""
        data = envelope.SerializeToString(deterministic=True)
        as_dict = json_format.MessageToDict(envelope, preserving_proto_field_name=True,
                                            always_print_fields_with_no_presence=True)
        again = self._class("envelope")()
        json_format.ParseDict(as_dict, again)
        if again.SerializeToString(deterministic=True) != data:
            raise AssertionError(f"envelope JSON does not parse back to the same message: {as_dict!r}")
        return jcs_ref.canonical(as_dict), data.hex()

    def encode_batch(self, envelopes: list[Any], sent_at: TimestampValue) -> tuple[str, str]:
        """(canonical JSON, Protobuf hex) of the Batch; the JSON must parse
        back to the same message."""
        batch = self._class("batch")()
        for envelope in envelopes:
            batch.events.add().CopyFrom(envelope)
        batch.sent_at.seconds, batch.sent_at.nanos = sent_at.seconds, sent_at.nanos
        data = batch.SerializeToString(deterministic=True)
        as_dict = json_format.MessageToDict(batch, preserving_proto_field_name=True,
                                            always_print_fields_with_no_presence=True)
        again = self._class("batch")()
        json_format.ParseDict(as_dict, again)
        if again.SerializeToString(deterministic=True) != data:
            raise AssertionError(f"batch JSON does not parse back to the same message: {as_dict!r}")
        return jcs_ref.canonical(as_dict), data.hex()


def _is_message(t: TypeRef) -> bool:
    return t.kind is Kind.OBJECT or (t.kind is Kind.SCALAR and t.scalar is Scalar.TIMESTAMP)
