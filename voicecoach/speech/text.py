"""Text as a speech engine should read it: words and punctuation, never instructions.

Engines read more than words. espeak (and so pyttsx3's espeak driver) takes Ctrl-A (U+0001) as
the start of an embedded command that changes the volume, rate or pitch of every later phrase;
the espeak-ng program reads ``[[...]]`` as phonemes; an engine reading SSML takes ``<...>`` as
markup. :func:`plain_text` is what every engine is given, whatever the text came from, and the
speech cache keys its clips by it, so a phrase can only ever be spoken as text.

Routine files are already refused when their text holds control characters (see
:mod:`voicecoach.textsafety`); this is the last guard for every other way text reaches an
engine (``voicecoach say``, a phrase of the program's own, a future engine).
"""

from __future__ import annotations

import re
import unicodedata

#: Tag-like runs (``<prosody volume='0'>``): left out whole.
_TAG = re.compile(r"<[^<>]{0,200}>")
#: Brackets become parentheses (not spoken, and ``[[`` can no longer start phonemes); stray
#: angle brackets become spaces.
_BRACKETS = str.maketrans({"[": "(", "]": ")", "{": "(", "}": ")", "<": " ", ">": " "})
#: Format characters kept: the joiners some scripts and emoji are written with.
_JOINERS = frozenset("\u200c\u200d")


def _plain(char: str) -> str:
    category = unicodedata.category(char)
    if category in ("Cc", "Cs", "Co", "Cn"):  # controls, surrogates, private and unassigned
        return " "
    if category == "Cf" and char not in _JOINERS:  # soft hyphens, direction marks, ...
        return ""
    return char


def plain_text(text: str) -> str:
    """`text` with control and format characters, markup and phoneme brackets taken out, and
    white space made single. The result may be empty (a phrase of markup only).

    >>> plain_text("\\x010A Breathe <b>in</b> [[h@'loU]]")
    "0A Breathe in ((h@'loU))"
    """
    kept = "".join(_plain(c) if not c.isalnum() else c for c in text)
    kept = _TAG.sub(" ", kept).translate(_BRACKETS)
    return " ".join(kept.split())
