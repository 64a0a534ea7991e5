"""Social partners."""
