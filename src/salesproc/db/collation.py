"""Text sorted the same on every database: character by character, as Python sorts it.

SQLite compares text byte by byte (its BINARY collation, code point order in
UTF-8); PostgreSQL sorts by the database's locale, so a team database created
with `zh_CN.UTF-8` or an ICU locale lists 李娜 and 张伟, or `Wang` and `li`,
in another order than the file on a laptop. A listing ordered by text orders
by `bytewise(column)`: the column itself on SQLite, the column in the `C`
collation (byte order, the same as SQLite's) on PostgreSQL.
"""

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class bytewise(FunctionElement[str]):
    """The text expression, compared by code point on every database."""

    type = String()
    inherit_cache = True


def _inner(element: bytewise, compiler: Any, **kw: Any) -> str:
    (expression,) = element.clauses
    return str(compiler.process(expression, **kw))


@compiles(bytewise)
def _as_is(element: bytewise, compiler: Any, **kw: Any) -> str:
    return _inner(element, compiler, **kw)


@compiles(bytewise, "postgresql")
def _in_c(element: bytewise, compiler: Any, **kw: Any) -> str:
    return f'{_inner(element, compiler, **kw)} COLLATE "C"'
