"""Allow `python -m loadwatch`."""

from loadwatch.cli import cli

cli()
