"""What a process needs to do its work: settings, database, clock, transport.

The web app and the scheduler each build one; nothing here knows about Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from nudges.clock import Clock, SystemClock
from nudges.config import Settings
from nudges.db.session import Database
from nudges.logs import quiet_libraries
from nudges.sms.transports import Transport, build_transport

if TYPE_CHECKING:
    from nudges.crisis_model import SemanticScreen


@dataclass
class Runtime:
    settings: Settings
    db: Database
    clock: Clock
    transport: Transport
    # Set by `nudges serve`, so /healthz holds this process's scheduler to account.
    scheduler_in_process: bool = False
    started_at: datetime | None = None
    # Tier 2 of the crisis screen, loaded on first use (the scheduler never needs it).
    semantic_override: SemanticScreen | None = None

    @property
    def semantic(self) -> SemanticScreen:
        return self.semantic_override or shared_screen()

    @semantic.setter
    def semantic(self, screen: SemanticScreen) -> None:
        self.semantic_override = screen


def build_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    transport: Transport | None = None,
    db: Database | None = None,
    semantic: SemanticScreen | None = None,
) -> Runtime:
    quiet_libraries()  # the Twilio SDK and SQLAlchemy would log numbers and text
    clock = clock or SystemClock()
    return Runtime(
        settings=settings,
        db=db or Database(settings.database_url),
        clock=clock,
        transport=transport or build_transport(settings),
        started_at=clock.now(),
        semantic_override=semantic,
    )


@cache
def shared_screen() -> SemanticScreen:
    """One model per process (about 120 MB), loaded on first use."""
    from nudges.crisis_model import SemanticScreen

    return SemanticScreen()
