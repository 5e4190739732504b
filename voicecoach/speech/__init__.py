"""Text-to-speech as a service: the engines, their voices, and the phrase cache that makes each
distinct phrase once and keeps it on disk."""
