"""Models of the periods app."""
