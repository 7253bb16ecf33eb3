"""The catalogue's wording (docs/sdk-api.md): deprecation texts for every
combination of since, removal and reason, and the number forms of messages."""

from __future__ import annotations

import math

import pytest

from codegen.ir import Deprecation
from codegen.templates.python.runtime.validation import bound_text, number_text
from codegen.texts import (
    deprecation_message,
    deprecation_note,
    deprecation_warning,
    enum_value_subject,
    event_subject,
)

FULL = Deprecation("Use  x\ninstead.", "1.0.0", "2027-06-30")


@pytest.mark.parametrize(("dep", "warning", "note", "message"), [
    (FULL, "event e is deprecated since 1.0.0, removal planned for 2027-06-30: Use x instead.",
     "Deprecated since 1.0.0, removal planned for 2027-06-30: Use x instead.",
     "since 1.0.0, removal planned for 2027-06-30: Use x instead."),
    (Deprecation("Gone.", "2.0.0"), "event e is deprecated since 2.0.0: Gone.", "Deprecated since 2.0.0: Gone.",
     "since 2.0.0: Gone."),
    (Deprecation("Gone.", None, "2030-01-01"), "event e is deprecated, removal planned for 2030-01-01: Gone.",
     "Deprecated, removal planned for 2030-01-01: Gone.", "removal planned for 2030-01-01: Gone."),
    (Deprecation("Gone."), "event e is deprecated: Gone.", "Deprecated: Gone.", "Gone."),
    (Deprecation("", "1.0.0"), "event e is deprecated since 1.0.0", "Deprecated since 1.0.0.", "since 1.0.0"),
    (Deprecation(""), "event e is deprecated", "Deprecated.", "deprecated"),
])
def test_deprecation_wording(dep: Deprecation, warning: str, note: str, message: str) -> None:
    assert deprecation_warning(event_subject("e"), dep) == warning
    assert deprecation_note(dep) == note
    assert deprecation_message(dep) == message


def test_enum_value_subject_quotes_the_model_name() -> None:
    assert enum_value_subject("ev.kind", 'a"b\n') == 'ev.kind value "a\\"b\\n"'


@pytest.mark.parametrize(("kind", "value", "text"), [
    ("int64", 9007199254740993, "9007199254740993"), ("uint64", 18446744073709551615, "18446744073709551615"),
    ("double", 0.1, "0.1"), ("double", 1e21, "1e+21"), ("double", -0.0, "0"), ("double", 5e-324, "5e-324"),
    ("double", math.nan, "NaN"), ("double", -math.inf, "-Infinity"), ("float", -0.9, "-0.9"),
    ("float", 1e-45, "1.4013e-45"), ("float", 1e39, "Infinity"), ("double", 3, "3"),
])
def test_numbers_print_as_canonical_json(kind: str, value: float, text: str) -> None:
    assert number_text(kind, value) == text


def test_bounds_print_in_decimal_or_ecmascript_form() -> None:
    assert bound_text("int32", 5) == "5" and bound_text("float", 0) == "0" and bound_text("double", 2.5) == "2.5"
