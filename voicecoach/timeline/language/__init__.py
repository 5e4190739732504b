"""The coach's own words, one class per language, one file per class.

Authors write their cues in whatever language they like; these are the words voicecoach adds
itself: announcements, set calls, rests and time calls, rep counts, and every label it shows
(phase names, the live panel, the end summary). Numbers that are counted out loud are words, so
every count is one short phrase with its own cached clip.

Adding a language is one new module beside ``en.py``: a subclass of :class:`Language` that sets
every word and implements every method of the base class, and a line in :data:`LANGUAGES`. A
test fails when one language lacks a word that the base class asks for.
"""

from __future__ import annotations

from voicecoach.timeline.language.base import Language, SetCall
from voicecoach.timeline.language.de import German
from voicecoach.timeline.language.en import English
from voicecoach.timeline.language.fr import French

__all__ = ["LANGUAGES", "Language", "SetCall", "language_for"]

#: Every language, by its code in routine files.
LANGUAGES: dict[str, Language] = {lang.code: lang for lang in (English(), German(), French())}


def language_for(code: str) -> Language:
    """The words of the language `code` (``en``, ``de``, ``fr``)."""
    return LANGUAGES[code]
