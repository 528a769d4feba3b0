"""steps.gherkin."""
