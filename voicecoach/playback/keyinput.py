"""Keys as the player understands them: single keys, a number typed and Enter, Enter alone.

The terminal delivers one character at a time. :class:`KeyInput` turns them into what they mean:

- digits (with one decimal point or comma) followed by Enter: a :class:`Number`;
- Enter with nothing typed before it: a :class:`Mark` (the end of an as-many-as-possible set or
  round, for instance);
- Backspace takes back the last digit, Escape drops what was typed;
- any other key: a :class:`Key`, and whatever digits were typed before it are dropped.

While digits are being typed, :attr:`KeyInput.typed` holds them, for the display.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

_ENTER: Final = ("\r", "\n")
_ERASE: Final = ("\x7f", "\b")
_ESCAPE: Final = "\x1b"
#: At most this many characters are collected for one number.
MAX_TYPED: Final = 6


@dataclass(frozen=True)
class Key:
    """A single key press (space, n, b, q, w, ...), as typed."""

    key: str


@dataclass(frozen=True)
class Number:
    """Digits typed, then Enter: ``text`` as typed ("8", "42.5"), with a comma made a point."""

    text: str

    @property
    def whole(self) -> int | None:
        """The number if it is whole, else None."""
        return int(self.text) if self.text.isdigit() else None


@dataclass(frozen=True)
class Mark:
    """Enter alone."""


Input = Key | Number | Mark


class KeyInput:
    """Collects typed characters into :data:`Input` values; see the module's docstring."""

    def __init__(self) -> None:
        self.typed = ""

    def feed(self, char: str) -> Input | None:
        """One character from the terminal; what it completes, or None while a number is typed."""
        if char.isdigit() and char.isascii():
            if len(self.typed) < MAX_TYPED:
                self.typed += char
            return None
        if char in ".," and self.typed and "." not in self.typed:
            self.typed += "."
            return None
        if char in _ERASE:
            self.typed = self.typed[:-1]
            return None
        if char == _ESCAPE:
            self.typed = ""
            return None
        if char in _ENTER:
            text, self.typed = self.typed.rstrip("."), ""
            return Number(text) if text else Mark()
        self.typed = ""
        return Key(char)
