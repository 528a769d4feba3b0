"""steps.run."""
