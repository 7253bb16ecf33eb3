"""Just enough lexing to tell code from comments and string literals in the
generated sources of every target, so that a test can prove that model text
only ever lands in comments or strings (never in code, never in a string
interpolation). `code_only(text, language)` blanks out every comment and
every string literal's text (interpolated expressions stay: they are code).
"""

from __future__ import annotations

import io
import re
import tokenize


class LexError(Exception):
    pass


def code_only(text: str, language: str) -> str:
    if language == "python":
        return _python(text)
    return _CFamily(text, language).run()


def _python(text: str) -> str:
    out = list(text)
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def blank(start: tuple[int, int], end: tuple[int, int]) -> None:
        a = offsets[start[0] - 1] + start[1]
        b = offsets[end[0] - 1] + end[1]
        for i in range(a, b):
            if out[i] != "\n":
                out[i] = " "

    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError) as exc:
        raise LexError(f"python: {exc}") from exc
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            blank(tok.start, tok.end)
        elif tok.type == tokenize.STRING:
            blank(tok.start, tok.end)
            prefix = re.match(r"[A-Za-z]*", tok.string).group(0).lower()  # type: ignore[union-attr]
            if "f" in prefix:  # its {expressions} are code
                base = offsets[tok.start[0] - 1] + tok.start[1]
                for a, b in _fstring_fields(tok.string):
                    out[base + a:base + b] = list(tok.string[a:b])
    return "".join(out)


def _fstring_fields(literal: str) -> list[tuple[int, int]]:
    """Spans of the replacement fields' expressions in an f-string token."""
    spans, i, depth, start = [], 0, 0, 0
    while i < len(literal):
        c = literal[i]
        if depth == 0 and literal.startswith(("{{", "}}"), i):
            i += 2
            continue
        if c == "{":
            depth += 1
            if depth == 1:
                start = i + 1
        elif c == "}" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i))
        i += 1
    return spans


class _CFamily:
    """TypeScript, Kotlin and Swift: // and /* */ comments (nested in Kotlin
    and Swift), "..." strings, '...' (JS strings, Kotlin chars), `...` (JS
    templates), triple-quoted strings (Kotlin, Swift), Swift raw strings
    (#"..."#), and interpolation: ${...} (JS templates, Kotlin), $name
    (Kotlin), \\(...) (Swift)."""

    def __init__(self, text: str, language: str) -> None:
        self.text = text
        self.lang = language
        self.out = list(text)
        self.i = 0

    def blank(self, a: int, b: int) -> None:
        for k in range(a, min(b, len(self.out))):
            if self.out[k] != "\n":
                self.out[k] = " "

    def run(self) -> str:
        self.code(None)
        return "".join(self.out)

    def code(self, closer: str | None) -> None:
        """Code up to `closer` (the `}` or `)` ending an interpolation)."""
        depth = 0
        t = self.text
        while self.i < len(t):
            c = t[self.i]
            if closer is not None:
                if c in "({[":
                    depth += 1
                elif c in ")}]":
                    if depth == 0 and c == closer:
                        self.i += 1
                        return
                    depth -= 1
            if t.startswith("//", self.i):
                end = t.find("\n", self.i)
                end = len(t) if end < 0 else end
                self.blank(self.i, end)
                self.i = end
            elif t.startswith("/*", self.i):
                self.block_comment()
            elif self.lang == "swift" and re.match(r'#+"', t[self.i:]):
                hashes = len(re.match(r"#+", t[self.i:]).group(0))  # type: ignore[union-attr]
                self.i += hashes
                self.string(hashes)
            elif c == '"' or (c == "'" and self.lang in ("typescript", "kotlin")) or (
                    c == "`" and self.lang == "typescript"):
                self.string(0)
            else:
                self.i += 1
        if closer is not None:
            raise LexError(f"{self.lang}: unterminated interpolation")

    def block_comment(self) -> None:
        t, start, depth = self.text, self.i, 0
        while self.i < len(t):
            if t.startswith("/*", self.i):
                depth += 1
                self.i += 2
                if self.lang == "typescript" and depth > 1:
                    depth = 1  # JavaScript comments do not nest
            elif t.startswith("*/", self.i):
                depth -= 1
                self.i += 2
                if depth == 0:
                    self.blank(start, self.i)
                    return
            else:
                self.i += 1
        raise LexError(f"{self.lang}: unterminated block comment at offset {start}")

    def string(self, hashes: int) -> None:
        t = self.text
        quote = t[self.i]
        triple = quote == '"' and t.startswith('"""', self.i) and self.lang in ("kotlin", "swift")
        delim = ('"""' if triple else quote) + "#" * hashes
        self.i += len('"""') if triple else 1
        start = self.i
        raw = hashes > 0 or (triple and self.lang == "kotlin")
        swift_interp = "\\" + "#" * hashes + "("
        while self.i < len(t):
            if t.startswith(delim, self.i):
                self.blank(start, self.i)
                self.i += len(delim)
                return
            c = t[self.i]
            if (quote in "'\"") and not triple and c == "\n":
                raise LexError(f"{self.lang}: line break inside a string literal at offset {start}")
            if self.lang == "swift" and t.startswith(swift_interp, self.i):
                self.blank(start, self.i)
                self.i += len(swift_interp)
                self.code(")")
                start = self.i
                continue
            if c == "\\" and not raw and self.lang != "swift" or (c == "\\" and self.lang == "swift" and not hashes):
                self.i += 2
                continue
            if self.lang == "kotlin" and c == "$" and quote == '"':
                if t.startswith("${", self.i):
                    self.blank(start, self.i)
                    self.i += 2
                    self.code("}")
                    start = self.i
                    continue
                name = re.match(r"\$([A-Za-z_][A-Za-z0-9_]*)", t[self.i:])
                if name:  # $name is code
                    self.blank(start, self.i)
                    self.i += len(name.group(0))
                    start = self.i
                    continue
            if self.lang == "typescript" and quote == "`" and t.startswith("${", self.i):
                self.blank(start, self.i)
                self.i += 2
                self.code("}")
                start = self.i
                continue
            self.i += 1
        raise LexError(f"{self.lang}: unterminated string literal at offset {start}")


LANGUAGES = {".py": "python", ".ts": "typescript", ".mts": "typescript", ".js": "typescript",
             ".mjs": "typescript", ".kt": "kotlin", ".kts": "kotlin", ".swift": "swift"}
