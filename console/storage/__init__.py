"""Storage for Gridwatch: SQLAlchemy 2.0 ORM, Alembic migrations, and the
transactional dispatch service. Imports no Qt."""
