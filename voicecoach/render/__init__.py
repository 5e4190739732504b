"""Rendering a timeline to one audio file: mixing sample-accurately, the file writers, and the
WebVTT captions beside the file."""
