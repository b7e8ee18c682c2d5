"""checkins: the weekly check-in (on or off, when last asked, the last question
asked), the answer on the inbound text, and the nudge each inbound text followed

Revision ID: 0008_checkins
Revises: 0007_episodes
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from nudges.db.models import UTCDateTime

revision: str = "0008_checkins"
down_revision: str | None = "0007_episodes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain added columns and an index: SQLite adds them in place, no table rebuild
# (a rebuild breaks the foreign keys other tables hold to these two).
def upgrade() -> None:
    with op.batch_alter_table("subscriber") as batch_op:
        batch_op.add_column(
            sa.Column("checkins_enabled", sa.Boolean(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("last_checkin_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("question", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("question_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("inbound_message") as batch_op:
        batch_op.add_column(sa.Column("checkin", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("follows_outbox_id", sa.Integer(), nullable=True))
    op.create_index(
        "ix_inbound_message_follows_outbox_id", "inbound_message", ["follows_outbox_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_inbound_message_follows_outbox_id", table_name="inbound_message")
    op.execute("ALTER TABLE inbound_message DROP COLUMN follows_outbox_id")
    op.execute("ALTER TABLE inbound_message DROP COLUMN checkin")
    op.execute("ALTER TABLE subscriber DROP COLUMN question_at")
    op.execute("ALTER TABLE subscriber DROP COLUMN question")
    op.execute("ALTER TABLE subscriber DROP COLUMN last_checkin_at")
    op.execute("ALTER TABLE subscriber DROP COLUMN checkins_enabled")
