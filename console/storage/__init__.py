"""Storage for Gridwatch: SQLAlchemy 2.0 ORM, Alembic migrations, and the
transactional dispatch service. Imports no Qt."""

# The audit trail's hash chain hooks every ORM session: imported here so that no session can miss it.
from console.storage import audit_chain as _audit_chain  # noqa: E402,F401
