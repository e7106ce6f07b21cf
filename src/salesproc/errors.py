"""The two kinds of failure a user can meet, and the exit code each one means.

Everything below the CLI raises these; the CLI turns them into one line on
stderr. Keeping the exit code on the exception means no layer has to guess.
"""


class SalesprocError(Exception):
    """A failure to report to the user as one line, never as a traceback."""

    exit_code = 1


class InputError(SalesprocError):
    """What the user typed (or put in the config) is wrong: they must change it. Exit 2.

    `details` are printed one a line before the message: every bad row of an
    import, so the user can fix them all in one go.
    """

    exit_code = 2

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.details = details or []


class RuntimeFailure(SalesprocError):
    """The input was fine but the work could not be done (no database, I/O). Exit 1."""

    exit_code = 1
