"""The texts every SDK produces from the model, worded once (docs/sdk-api.md
is the catalogue). Deprecation texts are built here at generation time; the
runtimes only put a subject (an event, a property path, an enum value)
before the `deprecation_predicate`.

This module sits in the lowest layer so that the reference (which drives the
Python runtime) and every target's views share it; `codegen.sdk.docs`
re-exports it for the targets.
"""

from __future__ import annotations

import json

from codegen.ir import Deprecation


def one_line(text: str) -> str:
    """Model text on one line: runs of whitespace become one space."""
    return " ".join(text.split())


def deprecation_details(dep: Deprecation) -> str:
    """'since 1.0.0, removal planned for 2027-06-30', either part, or ''."""
    parts = [f"since {dep.since}"] if dep.since else []
    if dep.removal:
        parts.append(f"removal planned for {dep.removal}")
    return ", ".join(parts)


def deprecation_message(dep: Deprecation) -> str:
    """The note without its leading word, for a language's own deprecation
    marker (TSDoc @deprecated, Kotlin @Deprecated, Swift @available):
    'since 1.0.0, removal planned for 2027-06-30: reason' or 'reason'."""
    details, reason = deprecation_details(dep), one_line(dep.reason)
    if details and reason:
        return f"{details}: {reason}"
    return details or reason or "deprecated"


def _deprecated(word: str, dep: Deprecation) -> str:
    """'<word> since 1.0.0, removal planned for 2027-06-30: reason' (parts as given)."""
    text = word + (f" since {dep.since}" if dep.since else "")
    text += f", removal planned for {dep.removal}" if dep.removal else ""
    reason = one_line(dep.reason)
    return f"{text}: {reason}" if reason else text


def deprecation_note(dep: Deprecation) -> str:
    """The deprecation sentence of a doc comment:
    'Deprecated since 1.0.0, removal planned for 2027-06-30: reason'."""
    note = _deprecated("Deprecated", dep)
    return note if one_line(dep.reason) else note + "."


def deprecation_predicate(dep: Deprecation) -> str:
    """What a warning says after its subject:
    'is deprecated since 1.0.0, removal planned for 2027-06-30: reason'."""
    return _deprecated("is deprecated", dep)


def deprecation_warning(subject: str, dep: Deprecation) -> str:
    """One warning: '<subject> is deprecated since ...: reason'."""
    return f"{subject} {deprecation_predicate(dep)}"


def event_subject(event: str) -> str:
    """The subject of a deprecated event's warning: 'event page_view'."""
    return f"event {event}"


def enum_value_subject(path: str, value: str) -> str:
    """The subject of a deprecated enum value's warning:
    'article_view.kind value "live_page"' (the model's value name, JSON-quoted)."""
    return f"{path} value {json_string(value)}"


def json_string(text: str) -> str:
    """A string inside a message: its JSON form (RFC 8785 escaping)."""
    return json.dumps(text, ensure_ascii=False)

