"""voicecoach: a voice-guided workout runner for YAML routines."""

__version__ = "0.1.0"
