"""File options of the exported `.proto`: the model's `exports.proto`
settings over defaults derived from the namespace, following the
conventions of buf's managed mode where it has one."""

from __future__ import annotations

import re

from codegen.ir import Model
from codegen.loading.export_settings import GO_KEYWORDS, JAVA_KEYWORDS, PROTO_KEYS
from codegen.naming import pascal

_VERSION = re.compile(r"^v[0-9]+([a-z]+[0-9]*)*$")  # v1, v1beta1, v2alpha


def default_options(namespace: str) -> dict[str, str | bool]:
    """Defaults for `broadcaster.analytics.v1`: go_package
    `broadcaster/analytics/v1;analyticsv1`, java_package as the namespace,
    java_multiple_files true (one Java file per message instead of one outer
    class), csharp_namespace `Broadcaster.Analytics.V1`, objc_class_prefix
    `BAX`, swift_prefix `Broadcaster_Analytics_V1_` (swift-protobuf's own)."""
    parts = namespace.split(".")
    go_name = parts[-1] if len(parts) == 1 or not _VERSION.match(parts[-1]) else parts[-2] + parts[-1]
    go_name = go_name.replace("_", "")
    if go_name in GO_KEYWORDS:
        go_name += "pb"
    initials = "".join(p[0].upper() for p in parts if not _VERSION.match(p)) or parts[0][0].upper()
    prefix = initials + "X" * max(0, 3 - len(initials))
    return {
        "csharp_namespace": ".".join(pascal(p) for p in parts),
        "go_package": "/".join(parts) + ";" + go_name,
        "java_multiple_files": True,
        "java_package": ".".join(p + "_" if p in JAVA_KEYWORDS else p for p in parts),
        "objc_class_prefix": "GPX" if prefix == "GPB" else prefix,
        "swift_prefix": "".join(pascal(p) + "_" for p in parts),
    }


def file_options(model: Model) -> dict[str, str | bool]:
    options = default_options(model.namespace)
    options.update(dict(model.exports.proto_options))
    return {key: options[key] for key in PROTO_KEYS}


def render_file_options(model: Model) -> list[str]:
    lines = []
    for key, value in file_options(model).items():
        if isinstance(value, bool):
            literal = "true" if value else "false"
        else:
            literal = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        lines.append(f"option {key} = {literal};")
    return lines
