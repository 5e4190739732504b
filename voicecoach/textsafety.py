"""Characters that must not reach a terminal or a speech engine, and how to show text safely.

Text from a file (a routine's names, cues and notes, an error message quoting a value, a history
entry) is shown in terminals and spoken by engines. Some characters are instructions rather
than text there: C0 and C1 control characters (ESC starts terminal escape sequences, Ctrl-A
starts espeak's embedded commands, NUL ends a C string), DEL, lone surrogates (which no encoder
takes) and the bidirectional overrides that reorder what a terminal shows. Routine files are
refused when their text holds any of them (:func:`unspeakable`), and anything printed goes
through :func:`for_terminal`, which shows them as escapes.
"""

from __future__ import annotations

import re
import unicodedata

#: Bidirectional embeddings, overrides and isolates: they reorder the text a terminal shows.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

#: Characters that show nothing: a name made only of these (and spaces) is empty.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u034f")

_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff" + "".join(sorted(BIDI_CONTROLS)) + "]"
)
_UNSAFE_ONE_LINE = re.compile(_UNSAFE.pattern[:-1] + "\t\n]")


def unspeakable(text: str) -> tuple[int, str] | None:
    """The index and description of the first character no engine or terminal takes as text.

    Line breaks and tabs are allowed (multi-line notes); None when every character is fine.
    """
    match = _UNSAFE.search(text)
    if match is None:
        return None
    char = match.group()
    return match.start(), describe_char(char)


def describe_char(char: str) -> str:
    """How a message names a character: 'control character U+001B (escape)'."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return f"lone surrogate U+{code:04X} (half of a character, not one)"
    if char in BIDI_CONTROLS:
        return f"direction control U+{code:04X} ({unicodedata.name(char, '').lower()})"
    names = {0: "NUL", 1: "Ctrl-A", 0x1B: "escape", 0x7F: "delete", 0x9B: "escape sequence start"}
    extra = f" ({names[code]})" if code in names else ""
    return f"control character U+{code:04X}{extra}"


def is_blank(text: str) -> bool:
    """Whether `text` shows nothing: only spaces, invisible format characters and fillers."""
    for char in text:
        if char.isspace() or char in _BLANK_LETTERS:
            continue
        if unicodedata.category(char) in ("Cf", "Mn", "Me", "Cc", "Zs", "Zl", "Zp"):
            continue
        return False
    return True


def _escape(match: re.Match[str]) -> str:
    # The same escape JSON uses, so printed JSON stays valid.
    return f"\\u{ord(match.group()):04x}"


def for_terminal(text: str, *, one_line: bool = False) -> str:
    """`text` with every control, lone surrogate and direction override shown as an escape.

    Line breaks and tabs are kept unless `one_line`.
    """
    pattern = _UNSAFE_ONE_LINE if one_line else _UNSAFE
    return pattern.sub(_escape, text)
