"""The use cases: one function for each thing a supervisor or a rep does, callable from Python.

Every function takes a `Context` first (settings, clock, database, calendar)
and typed arguments, and returns plain typed values; none prints, none knows
of Typer or Rich. The CLI parses what was typed, calls one of these and
renders what it returns; a script, a scheduler or another front end calls
them the same way:

    from salesproc.service import Context, visits, schedule
    with Context.open("team.db") as ctx:
        schedule.due(ctx)

Errors are `salesproc.errors.InputError` (the caller's input is wrong) and
`RuntimeFailure` (the work could not be done), each with its message for the user.
"""

from salesproc.service.context import Context

__all__ = ["Context"]
