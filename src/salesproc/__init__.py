"""salesproc: the daily sales process of a field sales team, over one SQLite file."""

__version__ = "0.1.0"
