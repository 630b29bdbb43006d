"""loadwatch: training-load injury-risk monitor for runners and coaches."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("loadwatch")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"
