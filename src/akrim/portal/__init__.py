"""Public portal."""
