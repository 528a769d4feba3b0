"""provision.desired."""
