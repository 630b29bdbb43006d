"""loadwatch: training-load injury-risk monitor for runners and coaches."""

import logging
from importlib.metadata import PackageNotFoundError, version

# A library logs, it does not print: without this, Python's last-resort handler would show
# loadwatch's logged tracebacks on stderr. The CLI and the dashboard add a file handler.
logging.getLogger("loadwatch").addHandler(logging.NullHandler())

try:
    __version__ = version("loadwatch")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"
