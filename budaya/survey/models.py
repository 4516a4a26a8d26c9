"""Models of the survey app."""
