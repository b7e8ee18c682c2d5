"""episodes: each enrolment of a number is an episode, and the rows about a
subscriber carry theirs; clinicians get a time zone and a session version;
alerts get an opaque token for the link in the alert text

Revision ID: 0007_episodes
Revises: 0006
Create Date: 2026-12-02
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from nudges.db.models import UTCDateTime

revision: str = "0007_episodes"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EPISODE_TABLES = ("consent_event", "inbound_message", "crisis_alert", "audit_event", "outbox")


def upgrade() -> None:
    op.create_table(
        "episode",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinician_id"], ["clinician.id"], name=op.f("fk_episode_clinician_id_clinician")
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"], ["subscriber.id"], name=op.f("fk_episode_subscriber_id_subscriber")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode")),
    )
    op.create_index(op.f("ix_episode_clinician_id"), "episode", ["clinician_id"])
    op.create_index(op.f("ix_episode_subscriber_id"), "episode", ["subscriber_id"])
    with op.batch_alter_table("subscriber") as batch_op:
        batch_op.add_column(sa.Column("episode_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("clinician") as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )
    for table in EPISODE_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("episode_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                f"fk_{table}_episode_id_episode", "episode", ["episode_id"], ["id"]
            )
            if table == "audit_event":
                batch_op.create_index("ix_audit_event_episode_id", ["episode_id"])
    with op.batch_alter_table("crisis_alert") as batch_op:
        batch_op.add_column(sa.Column("token", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("last_at", UTCDateTime(), nullable=True))
        batch_op.create_unique_constraint("uq_crisis_alert_token", ["token"])

    # What existed is one episode per number, with its clinician of the day.
    op.execute(
        "INSERT INTO episode (subscriber_id, clinician_id, started_at, source)"
        " SELECT id, clinician_id, created_at, 'migrated' FROM subscriber"
    )
    op.execute(
        "UPDATE subscriber SET episode_id ="
        " (SELECT max(e.id) FROM episode e WHERE e.subscriber_id = subscriber.id)"
    )
    for table in EPISODE_TABLES:
        op.execute(
            f"UPDATE {table} SET episode_id = (SELECT s.episode_id FROM subscriber s"  # noqa: S608 - fixed table names
            f" WHERE s.id = {table}.subscriber_id) WHERE subscriber_id IS NOT NULL"
        )
    conn = op.get_bind()
    ids = conn.execute(sa.text("SELECT id FROM crisis_alert")).scalars().all()
    for alert_id in ids:
        conn.execute(
            sa.text("UPDATE crisis_alert SET token = :token, last_at = created_at WHERE id = :id"),
            {"token": secrets.token_urlsafe(18), "id": alert_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("crisis_alert") as batch_op:
        batch_op.drop_constraint("uq_crisis_alert_token", type_="unique")
        batch_op.drop_column("last_at")
        batch_op.drop_column("token")
    for table in EPISODE_TABLES:
        with op.batch_alter_table(table) as batch_op:
            if table == "audit_event":
                batch_op.drop_index("ix_audit_event_episode_id")
            batch_op.drop_constraint(f"fk_{table}_episode_id_episode", type_="foreignkey")
            batch_op.drop_column("episode_id")
    op.drop_index(op.f("ix_episode_subscriber_id"), table_name="episode")
    op.drop_index(op.f("ix_episode_clinician_id"), table_name="episode")
    op.drop_table("episode")
    # Plain DROP COLUMN (SQLite 3.35+, PostgreSQL): rebuilding these tables, as
    # batch mode would, breaks the foreign keys other tables hold to them.
    op.execute("ALTER TABLE clinician DROP COLUMN session_version")
    op.execute("ALTER TABLE clinician DROP COLUMN timezone")
    op.execute("ALTER TABLE subscriber DROP COLUMN episode_id")
