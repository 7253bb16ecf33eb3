"""The portable regular-expression subset.

Patterns are enforced by Python `re`, JavaScript `RegExp` with the `u` flag,
`java.util.regex` and ICU (Swift). They disagree on `.`, `\\d`, `\\w`, `\\s`,
`\\b`, anchors, lookaround, named groups, inline flags, possessive
quantifiers, lone braces and set operations inside classes, so the model
accepts only what all four read the same way. A pattern always matches the
whole value.
"""

from __future__ import annotations

import re

_SYNTAX = set("^$\\.*+?()[]{}|/")
_CONTROL_ESCAPES = set("nrtf")  # not \v: vertical whitespace class in Java and ICU
_QUANTIFIER = re.compile(r"\{[0-9]+(,[0-9]*)?\}")
_HEX2 = re.compile(r"x[0-9A-Fa-f]{2}")
_HEX4 = re.compile(r"u[0-9A-Fa-f]{4}")


def pattern_problem(pattern: str) -> tuple[str, str] | None:
    """Return (what is wrong, how to fix it) or None if the pattern is portable."""
    problem = _scan(pattern)
    if problem:
        return problem
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"invalid regular expression: {exc}", "fix the pattern's syntax"
    except (OverflowError, RecursionError):
        return "the pattern is too large (a repetition count or nesting)", "use smaller repetition counts"
    return None


def _escape_problem(pattern: str, i: int, in_class: bool) -> tuple[tuple[str, str] | None, int]:
    if i + 1 >= len(pattern):
        return ("the pattern ends with a lone backslash", "escape it as \\\\"), i + 1
    nxt = pattern[i + 1]
    if nxt in _SYNTAX or nxt in _CONTROL_ESCAPES or (in_class and nxt == "-"):
        return None, i + 2
    for rx, width in ((_HEX2, 3), (_HEX4, 5)):
        if rx.match(pattern, i + 1):
            return None, i + 1 + width
    if nxt in "dwsDWSbB":
        classes = {"d": "[0-9]", "w": "[A-Za-z0-9_]", "s": "[ \\t\\n\\r]"}
        suggestion = classes.get(nxt.lower(), "an explicit character class")
        return (
            f"'\\{nxt}' means different things in Python, JavaScript, Java and Swift",
            f"write {suggestion} (or its negation [^...]) instead",
        ), i + 2
    return (f"the escape '\\{nxt}' is not portable", "escape only punctuation that has a meaning in patterns"), i + 2


def _scan(pattern: str) -> tuple[str, str] | None:
    i = 0
    in_class = False
    after_quantifier = False
    while i < len(pattern):
        ch = pattern[i]
        quantifier = False
        if ch == "\\":
            problem, i = _escape_problem(pattern, i, in_class)
            if problem:
                return problem
            after_quantifier = False
            continue
        if in_class:
            if ch == "]":
                in_class = False
            elif ch == "[":
                return "an unescaped '[' inside a character class", "escape it as \\["
            elif pattern.startswith(("&&", "--", "~~", "||"), i):
                return (f"'{pattern[i:i + 2]}' inside a class is a set operation in some languages",
                        "escape one of the two characters")
            i += 1
            continue
        if ch == "[":
            in_class = True
            i += 1
            if pattern.startswith("^", i):
                i += 1
            if pattern.startswith("]", i):
                return "a character class starting with ']'", "escape a literal ] as \\]"
            continue
        if ch in "^$":
            return (f"'{ch}' anchors are implied: a pattern always matches the whole value",
                    "remove the anchor")
        if ch == ".":
            return ("'.' matches different line terminators in different languages",
                    "write an explicit class such as [^\\n] or [a-z]")
        if ch == "(" and pattern.startswith("(?", i) and not pattern.startswith("(?:", i):
            return ("lookaround, named groups and inline flags are not portable",
                    "use a plain group '(...)' or a non-capturing group '(?:...)'")
        if ch == "{":
            match = _QUANTIFIER.match(pattern, i)
            if not match:
                return "a '{' that does not start a repetition like {2} or {1,3}", "escape it as \\{"
            i = match.end()
            quantifier = True
        elif ch == "}":
            return "a '}' that does not close a repetition", "escape it as \\}"
        elif ch in "*+?":
            if ch == "+" and after_quantifier:
                return "possessive quantifiers are not portable", "remove the trailing '+'"
            quantifier = ch != "?" or not after_quantifier
            i += 1
        else:
            i += 1
        after_quantifier = quantifier
    if in_class:
        return "a character class that is never closed", "add the closing ']'"
    return None
