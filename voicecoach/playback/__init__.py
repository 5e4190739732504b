"""Playing a timeline in real time: the player and its clock, keys from the terminal, audio
sinks, and what the person sees while a session plays."""
