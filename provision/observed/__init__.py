"""provision.observed."""
