"""The REST API under /api/v1/ (django-ninja, OpenAPI 3) and the national open data."""
