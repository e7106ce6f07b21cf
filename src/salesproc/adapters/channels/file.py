"""A plain file the message is appended to (an SMS gateway's spool, say), or stdout."""

import sys
from pathlib import Path
from typing import TextIO

from salesproc.adapters.channels.retry import DeliveryError
from salesproc.channel_settings import FileChannel
from salesproc.i18n import _

#: The line written between two messages appended to the same file channel, so a
#: reader (an SMS gateway's spool, a person) can tell where one message ends.
SEPARATOR = "=" * 40


def append(channel: FileChannel, name: str, text: str, stdout: TextIO | None) -> None:
    """Append the message, with SEPARATOR before it unless the file is empty."""
    body = text if text.endswith("\n") else text + "\n"
    if channel.path == "-":
        out = stdout if stdout is not None else sys.stdout
        out.write(body)
        out.flush()
        return
    path = Path(channel.path).expanduser()
    try:
        with path.open("a", encoding="utf-8") as handle:
            # one write, so two senders appending at once do not interleave lines
            handle.write((SEPARATOR + "\n" if handle.tell() > 0 else "") + body)
    except OSError as exc:
        raise DeliveryError(
            name,
            _("cannot append to {path}: {reason}").format(path=path, reason=exc.strerror or exc),
        ) from None
