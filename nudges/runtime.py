"""What a process needs to do its work: settings, database, clock, transport.

The web app and the scheduler each build one; nothing here knows about Flask.
"""

from __future__ import annotations

from dataclasses import dataclass

from nudges.clock import Clock, SystemClock
from nudges.config import Settings
from nudges.db.session import Database
from nudges.sms.transports import Transport, build_transport


@dataclass
class Runtime:
    settings: Settings
    db: Database
    clock: Clock
    transport: Transport


def build_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    transport: Transport | None = None,
    db: Database | None = None,
) -> Runtime:
    return Runtime(
        settings=settings,
        db=db or Database(settings.database_url),
        clock=clock or SystemClock(),
        transport=transport or build_transport(settings),
    )
