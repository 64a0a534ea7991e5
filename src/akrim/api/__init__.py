"""The JSON API for the agencies' own systems, described at /api/openapi.json."""
