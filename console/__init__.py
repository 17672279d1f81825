"""The facilitator console: run live public office hours from a terminal."""

__version__ = "0.1.0"
"""The single source of the version (pyproject reads it), kept static: importlib.metadata
costs tens of milliseconds at every start."""
