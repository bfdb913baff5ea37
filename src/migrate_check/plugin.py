"""pytest wiring for migrate-check (filled in by the spine)."""
