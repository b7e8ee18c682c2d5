"""What every command line needs, for `nudges.cli` and the commands that
packages above `nudges` add through entry points (they import this, never
`nudges.cli`, which loads them: no cycle)."""

from __future__ import annotations

import sys

import click

from nudges.config import ConfigError, Settings, load_settings
from nudges.runtime import Runtime, build_runtime


def settings_or_exit() -> Settings:
    """The settings, or exit 2 with the setting that is wrong."""
    try:
        return load_settings()
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


def runtime_or_exit() -> Runtime:
    return build_runtime(settings_or_exit())
