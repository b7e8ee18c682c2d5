"""Clinicians: client aliases, track choice, alert text and acknowledgement,
audit by clinician, outbox texts to another number

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from nudges.db.models import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("subscriber") as batch_op:
        batch_op.add_column(sa.Column("alias", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("track_choice_until", UTCDateTime(), nullable=True))
    with op.batch_alter_table("crisis_alert") as batch_op:
        batch_op.add_column(sa.Column("acknowledged_by", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("tier", sa.String(length=16), nullable=False, server_default="rules")
        )
        batch_op.add_column(sa.Column("message_text", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_crisis_alert_acknowledged_by_clinician"),
            "clinician",
            ["acknowledged_by"],
            ["id"],
        )
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.add_column(sa.Column("clinician_id", sa.Integer(), nullable=True))
        batch_op.create_index(op.f("ix_audit_event_clinician_id"), ["clinician_id"], unique=False)
        batch_op.create_foreign_key(
            op.f("fk_audit_event_clinician_id_clinician"), "clinician", ["clinician_id"], ["id"]
        )
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("to_phone", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("to_phone")
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.drop_constraint(op.f("fk_audit_event_clinician_id_clinician"), type_="foreignkey")
        batch_op.drop_index(op.f("ix_audit_event_clinician_id"))
        batch_op.drop_column("clinician_id")
    with op.batch_alter_table("crisis_alert") as batch_op:
        batch_op.drop_constraint(
            op.f("fk_crisis_alert_acknowledged_by_clinician"), type_="foreignkey"
        )
        batch_op.drop_column("message_text")
        batch_op.drop_column("tier")
        batch_op.drop_column("acknowledged_by")
    with op.batch_alter_table("subscriber") as batch_op:
        batch_op.drop_column("track_choice_until")
        batch_op.drop_column("alias")
