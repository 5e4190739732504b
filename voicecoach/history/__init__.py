"""The workout history: every session and set in one SQLite file, and what it adds up to
(history tables, weekly stats)."""
