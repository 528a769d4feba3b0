"""steps.wiring."""
