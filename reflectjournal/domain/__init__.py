"""SQLModel tables and value types; no I/O."""
