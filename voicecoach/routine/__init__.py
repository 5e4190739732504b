"""Routine files: reading YAML safely with every value's place, checking every rule of the
routine format, exercise libraries, finding routines by name, and the frozen model they become."""
