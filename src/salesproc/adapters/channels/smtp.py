"""E-mail through an SMTP server (smtplib): ssl, starttls or plain, with an optional login.

The message is UTF-8 text, base64-encoded so that no relay needs 8BITMIME for
the Chinese. The password comes from the config or, better, from the environment
variable the config names, read at send time; it is never quoted in a reason.
Every failure of a session is classed for retrying: a 4xx reply, a timeout or a
dropped connection may pass; a refused login, sender or recipient will not.
"""

import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from salesproc.adapters.channels.redact import Secrets
from salesproc.adapters.channels.retry import QUOTE_LIMIT, DeliveryError, Failed, with_retries
from salesproc.channel_settings import SmtpChannel
from salesproc.i18n import _


def deliver(
    channel: SmtpChannel,
    name: str,
    subject: str,
    text: str,
    secrets: Secrets,
    timeout: float,
    attempts: int,
    backoff: float,
) -> None:
    """Mail `text` with `subject` to the channel's recipients, or raise DeliveryError."""
    password = _password(channel, name)
    if password:
        secrets.add(password)
    message = _email(channel, subject, text)
    with_retries(
        lambda: _smtp_once(channel, message, password, timeout), name, attempts, backoff, secrets
    )


def _password(channel: SmtpChannel, name: str) -> str | None:
    """The SMTP password, from the environment when the config names a variable."""
    if channel.username is None:
        return None
    if channel.password_env is None:
        return channel.password
    value = os.environ.get(channel.password_env)
    if not value:
        raise DeliveryError(
            name,
            _("the environment variable {variable} (the SMTP password) is not set").format(
                variable=channel.password_env
            ),
        )
    return value


def _email(channel: SmtpChannel, subject: str, text: str) -> EmailMessage:
    """A UTF-8 text message; base64 so that no relay needs 8BITMIME for the Chinese."""
    message = EmailMessage()
    message["Subject"] = " ".join(subject.split())  # a line break would end the header
    message["From"] = channel.sender
    message["To"] = ", ".join(channel.to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=channel.envelope_sender.rpartition("@")[2])
    message.set_content(text, charset="utf-8", cte="base64")
    return message


def _smtp_reply(exc: smtplib.SMTPResponseException) -> str:
    error = exc.smtp_error
    words = error.decode("utf-8", errors="replace") if isinstance(error, bytes) else str(error)
    return f"{exc.smtp_code} {words}"[:QUOTE_LIMIT]


def _smtp_once(
    channel: SmtpChannel, message: EmailMessage, password: str | None, timeout: float
) -> None:
    """One SMTP session: connect, secure, log in, send; every failure classed for retrying."""
    where = f"{channel.host}:{channel.effective_port}"
    context = ssl.create_default_context()
    client: smtplib.SMTP | None = None
    try:
        if channel.security == "ssl":
            client = smtplib.SMTP_SSL(
                channel.host, channel.effective_port, timeout=timeout, context=context
            )
        else:
            client = smtplib.SMTP(channel.host, channel.effective_port, timeout=timeout)
        if channel.security == "starttls":
            client.starttls(context=context)
        if channel.username is not None and password is not None:
            client.login(channel.username, password)
        refused = client.send_message(
            message, from_addr=channel.envelope_sender, to_addrs=channel.envelope_recipients
        )
    except UnicodeEncodeError:
        # smtplib sends the login as ASCII only; say so rather than crash (never quote it)
        raise Failed(
            _("{server}: the username and password must be ASCII for an SMTP login").format(
                server=where
            ),
            retry=False,
        ) from None
    except smtplib.SMTPAuthenticationError as exc:
        raise Failed(
            _("{server} refused the login of {user}: {reply}").format(
                server=where, user=channel.username, reply=_smtp_reply(exc)
            ),
            retry=False,
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise Failed(
            _("{server} refused every recipient: {recipients}").format(
                server=where, recipients=", ".join(exc.recipients)
            ),
            retry=False,
        ) from None
    except smtplib.SMTPSenderRefused as exc:
        raise Failed(
            _("{server} refused the sender {sender}: {reply}").format(
                server=where, sender=channel.envelope_sender, reply=_smtp_reply(exc)
            ),
            retry=False,
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise Failed(
            _("{server}: {error}").format(server=where, error=exc),
            retry=False,
        ) from None
    except smtplib.SMTPServerDisconnected as exc:
        raise Failed(
            _("{server} closed the connection: {error}").format(server=where, error=exc),
            retry=True,
        ) from None
    except smtplib.SMTPResponseException as exc:
        raise Failed(
            _("{server} answered {reply}").format(server=where, reply=_smtp_reply(exc)),
            retry=400 <= exc.smtp_code < 500,
        ) from None
    except smtplib.SMTPException as exc:
        raise Failed(_("{server}: {error}").format(server=where, error=exc), retry=False) from None
    except ssl.SSLCertVerificationError as exc:
        raise Failed(
            _("{server}: its TLS certificate is not trusted: {error}").format(
                server=where, error=exc.verify_message or exc
            ),
            retry=False,
        ) from None
    except ssl.SSLError as exc:
        raise Failed(
            _("{server}: TLS failed: {error}").format(server=where, error=exc.reason or exc),
            retry=False,
        ) from None
    except TimeoutError:
        raise Failed(
            _("no answer from {server} within {timeout} s").format(server=where, timeout=timeout),
            retry=True,
        ) from None
    except OSError as exc:
        raise Failed(
            _("cannot reach {server}: {error}").format(server=where, error=exc.strerror or exc),
            retry=True,
        ) from None
    finally:
        if client is not None:
            _quit(client)
    if refused:
        # the others have the mail: sending again would give them a second copy
        raise Failed(
            _("{server} refused some recipients: {recipients}").format(
                server=where, recipients=", ".join(refused)
            ),
            retry=False,
        )


def _quit(client: smtplib.SMTP) -> None:
    """Say goodbye; a server that hangs up first has still taken the message."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()
