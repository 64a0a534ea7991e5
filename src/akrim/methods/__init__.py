"""Methods handbook."""
