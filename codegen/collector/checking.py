"""One envelope checked against the model: decodable, no unknown fields, an
event the model knows, every constraint of the SDKs, the auto values the
collector relies on, and a compatible model version."""

from __future__ import annotations

import logging
import re
from typing import Any

from google.protobuf.unknown_fields import UnknownFieldSet

from codegen.ir import AutoValue, Model
from codegen.collector.context_cache import ContextReader, per_event_properties
from codegen.collector.descriptors import Messages
from codegen.collector.plans import Broken, ModelPlans
from codegen.collector.reading import ModelReader
from codegen.collector.records import Accepted, Rejected
from codegen.reference import RefMessage
from codegen.templates.python.runtime.errors import ValidationIssue
from codegen.templates.python.runtime.jcs import json_string
from codegen.templates.python.runtime.validation import validate_message

log = logging.getLogger("codegen.collector")
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
        self.plans = ModelPlans(model, self.reader, per_event_properties(model))
        context_number = messages.envelope.DESCRIPTOR.fields_by_name["context"].number
        self.context_reader = ContextReader(model, self.plans, context_number)
        auto = {p.auto: p.name for p in model.context.properties if p.auto is not None}
        if AutoValue.EVENT_ID not in auto:
            raise ModelNotCollectable("the model's context has no property with 'auto: event_id'; "
                                      "the collector deduplicates on it")
        self.event_id_field = auto[AutoValue.EVENT_ID]
        self.version_field = auto.get(AutoValue.MODEL_VERSION)
        self.client_time_field = auto.get(AutoValue.CLIENT_TIMESTAMP)
        self.compatibility = _compatibility_key(model.version)
        self._compatible_versions: set[str] = set()

    def check(self, envelope: Any, index: int, raw: bytes, protobuf: bytes,
              unknown_fields: bool = True) -> Accepted | Rejected:
        """`envelope` is a decoded Envelope; `raw` what the client sent for
        it (kept when rejected); `protobuf` its Envelope bytes;
        `unknown_fields` False when it cannot have any (built from JSON).

        The steps, in order: the shape (no unknown fields, one event, a
        context); every rule of the model (the compiled plans, which also
        read the row values); the auto values the collector relies on.
        Checks on the row values (e.g. consent) slot in after the auto
        values. An event that breaks a rule is explained by `_explain`."""
        unknown = unknown_fields and _drop_unknown_fields(envelope, protobuf)
        event = envelope.WhichOneof("event")
        if unknown or event is None or not envelope.HasField("context"):
            return self._explain(envelope, unknown, index, raw, protobuf)
        try:
            context = self.context_reader.read(envelope.context, protobuf)
            payload = self.plans.events[event].read(getattr(envelope, event))
        except Broken:
            return self._explain(envelope, unknown, index, raw, protobuf)
        issues: list[ValidationIssue] = []
        self._check_auto(context, issues)
        event_id = context.get(self.event_id_field) or None
        version = context.get(self.version_field) if self.version_field else None
        if issues or event_id is None:
            return Rejected(index, [str(i) for i in issues], raw, event_id, event, version or None)
        return Accepted(index, event, event_id, version or "", context, payload, protobuf)

    def _explain(self, envelope: Any, unknown: bool, index: int, raw: bytes, protobuf: bytes) -> Rejected:
        """Every reason an event is rejected for, in the words of the SDK
        runtime's validator (run on the runtime's views of the message)."""
        issues: list[ValidationIssue] = []
        if unknown:
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
        if event is not None:
            payload = self.reader.events[event].read(getattr(envelope, event), event + ".", issues)
            issues += validate_message(payload, event + ".")
        self._check_auto(context.__dict__, issues)
        if not issues:  # a step broke a rule that the validator does not know: a bug
            log.error("event %d is rejected without a reason: the validation plans and the SDK runtime's "
                      "validator disagree", index)
            issues.append(ValidationIssue("envelope", "internal", "rejected without a reason the collector can "
                                          "name; please report this"))
        return Rejected(index, [str(i) for i in issues], raw, event_id, event, version or None)

    def views(self, accepted: Accepted) -> tuple[RefMessage, RefMessage]:
        """The runtime's views of an accepted event's context and payload
        (dev mode shows them as canonical JSON)."""
        envelope = self.messages.envelope.FromString(accepted.protobuf)
        issues: list[ValidationIssue] = []
        context = self.reader.context.read(envelope.context, "context.", issues)
        payload = self.reader.events[accepted.event].read(getattr(envelope, accepted.event), "", issues)
        return context, payload

    def _check_auto(self, context: dict[str, Any], issues: list[ValidationIssue]) -> None:
        if context.get(self.event_id_field) == "":  # None is reported by the validator
            issues.append(ValidationIssue(f"context.{self.event_id_field}", "required",
                                          "is required (the collector deduplicates on it)"))
        if self.version_field:
            version = context.get(self.version_field) or ""
            if version in self._compatible_versions:
                return
            key = _compatibility_key(version)
            if key == self.compatibility and len(self._compatible_versions) < 256:
                self._compatible_versions.add(version)  # the few versions in use, checked once
            if key is None:
                issues.append(ValidationIssue(f"context.{self.version_field}", "model_version",
                                              f"{version!r} is not a semantic version"))
            elif key != self.compatibility:
                issues.append(ValidationIssue(
                    f"context.{self.version_field}", "model_version",
                    f"model version {version} is not compatible with the collector's {self.model.version}"))


def _drop_unknown_fields(envelope: Any, protobuf: bytes) -> bool:
    """Drop the unknown fields (the model's rules do not know them); whether
    there were any. Bytes equal to the known fields' encoding hold nothing
    else (the SDKs encode canonically, so this is the usual answer); other
    bytes are decoded again and the sizes with and without compared."""
    envelope.DiscardUnknownFields()
    if envelope.SerializeToString(deterministic=True) == protobuf:
        return False
    return bool(type(envelope).FromString(protobuf).ByteSize() != envelope.ByteSize())


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
        if descriptor.message_type is None:
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
