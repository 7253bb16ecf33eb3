"""Regular expressions for what JSON Schema has no keyword for: decimal
strings of 64-bit integers within bounds, canonical RFC 3339 timestamps,
canonical base64, and strings without unpaired surrogates.

Every pattern reads the same in ECMAScript with the `u` flag (ajv) and in
Python `re` (jsonschema), which searches rather than matches: so each is
anchored, and ends with `$(?!\\n)` because Python's `$` also matches before
a final newline.
"""

from __future__ import annotations

from functools import lru_cache

END = r"$(?!\n)"

# RFC 3339 in UTC as the SDKs write it: years 0001-9999, real calendar dates
# (leap years included), no leap second, 0, 3, 6 or 9 fractional digits and
# never more than needed (a group of three trailing zeros is dropped).
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_MONTH_DAY = (r"(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)"
              r"|(?:0[13578]|1[02])-31)")
_DATE = rf"(?:(?!0000)[0-9]{{4}}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
_FRACTION = r"(?:\.(?!000)[0-9]{3}|\.[0-9]{3}(?!000)[0-9]{3}|\.[0-9]{6}(?!000)[0-9]{3})?"
TIMESTAMP = f"^{_DATE}T{_TIME}{_FRACTION}Z{END}"

# Standard base64 with padding and zero padding bits (what every SDK writes).
BASE64 = rf"^(?:[A-Za-z0-9+/]{{4}})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{{2}}[AEIMQUYcgkosw048]=)?{END}"

# An unpaired surrogate has no UTF-8 form; JSON can only smuggle one in as an
# escape ("\ud800"). With the `u` flag a proper pair is one code point.
NO_SURROGATE = rf"^[^\uD800-\uDFFF]*{END}"
_NO_SURROGATE_AHEAD = r"(?![\s\S]*[\uD800-\uDFFF])"


def whole_string(model_pattern: str) -> str:
    """A model pattern matching the whole value (docs/model-rules.md), which
    also holds no unpaired surrogate."""
    return f"^{_NO_SURROGATE_AHEAD}(?:{model_pattern}){END}"


@lru_cache(maxsize=4096)  # a model repeats its few ranges on many properties
def integer_range(low: int, high: int) -> str:
    """Exactly the canonical decimal forms ("-5", "0", "42"; never "+5",
    "05" or "-0") of the integers from `low` to `high`."""
    if low > high:
        raise ValueError(f"empty range {low}..{high}")
    alternatives = []
    if low < 0:
        negative = _positive(max(1, -high), -low)
        alternatives.append("-" + _group(negative))
    if high >= 0:
        start = max(0, low)
        if start == 0:
            alternatives.append("0")
            start = 1
        if start <= high:
            alternatives.append(_positive(start, high))
    return "^" + _group("|".join(alternatives)) + END


def _group(alternation: str) -> str:
    return f"(?:{alternation})" if "|" in alternation else alternation


def _positive(low: int, high: int) -> str:
    """Integers low..high, 1 <= low <= high, split by number of digits."""
    parts = []
    full: list[int] = []  # lengths whose every number is in range, as one run

    def flush() -> None:
        if full:
            lo, hi = full[0] - 1, full[-1] - 1
            count = "" if hi == 0 else f"{{{hi}}}" if lo == hi else f"{{{lo},{hi}}}"
            parts.append("[1-9]" + ("[0-9]" + count if hi else ""))
            full.clear()

    for digits in range(len(str(low)), len(str(high)) + 1):
        lo = max(low, 10 ** (digits - 1))
        hi = min(high, 10**digits - 1)
        if lo == 10 ** (digits - 1) and hi == 10**digits - 1:
            full.append(digits)
            continue
        flush()
        parts.append(_same_length(str(lo), str(hi)))
    flush()
    return "|".join(parts)


def _same_length(lo: str, hi: str) -> str:
    """Digit strings of one length from lo to hi; the result is safe to
    concatenate (an alternation comes grouped)."""
    if lo == hi:
        return lo
    if lo[0] == hi[0]:
        return lo[0] + _same_length(lo[1:], hi[1:])
    rest = len(lo) - 1
    first, last = int(lo[0]), int(hi[0])
    alternatives = []
    if rest and lo[1:] != "0" * rest:
        alternatives.append(lo[0] + _same_length(lo[1:], "9" * rest))
        first += 1
    high_partial = bool(rest) and hi[1:] != "9" * rest
    if high_partial:
        last -= 1
    if first <= last:
        lead = str(first) if first == last else f"[{first}-{last}]"
        tail = "" if rest == 0 else "[0-9]" if rest == 1 else f"[0-9]{{{rest}}}"
        alternatives.append(lead + tail)
    if high_partial:
        alternatives.append(hi[0] + _same_length("0" * rest, hi[1:]))
    return _group("|".join(alternatives))
