"""Test databases on PostgreSQL, made again for the next test instead of dropped and copied.

Why: `CREATE DATABASE … TEMPLATE` copies the whole catalog (~300 files, 8 MiB) after a
checkpoint that writes out every changed page on the server, for each of 1,700 tests: with
the drop, 80–430 ms on a busy 2-core machine, the more the busier (benchmarks/pg_pool_speed.py).
A database whose schema the test left as the template had it only needs its rows back:
delete them, VACUUM (which gives the tables' pages back: the rows go in from the first page,
in the order a copy holds them, though not at the same positions, as a copy keeps the
template's dead row versions too), COPY the template's rows in, set the sequences and the
planner's size figures back. That costs tens of milliseconds (tests/test_pg_pool.py checks
what the next test gets against a copy).

What counts as "the schema": everything a test could change in a database besides rows —
relations, columns, defaults, constraints, indexes, triggers and whether they fire,
row-level security and its policies, functions (their bodies too: `team` rewrites
`salesproc_edit_days`), views, sequences' definitions, privileges, owners, comments,
extensions and the database's own settings and privileges — taken as one digest. A
database whose digest differs, or that any step fails on, is dropped as before, and the
next test of its kind gets a fresh copy. A copy of template0 (no tables) that a test ran
`init` on gets its schema `public` made again, and is reused if the digest then matches.

Each test still gets a database of its own name: the one ready for reuse is renamed to it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: schemas the tests' data lives outside of; the temporary ones (a session's temporary
#: tables, an import's, go with it) stay in the catalog, empty, once a session has used them
_SYSTEM = (
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'"
    " AND n.nspname NOT LIKE 'pg\\_temp\\_%'"
)

#: one digest of everything in a database but its rows (see the module's docstring)
DIGEST = f"""
WITH rel AS (
    SELECT c.* FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_SYSTEM}
)
SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
    SELECT format('class %s %s %s %s %s %s %s %s', oid::regclass, relkind, relacl,
        relrowsecurity, relforcerowsecurity, pg_get_userbyid(relowner), reloptions,
        relpersistence) FROM rel
    UNION ALL SELECT format('column %s %s %s %s %s %s %s %s', attrelid::regclass, attnum,
        attname, format_type(atttypid, atttypmod), attnotnull, attisdropped, attacl,
        attcollation) FROM pg_attribute WHERE attrelid IN (SELECT oid FROM rel) AND attnum > 0
    UNION ALL SELECT format('default %s %s %s', adrelid::regclass, adnum,
        pg_get_expr(adbin, adrelid)) FROM pg_attrdef
    UNION ALL SELECT format('constraint %s %s %s %s', conrelid::regclass, contypid, conname,
        pg_get_constraintdef(c.oid)) FROM pg_constraint c
        JOIN pg_namespace n ON n.oid = c.connamespace WHERE {_SYSTEM}
    UNION ALL SELECT format('index %s', pg_get_indexdef(indexrelid))
        FROM pg_index WHERE indexrelid IN (SELECT oid FROM rel)
    UNION ALL SELECT format('trigger %s %s %s', tgrelid::regclass, pg_get_triggerdef(oid),
        tgenabled) FROM pg_trigger
    UNION ALL SELECT format('policy %s %s %s %s %s %s', polrelid::regclass, polname, polcmd,
        polpermissive, polroles, pg_get_expr(polqual, polrelid)) || coalesce(
        pg_get_expr(polwithcheck, polrelid), '') FROM pg_policy
    UNION ALL SELECT format('function %s %s %s %s %s %s %s', p.oid::regprocedure,
        md5(prosrc), proacl, proconfig, prosecdef, provolatile, pg_get_userbyid(proowner))
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {_SYSTEM}
    UNION ALL SELECT format('view %s %s', oid::regclass, pg_get_viewdef(oid))
        FROM rel WHERE relkind IN ('v', 'm')
    UNION ALL SELECT format('sequence %s %s %s %s %s %s %s', seqrelid::regclass, seqtypid,
        seqstart, seqincrement, seqmax, seqmin, seqcycle) FROM pg_sequence
        WHERE seqrelid IN (SELECT oid FROM rel)
    UNION ALL SELECT format('type %s %s', t.oid::regtype, typacl) FROM pg_type t
        JOIN pg_namespace n ON n.oid = t.typnamespace WHERE {_SYSTEM}
    UNION ALL SELECT format('schema %s %s %s', nspname, nspacl, pg_get_userbyid(nspowner))
        FROM pg_namespace n WHERE n.nspname NOT LIKE 'pg\\_%temp\\_%'
    UNION ALL SELECT format('extension %s %s', extname, extversion) FROM pg_extension
    UNION ALL SELECT format('event trigger %s %s', evtname, evtenabled) FROM pg_event_trigger
    UNION ALL SELECT format('default privileges %s %s', defaclobjtype, defaclacl)
        FROM pg_default_acl
    UNION ALL SELECT format('comment %s %s %s', classoid, objsubid, md5(description))
        FROM pg_description WHERE objoid >= 16384 OR classoid = 'pg_namespace'::regclass
    UNION ALL SELECT format('rule %s %s', ev_class::regclass, rulename) FROM pg_rewrite
        WHERE ev_class IN (SELECT oid FROM rel)
    UNION ALL SELECT format('setting %s %s', setrole, setconfig) FROM pg_db_role_setting
        WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
    UNION ALL SELECT format('database %s %s %s %s', datacl, datallowconn, datconnlimit,
        pg_get_userbyid(datdba)) FROM pg_database WHERE datname = current_database()
    UNION ALL SELECT format('large objects %s', count(*)) FROM pg_largeobject_metadata
    UNION ALL SELECT format('prepared %s', count(*)) FROM pg_prepared_xacts
        WHERE database = current_database()
) AS everything (x)
"""

_TABLES = f"""
SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND {_SYSTEM} ORDER BY 1
"""

_SEQUENCES = """
SELECT format('%I.%I', schemaname, sequencename), start_value, last_value FROM pg_sequences
WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
"""

#: the planner's size figures of the tables, their indexes and TOAST, as a copy has them
_SIZES = f"""
WITH tables AS (
    SELECT c.oid, c.reltoastrelid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND {_SYSTEM}
), heaps AS (
    SELECT oid FROM tables UNION ALL SELECT reltoastrelid FROM tables WHERE reltoastrelid <> 0
)
SELECT c.oid::regclass::text, c.relpages, c.reltuples, c.relallvisible FROM pg_class c
WHERE c.oid IN (SELECT oid FROM heaps)
    OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid IN (SELECT oid FROM heaps))
"""

#: schema `public` as in template0 (the digest checks it came out the same)
_EMPTY_PUBLIC = """
DROP SCHEMA public CASCADE;
CREATE SCHEMA public AUTHORIZATION pg_database_owner;
GRANT USAGE ON SCHEMA public TO PUBLIC;
COMMENT ON SCHEMA public IS 'standard public schema';
"""

_STATISTICS = f"""
SELECT count(*) FROM pg_statistic s JOIN pg_class c ON c.oid = s.starelid
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_SYSTEM}
"""


@dataclass(frozen=True)
class Template:
    """What a fresh copy of a template holds: the digest of its schema, and its rows."""

    digest: str
    #: table -> its rows as binary COPY, in the order they lie in the table
    rows: dict[str, bytes]
    #: (sequence, start, last value or None if never used)
    sequences: list[tuple[str, int, int | None]]
    sizes: list[tuple[str, int, float, int]]


def learn(connect: Callable[[str], Any], url: str) -> Template | None:
    """Read a fresh copy of a template (nothing has run on it yet); None if it cannot be
    made again by rows alone (the planner's statistics of its tables). `connect` opens an
    autocommit psycopg connection (a test may hide psycopg's module while it runs)."""
    with connect(url) as connection:
        if _one(connection, _STATISTICS) != 0:
            return None
        tables = [row[0] for row in connection.execute(_TABLES)]
        rows = {}
        with connection.cursor() as cursor:
            for table in tables:
                query = f"COPY (SELECT * FROM {table} ORDER BY ctid) TO STDOUT (FORMAT binary)"
                with cursor.copy(query) as copy:
                    data = b"".join(bytes(block) for block in copy)
                has_rows = _one(connection, f"SELECT EXISTS (SELECT FROM {table})")
                rows[table] = data if has_rows else b""
        sequences = [tuple(row) for row in connection.execute(_SEQUENCES)]
        sizes = [tuple(row) for row in connection.execute(_SIZES)]
        return Template(_one(connection, DIGEST), rows, sequences, sizes)  # type: ignore[arg-type]


def restore(connect: Callable[[str], Any], url: str, template: Template) -> bool:
    """Make the database of `url` (no one else connected) hold what a fresh copy of
    `template` holds; False, having changed nothing or only rows, when it cannot."""
    with connect(url) as connection:
        if _one(connection, DIGEST) != template.digest:
            if template.rows or template.sequences:
                return False
            # a copy of template0 the test ran `init` on: schema `public` made again
            connection.execute(_EMPTY_PUBLIC)
            return bool(_one(connection, DIGEST) == template.digest)
        tables = list(template.rows)
        if not tables:
            return not template.sequences
        with connection.transaction():
            # no triggers (team mode's write checks, the history's user) nor foreign keys
            connection.execute("SET LOCAL session_replication_role = replica")
            connection.execute("".join(f"DELETE FROM {table};" for table in tables))
        # the deleted rows' pages given back: the rows go in from the first page again
        connection.execute("VACUUM " + ", ".join(tables))
        left = "SELECT count(*) FROM unnest(%s::regclass[]) t WHERE pg_relation_size(t) > 0"
        if _one(connection, left, (tables,)) != 0:
            return False
        with connection.transaction(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            for table, data in template.rows.items():
                if data:
                    with cursor.copy(f"COPY {table} FROM STDIN (FORMAT binary)") as copy:
                        copy.write(data)
            names, starts, lasts = ([s[i] for s in template.sequences] for i in range(3))
            cursor.execute(
                "SELECT setval(s, coalesce(l, f), l IS NOT NULL)"
                " FROM unnest(%s::regclass[], %s::bigint[], %s::bigint[]) AS q (s, f, l)",
                (names, starts, lasts),
            )
            cursor.execute(
                "DELETE FROM pg_statistic WHERE starelid = ANY(%s::regclass[])", (tables,)
            )
            cursor.execute(
                "UPDATE pg_class c SET relpages = q.p, reltuples = q.t, relallvisible = q.v"
                " FROM unnest(%s::regclass[], %s::int[], %s::real[], %s::int[]) AS q (r, p, t, v)"
                " WHERE c.oid = q.r",
                [[size[i] for size in template.sizes] for i in range(4)],
            )
    return True


def wait_until_alone(admin: Any, name: str, seconds: float = 5.0) -> bool:
    """End every other session on database `name`; whether none is left (a renamed or
    dropped database must have none)."""
    others = "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
    deadline = time.monotonic() + seconds
    while True:
        pids = [row[0] for row in admin.execute(others, (name,))]
        if not pids:
            return True
        if time.monotonic() > deadline:
            return False
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s, 1000)", (pid,))
        time.sleep(0.001)


def _one(connection: Any, query: str, params: Any = None) -> Any:
    row = connection.execute(query, params).fetchone()
    assert row is not None
    return row[0]
