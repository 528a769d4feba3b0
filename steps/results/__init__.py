"""steps.results."""
