"""Settings per target, as the model's `targets` section and each source's
`targets` write them: a mapping of target names to mappings of texts.
Which keys a target accepts is the target's to say (codegen.sdk.options_check)."""

from __future__ import annotations

from codegen.diagnostics import Collector
from codegen.ir import Location
from codegen.loading.packages import check_setting
from codegen.loading.reader import MapReader
from codegen.loading.yaml_nodes import LMap, LNode, LScalar

Settings = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
Locations = tuple[tuple[str, str, Location], ...]


def read_target_settings(node: LNode | None, what: str, errors: Collector, owner: str = "",
                         allow_empty: bool = False) -> tuple[Settings, Locations]:
    """Settings per target, and where each target (key "") and each setting is
    written. `owner` (e.g. " in source 'news-web'") completes the messages;
    `allow_empty` accepts a target written without settings (`python:`)."""
    if node is None:
        return (), ()
    if not isinstance(node, LMap):
        MapReader(node, what, errors, ())
        return (), ()
    result = []
    locations: list[tuple[str, str, Location]] = []
    for target, (key, value) in sorted(node.entries.items()):
        locations.append((target, "", key.loc))
        if allow_empty and isinstance(value, LScalar) and value.value is None and not value.invalid:
            result.append((target, ()))
            continue
        if not isinstance(value, LMap):
            errors.error(value.loc, f"settings of target '{target}'{owner} must be a mapping",
                         "write e.g. 'python: {package: broadcaster_analytics}'")
            continue
        pairs = []
        for setting, (skey, svalue) in value.entries.items():
            locations.append((target, setting, skey.loc))
            if isinstance(svalue, LScalar) and isinstance(svalue.value, str):
                pairs.append((setting, svalue.value))
                check_setting(target, setting, svalue.value, svalue.loc, errors)
            else:
                errors.error(svalue.loc, f"setting '{setting}' of target '{target}'{owner} must be text",
                             f"write {setting}: some_name")
        result.append((target, tuple(sorted(pairs))))
    return tuple(result), tuple(locations)
