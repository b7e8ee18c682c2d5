"""outbox reasons: why a text was skipped (replaced by a later notice, no longer
active, outside the window...), and what a clinician's notice was changed from

Revision ID: 0010_outbox_reasons
Revises: 0009_answers
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_outbox_reasons"
down_revision: str | None = "0009_answers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain nullable columns: SQLite adds them in place (no table rebuild), and every
# existing row means "no reason recorded".
def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("skip_reason", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("told_from", sa.String(length=64), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+, PostgreSQL), as 0009 does.
    op.execute("ALTER TABLE outbox DROP COLUMN told_from")
    op.execute("ALTER TABLE outbox DROP COLUMN skip_reason")
