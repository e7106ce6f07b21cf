"""team mode: a rep's login reads only its own row of `reps`

Revision ID: 0011
Revises: 0010

Issue 13 §5: a rep reads of its colleagues only what the leaderboard and the
broadcast publish (names and per-rep-and-day totals), not their work phones.
Migration 0009 let every rep read the whole `reps` table; here row-level
security hides a colleague's row from a rep's login (the supervisor's policy
still lets it read and change all), and the view `rep_names` publishes what a
board names a rep by: id, code, name, region and whether it is active. A view
runs with its owner's rights (the migrating role, which owns `reps` and so is
not subject to its policies), which is the mechanism that lets a rep read the
names without reading the rows, as the `rep_day_*` totals of 0009 do.

The supervisor's login manages the team's logins through four functions that
run with the owner's rights (SECURITY DEFINER, a fixed search_path, EXECUTE for
`salesproc_supervisor` alone): they create only logins in `salesproc_rep` or
`salesproc_supervisor` (never a superuser, nor a member of any other role), and
change or drop only the logins `team_users` lists. The supervisor itself gets
no CREATEROLE: on PostgreSQL 15 that would let it grant itself any role but a
superuser's, `pg_execute_server_program` (a shell on the server) among them.

PostgreSQL only: an SQLite file has no logins, and its boards read `reps`.

The edit window the policies and the trigger of 0009 enforce counts from the
server's `current_date` on purpose: a rep cannot move the server's clock, while
`SALESPROC_NOW` (the tool's clock, a hook for tests and replays) is the rep's own
to set and must not widen what its login may change.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UPGRADE = (
    "CREATE VIEW rep_names AS SELECT id, code, name, region, active FROM reps",
    "GRANT SELECT ON rep_names TO salesproc_rep, salesproc_supervisor",
    "ALTER TABLE reps ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY supervisor_all ON reps TO salesproc_supervisor USING (true) WITH CHECK (true)",
    "CREATE POLICY rep_read ON reps FOR SELECT TO salesproc_rep USING (id = salesproc_my_rep())",
)

#: what a login may be called (as `service.team.LOGIN` and `RESERVED` check it first)
_LOGIN_CHECK = """
    IF NOT (new_login ~ '^[a-z_][a-z0-9_]{0,62}$') OR new_login LIKE 'pg\\_%'
        OR new_login IN ('postgres', 'public', 'salesproc_rep', 'salesproc_supervisor')
    THEN
        RAISE EXCEPTION 'salesproc: % cannot be a login', new_login
            USING ERRCODE = 'invalid_parameter_value';
    END IF;"""

_SCRAM_CHECK = """
    IF verifier IS NULL OR verifier !~ '^SCRAM-SHA-256\\$' THEN
        RAISE EXCEPTION 'salesproc: a password goes as its SCRAM-SHA-256 verifier'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;"""

_TEAM_LOGIN_CHECK = """
    IF NOT EXISTS (SELECT FROM team_users t WHERE t.login = new_login)
        OR EXISTS (SELECT FROM pg_roles r WHERE r.rolname = new_login AND r.rolsuper)
    THEN
        RAISE EXCEPTION 'salesproc: % is not a login of this database', new_login
            USING ERRCODE = 'invalid_parameter_value';
    END IF;"""

#: run with the owner's rights; {schema} is the tables' schema, fixed at migration time
LOGIN_FUNCTIONS = (
    """
CREATE FUNCTION salesproc_add_login(
    new_login text, team_role text, rep integer, verifier text, made_at timestamp
) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN"""
    + _LOGIN_CHECK
    + _SCRAM_CHECK
    + """
    IF team_role IS NULL OR team_role NOT IN ('rep', 'supervisor')
        OR (team_role = 'rep') <> (rep IS NOT NULL)
    THEN
        RAISE EXCEPTION 'salesproc: a login is a rep''s (with its rep) or the supervisor''s'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION '
                   'NOBYPASSRLS INHERIT PASSWORD %L IN ROLE %I',
                   new_login, verifier, 'salesproc_' || team_role);
    INSERT INTO team_users (login, role, rep_id, created_at)
        VALUES (new_login, team_role, rep, made_at);
END $$""",
    """
CREATE FUNCTION salesproc_set_password(new_login text, verifier text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN"""
    + _TEAM_LOGIN_CHECK
    + _SCRAM_CHECK
    + """
    EXECUTE format('ALTER ROLE %I PASSWORD %L', new_login, verifier);
END $$""",
    """
CREATE FUNCTION salesproc_remove_login(new_login text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN"""
    + _TEAM_LOGIN_CHECK
    + """
    DELETE FROM team_users t WHERE t.login = new_login;
    IF EXISTS (SELECT FROM pg_roles r WHERE r.rolname = new_login) THEN
        EXECUTE format('DROP ROLE %I', new_login);
    END IF;
END $$""",
    """
CREATE FUNCTION salesproc_set_edit_days(days integer)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
    IF days IS NULL OR days < 0 OR days > 3660 THEN
        RAISE EXCEPTION 'salesproc: % is no number of days to edit in', days
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('CREATE OR REPLACE FUNCTION salesproc_edit_days() RETURNS integer '
                   'LANGUAGE sql IMMUTABLE AS %L', 'SELECT ' || days);
END $$""",
)

#: their signatures, for the grants and the downgrade
LOGIN_SIGNATURES = (
    "salesproc_add_login(text, text, integer, text, timestamp)",
    "salesproc_set_password(text, text)",
    "salesproc_remove_login(text)",
    "salesproc_set_edit_days(integer)",
)

DOWNGRADE = (
    *(f"DROP FUNCTION IF EXISTS {signature}" for signature in LOGIN_SIGNATURES),
    "DROP POLICY IF EXISTS rep_read ON reps",
    "DROP POLICY IF EXISTS supervisor_all ON reps",
    "ALTER TABLE reps DISABLE ROW LEVEL SECURITY",
    "DROP VIEW IF EXISTS rep_names",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for statement in UPGRADE:
        op.execute(statement)
    schema = bind.dialect.identifier_preparer.quote_identifier(
        bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    )
    for function in LOGIN_FUNCTIONS:
        op.execute(sa.text(function.replace("{schema}", schema)))
    for signature in LOGIN_SIGNATURES:
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO salesproc_supervisor")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in DOWNGRADE:
        op.execute(statement)
