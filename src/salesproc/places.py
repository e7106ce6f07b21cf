"""Where salesproc keeps its files by default: the config and the database.

A module of its own, importing nothing of ours: `salesproc --help` reads the config's `lang`
before any command runs (`cli.localized`), and loading `config` for its path alone (its
settings' classes, TOML parser, cadences and calendar) cost that help some 4% of its CPU.
"""

import os
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "salesproc"


def config_path(environ: Mapping[str, str] = os.environ) -> Path:
    """The config file: `SALESPROC_CONFIG`, else `config.toml` in the user's config folder."""
    named = environ.get("SALESPROC_CONFIG")
    if named:
        return Path(named).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / "config.toml"


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME) / "salesproc.db"
