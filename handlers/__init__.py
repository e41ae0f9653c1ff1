"""Use cases: one function per command, over a unit of work, returning a result."""
