"""answers: the nudge an inbound text answers; the clinician's name in invitations;
the hard-moment texts a parent was sent lately

Revision ID: 0009_answers
Revises: 0007_episodes
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_answers"
down_revision: str | None = "0008_checkins"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain nullable columns: SQLite adds them in place (no table rebuild), and
# every existing row means "none".
def upgrade() -> None:
    with op.batch_alter_table("inbound_message") as batch_op:
        batch_op.add_column(sa.Column("answers_outbox_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("clinician") as batch_op:
        batch_op.add_column(sa.Column("invite_name", sa.String(length=40), nullable=True))
    with op.batch_alter_table("subscriber") as batch_op:
        batch_op.add_column(sa.Column("recent_moments", sa.String(length=200), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+, PostgreSQL): rebuilding these tables, as
    # batch mode would, breaks the foreign keys other tables hold to them.
    op.execute("ALTER TABLE subscriber DROP COLUMN recent_moments")
    op.execute("ALTER TABLE clinician DROP COLUMN invite_name")
    op.execute("ALTER TABLE inbound_message DROP COLUMN answers_outbox_id")
