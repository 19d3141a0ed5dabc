"""How text is shown: control characters, lone surrogates and bidirectional formatting characters as
visible escapes, everything else as it is."""

from __future__ import annotations

import pytest

from barnetmodel.errors import printable

BIDI = ["\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"]
BIDI += ["\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize("char", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_bidirectional_formatting_characters_are_shown_as_escapes(char: str) -> None:
    # U+202E would show "saving" reversed: "Trojan Source".
    assert printable(f"a{char}saving") == f"a\\u{ord(char):04x}saving"


def test_other_text_is_shown_as_it_is() -> None:
    text = "Révision £5m, 2026/27 — العربية עברית 中文 \u200b\u2028 tab\tand"
    assert printable(text) == text
    assert printable("two\nlines", one_line=True) == "two\\nlines"
    assert printable("\x1b[2J\x9b\ud800") == "\\x1b[2J\\x9b\\ud800"
