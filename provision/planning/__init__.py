"""provision.planning."""
