"""The parent's language on the clinician's side: a Spanish invitee invited
again is invited in Spanish, and the client page says which language their
texts come in."""

from __future__ import annotations

from messages import system_text
from nudges.clock import FrozenClock
from nudges.db.models import Outbox, Subscriber
from nudges.runtime import Runtime
from scheduler.maintenance import maintain
from scheduler.runner import tick
from tests.web import test_clinician_pages as pages
from tests.web.test_clinician_pages import Clinic, client_id, rows

lee, runtime = pages.lee, pages.runtime
MARIA_MIAMI = "+13055550104"  # 305: Eastern


def _page(lee: Clinic, sub_id: int) -> str:
    return str(lee.client.get(f"/clinician/clients/{sub_id}").data.decode())


def test_invite_again_keeps_the_spanish_of_an_invitation_that_expired_unsent(
    lee: Clinic, runtime: Runtime, clock: FrozenClock
) -> None:
    lee.invite(MARIA_MIAMI, language="es")
    sub_id = client_id(runtime, MARIA_MIAMI)
    clock.advance(days=2)  # the scheduler was down: too old to send now
    tick(runtime)
    clock.advance(days=6)
    maintain(runtime, clock.now())
    [unsent] = rows(runtime, Outbox)
    assert unsent.state == "skipped" and "Responde SI" in unsent.body
    assert "invitation" in _page(lee, sub_id)  # expired or not sent: Invite again is offered

    lee.post(f"/clinician/clients/{sub_id}/invite-again", "/clinician/")
    [again] = rows(runtime, Outbox, Outbox.state == "queued")
    assert again.kind == "invitation"
    spanish = system_text("invitation", lang="es", program="P", msg_frequency="x", support="s")
    assert spanish.split(":", 1)[1][:25] in again.body and "Reply YES" not in again.body
    [sub] = rows(runtime, Subscriber)
    assert sub.lang == "es"
    assert '<dd class="language">Spanish (español)</dd>' in _page(lee, sub_id)


def test_the_client_page_names_the_language(lee: Clinic, runtime: Runtime) -> None:
    lee.invite(MARIA_MIAMI)
    assert '<dd class="language">English</dd>' in _page(lee, client_id(runtime, MARIA_MIAMI))
