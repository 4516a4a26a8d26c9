"""Models of the institutions app."""
