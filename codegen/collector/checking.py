"""One envelope checked against the model: decodable, no unknown fields, an
event the model knows, every constraint of the SDKs, the auto values the
collector relies on, and a compatible model version."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from google.protobuf.unknown_fields import UnknownFieldSet

from codegen.ir import AutoValue, Model
from codegen.collector.descriptors import Messages
from codegen.collector.reading import ModelReader
from codegen.collector.records import Accepted, Rejected
from codegen.templates.python.runtime.errors import ValidationIssue
from codegen.templates.python.runtime.jcs import json_string
from codegen.templates.python.runtime.validation import validate_message

_SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:[-+].*)?")


class ModelNotCollectable(ValueError):
    """The model lacks what the collector needs (an event_id to deduplicate on)."""


def _compatibility_key(version: str) -> tuple[int, ...] | None:
    """Versions with the same key are wire compatible: the major version, or
    major and minor below 1.0.0 (semver's rule for initial development)."""
    match = _SEMVER.fullmatch(version)
    if match is None:
        return None
    major, minor = int(match.group(1)), int(match.group(2))
    return (major,) if major > 0 else (0, minor)


class EnvelopeChecker:
    def __init__(self, model: Model, messages: Messages) -> None:
        self.model = model
        self.messages = messages
        self.reader = ModelReader(model)
        auto = {p.auto: p.name for p in model.context.properties if p.auto is not None}
        if AutoValue.EVENT_ID not in auto:
            raise ModelNotCollectable("the model's context has no property with 'auto: event_id'; "
                                      "the collector deduplicates on it")
        self.event_id_field = auto[AutoValue.EVENT_ID]
        self.version_field = auto.get(AutoValue.MODEL_VERSION)
        self.client_time_field = auto.get(AutoValue.CLIENT_TIMESTAMP)
        self.compatibility = _compatibility_key(model.version)

    def check(self, envelope: Any, index: int, raw: bytes, protobuf: bytes,
              ignore: Callable[[ValidationIssue], bool] | None = None) -> Accepted | Rejected:
        """`envelope` is a decoded Envelope; `raw` what the client sent for
        it (kept when rejected); `protobuf` its Envelope bytes; `ignore`
        names issues that do not count (the loader's, for hashed values)."""
        issues: list[ValidationIssue] = []
        size = envelope.ByteSize()
        envelope.DiscardUnknownFields()
        if envelope.ByteSize() != size:
            issues += _unknown_fields(self.messages.envelope.FromString(protobuf))
        event = envelope.WhichOneof("event")
        if event is None and not issues:
            issues.append(ValidationIssue("envelope", "event", "holds no event"))
        if not envelope.HasField("context"):
            issues.append(ValidationIssue("context", "required", "is required"))
        context = self.reader.context.read(envelope.context, "context.", issues)
        event_id = context.__dict__.get(self.event_id_field) or None
        version = context.__dict__.get(self.version_field) if self.version_field else None
        issues += validate_message(context, "context.")
        payload = None
        if event is not None:
            payload = self.reader.events[event].read(getattr(envelope, event), event + ".", issues)
            issues += validate_message(payload, event + ".")
        self._check_auto(context.__dict__, issues)
        if ignore is not None:
            issues = [issue for issue in issues if not ignore(issue)]
        if issues or payload is None or event_id is None:
            return Rejected(index, [str(i) for i in issues], raw, event_id, event, version or None)
        return Accepted(index, event, event_id, version or "", context, payload, protobuf)

    def _check_auto(self, context: dict[str, Any], issues: list[ValidationIssue]) -> None:
        if context.get(self.event_id_field) == "":  # None is reported by the validator
            issues.append(ValidationIssue(f"context.{self.event_id_field}", "required",
                                          "is required (the collector deduplicates on it)"))
        if self.version_field:
            version = context.get(self.version_field) or ""
            key = _compatibility_key(version)
            if key is None:
                issues.append(ValidationIssue(f"context.{self.version_field}", "model_version",
                                              f"{version!r} is not a semantic version"))
            elif key != self.compatibility:
                issues.append(ValidationIssue(
                    f"context.{self.version_field}", "model_version",
                    f"model version {version} is not compatible with the collector's {self.model.version}"))


def _unknown_fields(message: Any, path: str = "envelope") -> list[ValidationIssue]:
    """Where the unknown fields are (slow path, only for rejected events)."""
    issues = []
    numbers = sorted({f.field_number for f in UnknownFieldSet(message)})
    for number in numbers:
        if path == "envelope":
            issues.append(ValidationIssue(path, "unknown_event", f"event number {number} is not in the model"))
        else:
            issues.append(ValidationIssue(path, "unknown_field", f"field number {number} is not in the model"))
    for descriptor, value in message.ListFields():
        if descriptor.message_type is None or descriptor.message_type.full_name == "google.protobuf.Timestamp":
            continue
        name = "context" if path == "envelope" and descriptor.name == "context" else (
            descriptor.name if path == "envelope" else f"{path}.{descriptor.name}")
        if descriptor.message_type.GetOptions().map_entry:
            for key, item in value.items():
                if hasattr(item, "DESCRIPTOR"):
                    issues += _unknown_fields(item, f"{name}[{json_string(key)}]")
        elif descriptor.is_repeated:
            for i, item in enumerate(value):
                issues += _unknown_fields(item, f"{name}[{i}]")
        else:
            issues += _unknown_fields(value, name)
    return issues
