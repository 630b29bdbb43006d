"""Persistence: engine, models, migrations and queries (SQLAlchemy 2)."""
