"""The timeline: a routine compiled into every phase and sound at its absolute millisecond (a
pure function of the routine and phrase lengths), the engine's own phrases, and the views of a
timeline (dry run, overview) and places in it (an exercise, a resume point)."""
