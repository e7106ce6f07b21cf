"""The database: typed models, the engine and session, migrations, queries and writes.

Only portable SQLAlchemy constructs are used, so the same code runs on
PostgreSQL for larger teams; SQLite-only tuning lives in `engine`.
"""
