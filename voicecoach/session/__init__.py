"""Tying the pipeline together for a command: preparing speech so a session starts at once,
running a session for real, rendering one, speaking one phrase."""
