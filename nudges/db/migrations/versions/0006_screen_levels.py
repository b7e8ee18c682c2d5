"""screen levels: each inbound text's level and (for review) its words; alert tiers

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_message") as batch_op:
        batch_op.add_column(sa.Column("level", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("body", sa.Text(), nullable=True))
    # "rules" meant the alert was texted to the clinician: that is now the crisis level.
    op.execute("UPDATE crisis_alert SET tier = 'crisis' WHERE tier = 'rules'")
    with op.batch_alter_table("crisis_alert") as batch_op:
        batch_op.alter_column("tier", server_default="crisis")


def downgrade() -> None:
    with op.batch_alter_table("crisis_alert") as batch_op:
        batch_op.alter_column("tier", server_default="rules")
    op.execute("UPDATE crisis_alert SET tier = 'rules' WHERE tier = 'crisis'")
    with op.batch_alter_table("inbound_message") as batch_op:
        batch_op.drop_column("body")
        batch_op.drop_column("level")
