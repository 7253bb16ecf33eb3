"""RFC 8785 (JCS) canonical JSON, written independently of every SDK (and of
the Python SDK's runtime that the project's reference encoder shares), so
that the expected JSON of the conformance cases comes only from Google's
`protobuf` package and this file. Checked against the shared vectors in
test_conformance_cases.py."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any


def es_number(value: float) -> str:
    """ECMAScript Number.prototype.toString of a finite double."""
    if not math.isfinite(value):
        raise ValueError(f"{value!r} has no JSON form")
    if value == 0:
        return "0"  # -0 included
    sign = "-" if value < 0 else ""
    # repr gives the shortest digits that round-trip (closest when tied),
    # which is what ECMAScript asks for.
    _, digits_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, digits_tuple)).rstrip("0")  # "100.0" -> "1"
    exponent = int(exponent) + (len(digits_tuple) - len(digits))
    k = len(digits)
    n = exponent + k  # value = 0.d1..dk * 10^n, as in the ECMAScript spec
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        text = f"{mantissa}e{'+' if e > 0 else '-'}{abs(e)}"
    return sign + text


def _utf16_key(text: str) -> bytes:
    return text.encode("utf-16-be", "surrogatepass")


def canonical(value: Any) -> str:
    """The JCS text of a JSON value made of dict, list, str, int, float, bool, None."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return es_number(value)
    if isinstance(value, str):
        # Escapes exactly ", \ and U+0000-U+001F (short forms where JSON has
        # them, else lower-case \u00xx); everything else raw.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=_utf16_key)
        return "{" + ",".join(f"{canonical(k)}:{canonical(value[k])}" for k in keys) + "}"
    raise TypeError(f"not a JSON value: {value!r}")
