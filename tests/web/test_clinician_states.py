"""Honest states: the clinician pages offer only the actions that apply, End
asks first (and on an unanswered invitation cancels it, which is no opt-out),
every message says what really happened, a clinician's change is confirmed to
the parent by one text, and a lapsed invitation can be sent again."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest

from messages import segments, system_text
from nudges.clock import FrozenClock
from nudges.db.models import AuditEvent, ConsentEvent, Outbox, Subscriber
from nudges.runtime import Runtime
from scheduler.maintenance import maintain
from scheduler.runner import tick
from tests.conftest import ANNA_ATLANTA, CARLOS_CHICAGO, SignedClient
from tests.web import test_clinician_pages as pages
from tests.web.test_clinician_pages import Clinic, client_id, rows

lee, ross, runtime = pages.lee, pages.ross, pages.runtime
pytestmark = pytest.mark.slow


def flash(html: bytes) -> str:
    found = re.findall(rb'<p class="flash" role="status">(.*?)</p>', html, re.S)
    return " ".join(f.decode() for f in found).replace("&#39;", "'")


def follow(clinic: Clinic, response: object) -> bytes:
    location = response.headers["Location"]  # type: ignore[attr-defined]
    return bytes(clinic.client.get(location).data)


def buttons(html: bytes) -> list[str]:
    return [b.decode().strip() for b in re.findall(rb"<button[^>]*>([^<]*)</button>", html)]


def state(runtime: Runtime) -> str:
    [sub] = rows(runtime, Subscriber)
    return str(sub.state)


def audited(runtime: Runtime, action: str) -> int:
    return len(rows(runtime, AuditEvent, AuditEvent.action == action))


def test_an_invitee_is_offered_only_cancelling_and_a_pause_does_nothing(
    lee: Clinic, runtime: Runtime
) -> None:
    lee.invite(ANNA_ATLANTA)
    sub_id = client_id(runtime)
    page = lee.client.get(f"/clinician/clients/{sub_id}").data
    offered = buttons(page)
    assert "Cancel the invitation…" in offered
    assert not {"Pause texts", "Resume texts", "End texts…"} & set(offered)
    response = lee.post(f"/clinician/clients/{sub_id}/pause", f"/clinician/clients/{sub_id}")
    said = flash(follow(lee, response))
    assert said.startswith("Nothing was paused: Invited")
    assert state(runtime) == "pending" and audited(runtime, "paused") == 0


def test_a_stopped_client_has_no_resume_and_a_forced_resume_says_nothing_resumed(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "STOP")
    sub_id = client_id(runtime)
    page = lee.client.get(f"/clinician/clients/{sub_id}").data
    assert not {"Pause texts", "Resume texts", "End texts…"} & set(buttons(page))
    assert b"They texted STOP: nothing more is sent unless they text START." in page
    response = lee.post(f"/clinician/clients/{sub_id}/resume", f"/clinician/clients/{sub_id}")
    said = flash(follow(lee, response))
    assert "Texts resumed" not in said and said.startswith("Nothing was resumed: They texted STOP")
    assert state(runtime) == "stopped" and audited(runtime, "resumed") == 0


def test_end_asks_first_and_cancels_an_unanswered_invitation_without_an_opt_out(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    sub_id = client_id(runtime)
    client_page = f"/clinician/clients/{sub_id}"
    # One POST is not enough: it leads to the question.
    bare = lee.post(f"{client_page}/end", client_page)
    assert bare.status_code == 302 and bare.headers["Location"].endswith(f"{client_page}/end")
    assert state(runtime) == "pending"
    question = lee.client.get(f"{client_page}/end").data
    assert b"Cancel the invitation to Mum of twins?" in question
    assert b"not an opt-out" in question
    done = lee.post(f"{client_page}/end", f"{client_page}/end", confirm="yes")
    page = follow(lee, done)
    assert flash(page).startswith("Invitation cancelled")
    assert state(runtime) == "expired"
    assert b"invitation cancelled" in page and "Invite again" in buttons(page)
    assert rows(runtime, ConsentEvent, ConsentEvent.to_state == "stopped") == []
    dashboard = lee.client.get("/clinician/").data.decode()
    # The outcomes chart counts no stop: a cancelled invitation is not an opt-out.
    assert '<td data-label="Stopped">1</td>' not in dashboard
    # A YES to the cancelled invitation signs nobody up: it asks for consent again.
    twilio.text(ANNA_ATLANTA, "YES")
    assert state(runtime) == "pending"
    assert [o.kind for o in rows(runtime, Outbox)] == ["invitation"]


def test_a_cancelled_invitation_may_be_sent_again(lee: Clinic, runtime: Runtime) -> None:
    lee.invite(ANNA_ATLANTA, track="guilt", send_time="7:30pm")
    sub_id = client_id(runtime)
    client_page = f"/clinician/clients/{sub_id}"
    lee.post(f"{client_page}/end", f"{client_page}/end", confirm="yes")
    again = lee.post(f"{client_page}/invite-again", client_page)
    assert flash(follow(lee, again)).startswith("Invitation sent again")
    [sub] = rows(runtime, Subscriber)
    assert sub.state == "pending" and sub.track == "guilt" and sub.send_minute == 19 * 60 + 30
    assert [o.kind for o in rows(runtime, Outbox)] == ["invitation", "invitation"]
    # The form accepts the number too (it is no opt-out), once it lapses again.
    lee.post(f"{client_page}/end", f"{client_page}/end", confirm="yes")
    assert lee.invite(ANNA_ATLANTA).status_code == 302


def test_ending_an_active_clients_texts_is_refused_on_reinvite_saying_who_ended_them(
    lee: Clinic, ross: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    sub_id = client_id(runtime)
    client_page = f"/clinician/clients/{sub_id}"
    question = lee.client.get(f"{client_page}/end").data
    assert b"End texts to Mum of twins?" in question and b"cannot be undone" in question
    page = follow(lee, lee.post(f"{client_page}/end", f"{client_page}/end", confirm="yes"))
    assert flash(page).startswith("Texts ended: nothing more is sent.")
    assert b"ended from the clinician page (they did not opt out)" in page
    assert state(runtime) == "stopped"
    again = lee.invite(ANNA_ATLANTA)
    assert again.status_code == 400 and b"You ended the texts to this number" in again.data
    assert b"asked us to stop" not in again.data and b"texted STOP" not in again.data
    # Another clinician learns nothing of this number's history.
    other = ross.invite(ANNA_ATLANTA)
    assert other.status_code == 400 and b"This number cannot be invited." in other.data
    assert b"ended the texts" not in other.data and b"texted STOP" not in other.data
    dashboard = lee.client.get("/clinician/").data.decode()
    assert "1 opt-outs" not in dashboard  # the parent did not opt out


def test_a_client_who_texted_stop_is_refused_saying_so(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "STOP")
    response = lee.invite(ANNA_ATLANTA)
    assert response.status_code == 400 and b"This number texted STOP" in response.data


def test_a_number_that_is_not_the_clinicians_is_refused_saying_nothing_of_it(
    lee: Clinic, twilio: SignedClient
) -> None:
    """A parent who joined and stopped on their own: the clinician is not told
    they were ever in the programme."""
    twilio.text(ANNA_ATLANTA, "JOIN")
    twilio.text(ANNA_ATLANTA, "STOP")
    response = lee.invite(ANNA_ATLANTA)
    assert response.status_code == 400 and b"This number cannot be invited." in response.data
    assert b"texted STOP" not in response.data and b"opted out" not in response.data


def test_a_time_change_says_the_time_the_window_allows_and_texts_the_parent_once(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    sub_id = client_id(runtime)
    client_page = f"/clinician/clients/{sub_id}"
    response = lee.post(
        f"{client_page}/change", client_page, track="perfectionism", send_time="6am"
    )
    said = flash(follow(lee, response))
    [sub] = rows(runtime, Subscriber)
    real = re.search(r"texts will come around (\S+ Eastern) \(not 6:00am\)", said)
    assert real, said
    assert "They will get one text saying so." in said and "Saved." not in said
    [notice] = rows(runtime, Outbox, Outbox.kind == "notice")
    assert notice.body == system_text(
        "clinician_changed_time", program=runtime.settings.program_name, time=real.group(1)
    )
    assert notice.subscriber_id == sub.id and segments(notice.body) <= 2


def test_saving_the_same_settings_again_texts_nothing_and_a_second_change_replaces_the_first(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    """A clinician who presses Save twice, or changes the time twice before the
    parent was told, sends the parent one text: the settings as they are now."""
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    client_page = f"/clinician/clients/{client_id(runtime)}"
    for _ in range(3):
        said = flash(
            follow(
                lee,
                lee.post(
                    f"{client_page}/change", client_page, track="perfectionism", send_time="11am"
                ),
            )
        )
    assert "They will get one text" not in said and "11:00am" in said
    [first] = rows(runtime, Outbox, Outbox.kind == "notice", Outbox.state == "queued")
    assert "11:00am" in (first.body or "")
    lee.post(f"{client_page}/change", client_page, track="perfectionism", send_time="1pm")
    queued = rows(runtime, Outbox, Outbox.kind == "notice", Outbox.state == "queued")
    assert [n.body for n in queued] == [
        system_text(
            "clinician_changed_time", program=runtime.settings.program_name, time="1:00pm Eastern"
        )
    ]
    assert len(rows(runtime, Outbox, Outbox.kind == "notice", Outbox.state == "skipped")) == 1


def test_a_focus_change_is_texted_in_the_parents_language(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    with runtime.db.session() as session:
        session.get(Subscriber, client_id(runtime)).lang = "es"  # type: ignore[union-attr]
    client_page = f"/clinician/clients/{client_id(runtime)}"
    response = lee.post(f"{client_page}/change", client_page, track="guilt")
    said = flash(follow(lee, response))
    assert said == "Focus is now parent guilt. They will get one text saying so."
    [notice] = rows(runtime, Outbox, Outbox.kind == "notice")
    assert "ha cambiado el tema" in (notice.body or "") and "TEMA" in (notice.body or "")
    assert "parent guilt" not in (notice.body or "")  # the focus said in Spanish too
    # Both at once: still one text.
    lee.post(f"{client_page}/change", client_page, track="role_strain", send_time="7pm")
    assert len(rows(runtime, Outbox, Outbox.kind == "notice")) == 2


def test_an_invitee_is_not_texted_about_a_change_and_the_page_says_so(
    lee: Clinic, runtime: Runtime
) -> None:
    lee.invite(ANNA_ATLANTA)
    client_page = f"/clinician/clients/{client_id(runtime)}"
    response = lee.post(f"{client_page}/change", client_page, track="guilt", send_time="7pm")
    said = flash(follow(lee, response))
    assert "Texts will come around 7:00pm Eastern." in said
    assert "They were not texted: they have not replied YES yet" in said
    assert rows(runtime, Outbox, Outbox.kind == "notice") == []


def test_an_invitation_not_answered_in_7_days_shows_as_expired_with_invite_again(
    lee: Clinic, runtime: Runtime, clock: FrozenClock
) -> None:
    lee.invite(ANNA_ATLANTA)
    clock.advance(days=8)
    maintain(runtime, clock.now())
    dashboard = lee.client.get("/clinician/").data
    assert b'<span class="status">invitation expired</span>' in dashboard
    assert "Invite again" in buttons(dashboard)
    client_page = f"/clinician/clients/{client_id(runtime)}"
    page = lee.client.get(client_page).data
    assert b"did not reply YES within 7 days" in page
    lee.post(f"{client_page}/invite-again", client_page)
    assert state(runtime) == "pending"
    assert len(rows(runtime, Outbox, Outbox.kind == "invitation")) == 2


def test_an_invitation_never_sent_shows_as_such_and_goes_again_with_7_full_days(
    lee: Clinic, runtime: Runtime, clock: FrozenClock
) -> None:
    lee.invite(ANNA_ATLANTA)
    clock.advance(days=2)  # the scheduler was down: too old to send now
    tick(runtime)
    [first] = rows(runtime, Outbox)
    assert first.state == "skipped"
    client_page = f"/clinician/clients/{client_id(runtime)}"
    page = lee.client.get(client_page).data
    assert b"invitation not sent" in page and b"never sent" in page
    assert "Invite again" in buttons(page)
    assert b"invitation not sent" in lee.client.get("/clinician/").data
    lee.post(f"{client_page}/invite-again", client_page)
    [sub] = rows(runtime, Subscriber)
    assert sub.state == "pending" and sub.state_changed_at == clock.now()
    queued = rows(runtime, Outbox, Outbox.state == "queued")
    assert [o.kind for o in queued] == ["invitation"]
    page = lee.client.get(client_page).data
    assert b"invitation not sent" not in page and "Invite again" not in buttons(page)
    clock.advance(days=6)
    maintain(runtime, clock.now())
    assert state(runtime) == "pending"  # a full 7 days from the invitation that went
    assert clock.now() - sub.state_changed_at == timedelta(days=6)


def test_letting_the_parent_choose_does_not_show_as_a_track(lee: Clinic, runtime: Runtime) -> None:
    lee.invite(ANNA_ATLANTA, track="")
    page = lee.client.get(f"/clinician/clients/{client_id(runtime)}").data
    assert b"the parent chooses" in page
    assert b"<dd>trying to be a perfect parent</dd>" not in page


def test_the_alert_link_opens_the_alert_after_login_and_next_stays_on_this_site(
    app: object, lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "I want to die")
    [alert_sms] = rows(runtime, Outbox, Outbox.kind == "alert")
    path = "/clinician/alerts/" + (alert_sms.body or "").rsplit("/", 1)[-1]
    fresh = Clinic(app)
    sent_to = fresh.client.get(path)
    assert sent_to.status_code == 302 and "/clinician/login?next=" in sent_to.headers["Location"]
    form = fresh.client.get(sent_to.headers["Location"])
    action = re.search(r'<form[^>]*action="([^"]+)"', form.data.decode())
    assert action and unquote(action.group(1)) == f"/clinician/login?next={path}"
    logged_in = fresh.client.post(
        f"/clinician/login?next={path}",
        data={
            "email": pages.LEE[0],
            "password": pages.LEE[1],
            "csrf_token": pages.token(form.data),
        },
    )
    assert logged_in.status_code == 302 and logged_in.headers["Location"] == path
    for elsewhere in ("//evil.example/x", "https://evil.example/", "/clinician/../sms/inbound"):
        other = Clinic(app)
        page = other.client.get("/clinician/login")
        response = other.client.post(
            "/clinician/login",
            query_string={"next": elsewhere},
            data={
                "email": pages.LEE[0],
                "password": pages.LEE[1],
                "csrf_token": pages.token(page.data),
            },
        )
        assert response.headers["Location"] == "/clinician/", elsewhere


def test_an_invitation_outside_the_window_says_when_it_will_go(
    lee: Clinic, runtime: Runtime, clock: FrozenClock
) -> None:
    clock.advance(hours=11)  # Tuesday 2am in Atlanta
    response = lee.invite(ANNA_ATLANTA)
    said = flash(follow(lee, response))
    assert said.startswith("Invitation queued: it goes out Tue Nov 24, 9:00am Eastern")
    assert "Invitation sent" not in said


def test_an_alert_after_stop_says_they_stopped_not_that_they_are_paused(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "STOP")
    assert b"988" in twilio.text(ANNA_ATLANTA, "I want to die").data
    assert state(runtime) == "stopped"
    page = lee.client.get(f"/clinician/clients/{client_id(runtime)}").data
    assert b"They texted STOP: nothing more is sent unless they text START." in page
    assert b"paused until you or they resume" not in page
    assert "Resume texts" not in buttons(page)
    [token] = re.findall(r"/clinician/alerts/([A-Za-z0-9_-]{20,})", page.decode())
    alert = lee.client.get(f"/clinician/alerts/{token}").data
    assert b"stopped the texts: nothing more is sent unless they text START" in alert
    assert b"Paused their nudges" not in alert


NEW_YORK_CARA = "+12125550203"  # 212: New York, whatever zone the clinician picks


def test_the_time_shown_is_the_time_the_window_allows_in_every_zone_the_parent_may_be_in(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    """Pacific, 8:45pm, on a New York number: 7:30pm Pacific would be 10:30pm in
    New York, so texts come at 4:30pm Pacific. The invitation's message, the
    client page and its time field say the time the scheduler will send at,
    before and after the parent's own TIME."""
    response = lee.invite(
        "(212) 555-0203", timezone="America/Los_Angeles", send_time="8:45pm", frequency="daily"
    )
    page = follow(lee, response)
    said = flash(page)
    assert "around 4:30pm Pacific (not 8:45pm)" in said, said
    text = page.decode()
    assert "every day, around 4:30pm Pacific" in text
    assert "around 7:30pm" not in text and "keep 7:30pm" not in text
    assert "around 4:30pm Pacific" in twilio.text(NEW_YORK_CARA, "YES").data.decode()
    page = lee.client.get(f"/clinician/clients/{client_id(runtime, NEW_YORK_CARA)}").data.decode()
    assert "every day, around 4:30pm Pacific" in page and "keep 4:30pm Pacific" in page
    twilio.text(NEW_YORK_CARA, "TIME 8:45pm")
    page = lee.client.get(f"/clinician/clients/{client_id(runtime, NEW_YORK_CARA)}").data.decode()
    assert "every day, around 4:30pm Pacific" in page and "keep 4:30pm Pacific" in page
    [sub] = rows(runtime, Subscriber)
    # The scheduler's own slot: 4:30pm Pacific is 00:30 UTC the next day.
    assert sub.next_send_at is not None
    assert sub.next_send_at.strftime("%H:%M") == "00:30"


def test_a_notice_that_replaces_an_unsent_one_names_every_change_not_yet_told(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    """Time 10am, then the focus, before the first notice went out: one text
    with both, and the first shows on the page as replaced, not a bare skipped."""
    lee.invite(CARLOS_CHICAGO, track="guilt")
    twilio.text(CARLOS_CHICAGO, "YES")
    client_page = f"/clinician/clients/{client_id(runtime, CARLOS_CHICAGO)}"
    lee.post(f"{client_page}/change", client_page, track="guilt", send_time="10am")
    said = flash(follow(lee, lee.post(f"{client_page}/change", client_page, track="role_strain")))
    assert said == "Focus is now juggling work and family. They will get one text saying so."
    [queued] = rows(runtime, Outbox, Outbox.kind == "notice", Outbox.state == "queued")
    assert queued.body == system_text(
        "clinician_changed_both",
        program=runtime.settings.program_name,
        focus="juggling work and family",
        time="10:00am Central",
    )
    page = lee.client.get(client_page).data.decode()
    assert "skipped: replaced by a later notice" in page


def test_a_replacing_notice_in_spanish_names_the_time_and_not_a_focus_back_where_it_was(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    """Guilt at 9am; then perfectionism at 8:15pm (7:30pm in the window); then
    guilt again, before any notice went: his topic is still guilt as far as he
    knows, and his time moved from 9am to 7:30pm. One Spanish text, the time."""
    lee.invite(CARLOS_CHICAGO, track="guilt", send_time="9am", language="es")
    twilio.text(CARLOS_CHICAGO, "SI")
    client_page = f"/clinician/clients/{client_id(runtime, CARLOS_CHICAGO)}"
    lee.post(f"{client_page}/change", client_page, track="perfectionism", send_time="8:15pm")
    lee.post(f"{client_page}/change", client_page, track="guilt")
    [queued] = rows(runtime, Outbox, Outbox.kind == "notice", Outbox.state == "queued")
    assert "la hora de tus mensajes" in (queued.body or "")
    assert "7:30pm" in (queued.body or "") and "tema" not in (queued.body or "")
    # And back to 9am too: nothing is left to tell, so nothing goes.
    said = flash(
        follow(lee, lee.post(f"{client_page}/change", client_page, track="guilt", send_time="9am"))
    )
    assert "They were not texted: their settings are back to what they were last told" in said
    assert rows(runtime, Outbox, Outbox.kind == "notice", Outbox.state == "queued") == []


def test_saving_the_same_time_twice_is_audited_once(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    client_page = f"/clinician/clients/{client_id(runtime)}"
    for _ in range(2):
        lee.post(f"{client_page}/change", client_page, track="perfectionism", send_time="9am")
    assert [e.detail for e in rows(runtime, AuditEvent, AuditEvent.action == "time_changed")] == [
        "9:00am"
    ]
    audit = lee.client.get("/clinician/audit").data.decode()
    assert audit.count('<td data-label="What">time changed</td>') == 1


def test_a_notice_the_sender_could_not_send_says_why_on_the_page(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite(ANNA_ATLANTA)
    twilio.text(ANNA_ATLANTA, "YES")
    client_page = f"/clinician/clients/{client_id(runtime)}"
    lee.post(f"{client_page}/change", client_page, track="perfectionism", send_time="10am")
    twilio.text(ANNA_ATLANTA, "PAUSE")  # before the notice went
    tick(runtime)
    [notice] = rows(runtime, Outbox, Outbox.kind == "notice")
    assert notice.state == "skipped" and notice.skip_reason == "no longer active"
    assert "skipped: no longer active" in lee.client.get(client_page).data.decode()


def test_a_new_time_the_window_moves_to_the_same_time_texts_nothing_and_says_why(
    lee: Clinic, runtime: Runtime, twilio: SignedClient
) -> None:
    lee.invite("(212) 555-0203", timezone="America/Los_Angeles", send_time="8:45pm")
    twilio.text(NEW_YORK_CARA, "YES")
    client_page = f"/clinician/clients/{client_id(runtime, NEW_YORK_CARA)}"
    response = lee.post(
        f"{client_page}/change", client_page, track="perfectionism", send_time="7pm"
    )
    said = flash(follow(lee, response))
    assert "texts will come around 4:30pm Pacific (not 7:00pm)" in said
    assert "They were not texted: the time their texts really come did not change." in said
    assert rows(runtime, Outbox, Outbox.kind == "notice") == []
