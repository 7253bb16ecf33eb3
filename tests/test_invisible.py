"""codegen/format_characters.txt is what this Python's Unicode database says
(regenerate with `python -m codegen.invisible`), and the escaping sets built
from it hold the characters that matter."""

from __future__ import annotations

from codegen import invisible


def test_the_format_characters_are_derived_from_unicodedata() -> None:
    assert invisible.DATA.read_text(encoding="utf-8") == invisible.render(invisible.derive()), (
        "run: python -m codegen.invisible")


def test_the_bidi_controls_and_invisible_joiners_are_in() -> None:
    for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x200E, 0x200F, 0x061C, 0xFEFF, 0xE0001):
        assert invisible.FORMAT.match(chr(code)), hex(code)
    assert not invisible.FORMAT.search("plain text, ünïcødé, 日本語 😀")
