"""Decodes envelopes with the Python code protoc generated from the exported
.proto: decode.py INPUT MODULE_DIR MODULE ENVELOPE. INPUT holds one envelope
a line (hex); prints "<event field>\t<unknown fields>\t<bytes re-encoded,
hex>\t<JSON of json_format>" a line."""

import importlib
import json
import sys

from google.protobuf import json_format
from google.protobuf.unknown_fields import UnknownFieldSet


def unknown(message) -> int:  # type: ignore[no-untyped-def]
    count = len(UnknownFieldSet(message))
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        if field.message_type.GetOptions().map_entry:
            items = value.values() if field.message_type.fields_by_name["value"].message_type else []
        elif field.is_repeated:
            items = value
        else:
            items = [value]
        count += sum(unknown(item) for item in items)
    return count


def main() -> None:
    source, folder, module_name, envelope_name = sys.argv[1:5]
    sys.path.insert(0, folder)
    envelope_type = getattr(importlib.import_module(module_name), envelope_name)
    for line in open(source, encoding="ascii").read().split():
        envelope = envelope_type.FromString(bytes.fromhex(line))
        event = envelope.WhichOneof("event") or "-"
        data = json_format.MessageToDict(envelope, preserving_proto_field_name=True,
                                         always_print_fields_with_no_presence=True)
        again = envelope.SerializeToString(deterministic=True).hex()
        print(f"{event}\t{unknown(envelope)}\t{again}\t{json.dumps(data, sort_keys=True)}")


main()
