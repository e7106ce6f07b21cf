"""team mode: logins, the two group roles and row-level security on PostgreSQL

Revision ID: 0009
Revises: 0008

Issue 13 §5: on a shared PostgreSQL database a rep must not be able to change a
colleague's figures, and only the supervisor changes targets, reps,
assignments, calls, field records and audit reviews. The database enforces it,
so a rep with the URL and `psql` can do no more than with `salesproc`.

Both databases get `team_users` (login → role and rep, what the policies read
through `current_user`) and the per-rep-and-day totals the leaderboard
publishes (`rep_day_visits`, `rep_day_sales`, `rep_day_collections`), so the
schema is the same on both. PostgreSQL also gets:

- group roles `salesproc_rep` and `salesproc_supervisor` (cluster-wide, created
  once) and their privileges on this database's tables;
- row-level security: a rep reads and writes only its own customers, visits,
  sales, collections and daily reports, reads its own calls and audit reviews
  and only the history it wrote; the supervisor reads and writes all;
- `salesproc_edit_days()`, the number of days a rep may still edit or delete its
  own records (config `edit_days`, written by the `team` commands);
- a trigger that refuses a rep's write outside those rules *before* the policy
  would, with SQLSTATE 42501 and a detail the CLI turns into a plain sentence
  (a policy alone makes an UPDATE or DELETE of a hidden row match nothing,
  silently), and one that records the login as the history's `user`.

The views are owned by the migrating role (the table owner), so a rep reads
the totals through them without reading a colleague's rows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: the facts a rep owns: table → its date column
OWN_FACTS = {"visits": "visit_date", "sales": "sale_date", "collections": "collection_date"}
#: tables with row-level security (the supervisor's policy lets it do all)
SECURED = (
    "customers",
    "visits",
    "sales",
    "collections",
    "daily_reports",
    "history",
    "calls",
    "audit_reviews",
    "team_users",
)

VIEWS = {
    "rep_day_visits": "SELECT rep_id, visit_date AS day, count(*) AS visits "
    "FROM visits GROUP BY rep_id, visit_date",
    "rep_day_sales": "SELECT rep_id, sale_date AS day, sum(amount_cents) AS amount_cents "
    "FROM sales GROUP BY rep_id, sale_date",
    "rep_day_collections": "SELECT rep_id, collection_date AS day, "
    "sum(amount_cents) AS amount_cents FROM collections GROUP BY rep_id, collection_date",
}

#: server-wide: made by the first database's migration (which needs CREATEROLE), then reused
GROUPS = """
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'salesproc_rep') THEN
        CREATE ROLE salesproc_rep NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object THEN NULL;  -- made meanwhile for another database
END $$;
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'salesproc_supervisor') THEN
        CREATE ROLE salesproc_supervisor NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object THEN NULL;  -- made meanwhile for another database
END $$;
"""

#: The edit window counts from the server's `current_date` on purpose, not the tool's clock:
#: a rep cannot move the server's clock, while SALESPROC_NOW (a hook for tests and replays) is
#: the rep's own to set and must not widen its rights (see migration 0011).
FUNCTIONS = """
CREATE FUNCTION salesproc_edit_days() RETURNS integer
    LANGUAGE sql IMMUTABLE AS 'SELECT 3';

CREATE FUNCTION salesproc_my_rep() RETURNS integer
    LANGUAGE sql STABLE SET search_path FROM CURRENT
    AS 'SELECT rep_id FROM team_users WHERE login = current_user';

CREATE FUNCTION salesproc_check_rep_write() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    mine integer;
    me text;
    row_old jsonb;
    row_new jsonb;
    day_column text := TG_ARGV[0];
    oldest date;
BEGIN
    SELECT t.rep_id, r.code INTO mine, me
        FROM team_users t LEFT JOIN reps r ON r.id = t.rep_id
        WHERE t.login = current_user AND t.role = 'rep';
    IF NOT FOUND THEN  -- the supervisor or the owner: privileges and policies decide
        RETURN COALESCE(NEW, OLD);
    END IF;
    -- a rep's write only: a bulk load by the owner pays one look-up a row, not the JSON
    row_old := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    row_new := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    oldest := current_date - salesproc_edit_days();
    IF (row_old IS NOT NULL AND (row_old ->> 'rep_id')::integer IS DISTINCT FROM mine)
        OR (row_new IS NOT NULL AND (row_new ->> 'rep_id')::integer IS DISTINCT FROM mine)
    THEN
        RAISE EXCEPTION 'salesproc: login % may write % only as rep %', current_user,
            TG_TABLE_NAME, me
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = format('salesproc|own-rep|%s|%s|%s', TG_TABLE_NAME, lower(TG_OP), me);
    END IF;
    IF day_column IS NOT NULL AND (
        (row_old IS NOT NULL AND (row_old ->> day_column)::date < oldest)
        OR (row_new IS NOT NULL AND TG_OP = 'UPDATE' AND (row_new ->> day_column)::date < oldest))
    THEN
        RAISE EXCEPTION 'salesproc: login % may change % only within % days', current_user,
            TG_TABLE_NAME, salesproc_edit_days()
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = format('salesproc|edit-window|%s|%s|%s|%s', TG_TABLE_NAME,
                                  lower(TG_OP), me, salesproc_edit_days());
    END IF;
    RETURN COALESCE(NEW, OLD);
END $$;

CREATE FUNCTION salesproc_history_user() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM team_users WHERE login = current_user) THEN
        NEW."user" := current_user;
    END IF;
    RETURN NEW;
END $$;
"""

DROP_FUNCTIONS = (
    "salesproc_history_user()",
    "salesproc_check_rep_write()",
    "salesproc_my_rep()",
    "salesproc_edit_days()",
)


def _rep_policies() -> list[str]:
    own = "rep_id = salesproc_my_rep()"
    window = "{day} >= current_date - salesproc_edit_days()"
    sql = []
    for table, day in OWN_FACTS.items():
        sql += [
            f"CREATE POLICY rep_read ON {table} FOR SELECT TO salesproc_rep USING ({own})",
            f"CREATE POLICY rep_insert ON {table} FOR INSERT TO salesproc_rep WITH CHECK ({own})",
            f"CREATE POLICY rep_update ON {table} FOR UPDATE TO salesproc_rep USING ({own}) "
            f"WITH CHECK ({own} AND {window.format(day=day)})",
            # the edit window of a delete is the trigger's: a policy would hide the row silently
            f"CREATE POLICY rep_delete ON {table} FOR DELETE TO salesproc_rep USING ({own})",
        ]
    for table in ("customers", "daily_reports"):
        sql.append(
            f"CREATE POLICY rep_own ON {table} TO salesproc_rep USING ({own}) WITH CHECK ({own})"
        )
    for table in ("calls", "audit_reviews"):
        sql.append(f"CREATE POLICY rep_read ON {table} FOR SELECT TO salesproc_rep USING ({own})")
    sql += [
        'CREATE POLICY rep_own ON history TO salesproc_rep USING ("user" = current_user) '
        'WITH CHECK ("user" = current_user)',
        "CREATE POLICY rep_read ON team_users FOR SELECT TO salesproc_rep "
        "USING (login = current_user)",
    ]
    return sql


def _grants() -> list[str]:
    facts = ", ".join(OWN_FACTS)
    views = ", ".join(VIEWS)
    return [
        "GRANT USAGE ON SCHEMA public TO salesproc_rep, salesproc_supervisor",
        # the supervisor: everything but the schema's version and the logins
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
        "TO salesproc_supervisor",
        "REVOKE INSERT, UPDATE, DELETE ON alembic_version, team_users FROM salesproc_supervisor",
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO salesproc_supervisor",
        # a rep: its own facts (the policies say which rows), the team's names and totals
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {facts}, daily_reports TO salesproc_rep",
        "GRANT SELECT, INSERT, UPDATE ON customers TO salesproc_rep",
        "GRANT SELECT, INSERT ON history TO salesproc_rep",
        f"GRANT SELECT ON alembic_version, reps, targets, broadcasts, calls, audit_reviews, "
        f"team_users, {views} TO salesproc_rep",
        "GRANT USAGE, SELECT ON SEQUENCE customers_id_seq, visits_id_seq, sales_id_seq, "
        "collections_id_seq, daily_reports_id_seq, history_id_seq TO salesproc_rep",
    ]


def upgrade() -> None:
    op.create_table(
        "team_users",
        sa.Column("login", sa.String(length=63), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["rep_id"], ["reps.id"], name=op.f("fk_team_users_rep_id_reps")),
        sa.PrimaryKeyConstraint("login", name=op.f("pk_team_users")),
    )
    for name, select in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {select}")
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(GROUPS)
    op.execute(FUNCTIONS)
    for table, day in OWN_FACTS.items():
        op.execute(
            f"CREATE TRIGGER salesproc_rep_write BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION salesproc_check_rep_write('{day}')"
        )
    for table in ("customers", "daily_reports"):
        op.execute(
            f"CREATE TRIGGER salesproc_rep_write BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION salesproc_check_rep_write()"
        )
    op.execute(
        "CREATE TRIGGER salesproc_history_user BEFORE INSERT ON history "
        "FOR EACH ROW EXECUTE FUNCTION salesproc_history_user()"
    )
    for table in SECURED:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY supervisor_all ON {table} TO salesproc_supervisor "
            "USING (true) WITH CHECK (true)"
        )
    for statement in _rep_policies() + _grants():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in SECURED:
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
            for policy in ("supervisor_all", "rep_read", "rep_insert", "rep_update"):
                op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
            op.execute(f"DROP POLICY IF EXISTS rep_delete ON {table}")
            op.execute(f"DROP POLICY IF EXISTS rep_own ON {table}")
        for table in (*OWN_FACTS, "customers", "daily_reports"):
            op.execute(f"DROP TRIGGER IF EXISTS salesproc_rep_write ON {table}")
        op.execute("DROP TRIGGER IF EXISTS salesproc_history_user ON history")
        op.execute("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM salesproc_rep")
        op.execute("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM salesproc_supervisor")
        op.execute("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM salesproc_rep")
        op.execute("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM salesproc_supervisor")
        op.execute("REVOKE USAGE ON SCHEMA public FROM salesproc_rep, salesproc_supervisor")
        for function in DROP_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    for name in VIEWS:
        op.execute(f"DROP VIEW {name}")
    op.drop_table("team_users")
