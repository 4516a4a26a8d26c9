"""Models of the roster app."""
