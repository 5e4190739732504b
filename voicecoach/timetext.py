"""Every way voicecoach writes a time for people: one module, so that the dry run, the live
panel, the summary, the history tables, render messages and captions cannot drift apart."""

from __future__ import annotations


def clock(ms: int) -> str:
    """``MM:SS.mmm``; minutes keep counting past 59."""
    minutes, rest = divmod(ms, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{minutes:02d}:{seconds:02d}.{millis:03d}"


def short_clock(ms: int) -> str:
    """``1 h 05 min``, ``25 min 30 s``: a length for people."""
    seconds = round(ms / 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s"


def format_duration(seconds: float) -> str:
    """``m:ss`` under an hour, ``h:mm:ss`` from one hour on."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def signed_clock(ms: int) -> str:
    """``M:SS.mmm`` with a sign for times before the start: ``-0:01.500``."""
    sign = "-" if ms < 0 else ""
    minutes, seconds = divmod(abs(ms) / 1000, 60)
    return f"{sign}{int(minutes)}:{seconds:06.3f}"


def vtt_time(ms: int) -> str:
    """``HH:MM:SS.mmm``, as WebVTT captions write a time."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"
