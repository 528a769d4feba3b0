"""steps.report."""
