"""Pure rules and types: no I/O, and nothing else of ours is imported here."""
