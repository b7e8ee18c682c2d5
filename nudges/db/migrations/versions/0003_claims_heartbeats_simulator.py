"""outbox.claim_token (claims are owned), heartbeat (scheduler and sending health),
simulator_message (the /dev/phone thread, console transport only)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from nudges.db.models import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
    op.create_table(
        "heartbeat",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_heartbeat")),
    )
    op.create_table(
        "simulator_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("who", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_simulator_message")),
    )
    op.create_index(
        op.f("ix_simulator_message_phone"), "simulator_message", ["phone"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_simulator_message_phone"), table_name="simulator_message")
    op.drop_table("simulator_message")
    op.drop_table("heartbeat")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("claim_token")
