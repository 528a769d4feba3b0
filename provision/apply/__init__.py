"""provision.apply."""
