"""The parent's language on the clinician's side: a Spanish invitee invited
again is invited in Spanish, and the client page says which language their
texts come in."""

from __future__ import annotations

import re

from messages import system_text
from nudges.clock import FrozenClock
from nudges.db.models import AuditEvent, Outbox, Subscriber
from nudges.runtime import Runtime
from scheduler.maintenance import maintain
from scheduler.runner import tick
from tests.conftest import SignedClient
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


def _flash(html: bytes) -> str:
    found = re.findall(rb'<p class="flash" role="status">(.*?)</p>', html, re.S)
    return " ".join(f.decode() for f in found).replace("&#39;", "'")


def _save(lee: Clinic, sub_id: int, **fields: str) -> str:
    page = f"/clinician/clients/{sub_id}"
    data = {"track": "guilt", "send_time": "", "language": "en", **fields}
    response = lee.post(f"{page}/change", page, **data)
    return _flash(lee.client.get(response.headers["Location"]).data)


def test_the_clinician_changes_the_language_and_the_parent_is_told_in_it(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(MARIA_MIAMI, track="guilt")
    twilio.text(MARIA_MIAMI, "YES")
    sub_id = client_id(runtime, MARIA_MIAMI)
    assert '<option selected value="en">English</option>' in _page(lee, sub_id)

    said = _save(lee, sub_id, language="es")
    assert "Their texts now come in Spanish (español)." in said
    assert "They will get one text saying so." in said
    [sub] = rows(runtime, Subscriber)
    assert sub.lang == "es"
    program = runtime.settings.program_name
    [notice] = rows(runtime, Outbox, Outbox.kind == "notice", Outbox.state == "queued")
    assert notice.body == system_text("clinician_changed_language", lang="es", program=program)
    assert rows(runtime, AuditEvent, AuditEvent.action == "language_changed")
    assert '<dd class="language">Spanish (español)</dd>' in _page(lee, sub_id)
    # The parent's own texts are now answered in Spanish too.
    assert "Llama al 988" in twilio.text(MARIA_MIAMI, "HELP").data.decode()

    # Saving the same settings again changes and texts nothing.
    assert _save(lee, sub_id, language="es") == "Nothing changed."

    # Back to English with a new focus: one notice, in English, naming the focus.
    _save(lee, sub_id, language="en", track="perfectionism")
    [notice] = rows(runtime, Outbox, Outbox.kind == "notice", Outbox.state == "queued")
    assert notice.body.startswith(f"{program}: your clinician set your texts to focus on")


def test_both_texts_of_a_language_change_fit_and_name_the_way_back() -> None:
    from messages import segments

    for lang, back in (("en", "ESPAÑOL"), ("es", "ENGLISH")):
        text = system_text("clinician_changed_language", lang=lang, program="P" * 20)
        assert back in text and "STOP" in text
        assert segments(text) <= 2
