"""Models of the results app."""
