"""The root command's table of contents: each command's name, module and help, in order.

Why: building Typer's command tree costs more than most commands take to run (every
option of ~57 commands turned into Click parameters, every command module imported), yet
a run needs one command and `salesproc --help` needs only the names and first lines. So
the root group (`LazyCommands`) builds only the command that is run, from this table, and
lists the others from it. The one-line helps are therefore written twice, here and in
each command's docstring, which stays the source: a test fails when the two differ
(order, modules, helps; tests/test_architecture.py), saying which to copy.
"""

from types import ModuleType
from typing import Any

import typer
from typer import _click

#: name → (module whose `register(app)` adds it, its help as the command has it), in the
#: order Typer lists them: the plain commands first, then the groups.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": (
        "salesproc.cli.admin",
        "Create the database (or bring an older one up to date). Safe to run again.",
    ),
    "demo": (
        "salesproc.cli.admin",
        "Build a demo team (10 reps, ~630 customers, 60 days ending today), show its day and\n"
        "the cases planted for the audit to find.",
    ),
    "backup": (
        "salesproc.cli.admin",
        "Copy the database to FILE while the team goes on working; the copy is checked\n"
        "(`integrity_check`) before it is kept. On PostgreSQL, says the `pg_dump` line to run.",
    ),
    "log-visit": (
        "salesproc.cli.visits",
        "Log one customer visit: a row of the daily sales report (销售日报表).",
    ),
    "due": (
        "salesproc.cli.reports",
        "Customers to visit today or overdue (待回访), most overdue first, then A→C.",
    ),
    "four-visit": (
        "salesproc.cli.reports",
        "Prospects at risk of being dropped before their fourth visit (四次拜访法则).",
    ),
    "rank": (
        "salesproc.cli.reports",
        "The leaderboard (龙虎排行榜): daily, or cumulative for the period.",
    ),
    "progress": (
        "salesproc.cli.targets",
        "Week, month, quarter and year to date against target and against the time gone.",
    ),
    "call-plan": (
        "salesproc.cli.calls",
        "When to call each rep today, what to ask it, and what to announce on every call.",
    ),
    "export": (
        "salesproc.cli.exports",
        "Export visits, sales or customers, with the headings import reads (all, by default).",
    ),
    "history": (
        "salesproc.cli.history",
        "Every edit, delete and merge, oldest first: when, who, what, before and after.",
    ),
    "config": ("salesproc.cli.admin", "Show the effective settings and where each came from."),
    "rep": ("salesproc.cli.reps", "Add, list, deactivate and reactivate reps (销售人员)."),
    "customer": (
        "salesproc.cli.customers",
        "Add, list, show, edit, merge and delete customers (客户).",
    ),
    "visit": ("salesproc.cli.visits", "List and correct logged visits."),
    "sale": ("salesproc.cli.sales", "Record, list and correct sales and returns (退货)."),
    "report": ("salesproc.cli.daily_report", "The daily sales report (销售日报表)."),
    "target": ("salesproc.cli.targets", "Annual sales targets (销售目标), split down."),
    "broadcast": (
        "salesproc.cli.broadcast",
        "Send the leaderboard message to the team's channels (or `broadcast log`).",
    ),
    "call": ("salesproc.cli.calls", "Check-in calls (一个电话): log and list them."),
    "audit": (
        "salesproc.cli.audit",
        "Red flags: visits that look invented, backdated, padded or pressed (overlaps, late "
        "logs,\nshort visits, tight gaps, copied days, unsold orders, unconfirmed visits, "
        "pressing stock,\ndoubtful calls); --all adds the follow-ups.",
    ),
    "field": ("salesproc.cli.field", "Days in the market (走动管理) and what they found."),
    "import": (
        "salesproc.cli.imports",
        "Import sales, collections, customers and visits (all rows or none).",
    ),
    "collection": (
        "salesproc.cli.collections",
        "Record and correct money collected from customers (回款).",
    ),
    "team": (
        "salesproc.cli.team",
        "Logins of a shared PostgreSQL database: the supervisor and the reps (team mode).",
    ),
}

#: each module's commands as `register` adds them, once per process
_registered: dict[str, typer.Typer] = {}


def registered(module: str) -> typer.Typer:
    """A Typer app holding what `module`'s `register` adds, with the localized help pages."""
    found = _registered.get(module)
    if found is None:
        import importlib

        from salesproc.cli.localized import localize

        found = typer.Typer()
        loaded: ModuleType = importlib.import_module(module)
        loaded.register(found)
        localize(found)
        _registered[module] = found
    return found


def build(name: str, root: typer.Typer) -> _click.Command | None:
    """The Click command `name` as Typer builds it inside `root`'s tree; None if none."""
    import typer.main

    entry = COMMANDS.get(name)
    if entry is None:
        return None
    sub = registered(entry[0])
    for info in sub.registered_commands:
        if (info.name or typer.main.get_command_name(info.callback.__name__)) == name:  # type: ignore[union-attr]
            return typer.main.get_command_from_info(
                info,
                pretty_exceptions_short=root.pretty_exceptions_short,
                rich_markup_mode=root.rich_markup_mode,
            )
    for group in sub.registered_groups:
        if group.name == name:
            return typer.main.get_group_from_info(
                group,
                pretty_exceptions_short=root.pretty_exceptions_short,
                rich_markup_mode=root.rich_markup_mode,
                suggest_commands=root.suggest_commands,
            )
    return None


class LazyCommands:
    """A root group whose commands are built when first asked for, by name (`build`).

    `commands` (what a walk of the whole tree reads: tests, the catalog's extraction,
    Typer's "did you mean") builds them all; running one command or listing them in
    `--help` builds none but that one.
    """

    #: the Typer app whose callback and settings the root group has (set by its module)
    app: typer.Typer
    _built: dict[str, _click.Command]

    @property
    def commands(self) -> dict[str, _click.Command]:
        for name in COMMANDS:
            self._command(name)
        return self._built

    @commands.setter
    def commands(self, value: Any) -> None:
        self._built = dict(value or {})

    def _command(self, name: str) -> _click.Command | None:
        command = self._built.get(name)
        if command is None:
            command = build(name, self.app)
            if command is not None:
                self._built[name] = command
        return command

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        return self._command(cmd_name)

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return list(COMMANDS)

    def format_commands(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        """The list of commands from the table: no command module is imported for it."""
        from salesproc.cli.localized import command_rows
        from salesproc.i18n import _

        rows = command_rows([(name, entry[1]) for name, entry in COMMANDS.items()], formatter)
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)
