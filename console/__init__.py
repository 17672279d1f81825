"""The facilitator console: run live public office hours from a terminal."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("facilitator-console")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+local"
