"""Protobuf descriptors of a model, built in-process from the IR (no protoc).

They describe exactly the `.proto` that `codegen export proto` writes, so the
official protobuf package decodes what the SDKs send. A second, private file
holds `RawBatch`, which shares Batch's wire format but keeps each envelope as
bytes: the collector decodes envelopes one by one and keeps the raw bytes of
the ones it rejects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2

from codegen.exports.proto_options import file_options
from codegen.ir import Kind, Model, Property, Scalar, TypeRef
from codegen.naming import enum_unspecified_name, enum_value_json_name, pascal

F = descriptor_pb2.FieldDescriptorProto
TIMESTAMP_TYPE = ".google.protobuf.Timestamp"
RAW_PACKAGE = "codegen.collector.raw"

_SCALAR_TYPES = {
    Scalar.STRING: F.TYPE_STRING,
    Scalar.BOOL: F.TYPE_BOOL,
    Scalar.INT32: F.TYPE_INT32,
    Scalar.INT64: F.TYPE_INT64,
    Scalar.UINT32: F.TYPE_UINT32,
    Scalar.UINT64: F.TYPE_UINT64,
    Scalar.FLOAT: F.TYPE_FLOAT,
    Scalar.DOUBLE: F.TYPE_DOUBLE,
    Scalar.BYTES: F.TYPE_BYTES,
}


@dataclass(frozen=True)
class Messages:
    """The generated message classes of one model."""

    file: descriptor_pb2.FileDescriptorProto
    pool: descriptor_pool.DescriptorPool
    classes: dict[str, Any]  # PascalCase name -> class
    envelope: Any
    batch: Any
    raw_batch: Any


def _set_type(field: descriptor_pb2.FieldDescriptorProto, type_ref: TypeRef, package: str) -> None:
    if type_ref.kind is Kind.ENUM:
        field.type = F.TYPE_ENUM
        field.type_name = f".{package}.{pascal(type_ref.name or '')}"
    elif type_ref.kind is Kind.OBJECT:
        field.type = F.TYPE_MESSAGE
        field.type_name = f".{package}.{pascal(type_ref.name or '')}"
    elif type_ref.scalar is Scalar.TIMESTAMP:
        field.type = F.TYPE_MESSAGE
        field.type_name = TIMESTAMP_TYPE
    else:
        assert type_ref.scalar is not None
        field.type = _SCALAR_TYPES[type_ref.scalar]


def _entry_name(prop: Property) -> str:
    # protoc's rule: the field name in CamelCase + "Entry".
    return pascal(prop.name) + "Entry"


def _add_fields(message: descriptor_pb2.DescriptorProto, properties: tuple[Property, ...], package: str,
                scope: str) -> None:
    for prop in properties:
        field = message.field.add(name=prop.name, number=prop.number)
        t = prop.type
        if t.kind is Kind.MAP:
            assert t.element is not None
            entry = message.nested_type.add(name=_entry_name(prop))
            entry.options.map_entry = True
            entry.field.add(name="key", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
            value = entry.field.add(name="value", number=2, label=F.LABEL_OPTIONAL)
            _set_type(value, t.element, package)
            field.label = F.LABEL_REPEATED
            field.type = F.TYPE_MESSAGE
            field.type_name = f".{package}.{scope}.{entry.name}"
            continue
        if t.kind is Kind.LIST:
            assert t.element is not None
            field.label = F.LABEL_REPEATED
            _set_type(field, t.element, package)
            continue
        field.label = F.LABEL_OPTIONAL
        _set_type(field, t, package)
        if prop.has_presence and field.type != F.TYPE_MESSAGE:
            # proto3 `optional`: a synthetic one-field oneof, as protoc makes it.
            field.proto3_optional = True
            field.oneof_index = len(message.oneof_decl)
            message.oneof_decl.add(name=f"_{prop.name}")


def file_descriptor(model: Model) -> descriptor_pb2.FileDescriptorProto:
    """The FileDescriptorProto of the model's exported `.proto`."""
    package = model.namespace
    fd = descriptor_pb2.FileDescriptorProto(
        name=package.replace(".", "/") + ".proto", package=package, syntax="proto3",
        dependency=["google/protobuf/timestamp.proto"])
    for key, value in file_options(model).items():  # the same file options as the export
        setattr(fd.options, key, value)
    context = fd.message_type.add(name="Context")
    _add_fields(context, model.context.properties, package, "Context")
    envelope = fd.message_type.add(name="Envelope")
    envelope.field.add(name="context", number=1, label=F.LABEL_OPTIONAL, type=F.TYPE_MESSAGE,
                       type_name=f".{package}.Context")
    envelope.oneof_decl.add(name="event")
    for event in sorted(model.events, key=lambda e: e.number):
        envelope.field.add(name=event.name, number=event.number, label=F.LABEL_OPTIONAL, type=F.TYPE_MESSAGE,
                           type_name=f".{package}.{pascal(event.name)}", oneof_index=0)
    batch = fd.message_type.add(name="Batch")
    batch.field.add(name="events", number=1, label=F.LABEL_REPEATED, type=F.TYPE_MESSAGE,
                    type_name=f".{package}.Envelope")
    batch.field.add(name="sent_at", number=2, label=F.LABEL_OPTIONAL, type=F.TYPE_MESSAGE,
                    type_name=TIMESTAMP_TYPE)
    for event in model.events:
        message = fd.message_type.add(name=pascal(event.name))
        _add_fields(message, event.properties, package, message.name)
    for obj in model.objects:
        message = fd.message_type.add(name=pascal(obj.name))
        _add_fields(message, obj.properties, package, message.name)
    for enum in model.enums:
        proto_enum = fd.enum_type.add(name=pascal(enum.name))
        proto_enum.value.add(name=enum_unspecified_name(enum.name), number=0)
        for value in enum.values:
            proto_enum.value.add(name=enum_value_json_name(enum.name, value.name), number=value.number)
    return fd


def _raw_batch_file() -> descriptor_pb2.FileDescriptorProto:
    fd = descriptor_pb2.FileDescriptorProto(name="codegen/collector/raw.proto", package=RAW_PACKAGE,
                                            syntax="proto3", dependency=["google/protobuf/timestamp.proto"])
    raw = fd.message_type.add(name="RawBatch")
    raw.field.add(name="events", number=1, label=F.LABEL_REPEATED, type=F.TYPE_BYTES)
    raw.field.add(name="sent_at", number=2, label=F.LABEL_OPTIONAL, type=F.TYPE_MESSAGE,
                  type_name=TIMESTAMP_TYPE)
    return fd


def build_messages(model: Model) -> Messages:
    """Message classes of `model` in a pool of their own (models with the same
    namespace can be loaded side by side)."""
    pool = descriptor_pool.DescriptorPool()
    pool.Add(descriptor_pb2.FileDescriptorProto.FromString(timestamp_pb2.DESCRIPTOR.serialized_pb))
    fd = file_descriptor(model)
    pool.Add(fd)
    pool.Add(_raw_batch_file())
    classes = {m.name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{fd.package}.{m.name}"))
               for m in fd.message_type}
    raw = message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{RAW_PACKAGE}.RawBatch"))
    return Messages(fd, pool, classes, classes["Envelope"], classes["Batch"], raw)
