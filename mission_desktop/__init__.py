"""Mission Desktop: a policy impacts digital twin for public services."""

__version__ = "0.1.0"
