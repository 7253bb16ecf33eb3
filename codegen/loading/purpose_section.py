"""The `purposes` section (what data is processed for, on which lawful basis,
kept how long) and the `collector` section (whether the collector keeps the
client's IP address, and for which purposes)."""

from __future__ import annotations

from codegen.diagnostics import Collector
from codegen.ir import LawfulBasis, Location, Purpose
from codegen.loading.properties import TypeNames, read_purpose_list
from codegen.loading.reader import MapReader
from codegen.loading.yaml_nodes import LMap, LNode

LAWFUL_BASES = tuple(b.value for b in LawfulBasis)
MAX_RETENTION_DAYS = 36_525  # a hundred years: anything longer is a typo


def read_purposes(node: LNode | None, missing_at: Location | None, errors: Collector) -> tuple[Purpose, ...]:
    """The declared purposes, sorted by name. `missing_at` is where to report a
    missing section (None when a file could not be read: it may be there)."""
    if node is None:
        if missing_at is not None:
            errors.error(missing_at, "the model declares no purposes",
                         "add a 'purposes:' section: each purpose with a description, its lawful_basis "
                         "(consent, legitimate_interest, contract, legal_obligation) and retention_days")
        return ()
    if not isinstance(node, LMap):
        MapReader(node, "the 'purposes' section", errors, ())  # reports what it is instead
        return ()
    if not node.entries:
        errors.error(node.loc, "the 'purposes' section declares no purposes", "declare at least one purpose")
    purposes = []
    for name, (key, value) in node.entries.items():
        what = f"purpose '{name}'"
        r = MapReader(value, what, errors, ("description", "lawful_basis", "retention_days", "sensitive"),
                      ("description", "lawful_basis", "retention_days"), fallback=key.loc)
        basis = r.choice("lawful_basis", LAWFUL_BASES)
        days = r.integer("retention_days", "395")
        if days is not None and not 1 <= days <= MAX_RETENTION_DAYS:
            errors.error(r.value_loc("retention_days"), f"'retention_days' of {what} must be from 1 to "
                                                        f"{MAX_RETENTION_DAYS}, got {days}",
                         "give the number of days stored events are kept for this purpose")
            days = None
        sensitive = r.boolean("sensitive") if r.has("sensitive") else False
        if basis is None or days is None:
            continue
        purposes.append(Purpose(name=name, description=r.description(), lawful_basis=LawfulBasis(basis),
                                retention_days=days, sensitive=bool(sensitive), loc=key.loc))
    return tuple(sorted(purposes, key=lambda p: p.name))


def read_client_ip(node: LNode | None, names: TypeNames, errors: Collector) -> tuple[str, ...]:
    """The purposes the collector stores the client IP for (empty: never)."""
    if node is None:
        return ()
    reader = MapReader(node, "the 'collector' section", errors, ("client_ip",))
    if not reader.has("client_ip"):
        return ()
    ip = MapReader(reader.raw("client_ip"), "'client_ip' of the 'collector' section", errors, ("purposes",),
                   ("purposes",), fallback=reader.key_loc("client_ip"))
    return read_purpose_list(ip, names, errors) or ()
